// The local launcher: runs the composed runner script, then removes the run's worktree and makes
// sure the run dir ends with a status when the chain failed before the record wrapper ran.
import { shq } from './shell.js';

export function launcherScript(p: { runDir: string; root: string; space: string }): string {
  return `#!/bin/sh
RUN=${shq(p.runDir)}
put() { printf '%s\\n' "$2" >"$RUN/meta/.$1.$$" && mv -f "$RUN/meta/.$1.$$" "$RUN/meta/$1"; }
mkdir -p "$RUN/meta" "$RUN/logs"
sh "$RUN/runner.sh" </dev/null >>"$RUN/logs/launcher.log" 2>&1
rc=$?
git -C ${shq(p.root)} worktree remove --force ${shq(p.space)} >/dev/null 2>&1 || rm -rf ${shq(p.space)}
# Only when the record wrapper never started (a submission failed): a wrapper that died mid-run
# is left as it is, and readers report it lost.
if [ "$(cat "$RUN/meta/status" 2>/dev/null)" = pending ]; then
  put exit_code "$rc"
  put finished_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  put status failed
fi
exit "$rc"
`;
}
