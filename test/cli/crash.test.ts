// Crash safety: qwex killed with SIGKILL at random moments during add and update. After the next
// command (which finishes or undoes the interrupted transaction), the project is always either
// exactly as before or fully updated, and the lock always agrees with the files.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, consistent, deadPid, project, readJson, snapshot, staged, tempDir } from './helpers.js';
import { installed, lines, versionedRegistry } from './update-helpers.js';

function killAfter(args: string[], cwd: string, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (code) => (clearTimeout(timer), resolve(code)));
  });
}

/** A fresh copy of `seed`, `args` killed in it after `ms`, then a command that opens the project
 * (and so recovers). Says whether the kill left a transaction behind for that recovery. */
async function killedCopy(seed: string, args: string[], ms: number): Promise<{ dir: string; midway: boolean }> {
  const dir = path.join(tempDir(), 'p');
  await fs.cp(seed, dir, { recursive: true });
  await killAfter(args, dir, ms);
  const midway = await staged(dir);
  await killAfter(['outdated'], dir, 20_000);
  return { dir, midway };
}

const RUNS = 24;
const delay = (i: number) => 40 + Math.floor((i * 197) % 220); // spread over start-up and the writes

describe('kill -9 during add and update', () => {
  it(`qwex add of six templates, killed ${RUNS} times: before or after, never between`, async () => {
    const seed = await project();
    const before = await snapshot(seed.dir);
    const outcomes = { before: 0, after: 0 };
    let midway = 0; // kills that left a transaction behind for recovery
    for (let i = 0; i < RUNS; i++) {
      const { dir, midway: left } = await killedCopy(seed.dir, ['add', 'ssh', 'slurm', 'singularity', 'uv-cache', 'docker', 'k8s'], delay(i));
      if (left) midway++;
      expect(await consistent(dir), `run ${i}`).toBe(true);
      const now = await snapshot(dir);
      const lock = await readJson(path.join(dir, '.qwex/qwex.lock'));
      const installed = Object.keys(lock.templates).length;
      if (installed === 0) {
        delete now['.git/'];
        expect(Object.keys(now).filter((k) => k.startsWith('.qwex/templates')), `run ${i}: files without a lock entry`).toEqual([]);
        expect(now).toEqual(Object.fromEntries(Object.entries(before).filter(([k]) => k !== '.git/')));
        outcomes.before++;
      } else {
        expect(installed, `run ${i}`).toBe(6);
        outcomes.after++;
      }
    }
    console.log(`add killed ${RUNS} times: ${midway} mid-transaction; after recovery ${outcomes.before} as before, ${outcomes.after} fully installed`);
  }, 120_000);

  it(`qwex update with a local edit, killed ${RUNS} times: before or after, never between`, async () => {
    const V1 = lines('#!/bin/sh', 'A=1', 'B=2', 'C=3', 'D=4', 'E=5');
    const registry = await versionedRegistry('t', [
      { version: '1.0.0', files: { 't.sh.j2': V1, 'x.sh.j2': 'x\n', 'gone.sh.j2': 'g\n' } },
      { version: '1.1.0', files: { 't.sh.j2': V1.replace('E=5', 'E=6'), 'x.sh.j2': 'x2\n', 'new.sh.j2': 'n\n' } },
    ]);
    const seed = await installed(registry);
    await fs.writeFile(seed.file('t.sh.j2'), V1.replace('A=1', 'A=mine'));
    const before = await snapshot(seed.dir);
    const outcomes = { before: 0, after: 0 };
    let midway = 0; // kills that left a transaction behind for recovery
    for (let i = 0; i < RUNS; i++) {
      const { dir, midway: left } = await killedCopy(seed.dir, ['update', '--registry', registry], delay(i));
      if (left) midway++;
      expect(await staged(dir), `run ${i}`).toBe(false);
      const now = await snapshot(dir);
      const version = (await readJson(path.join(dir, '.qwex/qwex.lock'))).templates.t.version;
      if (version === '1.0.0') {
        expect(now, `run ${i}`).toEqual(before);
        outcomes.before++;
      } else {
        expect(version).toBe('1.1.0');
        expect(now['.qwex/templates/t/t.sh.j2']).toBe(V1.replace('A=1', 'A=mine').replace('E=5', 'E=6'));
        expect(now['.qwex/templates/t/new.sh.j2']).toBe('n\n');
        expect(now).not.toHaveProperty('.qwex/templates/t/gone.sh.j2');
        outcomes.after++;
      }
    }
    console.log(`update killed ${RUNS} times: ${midway} mid-transaction; after recovery ${outcomes.before} as before, ${outcomes.after} fully updated`);
  }, 120_000);
});

describe('temp files of a killed write', () => {
  it('are removed by the next command when their writer is gone, kept while it runs', async () => {
    const p = await project();
    const gone = await deadPid();
    const stale = path.join(p.dir, `.qwex/.qwex.lock.${gone}.abc123.tmp`);
    const live = path.join(p.dir, `.qwex/.qwex.lock.${process.pid}.def456.tmp`);
    await fs.writeFile(stale, '{"half": ');
    await fs.writeFile(live, '{"half": ');
    expect((await p.run('outdated')).code).toBe(0);
    expect(await fs.stat(stale).then(() => true, () => false)).toBe(false);
    expect(await fs.stat(live).then(() => true, () => false)).toBe(true);
  });
});
