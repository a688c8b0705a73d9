#!/usr/bin/env bash
# Stops the sshd started by sshd-setup.sh (its pid file only), its ControlMasters, and removes the
# user it created.
BACKEND=sshd
source "$(dirname "$0")/lib.sh"
S=$QWEX_E2E_STATE/sshd
[ -d "$S" ] || exit 0
for sock in "$S"/cm-*; do [ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit qwex 2>/dev/null || :; done
stop_pidfile "$S/sshd.pid"
if [ -f "$S/created_user" ]; then
  u=$(cat "$S/created_user")

  userdel -f "$u" 2>/dev/null || :
  rm -f "$S/created_user"
fi
log "stopped"
