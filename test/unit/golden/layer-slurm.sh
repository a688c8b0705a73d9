#!/bin/sh
# shellcheck disable=SC2016,SC2088 # single-quoted values are data: a $ or ~ in them must not expand
# qwex layer slurm (runs on the login node): write RUN/job.sbatch, submit it with
# sbatch --parsable, record meta/scheduler*, then (attach) follow the logs and poll squeue/sacct.
set -eu
say() { printf '[qwex:slurm] %s\n' "$*" >&2; }
command -v sbatch >/dev/null 2>&1 || { say "sbatch not found on PATH (not a Slurm login node? module load slurm?)"; exit 127; }
RUN='/tmp/qwex-lint/runs/lint-run'
mkdir -p "$RUN/meta" "$RUN/logs" "$RUN/out"
put() { printf '%s\n' "$2" >"$RUN/meta/.$1.$$" && mv -f "$RUN/meta/.$1.$$" "$RUN/meta/$1"; }
printf %s IyEvYmluL3NoCiNTQkFUQ0ggLS1qb2ItbmFtZT1xd2V4LWxpbnQtcnVuCiNTQkFUQ0ggLS1vdXRwdXQ9L3RtcC9xd2V4LWxpbnQvcnVucy9saW50LXJ1bi9sb2dzL3NsdXJtLSVqLm91dAojU0JBVENIIC0tbm8tcmVxdWV1ZQojU0JBVENIIC0tc2lnbmFsPUI6VVNSMUAxMjAKI1NCQVRDSCAtLW5vZGVzPTEKI1NCQVRDSCAtLW50YXNrcy1wZXItbm9kZT0xCiNTQkFUQ0ggLS1jcHVzLXBlci10YXNrPTQKIyBzaGVsbGNoZWNrIGRpc2FibGU9U0MyMDE2CnNldCAtZXUKIyAtLXNpZ25hbCB3YXJucyB0aGUgYmF0Y2ggc2hlbGw7IHRoZSByZWNvcmQgd3JhcHBlciBpbnNpZGUgdHJhcHMgaXQgdG8gcmVjb3JkICJ0aW1lIGxpbWl0IG5lYXIiLgp0cmFwICdwcmludGYgIltxd2V4OnNsdXJtXSB0aW1lIGxpbWl0IGlzIG5lYXJcbiIgPiYyJyBVU1IxCnByaW50ZiAnW3F3ZXg6c2x1cm1dIGpvYiAlcyBvbiAlc1xuJyAiJHtTTFVSTV9KT0JfSUQ6LT99IiAiJChob3N0bmFtZSkiID4mMgpldmFsICIkKHByaW50ZiAlcyBJeUV2WW1sdUwzTm9DaU1nYzJobGJHeGphR1ZqYXlCa2FYTmhZbXhsUFZORE1qQXhOaXhUUXpJd09EZ0tjMlYwSUMxbGRRcGxlR1ZqSUNkd2VYUm9iMjRuSUNkMGNtRnBiaTV3ZVNjSyB8IGJhc2U2NCAtZCkiCg== | base64 -d >"$RUN/.job.sbatch.$$"
mv -f "$RUN/.job.sbatch.$$" "$RUN/job.sbatch"
say "warning: no time limit (time) set: the partition default applies; an explicit limit schedules sooner (backfill)"
cd "$RUN"
out=$(sbatch --parsable "$RUN/job.sbatch") || { rc=$?; say "sbatch failed (exit $rc)"; exit 125; }
id=${out%%;*}
case $id in ''|*[!0-9_]*) say "unexpected sbatch output: $out"; exit 125 ;; esac
put scheduler slurm
put scheduler_id "$id"
put submitted_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "submitted job $id ($RUN/job.sbatch)"
# Attach: stream the program's logs (written by the record wrapper inside the job) and the job's
# own output, poll squeue then sacct (never sbatch --wait), exit with the job's exit code.
so='/tmp/qwex-lint/runs/lint-run/logs/slurm-%j.out'
case $so in *%j*) so=$(printf '%s\n' "$so" | sed "s/%j/$id/g") ;; esac
tail -n +1 -F "$RUN/logs/stdout.log" 2>/dev/null &
t1=$!
tail -n +1 -F "$RUN/logs/stderr.log" >&2 2>/dev/null &
t2=$!
tail -n +1 -F "$so" >&2 2>/dev/null &
t3=$!
trap 'kill "$t1" "$t2" "$t3" 2>/dev/null || :' EXIT

