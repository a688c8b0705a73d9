#!/bin/sh
# shellcheck disable=SC2016,SC2088 # single-quoted values are data: a $ or ~ in them must not expand
# qwex layer k8s (runs on the client): write RUN/job.json (a batch/v1 Job whose container runs the
# inner script with /bin/sh -c), kubectl apply it, record meta/scheduler*, then (attach) wait for the
# pod, follow its logs, poll the Job's conditions and exit with the container's exit code.
set -eu
say() { printf '[qwex:k8s] %s\n' "$*" >&2; }
command -v kubectl >/dev/null 2>&1 || { say "kubectl not found on PATH"; exit 127; }
kc() { kubectl "$@"; }
RUN='/tmp/qwex-lint/runs/lint-run'
mkdir -p "$RUN/meta" "$RUN/logs"
put() { printf '%s\n' "$2" >"$RUN/meta/.$1.$$" && mv -f "$RUN/meta/.$1.$$" "$RUN/meta/$1"; }
JOB='qwex-lint-run'
printf %s ewogICJhcGlWZXJzaW9uIjogImJhdGNoL3YxIiwKICAia2luZCI6ICJKb2IiLAogICJtZXRhZGF0YSI6IHsKICAgICJuYW1lIjogInF3ZXgtbGludC1ydW4iLAogICAgImxhYmVscyI6IHsiYXBwLmt1YmVybmV0ZXMuaW8vbWFuYWdlZC1ieSI6ICJxd2V4IiwgInF3ZXgvcnVuLWlkIjogImxpbnQtcnVuIn0sCiAgICAiYW5ub3RhdGlvbnMiOiB7InF3ZXgvcnVuLW5hbWUiOiAibGludC1ydW4iLCAicXdleC9jb21taXQiOiAiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMCJ9CiAgfSwKICAic3BlYyI6IHsKICAgICJiYWNrb2ZmTGltaXQiOiAwLAogICAgInR0bFNlY29uZHNBZnRlckZpbmlzaGVkIjogODY0MDAsCiAgICAicG9kRmFpbHVyZVBvbGljeSI6IHsicnVsZXMiOiBbeyJhY3Rpb24iOiAiSWdub3JlIiwgIm9uUG9kQ29uZGl0aW9ucyI6IFt7InR5cGUiOiAiRGlzcnVwdGlvblRhcmdldCIsICJzdGF0dXMiOiAiVHJ1ZSJ9XX1dfSwKICAgICJ0ZW1wbGF0ZSI6IHsKICAgICAgIm1ldGFkYXRhIjogewogICAgICAgICJsYWJlbHMiOiB7ImFwcC5rdWJlcm5ldGVzLmlvL21hbmFnZWQtYnkiOiAicXdleCIsICJxd2V4L3J1bi1pZCI6ICJsaW50LXJ1biJ9LAogICAgICAgICJhbm5vdGF0aW9ucyI6IHsicXdleC9ydW4tbmFtZSI6ICJsaW50LXJ1biJ9CiAgICAgIH0sCiAgICAgICJzcGVjIjogewogICAgICAgICJyZXN0YXJ0UG9saWN5IjogIk5ldmVyIiwKICAgICAgICAidGVybWluYXRpb25HcmFjZVBlcmlvZFNlY29uZHMiOiA2MCwKICAgICAgICAiY29udGFpbmVycyI6IFt7CiAgICAgICAgICAibmFtZSI6ICJtYWluIiwKICAgICAgICAgICJpbWFnZSI6ICJweXRvcmNoL3B5dG9yY2g6Mi40LjAtY3VkYTEyLjQtY3Vkbm45LXJ1bnRpbWUiLAogICAgICAgICAgImltYWdlUHVsbFBvbGljeSI6ICJJZk5vdFByZXNlbnQiLAogICAgICAgICAgImNvbW1hbmQiOiBbIi9iaW4vc2giLCAiLWMiXSwKICAgICAgICAgICJhcmdzIjogWyJldmFsIFwiJChwcmludGYgJXMgSXlFdlltbHVMM05vQ2lNZ2MyaGxiR3hqYUdWamF5QmthWE5oWW14bFBWTkRNakF4Tml4VFF6SXdPRGdLYzJWMElDMWxkUXBsZUdWaklDZHdlWFJvYjI0bklDZDBjbUZwYmk1d2VTY0sgfCBiYXNlNjQgLWQpXCIiXSwKICAgICAgICAgICJlbnYiOiBbeyJuYW1lIjogIlFXRVhfUlVOX0lEIiwgInZhbHVlIjogImxpbnQtcnVuIn1dLAogICAgICAgICAgInJlc291cmNlcyI6IHsKICAgICAgICAgICAgInJlcXVlc3RzIjogeyJjcHUiOiAiNCIsICJtZW1vcnkiOiAiMTZHaSJ9LAogICAgICAgICAgICAibGltaXRzIjogeyJtZW1vcnkiOiAiMTZHaSJ9CiAgICAgICAgICB9LAogICAgICAgICAgInZvbHVtZU1vdW50cyI6IFt7Im5hbWUiOiAicXdleC1ydW4iLCAibW91bnRQYXRoIjogIi9xd2V4L3J1biJ9LCB7Im5hbWUiOiAicXdleC1zaG0iLCAibW91bnRQYXRoIjogIi9kZXYvc2htIn1dCiAgICAgICAgfV0sCiAgICAgICAgInZvbHVtZXMiOiBbeyJuYW1lIjogInF3ZXgtcnVuIiwgImVtcHR5RGlyIjoge319LCB7Im5hbWUiOiAicXdleC1zaG0iLCAiZW1wdHlEaXIiOiB7Im1lZGl1bSI6ICJNZW1vcnkiLCAic2l6ZUxpbWl0IjogIjhHaSJ9fV0KICAgICAgfQogICAgfQogIH0KfQo= | base64 -d >"$RUN/.job.json.$$"
mv -f "$RUN/.job.json.$$" "$RUN/job.json"
kc apply -f - <"$RUN/job.json" >&2 || { rc=$?; say "kubectl apply failed (exit $rc); the manifest is $RUN/job.json"; exit 125; }
put scheduler k8s
put scheduler_id "$JOB"
put submitted_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "submitted job $JOB"
sel="job-name=$JOB"
child=
cancelled=
# TERM/INT delete the Job (the pod gets TERM, then KILL after its grace period).
# shellcheck disable=SC2317 # called from the TERM/INT trap
on_signal() {
  if [ -z "$cancelled" ]; then
    cancelled=1
    say "cancelling: deleting job $JOB"
    kc delete job "$JOB" --cascade=foreground --wait=false >/dev/null 2>&1 || :
  fi
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || :; fi
}
trap on_signal TERM INT
nap() { sleep '5' & wait $! || :; }
conds() { kc get job "$JOB" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null || :; }
pod() { kc get pods -l "$sel" -o jsonpath="{.items[-1:].$1}" 2>/dev/null || :; }

