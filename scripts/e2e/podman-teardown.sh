#!/usr/bin/env bash
# Removes containers left in the private podman storage, unmounts it, and undoes host changes
# podman made (recorded by podman-setup.sh): /run/containers, ip_forward, NETAVARK chains.
BACKEND=podman
source "$(dirname "$0")/lib.sh"
S=$QWEX_E2E_STATE/podman
[ -d "$S" ] || exit 0
if [ -x "$S/bin/docker" ] && command -v podman >/dev/null 2>&1; then
  "$S/bin/docker" rm -af -t 0 >/dev/null 2>&1 || :
  "$S/bin/docker" system reset --force >/dev/null 2>&1 || : # unmounts overlay layers of this storage only
fi
if [ -f "$S/host-before" ]; then
  before_fwd=$(sed -n 's/^ip_forward=//p' "$S/host-before")
  if [ "$before_fwd" = 0 ] && [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]; then echo 0 >/proc/sys/net/ipv4/ip_forward || :; fi
  if grep -q '^run_containers=no' "$S/host-before"; then rm -rf /run/containers; fi
  # netns = "host" keeps netavark off the host firewall; say so if its chains appeared anyway.
  if [ "$(sed -n 's/^netavark_chains=//p' "$S/host-before")" = 0 ] && command -v iptables >/dev/null 2>&1 \
    && iptables -t nat -S 2>/dev/null | grep -q NETAVARK; then
    log "warning: NETAVARK iptables chains appeared during the run (not removed: they may not be ours)"
  fi
fi
log "stopped"
