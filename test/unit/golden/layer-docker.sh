#!/bin/sh
# shellcheck disable=SC2016,SC2088 # single-quoted values are data: a $ or ~ in them must not expand
# qwex layer docker: run the inner script in a container (docker or podman).
set -eu
say() { printf '[qwex:docker] %s\n' "$*" >&2; }
D='docker'
command -v "$D" >/dev/null 2>&1 || { say "$D not found on PATH"; exit 127; }

set -- run --name 'qwex-lint-run' --pull 'missing'
set -- "$@" --rm
set -- "$@" --init
set -- "$@" --user "$(id -u):$(id -g)" -e HOME=/tmp
set -- "$@" --shm-size '8g'
set -- "$@" -v '/tmp/qwex-lint/runs/lint-run:/tmp/qwex-lint/runs/lint-run'
set -- "$@" -v '/tmp/qwex-lint/runs/lint-run/src:/tmp/qwex-lint/runs/lint-run/src'
set -- "$@" -w '/tmp/qwex-lint/runs/lint-run/src'
inner=$(printf %s IyEvYmluL3NoCiMgc2hlbGxjaGVjayBkaXNhYmxlPVNDMjAxNixTQzIwODgKc2V0IC1ldQpleGVjICdweXRob24nICd0cmFpbi5weScK | base64 -d)
# exec: the CLI proxies TERM/INT to the container (--init delivers them to the command) and
# exits with the command's status; 125/126/127 are docker's own errors.
exec "$D" "$@" --entrypoint /bin/sh 'pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime' -c "$inner"