# 1. Wait until a pod runs (or the Job ends without one). Kueue may hold it for hours: poll, with no timeout.
last=
while [ -z "$cancelled" ]; do
  phase=$(pod status.phase)
  case $phase in Running|Succeeded|Failed) break ;; esac
  case " $(conds) " in *" Complete "*|*" Failed "*) break ;; esac
  now=${phase:-no pod yet}
  why=$(pod 'status.containerStatuses[0].state.waiting.reason')
  if [ -n "$why" ]; then now="$now ($why)"; fi
  if [ "$(kc get job "$JOB" -o jsonpath='{.spec.suspend}' 2>/dev/null || :)" = true ]; then now="queued (suspended until Kueue admits it)"; fi
  if [ "$now" != "$last" ]; then say "job $JOB: $now"; last=$now; fi
  nap
done

# 2. Stream the pod's logs (stdout and stderr of the container arrive merged, on stdout).
name=$(pod metadata.name)
if [ -z "$cancelled" ] && [ -n "$name" ]; then
  kc logs -f "pod/$name" &
  child=$!
  wait "$child" || :
  while kill -0 "$child" 2>/dev/null; do wait "$child" || :; done
  child=
fi

# 3. Poll the Job until it is Complete or Failed (kubectl wait --for=condition=complete never returns on failure).
while :; do
  if ! kc get job "$JOB" >/dev/null 2>&1; then c=Deleted; break; fi
  c=$(conds)
  case " $c " in *" Complete "*|*" Failed "*) break ;; esac
  nap
done
trap - TERM INT

rc=$(pod 'status.containerStatuses[0].state.terminated.exitCode')
case $rc in
  ''|*[!0-9]*)
    reason=$(kc get job "$JOB" -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}' 2>/dev/null || :)
    case " $c " in
      *" Complete "*) rc=0 ;;
      *) if [ -n "$cancelled" ] || [ "$c" = Deleted ]; then rc=143
         elif [ "$reason" = DeadlineExceeded ]; then rc=124
         else rc=125; fi
         say "job $JOB failed without a container exit code${reason:+ ($reason)}" ;;
    esac ;;
esac
say "job $JOB finished (exit $rc)"
exit "$rc"
