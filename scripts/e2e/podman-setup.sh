#!/usr/bin/env bash
# Podman as the docker backend: runc, cgroupfs, file events logger, host network, explicit ulimits,
# private storage under $QWEX_E2E_STATE/podman, an image built offline from busybox-static, and a
# `docker` shim ($QWEX_E2E_STATE/podman/bin/docker → podman CLI) for tests to put first on PATH.
# Not the Docker-compat API: through it `docker run --rm` always exits 0 (podman#18889).
# Writes $QWEX_E2E_STATE/podman/env. See reference/backends.md §3.
BACKEND=podman
source "$(dirname "$0")/lib.sh"
need_pkgs podman:podman runc:runc /bin/busybox:busybox-static
S=$QWEX_E2E_STATE/podman
mkdir -p "$S/bin" "$S/tmp" "$S/storage" "$S/run"; chmod 755 "$S" "$S/bin"
IMAGE=${QWEX_PODMAN_IMAGE:-localhost/qwex-busybox:latest}
DRIVER=${QWEX_PODMAN_DRIVER:-overlay}

# Host state podman may change even with host networking: recorded once, restored by teardown.
if [ ! -f "$S/host-before" ]; then
  {
    echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo '?')"
    echo "run_containers=$([ -e /run/containers ] && echo yes || echo no)"
    echo "netavark_chains=$(iptables -t nat -S 2>/dev/null | grep -c NETAVARK || :)"
  } >"$S/host-before"
fi

cat >"$S/containers.conf" <<CONF
[containers]
netns = "host"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$S/events.log"
tmp_dir = "$S/tmp"
CONF
cat >"$S/storage.conf" <<CONF
[storage]
driver = "$DRIVER"
graphroot = "$S/storage"
runroot = "$S/run"
CONF
cat >"$S/bin/docker" <<SHIM
#!/bin/sh
# qwex e2e: docker → the real podman CLI with private config (not a stand-in).
CONTAINERS_CONF=$S/containers.conf CONTAINERS_STORAGE_CONF=$S/storage.conf
export CONTAINERS_CONF CONTAINERS_STORAGE_CONF
exec /usr/bin/podman "\$@"
SHIM
chmod 755 "$S/bin/docker"; cp "$S/bin/docker" "$S/bin/podman"

if ! "$S/bin/docker" image exists "$IMAGE" 2>/dev/null; then
  # Offline image: busybox-static with one symlink per applet.
  R=$S/rootfs; rm -rf "$R"; mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root"; chmod 1777 "$R/tmp"
  cp /bin/busybox "$R/bin/busybox"
  for a in $("$R/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$R/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$R/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
  tar --numeric-owner -C "$R" -cf "$S/rootfs.tar" .
  "$S/bin/docker" import --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' "$S/rootfs.tar" "$IMAGE" >"$S/import.log" 2>&1 \
    || die "podman import failed: $(tail "$S/import.log")"
  rm -rf "$R"
fi
out=$("$S/bin/docker" run --rm "$IMAGE" sh -c 'echo ok; exit 5' 2>&1) && rc=0 || rc=$?
[ "$out" = ok ] && [ "$rc" = 5 ] || die "smoke container failed (rc $rc, want 5): $out"

cat >"$S/env" <<ENV
export QWEX_PODMAN_IMAGE=$IMAGE
export QWEX_DOCKER_BIN=$S/bin
export CONTAINERS_CONF=$S/containers.conf
export CONTAINERS_STORAGE_CONF=$S/storage.conf
ENV
log "podman ($DRIVER, runc) with image $IMAGE; docker shim in $S/bin"