live() {
  case $1 in
    PENDING|CONFIGURING|REQUEUED|REQUEUE_FED|REQUEUE_HOLD|RESV_DEL_HOLD|SUSPENDED|STOPPED|RUNNING|COMPLETING|STAGE_OUT|SIGNALING|RESIZING) return 0 ;;
  esac
  return 1
}
# TERM/INT cancel the job: TERM to all steps and the batch shell now, a plain scancel after grace.
cancel_at=
hard=
# shellcheck disable=SC2317 # called from the TERM/INT trap
on_signal() {
  if [ -z "$cancel_at" ]; then
    cancel_at=$(date +%s)
    say "cancelling job $id"
    scancel --full --signal=TERM "$id" 2>/dev/null || scancel "$id" 2>/dev/null || :
  fi
}
trap on_signal TERM INT
last=
gone=0
while :; do
  state=$(squeue -h -t all -j "$id" -o %T 2>/dev/null | head -n 1) || state=
  if [ -n "$state" ] && live "$state"; then
    gone=0
    if [ "$state" != "$last" ]; then say "job $id: $state"; last=$state; fi
  else
    # squeue forgets finished jobs after MinJobAge: ask sacct ("CANCELLED by 1234" -> CANCELLED)
    acct=$(sacct -X -n -P -j "$id" -o State 2>/dev/null | head -n 1) || acct=
    acct=${acct%% *}
    if [ -n "$acct" ] && ! live "$acct"; then state=$acct; break; fi
    if [ -n "$state" ]; then break; fi
    gone=$((gone + 1))
    if [ "$gone" -ge 6 ]; then state=UNKNOWN; break; fi
  fi
  if [ -n "$cancel_at" ] && [ -z "$hard" ] && [ $(( $(date +%s) - cancel_at )) -ge '30' ]; then
    hard=1
    scancel "$id" 2>/dev/null || :
  fi
  sleep '10' &
  wait $! || :
done
trap - TERM INT

# The record wrapper's exit code wins; on shared file systems it can appear a moment late.
if [ -e "$RUN/meta/started_at" ]; then
  i=0
  while [ ! -s "$RUN/meta/exit_code" ] && [ "$i" -lt 10 ]; do sleep 1; i=$((i + 1)); done
fi
rc=$(head -n 1 "$RUN/meta/exit_code" 2>/dev/null || :)
case $rc in
  ''|*[!0-9]*)
    # No record: derive it from Slurm's view (ExitCode is rc:signal).
    x=$(sacct -X -n -P -j "$id" -o ExitCode 2>/dev/null | head -n 1) || x=
    # Without accounting, slurmctld still knows the job for MinJobAge: ExitCode=rc:signal.
    if [ -z "$x" ]; then x=$(scontrol show job -o "$id" 2>/dev/null | sed -n 's/.* ExitCode=\([0-9]*:[0-9]*\).*/\1/p') || x=; fi
    a=${x%%:*}
    s=${x#*:}
    case $a in ''|*[!0-9]*) a=0 ;; esac
    case $s in ''|*[!0-9]*) s=0 ;; esac
    case $state in
      COMPLETED) rc=$a ;;
      TIMEOUT|DEADLINE) rc=124 ;;
      CANCELLED) rc=143 ;;
      OUT_OF_MEMORY) rc=137 ;;
      *) if [ "$s" -ne 0 ]; then rc=$((128 + s)); elif [ "$a" -ne 0 ]; then rc=$a; else rc=125; fi ;;
    esac
    ;;
esac
sleep 1 # let the tails print the last lines
say "job $id finished: $state (exit $rc)"
exit "$rc"
