#!/usr/bin/env bash
# Per-chain overhead of qwex over the same command typed by hand, as ratios (means of N runs), on
# the backends of up.sh. Usage: QWEX_E2E_STATE=… scripts/e2e/up.sh; QWEX_E2E_STATE=… scripts/e2e/measure.sh
# Needs a built dist/ (npm run build). Prints a markdown table; asserts nothing.
BACKEND=measure
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC1091
source "$QWEX_E2E_STATE/env"
ROOT=$(cd "$E2E_DIR/../.." && pwd)
QWEX="node $ROOT/dist/main.js"
N=${N:-10}
export PATH=$QWEX_DOCKER_BIN:$QWEX_STANDIN_BIN:$PATH
W=$(mktemp -d "$QWEX_E2E_STATE/measure.XXXXXX")
P=$W/proj; mkdir -p "$P"; cd "$P"
export HOME=$W/home; mkdir -p "$HOME"
git init -q; git config user.email m@m; git config user.name m
$QWEX init --yes >/dev/null; $QWEX add ssh slurm docker >/dev/null
ssh_layer="      - ssh:
          host: qwex-root
          identity_file: $QWEX_SSH_KEY
          batch_mode: true
          control_path: $QWEX_SSH_CONTROL_DIR/cm-%C
          login_env: false
          remote_base: $QWEX_E2E_STATE/measure-remote
          options: { HostName: 127.0.0.1, Port: \"$QWEX_SSH_PORT\", StrictHostKeyChecking: \"no\", UserKnownHostsFile: /dev/null, LogLevel: ERROR }"
sed -i "s|^runners:|runners:\n  s:\n    layers:\n$(printf '%s' "$ssh_layer" | sed ':a;N;$!ba;s/\n/\\n/g')\n  sl:\n    layers:\n      - slurm: { time: \"00:05:00\", poll_interval: 1, cpus_per_task: 1 }\n  d:\n    layers:\n      - docker: { image: $QWEX_PODMAN_IMAGE }|" .qwex/config.yaml
git add -A; git commit -qm m
mkdir -p .qwex/runs/m1/src

mean_ms() { # N CMD... → mean wall ms
  local n=$1 t0 t1; shift
  t0=$(date +%s%N); for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || :; done; t1=$(date +%s%N)
  echo $(((t1 - t0) / n / 1000000))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b < 1) b = 1; printf "%.1f", a / b }'; }
row() { printf '| %s | %s ms | %s ms | %s× |\n' "$1" "$2" "$3" "$(ratio "$3" "$2")"; }

$QWEX render -r s --run-id m1 -- true >"$W/s.sh"
$QWEX render -r d --run-id m1 -- true >"$W/d.sh"
$QWEX render -r sl --run-id m1 -- true >"$W/sl.sh"
ssh -F "$QWEX_SSH_CONFIG" qwex-root true # warm the ControlMaster both use
sh "$W/s.sh"
by_hand_slurm() { id=$(sbatch --parsable -o /dev/null --wrap true); while scontrol show job -o "$id" | grep -qE 'JobState=(PENDING|RUNNING|COMPLETING|CONFIGURING)'; do sleep 0.1; done; }

echo "| chain | by hand | qwex | ratio |"
echo "|---|---|---|---|"
row 'local: `qwex run -r local -- true` vs `true`' "$(mean_ms "$N" sh -c true)" "$(mean_ms "$N" $QWEX run -- true)"
row 'render only: `qwex render -r s -- true` vs `node -e 0`' "$(mean_ms "$N" node -e 0)" "$(mean_ms "$N" $QWEX render -r s -- true)"
row 'ssh (ControlMaster warm): `sh rendered` vs `ssh host true`' "$(mean_ms "$N" ssh -F "$QWEX_SSH_CONFIG" qwex-root true)" "$(mean_ms "$N" sh "$W/s.sh")"
row 'docker (podman): `sh rendered` vs `docker run --rm IMG true`' "$(mean_ms "$N" docker run --rm "$QWEX_PODMAN_IMAGE" true)" "$(mean_ms "$N" sh "$W/d.sh")"
row 'docker (podman): `qwex run -r d -- true` vs `docker run --rm IMG true`' "$(mean_ms 3 docker run --rm "$QWEX_PODMAN_IMAGE" true)" "$(mean_ms 3 $QWEX run -r d -- true)"
row 'slurm: `sh rendered` vs sbatch + poll scontrol (0.1 s)' "$(mean_ms 3 by_hand_slurm)" "$(mean_ms 3 sh "$W/sl.sh")"
row 'slurm: `qwex run -r sl -- true` vs sbatch + poll scontrol' "$(mean_ms 3 by_hand_slurm)" "$(mean_ms 3 $QWEX run -r sl -- true)"
rm -rf "$W"
