#!/usr/bin/env bash
# Single-node Slurm: private munged + slurmctld + slurmd on 127.0.0.1, no cgroups, jobcomp file (so
# `sacct -c` works), batch_sched_delay=0. Clients find it through SLURM_CONF (also set for ssh
# sessions by sshd-setup.sh). Writes $QWEX_E2E_STATE/slurm/env. See reference/backends.md §2.
BACKEND=slurm
source "$(dirname "$0")/lib.sh"
need_pkgs slurmctld:slurm-wlm slurmd:slurm-wlm sbatch:slurm-client munged:munge
ACCT=${QWEX_SLURM_ACCOUNTING:-1} # 1: slurmdbd + a private MariaDB, so plain sacct works (as on real sites)
[ "$ACCT" = 1 ] && need_pkgs /usr/sbin/slurmdbd:slurmdbd /usr/sbin/mariadbd:mariadb-server
S=$QWEX_E2E_STATE/slurm
mkdir -p "$S"; chmod 755 "$S"
export SLURM_CONF=$S/slurm.conf

if [ -f "$S/slurmctld.pid" ] && kill -0 "$(cat "$S/slurmctld.pid")" 2>/dev/null; then log "already running"; exit 0; fi

# munged: private socket (its dir needs o+x), fresh key 0400.
mkdir -p "$S/munge" "$S/log" "$S/ctld" "$S/spool"
chmod 755 "$S/munge" "$S/log" "$S/spool"; chmod 700 "$S/ctld" # SlurmdSpoolDir 0700 breaks non-root jobs
[ -f "$S/munge/munge.key" ] || { head -c 1024 /dev/urandom >"$S/munge/munge.key"; chmod 400 "$S/munge/munge.key"; }
munged --socket="$S/munge/munge.socket" --key-file="$S/munge/munge.key" --pid-file="$S/munge/munged.pid" \
  --log-file="$S/munge/munged.log" --seed-file="$S/munge/munge.seed" --force \
  || die "munged failed to start: $(tail "$S/munge/munged.log" 2>/dev/null)"

CTLD_PORT=$(pick_port QWEX_SLURMCTLD_PORT 16817)
SLURMD_PORT=$(pick_port QWEX_SLURMD_PORT 16818)
if [ "$ACCT" = 1 ]; then
  DBD_PORT=$(pick_port QWEX_SLURMDBD_PORT 16819)
  MYSQL_PORT=$(pick_port QWEX_MYSQL_PORT 13306)
  M=$S/mysql; mkdir -p "$M"
  if [ ! -d "$M/data/mysql" ]; then
    mariadb-install-db --no-defaults --user=root --datadir="$M/data" --auth-root-authentication-method=socket --skip-test-db >"$M/install.log" 2>&1 \
      || die "mariadb-install-db failed: $(tail "$M/install.log")"
  fi
  setsid /usr/sbin/mariadbd --no-defaults --user=root --datadir="$M/data" --socket="$M/mysql.sock" --pid-file="$M/mariadbd.pid" \
    --bind-address=127.0.0.1 --port="$MYSQL_PORT" --log-error="$M/error.log" --skip-log-bin </dev/null >/dev/null 2>&1 &
  for _ in $(seq 100); do [ -S "$M/mysql.sock" ] && mariadb --no-defaults -S "$M/mysql.sock" -e 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
  mariadb --no-defaults -S "$M/mysql.sock" -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db; CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'qwex'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" \
    || die "MariaDB did not start: $(tail "$M/error.log" 2>/dev/null)"
  cat >"$S/slurmdbd.conf" <<CONF # slurmdbd reads it from the directory of SLURM_CONF
AuthType=auth/munge
AuthInfo=socket=$S/munge/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
PidFile=$S/slurmdbd.pid
LogFile=$S/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$MYSQL_PORT
StorageUser=slurm
StoragePass=qwex
StorageLoc=slurm_acct_db
CONF
  chmod 600 "$S/slurmdbd.conf"
  SLURM_CONF=$SLURM_CONF slurmdbd 2>"$S/log/slurmdbd.start" || die "slurmdbd failed: $(cat "$S/log/slurmdbd.start"; tail "$S/log/slurmdbd.log" 2>/dev/null)"
  wait_port "$DBD_PORT" 15 "$S/log/slurmdbd.log"
  ACCT_CONF="JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
AccountingStoragePass=$S/munge/munge.socket"
else
  ACCT_CONF="JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none"
fi
node=$(slurmd -C | head -n 1 | sed 's/ *UpTime=.*//') # CPUs/RealMemory above the real ones drain the node
host=$(hostname -s)
cat >"$SLURM_CONF" <<CONF
ClusterName=qwex
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/munge.socket
StateSaveLocation=$S/ctld
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
$ACCT_CONF
JobCompType=jobcomp/filetxt
JobCompLoc=$S/log/jobcomp.txt
MinJobAge=300
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
Waittime=0
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
chmod 644 "$SLURM_CONF"
slurmctld -f "$SLURM_CONF" || die "slurmctld failed: $(tail "$S/log/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" || die "slurmd failed: $(tail "$S/log/slurmd.log" 2>/dev/null)"
for _ in $(seq 150); do [ "$(sinfo -h -N -o %T 2>/dev/null | head -n 1)" = idle ] && break; sleep 0.1; done
[ "$(sinfo -h -N -o %T 2>/dev/null | head -n 1)" = idle ] || die "node not idle after 15 s: $(sinfo -N 2>&1); $(tail -n 5 "$S/log/slurmctld.log")"

cat >"$S/env" <<ENV
export SLURM_CONF=$SLURM_CONF
ENV
# One smoke batch job: slurmctld's first scheduling pass comes ~3 s after start.
id=$(sbatch --parsable -o /dev/null --wrap true) || die "sbatch failed"
for _ in $(seq 300); do
  st=$(scontrol show job -o "$id" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  case $st in COMPLETED) break ;; FAILED|CANCELLED|NODE_FAIL|TIMEOUT) die "smoke job $id ended $st: $(tail -n 5 "$S/log/slurmd.log")" ;; esac
  sleep 0.05
done
[ "$st" = COMPLETED ] || die "smoke job $id did not finish in 15 s (state $st)"
chmod 644 "$S/log/jobcomp.txt" 2>/dev/null || : # sacct -c for every user
log "slurm up (slurmctld :$CTLD_PORT, slurmd :$SLURMD_PORT), SLURM_CONF=$SLURM_CONF"
