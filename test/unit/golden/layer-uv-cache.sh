#!/bin/sh
# shellcheck disable=SC2016,SC2088 # single-quoted values are data: a $ or ~ in them must not expand
# qwex layer uv-cache: sync the project's locked environment with uv (shared cache,
# keyed env), then run the inner script with that environment first on PATH.
set -eu
say() { printf '[qwex:uv-cache] %s\n' "$*" >&2; }
# A leading "~" or "~/" in a path input means $HOME of the user running this script.
home_path() { case $1 in "~") printf '%s\n' "$HOME" ;; "~/"*) printf '%s/%s\n' "$HOME" "${1#"~/"}" ;; *) printf '%s\n' "$1" ;; esac; }

UV=$(home_path 'uv')
command -v "$UV" >/dev/null 2>&1 || { say "uv not found: $UV (set uv_bin, or install uv on this machine/image)"; exit 127; }
cd '/tmp/qwex-lint/runs/lint-run/src' || { say "cannot cd to the code dir"; exit 126; }

UV_CACHE_DIR=${UV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/uv}
export UV_CACHE_DIR
export UV_PYTHON_DOWNLOADS='automatic'

# Keyed environment: one env per (uv.lock, python, platform, sync flags), reused across runs,
# so a fresh worktree does not re-copy torch into a new .venv every time.
if [ -f uv.lock ]; then
  key=$({ cat uv.lock; printf '\n%s\n' '' "$(uname -sm)" '--locked' '--no-dev' '--no-install-project'; cat .python-version 2>/dev/null || :; } | { sha256sum 2>/dev/null || cksum; } | cut -c1-16)
  VENV=$(home_path '~/.cache/qwex/uv-envs')/$key
else
  say "no uv.lock in $PWD: using the project's .venv instead of a keyed env"
  VENV=$PWD/.venv
fi
UV_PROJECT_ENVIRONMENT=$VENV
export UV_PROJECT_ENVIRONMENT
mkdir -p "$UV_CACHE_DIR" "$(dirname "$VENV")"
# uv hardlinks/clones from the cache and falls back to a full copy across file systems;
# decide up front (copy across file systems and on NFS, astral-sh/uv#7285, #15149).
if [ -z "${UV_LINK_MODE:-}" ]; then
  fs=$(stat -f -c %T "$UV_CACHE_DIR" 2>/dev/null || :)
  d1=$(stat -c %d "$UV_CACHE_DIR" 2>/dev/null || :)
  d2=$(stat -c %d "$(dirname "$VENV")" 2>/dev/null || :)
  case $fs in
    nfs*) UV_LINK_MODE=copy ;;
    *) if [ "$d1" != "$d2" ]; then UV_LINK_MODE=copy; fi ;;
  esac
  if [ -n "${UV_LINK_MODE:-}" ]; then export UV_LINK_MODE; fi
fi
if command -v flock >/dev/null 2>&1; then
  # Beside the environment, named after it: "$VENV.lock" would sit inside it when VENV ends in "/".
  exec 9>"$(dirname "$VENV")/$(basename "$VENV").lock"
  flock 9
else
  say "flock not found: syncing without a lock"
fi
# uv sync runs as a child so TERM/INT can be forwarded to it; its output goes to stderr.
child=
trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || :; fi' TERM INT
t0=$(date +%s)
"$UV" sync '--locked' '--no-dev' '--no-install-project' >&2 9>&- &
child=$!
rc=0; wait "$child" || rc=$?
while kill -0 "$child" 2>/dev/null; do rc=0; wait "$child" || rc=$?; done
child=
trap - TERM INT
exec 9>&-
if [ "$rc" -ne 0 ]; then say "uv sync failed (exit $rc) for $VENV"; exit "$rc"; fi
say "uv sync: $(( $(date +%s) - t0 ))s, env $VENV"
if [ "$VENV" != "$PWD/.venv" ]; then
  # the project is not installed into the shared keyed env: make its code importable from here
  pp=$PWD
  if [ -d "$PWD/src" ]; then pp=$PWD/src:$pp; fi
  PYTHONPATH=$pp${PYTHONPATH:+:$PYTHONPATH}
  export PYTHONPATH
fi
VIRTUAL_ENV=$VENV
PATH=$VENV/bin:$PATH
export VIRTUAL_ENV PATH
unset PYTHONHOME
eval "$(printf %s IyEvYmluL3NoCiMgc2hlbGxjaGVjayBkaXNhYmxlPVNDMjAxNixTQzIwODgKc2V0IC1ldQpleGVjICdweXRob24nICd0cmFpbi5weScK | base64 -d)"
