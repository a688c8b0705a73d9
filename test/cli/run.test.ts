// qwex run and the run commands, on local runs in temp git repositories.
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, repo } from './helpers.js';
import { installStandins } from '../support/standins.js';

const alive = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
};

describe('qwex run (local)', () => {
  it.each([
    ['success', ['sh', '-c', 'echo out; echo err >&2'], 0, 'succeeded'],
    ['failure passes the exit code through', ['sh', '-c', 'exit 3'], 3, 'failed'],
    ['command not found', ['no-such-command-qwex'], 127, 'failed'],
  ])('%s', async (_, cmd, code, status) => {
    const p = await repo();
    const r = await p.run('run', '--', ...cmd);
    expect(r.code, r.stderr).toBe(code);
    const [run] = (await p.json('list')).runs;
    expect(run).toMatchObject({ status, exit_code: code, runner: 'local', commit: p.git('rev-parse', 'HEAD').trim() });
    if (status === 'succeeded') {
      expect(r.stdout).toBe('out\n');
      expect(r.stderr).toContain('err\n');
      expect(await fs.readFile(path.join(run.dir, 'logs/stdout.log'), 'utf8')).toBe('out\n');
    }
    expect(p.git('worktree', 'list')).not.toContain('spaces'); // the worktree is gone after the run
  });

  it('runs in a worktree of the commit with QWEX_* set, and snapshots a dirty tree without touching it', async () => {
    const p = await repo();
    await fs.writeFile(path.join(p.dir, 'train.py'), 'print(2)\n');
    await fs.writeFile(path.join(p.dir, 'new.txt'), 'untracked\n');
    p.git('add', 'new.txt'); // something staged, to prove the index is left alone
    const before = [p.git('status', '--porcelain'), p.git('diff', '--cached'), p.git('rev-parse', 'HEAD')];
    const r = await p.run('run', '--', 'sh', '-c', 'cat train.py new.txt; echo "$QWEX_RUN_ID $QWEX_COMMIT"; pwd');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/uncommitted changes: running snapshot [0-9a-f]{12}/);
    const [run] = (await p.json('list')).runs;
    expect(r.stdout).toContain('print(2)\nuntracked\n');
    expect(r.stdout).toContain(`${run.id} ${run.commit}`);
    expect(r.stdout).toContain(`/spaces/${run.id}`);
    expect(run.commit).not.toBe(before[2]!.trim());
    expect([p.git('status', '--porcelain'), p.git('diff', '--cached'), p.git('rev-parse', 'HEAD')]).toEqual(before);
    expect(p.git('show', `${run.commit}:train.py`)).toBe('print(2)\n');
    expect((await p.run('run', '--require-clean', '--', 'true')).code).toBe(2);
  });

  it('cancel stops the whole process group, grandchildren included', async () => {
    const p = await repo();
    const marker = `sleep 3${Math.floor(Math.random() * 1000)}.5`;
    const started = await p.run('run', '-d', '--', 'sh', '-c', `${marker} & ${marker} & wait`);
    const id = started.stdout.trim();
    await p.waitFor(id, (s) => s.status === 'running' && s.meta.pid);
    expect(alive(marker)).toBe(true);
    const c = await p.run('cancel', id.slice(0, 17), '--grace', '5');
    expect(c.code, c.stderr).toBe(0);
    const s = await p.waitFor(id, (x) => x.status !== 'running');
    expect(s).toMatchObject({ status: 'cancelled', exit_code: 143 });
    expect(alive(marker)).toBe(false);
  });

  it('reports lost when the wrapper is killed with SIGKILL', async () => {
    const p = await repo();
    const marker = `sleep 4${Math.floor(Math.random() * 1000)}.5`;
    const id = (await p.run('run', '-d', '--', 'sh', '-c', marker)).stdout.trim();
    const s = await p.waitFor(id, (x) => x.status === 'running' && x.meta.wrapper_pid);
    process.kill(Number(s.meta.wrapper_pid), 'SIGKILL');
    await p.waitFor(id, (x) => x.status === 'lost');
    try {
      process.kill(-Number(s.meta.pid), 'SIGKILL');
    } catch {
      /* gone */
    }
  });

  it('detach, then logs -f follows to the end and exits with the run’s code', async () => {
    const p = await repo();
    const id = (await p.run('run', '-d', '--', 'sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.2; done; exit 7')).stdout.trim();
    const f = await p.run('logs', '-f', id);
    const why = `${f.stderr}\n${JSON.stringify((await p.json('status', id)).meta)}`;
    expect(f.stdout, why).toBe('tick 1\ntick 2\ntick 3\n');
    expect(f.code, why).toBe(7);
    expect((await p.run('logs', id)).stdout).toBe('tick 1\ntick 2\ntick 3\n');
    const missing = await p.run('logs', 'zzz');
    expect(missing.code).toBe(3);
  });

  it('collects artifacts from out/ with ignore globs and a size limit, with a manifest', async () => {
    const p = await repo();
    await fs.appendFile(path.join(p.dir, '.qwex/config.yaml'), 'artifacts:\n  watch: [out]\n  ignore: ["out/*.tmp"]\n  max_file_size: 100\n');
    p.git('add', '-A');
    p.git('commit', '-qm', 'artifacts');
    const r = await p.run('run', '--', 'sh', '-c', 'mkdir -p out/sub; echo model > out/sub/model.txt; echo x > out/skip.tmp; head -c 500 /dev/zero > out/big.bin');
    expect(r.code, r.stderr).toBe(0);
    const [run] = (await p.json('list')).runs;
    const manifest = await fs.readFile(path.join(run.dir, 'files/.manifest.tsv'), 'utf8');
    expect(manifest).toMatch(/^6\t[0-9a-f]{64}\tout\/sub\/model\.txt\n$/);
    expect(await fs.readFile(path.join(run.dir, 'files/out/sub/model.txt'), 'utf8')).toBe('model\n');
  });

  it('Ctrl-C without a terminal detaches: qwex exits 130 and the run goes on to the end', async () => {
    const p = await repo();
    // The command waits for the test to let it finish, so the Ctrl-C surely lands while it runs,
    // however slow the machine.
    const go = path.join(p.dir, '..', 'go');
    const child = spawn(process.execPath, [BIN, 'run', '--', 'sh', '-c', 'echo started; while [ ! -e "$1" ]; do sleep 0.1; done; echo finished', 'sh', go], { cwd: p.dir, env: { ...process.env, HOME: path.join(p.dir, '..', 'proj-home'), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    while (!out.includes('started')) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(err).toContain('detached; the run goes on');
    await fs.writeFile(go, '');
    const [run] = (await p.json('list')).runs;
    const s = await p.waitFor(run.id, (x) => x.status !== 'running' && x.status !== 'pending');
    expect(s.status).toBe('succeeded');
    expect(await fs.readFile(path.join(run.dir, 'logs/stdout.log'), 'utf8')).toBe('started\nfinished\n');
  });

  it('artifacts lists them, pull copies them back, checkout makes a worktree at the run’s commit', async () => {
    const p = await repo();
    const r = await p.run('run', '--', 'sh', '-c', 'mkdir -p out; echo result > out/r.txt');
    expect(r.code, r.stderr).toBe(0);
    const [run] = (await p.json('list')).runs;
    expect((await p.json('artifacts', run.id)).files).toEqual([{ path: 'out/r.txt', size: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const pulled = await p.run('pull', run.id);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(await fs.readFile(path.join(p.dir, `.qwex/runs/${run.id}/files/out/r.txt`), 'utf8')).toBe('result\n');
    const co = await p.run('checkout', run.id);
    expect(co.code, co.stderr).toBe(0);
    expect(await fs.readFile(path.join(co.stdout.trim(), 'train.py'), 'utf8')).toBe('print(1)\n');
    expect(p.git('status', '--porcelain')).toBe(''); // runs/ and checkouts/ are git-ignored
  });

  it('ten concurrent runs never share a run dir, log or worktree', async () => {
    const p = await repo();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => p.run('run', '--name', `n${i}`, '--', 'sh', '-c', `echo run-${i}; sleep 0.3`)));
    expect(results.map((r) => r.code), results.map((r) => r.stderr).join('\n')).toEqual(Array(10).fill(0));
    const runs = (await p.json('list')).runs;
    expect(new Set(runs.map((r: { id: string }) => r.id)).size).toBe(10);
    for (const r of runs) expect(await fs.readFile(path.join(r.dir, 'logs/stdout.log'), 'utf8')).toBe(`run-${r.name.slice(1)}\n`);
  });
});

describe('qwex run through layers', () => {
  it('slurm (stand-in sbatch/squeue/sacct) → singularity (stand-in apptainer): the record wrapper sits inside the scheduler', async () => {
    const p = await repo();
    const standins = installStandins(path.join(p.dir, '..', 'standins'));
    // As the real sbatch: the submission succeeds whatever the job does; the exit code comes back
    // through the record wrapper's meta/exit_code.
    await fs.writeFile(path.join(standins, 'sbatch'), '#!/bin/sh\nfor a in "$@"; do f=$a; done\nsh "$f" >/dev/null 2>&1 </dev/null\necho 4242\n');
    const env = { PATH: `${standins}:${process.env.PATH}` };
    expect((await p.runEnv(env, 'add', 'slurm', 'singularity')).code).toBe(0);
    const config = path.join(p.dir, '.qwex/config.yaml');
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('runners:\n', 'runners:\n  hpc:\n    layers:\n      - slurm: { time: "00:10:00", poll_interval: 1 }\n      - singularity: { image: /images/torch.sif }\n'));
    p.git('add', '-A');
    p.git('commit', '-qm', 'hpc runner');
    const r = await p.runEnv(env, 'run', '-r', 'hpc', '--', 'sh', '-c', 'echo "in $QWEX_RUN_ID"; exit 4');
    const [run] = (await p.json('list')).runs;
    expect(r.code, await fs.readFile(path.join(run.dir, 'logs/launcher.log'), 'utf8')).toBe(4);
    expect(run).toMatchObject({ runner: 'hpc', status: 'failed', exit_code: 4 });
    expect(r.stdout).toBe(`in ${run.id}\n`);
    const script = await fs.readFile(path.join(run.dir, 'runner.sh'), 'utf8');
    expect(script).toContain('sbatch');
    expect(script).not.toContain('qwex record wrapper'); // it travels base64-encoded inside the job script
  });
});
