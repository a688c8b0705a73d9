// The matrix of real chains through `qwex render -r X -- CMD > f; sh f`: sshd, Slurm (slurmctld +
// slurmd + slurmdbd) and Podman are real; apptainer and uv are stand-ins and say so in the titles.
// Each chain: hostile argv arrives byte-identical (argdump writes it to a file, since inside Slurm
// stdout is a log file), and exit codes 0, 3 and 127 pass through.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../cli/helpers.js';
import { ARGDUMP, DOCKER, E, HOSTILE, OUT, SINGULARITY, SLURM, STATE, UV, e2eProject, readArgv, renderToFile, sh, sshLayer, uid } from './helpers.js';

const REMOTE = path.join(STATE, 'remote'); // remote_base of root's ssh runs (same machine)
const REMOTE_USER = path.join(STATE, 'remote-user'); // the unprivileged user's
mkdirSync(REMOTE, { recursive: true });
mkdirSync(REMOTE_USER, { recursive: true });
chmodSync(REMOTE_USER, 0o1777);

interface Chain { title: string; layers: string[]; yaml: () => string; remote?: boolean; container?: boolean }
const CHAINS: Chain[] = [
  { title: 'local (no layers)', layers: [], yaml: () => '' },
  { title: 'ssh', layers: ['ssh'], yaml: () => sshLayer('qwex-root', REMOTE), remote: true },
  { title: 'ssh → slurm', layers: ['ssh', 'slurm'], yaml: () => sshLayer('qwex-root', REMOTE) + SLURM, remote: true },
  { title: 'slurm → docker (podman)', layers: ['slurm', 'docker'], yaml: () => SLURM + DOCKER(), container: true },
  { title: 'ssh → slurm → singularity (stand-in apptainer) → uv-cache (stand-in uv)', layers: ['ssh', 'slurm', 'singularity', 'uv-cache'], yaml: () => sshLayer('qwex-root', REMOTE) + SLURM + SINGULARITY() + UV(), remote: true, container: true },
  { title: 'docker (podman)', layers: ['docker'], yaml: () => DOCKER(), container: true },
  { title: 'ssh → docker (podman)', layers: ['ssh', 'docker'], yaml: () => sshLayer('qwex-root', REMOTE) + DOCKER(), remote: true, container: true },
];

async function chainProject(c: Chain) {
  const p = await e2eProject(`  x:\n    layers:\n${c.yaml() || '      []\n'}`, c.layers);
  /** Renders `argv` with a fresh run id, writes it to a file, runs `sh file`. */
  const hop = async (argv: string[]) => {
    const id = uid('r');
    const file = path.join(p.dir, `${id}.sh`);
    const r = await renderToFile(p.dir, file, ['-r', 'x', '--run-id', id, '--', ...argv]);
    if (r.code !== 0) throw new Error(`render failed: ${r.stderr}`);
    // Code shipping to the run dir is not built yet (qwex run refuses remote chains): container
    // layers bind <run dir>/src, so create it here as shipping would.
    if (c.container) mkdirSync(path.join(c.remote ? path.join(REMOTE, 'runs') : path.join(p.dir, '.qwex/runs'), id, 'src'), { recursive: true });
    return sh(file);
  };
  return { ...p, hop };
}

describe.each(CHAINS)('$title (render | sh)', (c) => {
  it('hostile argv arrives byte-identical; exit codes 0, 3 and 127 pass through', async () => {
    const p = await chainProject(c);
    const out = path.join(OUT, uid('argv'));
    const [dump, ok, three, missing] = await Promise.all([
      p.hop([ARGDUMP, out, ...HOSTILE]),
      p.hop(['sh', '-c', 'exit 0']),
      p.hop(['sh', '-c', 'exit 3']),
      p.hop(['qwex-no-such-command']),
    ]);
    expect(dump.code, dump.stderr).toBe(0);
    expect(readArgv(out)).toEqual(HOSTILE);
    expect(ok.code, ok.stderr).toBe(0);
    expect(three.code, three.stderr).toBe(3);
    expect(missing.code, missing.stderr).toBe(127);
    expect(missing.stderr).toMatch(/qwex-no-such-command/);
  });
});

