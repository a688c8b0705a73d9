# shellcheck shell=bash
# Shared helpers for the e2e backend scripts (sourced). All state lives under $QWEX_E2E_STATE;
# nothing is written to /etc except a test user (recorded, removed by teardown).
set -euo pipefail
: "${QWEX_E2E_STATE:?set QWEX_E2E_STATE to a state directory (e.g. \$(mktemp -d))}"
mkdir -p "$QWEX_E2E_STATE"
chmod 755 "$QWEX_E2E_STATE" # other users (qwextest, slurm jobs) traverse it
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DEBIAN_FRONTEND=noninteractive

log() { printf '[e2e:%s] %s\n' "${BACKEND:-?}" "$*" >&2; }
die() { printf '[e2e:%s] error: %s\n' "${BACKEND:-?}" "$*" >&2; exit 1; }

# need_pkgs CMD:PKG ... — apt-get install the packages whose command/file is missing; on failure
# run apt-get update once and retry; on failure again exit naming the packages.
need_pkgs() {
  local missing=() pair probe pkg
  for pair in "$@"; do
    probe=${pair%%:*}; pkg=${pair#*:}
    if [[ $probe == /* ]]; then [ -e "$probe" ] && continue; else command -v "$probe" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  if ! apt-get install -y -qq "${missing[@]}" >"$QWEX_E2E_STATE/apt-$BACKEND.log" 2>&1; then
    apt-get update -qq >>"$QWEX_E2E_STATE/apt-$BACKEND.log" 2>&1 || :
    apt-get install -y -qq "${missing[@]}" >>"$QWEX_E2E_STATE/apt-$BACKEND.log" 2>&1 \
      || die "could not install Debian package(s) ${missing[*]} (apt-get install -y ${missing[*]}); log: $QWEX_E2E_STATE/apt-$BACKEND.log"
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# pick_port VAR DEFAULT: the env value if set (must be free), else DEFAULT if free, else a random free one.
pick_port() {
  local var=$1 def=$2 p
  if [ -n "${!var:-}" ]; then port_free "${!var}" || die "port ${!var} (\$$var) is in use: choose another with $var=…"; printf '%s' "${!var}"; return; fi
  if port_free "$def"; then printf '%s' "$def"; return; fi
  for _ in $(seq 50); do p=$((20000 + RANDOM % 30000)); if port_free "$p"; then printf '%s' "$p"; return; fi; done
  die "no free port found for $var"
}

wait_port() { # PORT SECONDS LOGFILE
  local i
  for i in $(seq $(($2 * 20))); do port_free "$1" || return 0; sleep 0.05; done
  die "nothing listens on 127.0.0.1:$1 after $2 s; log: $3: $(tail -n 20 "$3" 2>/dev/null)"
}

# stop_pidfile FILE: TERM the pid in FILE (only if alive), wait up to 5 s, then KILL.
stop_pidfile() {
  local f=$1 pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || :)
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || :
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || :
  fi
  rm -f "$f"
}
