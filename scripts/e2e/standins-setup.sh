#!/usr/bin/env bash
# Installs the STAND-INS for what cannot run on this machine — apptainer/singularity and uv — into
# $QWEX_E2E_STATE/standins/bin (test-only; never on the default PATH). Each says "stand-in" in
# --version. Writes $QWEX_E2E_STATE/standins/env.
BACKEND=standins
source "$(dirname "$0")/lib.sh"
command -v node >/dev/null || die "node not found (Node 20 is required)"
S=$QWEX_E2E_STATE/standins
mkdir -p "$S/bin"; chmod 755 "$S" "$S/bin"
node=$(command -v node)
for t in apptainer singularity uv; do
  src=$E2E_DIR/standins/${t/singularity/apptainer}.mjs
  { printf '#!%s\n' "$node"; tail -n +2 "$src"; } >"$S/bin/$t"; chmod 755 "$S/bin/$t"
done
: >"$S/calls.jsonl"; chmod 666 "$S/calls.jsonl"
# An "image" for the apptainer stand-in: any existing file passes its missing-image check.
printf 'qwex stand-in image: not a real SIF\n' >"$S/image.sif"; chmod 644 "$S/image.sif"
cat >"$S/env" <<ENV
export QWEX_STANDIN_BIN=$S/bin
export QWEX_STANDIN_LOG=$S/calls.jsonl
export QWEX_STANDIN_IMAGE=$S/image.sif
ENV
"$S/bin/apptainer" --version | grep -q stand-in || die "apptainer stand-in broken"
"$S/bin/uv" --version | grep -q stand-in || die "uv stand-in broken"
log "stand-ins (apptainer, singularity, uv) in $S/bin"