describe('ssh (real sshd)', () => {
  it('a Slurm job submitted through ssh as the unprivileged user runs as that user', async () => {
    const p = await e2eProject(`  x:\n    layers:\n${sshLayer('qwex-user', REMOTE_USER)}${SLURM}`, ['ssh', 'slurm']);
    const id = uid('u');
    const r = await renderToFile(p.dir, path.join(p.dir, 'u.sh'), ['-r', 'x', '--run-id', id, '--', 'sh', '-c', 'id -un > "$0"; echo "$SLURM_JOB_ID" >> "$0"', path.join(OUT, id)]);
    expect(r.code, r.stderr).toBe(0);
    const res = await sh(path.join(p.dir, 'u.sh'));
    expect(res.code, res.stderr).toBe(0);
    const [who, job] = readFileSync(path.join(OUT, id), 'utf8').trim().split('\n');
    expect(who).toBe(E.QWEX_SSH_USER2);
    expect(job).toMatch(/^\d+$/);
    expect(res.stderr).toContain(`submitted job ${job}`);
  });

  it('scripts over upload_threshold are uploaded to the run dir first, root and unprivileged user', async () => {
    for (const [alias, base] of [['qwex-root', REMOTE], ['qwex-user', REMOTE_USER]] as const) {
      const p = await e2eProject(`  x:\n    layers:\n${sshLayer(alias, base, '          upload_threshold: 64\n')}`, ['ssh']);
      const id = uid('up');
      const out = path.join(OUT, id);
      const big = Array.from({ length: 30 }, (_, i) => `${i}:` + "x'$`\\\"".repeat(1000)); // ~180 KiB: more than one argument may hold
      const r = await renderToFile(p.dir, path.join(p.dir, 'up.sh'), ['-r', 'x', '--run-id', id, '--', ARGDUMP, out, ...HOSTILE, ...big]);
      expect(r.code, r.stderr).toBe(0);
      const res = await sh(path.join(p.dir, 'up.sh'));
      expect(res.code, res.stderr).toBe(0);
      expect(readArgv(out)).toEqual([...HOSTILE, ...big]);
      expect(readFileSync(path.join(base, 'runs', id, 'runner.sh'), 'utf8')).toContain('base64 -d'); // it went through the upload
      await renderToFile(p.dir, path.join(p.dir, 'up3.sh'), ['-r', 'x', '--run-id', uid('up'), '--', 'sh', '-c', 'exit 3']);
      expect((await sh(path.join(p.dir, 'up3.sh'))).code).toBe(3);
    }
  });

  // cli/main.ts once exited before stdout drained, so `qwex render … | sh` got the first 64 KiB of a
  // larger script (and the ssh upload path looked broken). This keeps it fixed.
  it('`qwex render … | sh` of a script over 64 KiB gets the whole script', async () => {
    const p = await e2eProject(`  x:\n    layers:\n${sshLayer('qwex-root', REMOTE)}`, ['ssh']);
    const big = Array.from({ length: 30 }, (_, i) => `${i}:` + 'y'.repeat(6000));
    const full = path.join(p.dir, 'full.sh');
    expect((await renderToFile(p.dir, full, ['-r', 'x', '--run-id', 'pipe1', '--', 'true', ...big])).code).toBe(0);
    // The same render through a pipe whose reader is a moment late (as `| sh` often is).
    const home = path.join(p.dir, '..', path.basename(p.dir) + '-home');
    const piped = spawnSync('sh', ['-c', '"$@" | { sleep 0.5; wc -c; }', 'sh', process.execPath, BIN, 'render', '-r', 'x', '--run-id', 'pipe1', '--', 'true', ...big], { cwd: p.dir, env: { ...process.env, HOME: home }, encoding: 'utf8' });
    expect(Number(piped.stdout.trim())).toBe(statSync(full).size);
  });
});
