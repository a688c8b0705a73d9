import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRegistry, project, readJson, snapshot } from './helpers.js';

describe('qwex search', () => {
  it('lists name, latest, kind, installed version and description; filters by words', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }, { version: '1.1.0', edit: (s) => s + '#\n' }, { version: '1.0.0', name: 'other' }]);
    const { run } = await project();
    await run('add', 'hello@1.0.0', '--registry', registry);
    const text = await run('search', '--registry', registry);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^NAME\s+LATEST\s+KIND\s+INSTALLED\s+DESCRIPTION$/);
    expect(text.stdout).toMatch(/hello\s+1\.1\.0\s+env\s+1\.0\.0\s+A tiny fixture layer/);
    expect(text.stdout).toMatch(/other\s+1\.0\.0\s+env\s+-\s+/);
    const json = JSON.parse((await run('search', 'HELLO', '--registry', registry, '--json')).stdout);
    expect(json.templates).toEqual([{ name: 'hello', latest: '1.1.0', kind: 'env', description: 'A tiny fixture layer that greets before running the inner script', installed: '1.0.0' }]);
    const none = await run('search', 'kubernetes', '--registry', registry);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('no templates match "kubernetes"');
  });
});

describe('qwex view', () => {
  it('shows versions, inputs, files and the README; --json is the same data', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }, { version: '1.1.0', edit: (s) => s + '#\n' }]);
    const { run } = await project();
    const text = await run('view', 'hello', '--registry', registry);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('hello@1.1.0  env, runs on node');
    expect(text.stdout).toContain('qwex add hello');
    expect(text.stdout).toMatch(/versions\s+1\.1\.0 \(2025-12-01\), 1\.0\.0 \(2025-12-01\)/);
    expect(text.stdout).toMatch(/greeting\s+string\s+"hello"\s+what to print on stderr first/);
    expect(text.stdout).toContain('~/.qwex/templates/hello/hello.sh.j2');
    expect(text.stdout).toContain('A fixture layer for qwex tests.');
    const json = JSON.parse((await run('view', 'hello@1.0.0', '--registry', registry, '--json')).stdout);
    expect(json).toMatchObject({ name: 'hello', version: '1.0.0', kind: 'env', installed: null, requires: {}, inputs: [{ name: 'greeting', default: 'hello' }] });
    expect(json.versions.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(json.files.map((f: { path: string }) => f.path)).toEqual(['README.md', 'bin/greet.sh', 'hello.sh.j2', 'layer.json']);
  });
});

describe('qwex remove', () => {
  it('removes an untouched template and its lock entry', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    await run('add', 'hello', '--registry', registry);
    const r = await run('remove', 'hello');
    expect(r.code).toBe(0);
    expect(await fs.stat(path.join(dir, '.qwex/templates/hello')).catch(() => 'gone')).toBe('gone');
    expect((await readJson(path.join(dir, '.qwex/qwex.lock'))).templates).toEqual({});
  });

  it('refuses when files were edited, added or deleted, unless --force', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    await run('add', 'hello', '--registry', registry);
    await fs.appendFile(path.join(dir, '.qwex/templates/hello/hello.sh.j2'), 'echo mine\n');
    await fs.writeFile(path.join(dir, '.qwex/templates/hello/notes.txt'), 'mine\n');
    await fs.rm(path.join(dir, '.qwex/templates/hello/README.md'));
    const before = await snapshot(dir);
    const r = await run('remove', 'hello');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hello has local edits, which remove would delete:\n  deleted .qwex/templates/hello/README.md\n  modified .qwex/templates/hello/hello.sh.j2\n  added .qwex/templates/hello/notes.txt');
    expect(r.stderr).toContain('hint: nothing was removed. qwex diff hello --local shows the edits; qwex remove hello --force deletes them with the template');
    expect(await snapshot(dir)).toEqual(before);
    expect((await run('remove', 'hello', '--force')).code).toBe(0);
    expect(await fs.stat(path.join(dir, '.qwex/templates/hello')).catch(() => 'gone')).toBe('gone');
  });

  it('refuses a template a runner uses, and one that is not installed', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    await run('add', 'hello', '--registry', registry);
    const config = path.join(dir, '.qwex/config.yaml');
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('    layers: []', '    layers:\n      - hello: { greeting: hi }'));
    const used = await run('remove', 'hello');
    expect(used.code).toBe(3);
    expect(used.stderr).toContain('runner local in .qwex/config.yaml uses hello');
    const missing = await run('remove', 'helo');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('hint: did you mean hello?');
    // Names of Object.prototype's members are template names like any other: not installed.
    for (const args of [['remove', 'constructor'], ['diff', 'tostring'], ['fork', 'constructor'], ['update', 'constructor']]) {
      const r = await run(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/^error: (constructor|tostring) is not installed in this project/);
    }
  });
});
