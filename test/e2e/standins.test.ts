// The two stand-ins (nothing real can run here: see reference/backends.md §4–5) behave like the
// real CLIs where the layers depend on it. Every title says "stand-in".
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { E, STATE } from './helpers.js';

const run = (tool: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(path.join(E.QWEX_STANDIN_BIN!, tool), args, { encoding: 'utf8', env: { ...process.env, QWEX_STANDIN_LOG: E.QWEX_STANDIN_LOG!, ...env } });

describe('apptainer/singularity (stand-in)', () => {
  it('says it is a stand-in, and rejects unknown flags, missing images and missing bind sources (exit 255)', () => {
    for (const t of ['apptainer', 'singularity']) expect(run(t, ['--version']).stdout).toMatch(/stand-in/);
    const img = E.QWEX_STANDIN_IMAGE!;
    expect(run('apptainer', ['exec', '--bogus', img, 'true'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/unknown flag: --bogus/) });
    expect(run('apptainer', ['exec', '/no/such.sif', 'true'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/could not open image/) });
    expect(run('apptainer', ['exec', '--bind', '/no/such/dir', img, 'true'])).toMatchObject({ status: 255, stderr: expect.stringMatching(/mount source \/no\/such\/dir doesn't exist/) });
    expect(run('apptainer', ['run', img])).toMatchObject({ status: 255 });
  });

  it('cleanenv keeps only APPTAINERENV_*/--env, --pwd maps through binds, exit codes pass, each call is logged', () => {
    const r = run('apptainer', ['exec', '--cleanenv', '--bind', `${STATE}:/mnt/s`, '--pwd', '/mnt/s/bin', '--env', 'B=2', E.QWEX_STANDIN_IMAGE!, 'sh', '-c', 'echo "$PWD|${A-}|${B-}|${SECRET-unset}"; exit 7'], { APPTAINERENV_A: '1', SECRET: 'x' });
    expect(r.status).toBe(7);
    expect(r.stdout).toBe(`${STATE}/bin|1|2|unset\n`);
    const last = JSON.parse(readFileSync(E.QWEX_STANDIN_LOG!, 'utf8').trim().split('\n').filter((l) => l.includes('/mnt/s')).pop()!);
    expect(last).toMatchObject({ tool: 'apptainer', pwd: '/mnt/s/bin', binds: [{ src: STATE, dst: '/mnt/s', mode: 'rw' }], cmd: ['sh', '-c', expect.any(String)] });
  });
});

describe('uv (stand-in)', () => {
  it('says it is a stand-in; cache dir resolution, sync, run and unknown flags as uv', () => {
    expect(run('uv', ['--version']).stdout).toMatch(/stand-in/);
    const cache = path.join(STATE, 'uv-standin-test');
    expect(run('uv', ['cache', 'dir'], { UV_CACHE_DIR: cache }).stdout.trim()).toBe(cache);
    expect(run('uv', ['--cache-dir', `${cache}2`, 'cache', 'dir'], { UV_CACHE_DIR: cache }).stdout.trim()).toBe(`${cache}2`);
    expect(run('uv', ['sync', '--locked', '--no-dev'], { UV_CACHE_DIR: cache, UV_PROJECT_ENVIRONMENT: path.join(cache, 'env') }).status).toBe(0);
    expect(run('uv', ['run', '--', 'sh', '-c', 'exit 4'], { UV_CACHE_DIR: cache }).status).toBe(4);
    expect(readFileSync(path.join(cache, 'qwex-standin-uses'), 'utf8')).toMatch(/^sync .*\nrun /);
    expect(run('uv', ['sync', '--bogus']).status).toBe(2);
    expect(run('uv', ['frobnicate']).status).toBe(2);
  });
});
