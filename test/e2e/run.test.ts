// `qwex run` on real backends (chains without an ssh transport: local, slurm, slurm → docker,
// docker): output lands in the run's logs, meta ends in the right status, exit codes pass through,
// and cancel works on Slurm (job CANCELLED) and Podman (container gone).
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARGDUMP, CLIENT_ENV, DOCKER, HOSTILE, OUT, SLURM, e2eProject, readArgv, uid, until } from './helpers.js';

const RUNNERS: { title: string; yaml: () => string; layers: string[] }[] = [
  { title: 'local', yaml: () => '      []\n', layers: [] },
  { title: 'slurm', yaml: () => SLURM, layers: ['slurm'] },
  { title: 'slurm → docker (podman)', yaml: () => SLURM + DOCKER(), layers: ['slurm', 'docker'] },
  { title: 'docker (podman)', yaml: () => DOCKER(), layers: ['docker'] },
];

const ENV = { ...process.env, ...CLIENT_ENV };
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', env: ENV });

describe.each(RUNNERS)('qwex run -r $title', (c) => {
  it('hostile argv, logs and meta; exit codes 0, 3, 127 pass through', async () => {
    const p = await e2eProject(`  x:\n    layers:\n${c.yaml()}`, c.layers);
    const out = path.join(OUT, uid('run'));
    const ok = await p.q('run', '-r', 'x', '--name', 'dump', '--', 'sh', '-c', 'echo out; echo err >&2; "$@"', 'sh', ARGDUMP, out, ...HOSTILE);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('out\n'); // streamed live to the client
    expect(readArgv(out)).toEqual(HOSTILE);
    const three = await p.q('run', '-r', 'x', '--name', 'three', '--', 'sh', '-c', 'echo before; exit 3');
    expect(three.code, three.stderr).toBe(3);
    const missing = await p.q('run', '-r', 'x', '--name', 'missing', '--', 'qwex-no-such-command');
    expect(missing.code, missing.stderr).toBe(127);
    const runs = Object.fromEntries((await p.json('list')).runs.map((r: { name: string }) => [r.name, r]));
    expect(runs.dump).toMatchObject({ status: 'succeeded', exit_code: 0, runner: 'x' });
    expect(runs.three).toMatchObject({ status: 'failed', exit_code: 3 });
    expect(runs.missing).toMatchObject({ status: 'failed', exit_code: 127 });
    expect(await fs.readFile(path.join(runs.dump.dir, 'logs/stdout.log'), 'utf8')).toBe('out\n');
    expect(await fs.readFile(path.join(runs.dump.dir, 'logs/stderr.log'), 'utf8')).toBe('err\n');
    expect(await fs.readFile(path.join(runs.missing.dir, 'logs/stderr.log'), 'utf8')).toMatch(/qwex-no-such-command/);
    expect((await p.q('logs', runs.three.id)).stdout).toBe('before\n');
  });
});

describe('qwex cancel on real backends', () => {
  /** Starts a detached slurm run, cancels it with `qwex cancel`, returns the run's final status and the job's Slurm state. */
  async function cancelSlurm() {
    const p = await e2eProject(`  x:\n    layers:\n${SLURM}`, ['slurm']);
    const marker = `${60 + Math.floor(Math.random() * 1000)}.25`;
    const id = (await p.q('run', '-d', '-r', 'x', '--', 'sh', '-c', `echo started; sleep ${marker}`)).stdout.trim();
    const s = await p.waitFor(id, (x) => x.status === 'running' && x.meta.scheduler_id && x.meta.started_at, 'running in a Slurm job');
    const job = String(s.meta.scheduler_id).trim();
    const c = await p.q('cancel', id, '--grace', '5');
    expect(c.code, c.stderr).toBe(0);
    const done = await p.waitFor(id, (x) => x.status !== 'running', 'a final status');
    const state = await until(() => {
      const line = execFileSync('sacct', ['-X', '-n', '-P', '-j', job, '-o', 'State'], { encoding: 'utf8', env: ENV }).trim();
      return /^[A-Z]/.test(line) && !/RUNNING|PENDING|COMPLETING/.test(line) ? line : '';
    }, `job ${job} to end in sacct`);
    const sleeping = execFileSync('sh', ['-c', `pgrep -f '[s]leep ${marker}' || :`], { encoding: 'utf8' }).trim();
    return { done, state, sleeping, job };
  }

  it('slurm: the run is cancelled, the job has ended and its command is gone', async () => {
    const { done, state, sleeping } = await cancelSlurm();
    expect(done).toMatchObject({ status: 'cancelled', exit_code: 143 });
    expect(state).toMatch(/^(CANCELLED|FAILED)/);
    expect(sleeping).toBe('');
  });

  // qwex cancel runs the slurm layer's own cancel.sh.j2: a plain scancel, so Slurm records CANCELLED.
  it('slurm: qwex cancel leaves the job state CANCELLED in Slurm', async () => {
    const { state, job } = await cancelSlurm();
    expect(state).toMatch(/^CANCELLED/);
    expect(execFileSync('scontrol', ['show', 'job', '-o', job], { encoding: 'utf8', env: ENV })).toMatch(/JobState=CANCELLED/);
  });

  it('docker (podman): the container is gone and the run is cancelled', async () => {
    const p = await e2eProject(`  x:\n    layers:\n${DOCKER()}`, ['docker']);
    const id = (await p.q('run', '-d', '-r', 'x', '--', 'sh', '-c', 'echo started; sleep 60')).stdout.trim();
    await p.waitFor(id, (x) => x.status === 'running' && x.meta.started_at, 'running');
    const name = await until(() => docker('ps', '--format', '{{.Names}}').split('\n').find((n) => n.includes(id)) ?? '', `a container for ${id}`);
    await until(async () => (await p.q('logs', id)).stdout.includes('started'), 'the command to run inside the container'); // a listed container may not run its command yet
    const c = await p.q('cancel', id, '--grace', '5');
    expect(c.code, c.stderr).toBe(0);
    const done = await p.waitFor(id, (x) => x.status !== 'running', 'a final status');
    // qwex cancel writes meta/cancel_requested before docker stop, so the wrapper records
    // "cancelled" even when the TERM reaches the command through the container first.
    expect(done.exit_code, JSON.stringify(done.meta)).toBe(143);
    expect(done.status, JSON.stringify(done.meta)).toBe('cancelled');
    await until(() => !docker('ps', '-a', '--format', '{{.Names}}').split('\n').includes(name), `container ${name} to go`);
  });
});
