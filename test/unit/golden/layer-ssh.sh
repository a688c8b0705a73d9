#!/bin/sh
# shellcheck disable=SC2016,SC2088 # single-quoted values are data: a $ or ~ in them must not expand
# qwex layer ssh: run the inner script on a remote host over OpenSSH.
# The remote login shell (bash, zsh, tcsh, fish, ...) only ever sees `sh -c '<constant text + base64>'`.
set -eu
say() { printf '[qwex:ssh] %s\n' "$*" >&2; }
command -v ssh >/dev/null 2>&1 || { say "ssh not found on PATH"; exit 127; }

# ssh keeps the first value it gets for an option, so the user's options come first.
# -T: no pty (a pty merges stderr into stdout and turns newlines into CRLF).
set -- -T
set -- "$@" -o ConnectTimeout='15'
set -- "$@" -o ServerAliveInterval='15' -o ServerAliveCountMax='4'
set -- "$@" -o ControlMaster=auto -o ControlPath='~/.ssh/qwex-%C' -o ControlPersist='10m'
set -- "$@" -- 'csc'

# ssh runs as a child so TERM/INT reach it. Without a pty, killing the client does not stop the
# remote command: use the cancel lifecycle script for that.
child=
trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || :; fi' TERM INT
ssh -n "$@" 'sh -c '\''eval "$(printf %s IyBzaGVsbGNoZWNrIGRpc2FibGU9U0MyMDE2LFNDMjA4OApzZXQgLWV1CmJhc2U9J34vLnF3ZXgnCmNhc2UgJGJhc2UgaW4gIn4iKSBiYXNlPSRIT01FIDs7ICJ+LyIqKSBiYXNlPSRIT01FLyR7YmFzZSMifi8ifSA7OyBlc2FjClJVTj0kYmFzZS9ydW5zL2xpbnQtcnVuCm1rZGlyIC1wICIkUlVOL21ldGEiICIkUlVOL2xvZ3MiICIkUlVOL291dCIKaWYgY29tbWFuZCAtdiBiYXNoID4vZGV2L251bGwgMj4mMTsgdGhlbiBzZXQgLS0gYmFzaCAtbDsgZWxzZSBzZXQgLS0gc2ggLWw7IGZpCmJvZHk9JChwcmludGYgJXMgWlhaaGJDQWlKQ2h3Y21sdWRHWWdKWE1nU1hsRmRsbHRiSFZNTTA1dlEybE5aMk15YUd4aVIzaHFZVWRXYW1GNVFtdGhXRTVvV1cxNGJGQldUa1JOYWtGNFRtbDRWRkY2U1hkUFJHZExZekpXTUVsRE1XeGtVWEJzWlVkV2FrbERaSGRsV0ZKdllqSTBia2xEWkRCamJVWndZbWsxZDJWVFkwc2dmQ0JpWVhObE5qUWdMV1FwSWdvPSB8IGJhc2U2NCAtZCkKZXhlYyAiJEAiIC1jICIkYm9keSIK | base64 -d)"'\''' &
child=$!
rc=0; wait "$child" || rc=$?
while kill -0 "$child" 2>/dev/null; do rc=0; wait "$child" || rc=$?; done
if [ "$rc" -eq 255 ]; then say "connection to "'csc'" failed (ssh exit 255; a remote command exiting 255 looks the same)"; fi
exit "$rc"
