// Stand-ins for the backends that cannot run on this machine (Slurm's sbatch in tests that don't
// start Slurm, Apptainer, Docker without an engine, uv), each applying the real tool's argument
// semantics. Tests that use them say so in their titles.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Stand-ins. ssh: drop options and the host, then re-parse the joined words with a shell, as
// OpenSSH does (args joined by one space, run by the login shell with -c). sbatch: run the job
// file (its stdout is not the caller's), print a job id. apptainer/docker: drop options, exec the
// argv after the image (docker with its --entrypoint). uv: succeed. argdump: record argv.
export const STANDINS: Record<string, string> = {
  ssh: `#!/bin/sh
while [ $# -gt 0 ]; do case $1 in --) shift; break ;; -o|-l|-p|-i|-J|-F) shift 2 ;; *) shift ;; esac; done
shift
exec sh -c "$*"
`,
  sbatch: `#!/bin/sh
for a in "$@"; do f=$a; done
sh "$f" >&2 </dev/null || exit $?
echo 4242
`,
  squeue: '#!/bin/sh\nexit 0\n',
  sacct: '#!/bin/sh\necho COMPLETED\n',
  apptainer: `#!/bin/sh
shift
while [ $# -gt 0 ]; do case $1 in --pwd|--bind|--overlay|--env) shift 2 ;; -*) shift ;; *) break ;; esac; done
shift
exec "$@"
`,
  docker: `#!/bin/sh
shift
entry=
while [ $# -gt 0 ]; do
  case $1 in
    --entrypoint) entry=$2; shift 2 ;;
    --rm|--init) shift ;;
    -*) shift 2 ;;
    *) break ;;
  esac
done
shift
if [ -n "$entry" ]; then exec "$entry" "$@"; fi
exec "$@"
`,
  uv: '#!/bin/sh\nexit 0\n',
  argdump: `#!/bin/sh
if [ $# -eq 0 ]; then : >"$ARGDUMP_OUT"; exit 0; fi
printf '%s\\0' "$@" >"$ARGDUMP_OUT"
`,
};

/** Writes every stand-in into `dir` (created), executable; returns `dir` for PATH. */
export function installStandins(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(STANDINS)) {
    writeFileSync(path.join(dir, name), body);
    chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}
