// Stand-ins for the backends that cannot run on this machine (Slurm's sbatch in tests that don't
// start Slurm, Apptainer, Docker without an engine, uv, kubectl), each applying the real tool's
// argument semantics. Tests that use them say so in their titles. With STANDIN_LOG set to a folder,
// every call also records its argv and environment there (readStandinLog), so a test can check
// what a tool was given.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Stand-ins. ssh: drop options and the host, then re-parse the joined words with a shell, as
// OpenSSH does (args joined by one space, run by the login shell with -c). sbatch: run the job
// file (its stdout is not the caller's), print a job id. apptainer/docker: drop options, exec the
// argv after the image (docker with its --entrypoint). uv: succeed. kubectl: read the manifest,
// answer like an empty cluster. argdump: record argv.
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
  kubectl: '#!/bin/sh\ncat >/dev/null 2>&1 || :\nexit 0\n',
  argdump: `#!/bin/sh
if [ $# -eq 0 ]; then : >"$ARGDUMP_OUT"; exit 0; fi
printf '%s\\0' "$@" >"$ARGDUMP_OUT"
`,
};

// Inserted after each stand-in's shebang: with STANDIN_LOG set, <tool>.<random>.argv holds $# and
// the arguments, and .env the environment, each NUL-separated.
const RECORD = (name: string) =>
  `if [ -n "\${STANDIN_LOG:-}" ]; then standin_log=$(mktemp "$STANDIN_LOG/${name}.XXXXXX") && printf '%s\\0' "$#" "$@" >"$standin_log.argv" && env -0 >"$standin_log.env"; fi\n`;

/** Writes every stand-in into `dir` (created), executable; returns `dir` for PATH. */
export function installStandins(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(STANDINS)) {
    const [shebang, ...rest] = body.split('\n');
    writeFileSync(path.join(dir, name), [shebang, RECORD(name).trimEnd(), ...rest].join('\n'));
    chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}

export interface StandinCall {
  tool: string;
  argv: string[];
  /** NAME=value entries of the environment the tool ran with. */
  env: string[];
}

/** The calls the stand-ins recorded in `log` (the STANDIN_LOG folder), in no particular order. */
export function readStandinLog(log: string): StandinCall[] {
  const split = (s: string) => (s === '' ? [] : s.slice(0, -1).split('\0'));
  return readdirSync(log)
    .filter((f) => f.endsWith('.argv'))
    .map((f) => {
      const stem = f.slice(0, -'.argv'.length);
      const [count, ...argv] = split(readFileSync(path.join(log, f), 'utf8'));
      if (argv.length !== Number(count)) throw new Error(`${f}: recorded ${argv.length} arguments, expected ${count}`);
      let env: string[] = [];
      try {
        env = split(readFileSync(path.join(log, `${stem}.env`), 'utf8'));
      } catch {
        // the tool was killed between the two writes
      }
      return { tool: stem.slice(0, stem.lastIndexOf('.')), argv, env };
    });
}
