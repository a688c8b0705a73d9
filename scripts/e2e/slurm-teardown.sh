#!/usr/bin/env bash
# Stops the slurmd, slurmctld and munged started by slurm-setup.sh, by their pid files only.
BACKEND=slurm
source "$(dirname "$0")/lib.sh"
S=$QWEX_E2E_STATE/slurm
[ -d "$S" ] || exit 0
if [ -f "$S/slurmctld.pid" ] && kill -0 "$(cat "$S/slurmctld.pid")" 2>/dev/null; then
  jobs=$(SLURM_CONF=$S/slurm.conf squeue -h -o %i 2>/dev/null || :) # jobs left by a failed test
  [ -z "$jobs" ] || SLURM_CONF=$S/slurm.conf scancel $jobs 2>/dev/null || :
fi
stop_pidfile "$S/slurmd.pid"
stop_pidfile "$S/slurmctld.pid"
stop_pidfile "$S/slurmdbd.pid"
stop_pidfile "$S/mysql/mariadbd.pid"
stop_pidfile "$S/munge/munged.pid"
log "stopped"
