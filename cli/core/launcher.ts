// The local launcher, run detached by `qwex run`. For a local run it runs the composed script and
// removes the run's worktree afterwards. For a remote run (the record wrapper writes on the far
// side) it stands in for the wrapper locally: it mirrors the stream into the local run dir's logs
// and records status and exit code there, so list, logs and status work without a round trip.
import { shq } from './shell.js';

export function launcherScript(p: { runDir: string; root: string; space?: string; remote: boolean }): string {
  const put = `put() { printf '%s\\n' "$2" >"$RUN/meta/.$1.$$" && mv -f "$RUN/meta/.$1.$$" "$RUN/meta/$1"; }`;
  const now = 'date -u +%Y-%m-%dT%H:%M:%SZ';
  if (p.remote)
    return `#!/bin/sh
RUN=${shq(p.runDir)}
${put}
mkdir -p "$RUN/meta" "$RUN/logs"
put host "$(uname -n)"
put wrapper_pid "$$"
put started_at "$(${now})"
put status running
sh "$RUN/runner.sh" </dev/null >>"$RUN/logs/stdout.log" 2>>"$RUN/logs/stderr.log" &
child=$!
sig=
trap 'sig=TERM; kill -TERM "$child" 2>/dev/null' TERM
trap 'sig=INT; kill -INT "$child" 2>/dev/null' INT
rc=0
while :; do wait "$child"; rc=$?; kill -0 "$child" 2>/dev/null || break; done
put exit_code "$rc"
put finished_at "$(${now})"
if [ -n "$sig" ]; then put status cancelled; elif [ "$rc" -eq 0 ]; then put status succeeded; else put status failed; fi
exit "$rc"
`;
  return `#!/bin/sh
RUN=${shq(p.runDir)}
${put}
mkdir -p "$RUN/meta" "$RUN/logs"
sh "$RUN/runner.sh" </dev/null >>"$RUN/logs/launcher.log" 2>&1
rc=$?
git -C ${shq(p.root)} worktree remove --force ${shq(p.space ?? '')} >/dev/null 2>&1 || rm -rf ${shq(p.space ?? '')}
# Only when the record wrapper never started (a submission failed): a wrapper that died mid-run
# is left as it is, and readers report it lost.
if [ "$(cat "$RUN/meta/status" 2>/dev/null)" = pending ]; then
  put exit_code "$rc"
  put finished_at "$(${now})"
  put status failed
fi
exit "$rc"
`;
}
