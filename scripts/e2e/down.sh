#!/usr/bin/env bash
# Stops every e2e backend started by up.sh (their own pid files only), innermost first.
# With --rm, also deletes $QWEX_E2E_STATE.
BACKEND=down
source "$(dirname "$0")/lib.sh"
rc=0
for b in podman slurm standins sshd; do bash "$E2E_DIR/$b-teardown.sh" || rc=1; done
if [ "${1:-}" = --rm ]; then rm -rf "$QWEX_E2E_STATE"; fi
exit $rc
