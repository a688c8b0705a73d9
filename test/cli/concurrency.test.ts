// Two commands changing one project at once take turns through .qwex/.lock: the lock file is never
// corrupted and no install is lost. A lock left by a killed qwex is taken over; a live one is waited
// for, then reported.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consistent, deadPid, project, readJson, snapshot } from './helpers.js';

const LOCK = '.qwex/.lock';
const exists = (f: string) => fs.stat(f).then(() => true, () => false);

describe('two qwex commands in one project', () => {
  it('two adds at once, five times: both installed, the lock valid and agreeing with the files', async () => {
    for (let i = 0; i < 5; i++) {
      const p = await project();
      const [a, b] = await Promise.all([p.run('add', 'ssh', 'slurm'), p.run('add', 'docker', 'uv-cache')]);
      expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
      const lock = await readJson(path.join(p.dir, '.qwex/qwex.lock'));
      expect(Object.keys(lock.templates).sort()).toEqual(['docker', 'slurm', 'ssh', 'uv-cache']);
      expect(await consistent(p.dir)).toBe(true);
      expect(await exists(path.join(p.dir, LOCK))).toBe(false);
    }
  }, 60_000);

  it('an add and a remove at once: the lock ends up naming exactly the files on disk', async () => {
    const p = await project();
    expect((await p.run('add', 'ssh')).code).toBe(0);
    const [a, r] = await Promise.all([p.run('add', 'k8s'), p.run('remove', 'ssh')]);
    expect([a.code, r.code], a.stderr + r.stderr).toEqual([0, 0]);
    expect(Object.keys((await readJson(path.join(p.dir, '.qwex/qwex.lock'))).templates)).toEqual(['k8s']);
    expect(await exists(path.join(p.dir, '.qwex/templates/ssh'))).toBe(false);
    expect(await consistent(p.dir)).toBe(true);
  }, 30_000);

  it('a lock left by a killed qwex is taken over by the next command', async () => {
    const p = await project();
    await fs.writeFile(path.join(p.dir, LOCK), `${await deadPid()} ${os.hostname()}\n`);
    const r = await p.run('add', 'ssh');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/waiting/);
    expect(await exists(path.join(p.dir, LOCK))).toBe(false);
    expect(await consistent(p.dir)).toBe(true);
  });

  it('a lock held by a running qwex is waited for, then reported with exit 3, nothing changed', async () => {
    const p = await project();
    const holder = spawn('sleep', ['30']);
    try {
      await fs.writeFile(path.join(p.dir, LOCK), `${holder.pid} ${os.hostname()}\n`);
      const before = await snapshot(p.dir);
      const r = await p.runEnv({ QWEX_LOCK_TIMEOUT_MS: '1500' }, 'add', 'ssh');
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`waiting for another qwex (pid ${holder.pid}) to finish changing this project`);
      expect(r.stderr).toContain(`another qwex (pid ${holder.pid}) has been changing this project for 2 s`);
      expect(r.stderr).toContain(`if no qwex is running, delete ${path.join(await fs.realpath(p.dir), LOCK)}`);
      expect(await snapshot(p.dir)).toEqual(before);
      // Readers wait too, so they never read a half-applied change.
      const o = await p.runEnv({ QWEX_LOCK_TIMEOUT_MS: '600' }, 'outdated');
      expect(o.code).toBe(3);
    } finally {
      holder.kill();
    }
  });

  it('once the holder finishes, the waiting command goes ahead', async () => {
    const p = await project();
    const holder = spawn('sleep', ['1.5']);
    await fs.writeFile(path.join(p.dir, LOCK), `${holder.pid} ${os.hostname()}\n`);
    // The holder's own exit does not remove the file (it is not qwex): only its death frees it.
    const r = await p.run('add', 'ssh');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/waiting for another qwex/);
    expect(await consistent(p.dir)).toBe(true);
  });
});
