#!/usr/bin/env bash
# Starts every e2e backend: installs the missing Debian packages in one apt run, then starts the
# backends in parallel. Writes $QWEX_E2E_STATE/env (all backends' env files). Any failure fails
# the whole setup with the backend's message; nothing is skipped. Usage:
#   QWEX_E2E_STATE=$(mktemp -d) scripts/e2e/up.sh && . "$QWEX_E2E_STATE/env" ... scripts/e2e/down.sh
BACKEND=up
source "$(dirname "$0")/lib.sh"
t0=$(date +%s%N)
need_pkgs /usr/sbin/sshd:openssh-server ssh:openssh-client slurmctld:slurm-wlm slurmd:slurm-wlm munged:munge \
  /usr/sbin/slurmdbd:slurmdbd /usr/sbin/mariadbd:mariadb-server podman:podman runc:runc /bin/busybox:busybox-static
t1=$(date +%s%N)
pids=() names=()
for b in standins sshd slurm podman; do
  bash "$E2E_DIR/$b-setup.sh" >"$QWEX_E2E_STATE/setup-$b.log" 2>&1 &
  pids+=($!) names+=("$b")
done
failed=()
for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${names[$i]}"); done
t2=$(date +%s%N)
for b in "${names[@]}"; do cat "$QWEX_E2E_STATE/setup-$b.log" >&2; done
if ((${#failed[@]})); then die "backend(s) failed to start: ${failed[*]} (see the messages above)"; fi
cat "$QWEX_E2E_STATE"/{standins,sshd,slurm,podman}/env >"$QWEX_E2E_STATE/env"
printf 'export QWEX_E2E_STATE=%s\nexport QWEX_E2E_SETUP_MS=%s\nexport QWEX_E2E_APT_MS=%s\n' "$QWEX_E2E_STATE" $(((t2 - t0) / 1000000)) $(((t1 - t0) / 1000000)) >>"$QWEX_E2E_STATE/env"
log "all backends up in $(((t2 - t0) / 1000000)) ms (packages $(((t1 - t0) / 1000000)) ms); env: $QWEX_E2E_STATE/env"
