#!/bin/sh
# shellcheck disable=SC2016,SC2088 # single-quoted values are data: a $ or ~ in them must not expand
# qwex layer singularity: run the inner script in an Apptainer/Singularity container.
set -eu
say() { printf '[qwex:singularity] %s\n' "$*" >&2; }
# A leading "~" or "~/" in a path input means $HOME of the user running this script.
home_path() { case $1 in "~") printf '%s\n' "$HOME" ;; "~/"*) printf '%s/%s\n' "$HOME" "${1#"~/"}" ;; *) printf '%s\n' "$1" ;; esac; }

APPT=$(command -v apptainer || command -v singularity) || { say "neither apptainer nor singularity found on PATH (module load apptainer?)"; exit 127; }
case ${APPT##*/} in
  singularity*) P=SINGULARITY ;;
  *) P=APPTAINER ;;
esac
IMG='/scratch/images/torch.sif'
# Variables for the container (they survive --cleanenv): ctx.env, then env, then pass_env.
if v=$(printenv CUDA_VISIBLE_DEVICES); then export "${P}ENV_CUDA_VISIBLE_DEVICES=$v"; fi
if v=$(printenv SLURM_JOB_ID); then export "${P}ENV_SLURM_JOB_ID=$v"; fi
if v=$(printenv SLURM_JOB_NODELIST); then export "${P}ENV_SLURM_JOB_NODELIST=$v"; fi
if v=$(printenv SLURM_NNODES); then export "${P}ENV_SLURM_NNODES=$v"; fi
if v=$(printenv SLURM_NODEID); then export "${P}ENV_SLURM_NODEID=$v"; fi
if v=$(printenv SLURM_NTASKS); then export "${P}ENV_SLURM_NTASKS=$v"; fi
if v=$(printenv SLURM_PROCID); then export "${P}ENV_SLURM_PROCID=$v"; fi
if v=$(printenv SLURM_LOCALID); then export "${P}ENV_SLURM_LOCALID=$v"; fi

inner=$(printf %s IyEvYmluL3NoCiMgc2hlbGxjaGVjayBkaXNhYmxlPVNDMjAxNixTQzIwODgKc2V0IC1ldQpleGVjICdweXRob24nICd0cmFpbi5weScK | base64 -d)
# exec: apptainer forwards TERM/INT to the contained process and returns its exit code.
exec "$APPT" exec --cleanenv \
  --pwd '/tmp/qwex-lint/runs/lint-run/src' \
  --bind '/tmp/qwex-lint/runs/lint-run' \
  --bind '/tmp/qwex-lint/runs/lint-run/src' \
  "$IMG" sh -c "$inner"
