// Code shipping for remote runs: the commit travels inside the rendered script as a git bundle
// (base64, like every script that crosses a boundary), is fetched into a bare repository under
// remote_base/repos/, and checked out as the run's worktree at <run dir>/src — through the
// runner's own transport layer, never a second ssh code path. Pure: text only.
import { b64, shq } from './shell.js';

export interface ShipInfo {
  runDir: string; // as seen on the remote side; a leading ~/ is expanded there
  repo: string; // bare repository on the remote side, e.g. ~/.qwex/repos/<workspace>.git
  id: string;
  sha: string;
  bundle: Uint8Array; // `git bundle` holding refs/qwex/runs/<id>
  /** Stream the record wrapper's log files back (when no scheduler layer does it already). */
  stream: boolean;
}

// POSIX sh: turn a leading ~ into $HOME where the script runs.
export const expandHome = (v: string) => `case $${v} in "~") ${v}=$HOME ;; "~/"*) ${v}=$HOME/\${${v}#"~/"} ;; esac`;

export function shipScript(inner: string, s: ShipInfo): string {
  return `#!/bin/sh
# qwex: ship commit ${s.sha.slice(0, 12)} for run ${s.id} and run the rest of the chain in its worktree.
set -eu
say() { printf '[qwex:ship] %s\\n' "$*" >&2; }
RUN=${shq(s.runDir)}
${expandHome('RUN')}
REPO=${shq(s.repo)}
${expandHome('REPO')}
command -v git >/dev/null 2>&1 || { say "git not found on $(uname -n)"; exit 127; }
mkdir -p "$RUN/meta" "$RUN/logs"
[ -d "$REPO" ] || git init -q --bare "$REPO"
printf %s ${Buffer.from(s.bundle).toString('base64')} | base64 -d >"$RUN/code.bundle"
git -C "$REPO" fetch -q "$RUN/code.bundle" ${shq(`+refs/qwex/runs/${s.id}:refs/qwex/runs/${s.id}`)} >&2
rm -f "$RUN/code.bundle"
# git trips over another worktree being added at the same moment: take turns where flock exists.
if [ ! -d "$RUN/src" ]; then
  if command -v flock >/dev/null 2>&1; then
    flock "$REPO/qwex-worktree.lock" git -C "$REPO" worktree add --detach -q "$RUN/src" ${shq(s.sha)} >&2
  else
    git -C "$REPO" worktree add --detach -q "$RUN/src" ${shq(s.sha)} >&2
  fi
fi
inner=$(printf %s ${b64(inner)} | base64 -d)
set +e
${s.stream ? `: >>"$RUN/logs/stdout.log"; : >>"$RUN/logs/stderr.log"
tail -n +1 -F "$RUN/logs/stdout.log" 2>/dev/null &
t1=$!
tail -n +1 -F "$RUN/logs/stderr.log" >&2 2>/dev/null &
t2=$!
` : ''}sh -c "$inner" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM
trap 'kill -INT "$child" 2>/dev/null' INT
rc=0
while :; do wait "$child"; rc=$?; kill -0 "$child" 2>/dev/null || break; done
${s.stream ? `sleep 1 # let tail catch the last lines
kill "$t1" "$t2" 2>/dev/null || :
` : ''}# A detached scheduler job may still need the worktree: remove it only once the run has ended.
case $(cat "$RUN/meta/status" 2>/dev/null) in
  succeeded|failed|cancelled) git -C "$REPO" worktree remove --force "$RUN/src" >/dev/null 2>&1 || : ;;
esac
exit "$rc"
`;
}
