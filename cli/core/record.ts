// The record wrapper: qwex's own POSIX sh layer that runs just inside the scheduler (or outermost)
// and writes the run directory where the job runs — meta/ one file per field, written atomically,
// logs/stdout.log and logs/stderr.log, files/ for artifacts — so a run can be read back by anyone
// who knows its id, even after the wrapper was killed (reference/layers.md §4). Pure: text only.
import { b64, shq } from './shell.js';
import { expandHome } from './ship.js';

export interface RecordInfo {
  runDir: string; // absolute, where the wrapper runs
  id: string;
  name: string;
  runner: string;
  commit: string;
  commandLine: string;
  workdir: string; // where the command starts (the worktree of the commit)
  createdAt: string;
  heartbeatSeconds?: number;
  artifacts?: { watch: string[]; ignore: string[]; maxFileSize: number };
}

export const HEARTBEAT_SECONDS = 10;

export function recordScript(inner: string, r: RecordInfo): string {
  const beat = r.heartbeatSeconds ?? HEARTBEAT_SECONDS;
  const art = r.artifacts ?? { watch: ['out'], ignore: [], maxFileSize: 100 * 1024 * 1024 };
  return `#!/bin/sh
# qwex record wrapper for run ${r.id}: runs the command in its own session with its output in
# files, and writes meta/ atomically. A reader derives "lost" from a stale heartbeat.
# shellcheck disable=SC2016,SC2088
# +e: the wrapper may be eval'ed by a layer running with set -e, and it must survive the
# command's failure to record it.
set +e -u
RUN=${shq(r.runDir)}
${expandHome('RUN')}
WORK=${shq(r.workdir)}
${expandHome('WORK')}
mkdir -p "$RUN/meta" "$RUN/logs" "$RUN/files"
put() { printf '%s\\n' "$2" >"$RUN/meta/.$1.$$" && mv -f "$RUN/meta/.$1.$$" "$RUN/meta/$1"; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
# Fields the client knows are already there when it could write them (local runs).
if [ ! -f "$RUN/meta/command_line" ]; then
  put id ${shq(r.id)}
  put name ${shq(r.name)}
  put runner ${shq(r.runner)}
  put commit ${shq(r.commit)}
  put created_at ${shq(r.createdAt)}
  put command_line ${shq(r.commandLine)}
fi
put host "$(uname -n)"
put wrapper_pid "$$"
put started_at "$(now)"
put status running
export QWEX_RUN_ID=${shq(r.id)} QWEX_RUN_DIR="$RUN" QWEX_COMMIT=${shq(r.commit)}
cd "$WORK" || { put exit_code 126; put finished_at "$(now)"; put status failed; echo "[qwex:record] cannot cd to the code dir" >>"$RUN/logs/stderr.log"; exit 126; }
inner=$(printf %s ${b64(inner)} | base64 -d)
# A background job is not a process-group leader, so setsid runs the command in place as the
# leader of a new group: $! is its pid and pgid, and cancel reaches every grandchild.
setsid sh -c "$inner" </dev/null >>"$RUN/logs/stdout.log" 2>>"$RUN/logs/stderr.log" &
child=$!
put pid "$child"
sig=
forward() { sig=$1; put signal "$1"; kill "-$1" "-$child" 2>/dev/null || kill "-$1" "$child" 2>/dev/null || :; }
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
# The heartbeat dies with the wrapper ($$ is the wrapper's pid in the subshell too), so a
# SIGKILLed wrapper leaves a stale heartbeat behind.
( while kill -0 "$$" 2>/dev/null; do put heartbeat "$(date +%s)"; sleep ${beat}; done ) </dev/null >/dev/null 2>&1 &
beat=$!
# wait returns early when a trapped signal arrives: wait again until the command is really gone.
rc=0
while :; do wait "$child"; rc=$?; kill -0 "$child" 2>/dev/null || break; done
kill "$beat" 2>/dev/null || :
${collectArtifacts(art)}
put exit_code "$rc"
put finished_at "$(now)"
# cancel_requested: qwex cancel stopped the job through its scheduler or container (scancel,
# docker stop), so the TERM may have reached the command without passing through this wrapper.
if [ -n "$sig" ] || [ -f "$RUN/meta/cancel_requested" ]; then put status cancelled; elif [ "$rc" -eq 0 ]; then put status succeeded; else put status failed; fi
exit "$rc"
`;
}

// Copies the watched folders' files (not the ignored ones, none above the size limit) into
// files/, with a manifest of path, size and sha256.
function collectArtifacts(a: { watch: string[]; ignore: string[]; maxFileSize: number }): string {
  const ignore = a.ignore.map((g) => ` ! -path ${shq('./' + g.replace(/^\.\//, ''))}`).join('');
  return `for w in ${a.watch.map(shq).join(' ')}; do
  [ -d "$w" ] || continue
  find "./$w" -type f${ignore} -size -${a.maxFileSize + 1}c 2>/dev/null | while IFS= read -r f; do
    rel=\${f#./}
    mkdir -p "$RUN/files/$(dirname "$rel")" && cp -p "$f" "$RUN/files/$rel" &&
      printf '%s\\t%s\\t%s\\n' "$(wc -c <"$f" | tr -d ' ')" "$(sha256sum "$f" | cut -d' ' -f1)" "$rel" >>"$RUN/files/.manifest.tsv"
  done
done`;
}
