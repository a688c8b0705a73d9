import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRegistry, project, qwex, readJson, snapshot, tempDir } from './helpers.js';

describe('qwex init', () => {
  it('creates config, schema, .gitignore and an empty lock, and never clobbers them', async () => {
    const { dir, run } = await project({ init: false });
    const first = await run('init', '--name', 'demo', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).created).toEqual(['.qwex/config.yaml', '.qwex/config.schema.json', '.qwex/.gitignore', '.qwex/qwex.lock']);
    const config = await fs.readFile(path.join(dir, '.qwex/config.yaml'), 'utf8');
    expect(config).toMatch(/^# yaml-language-server: \$schema=\.\/config\.schema\.json\n/);
    expect(config).toContain('name: "demo"');
    expect(config).toMatch(/defaults:\n  runner: local/);
    expect(await fs.readFile(path.join(dir, '.qwex/.gitignore'), 'utf8')).toContain('targets/');
    expect(await readJson(path.join(dir, '.qwex/qwex.lock'))).toEqual({ apiVersion: 'qwex/v1', lockfileVersion: 1, templates: {} });
    expect((await readJson(path.join(dir, '.qwex/config.schema.json'))).$defs.config).toBeTruthy();

    await fs.appendFile(path.join(dir, '.qwex/config.yaml'), '# my note\n');
    const before = await snapshot(dir);
    const again = await run('init', '--name', 'other');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already set up');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('names the project after its folder by default', async () => {
    const { dir } = await project();
    expect(await fs.readFile(path.join(dir, '.qwex/config.yaml'), 'utf8')).toContain('name: "proj"');
  });
});

describe('qwex add from a registry folder', () => {
  it('installs files and records source, version, integrity and per-file hashes in the lock', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    const r = await run('add', 'hello', '--registry', registry);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('added hello@1.0.0');
    const script = await fs.readFile(path.join(dir, '.qwex/templates/hello/hello.sh.j2'), 'utf8');
    const item = await readJson(path.join(registry, 'hello/1.0.0.json'));
    expect(script).toBe(item.files.find((f: { path: string }) => f.path === 'hello.sh.j2').content);
    const lock = await readJson(path.join(dir, '.qwex/qwex.lock'));
    const index = await readJson(path.join(registry, 'index.json'));
    expect(lock.templates.hello).toEqual({
      source: registry,
      requested: '^1.0.0',
      version: '1.0.0',
      integrity: index.items.hello.versions[0].integrity,
      files: Object.fromEntries(item.files.map((f: { path: string; sha256: string; mode: string }) => [f.path, { base: f.sha256, baseVersion: '1.0.0', mode: f.mode }])),
    });
    // The exec bit travels: registry item → disk → lock.
    expect(lock.templates.hello.files['bin/greet.sh'].mode).toBe('0755');
    expect((await fs.stat(path.join(dir, '.qwex/templates/hello/bin/greet.sh'))).mode & 0o777).toBe(0o755);
    expect((await fs.stat(path.join(dir, '.qwex/templates/hello/hello.sh.j2'))).mode & 0o777).toBe(0o644);
  });

  it('skips identical files, refuses edited ones without --overwrite, and keeps the edit', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    expect((await run('add', 'hello', '--registry', registry)).code).toBe(0);
    const again = await run('add', 'hello', '--registry', registry);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('unchanged hello@1.0.0');

    const file = path.join(dir, '.qwex/templates/hello/hello.sh.j2');
    await fs.appendFile(file, 'echo my edit\n');
    const before = await snapshot(dir);
    const refused = await run('add', 'hello', '--registry', registry);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/error: a file differs from what qwex add would write, and qwex never overwrites your edits silently:\n  \.qwex\/templates\/hello\/hello\.sh\.j2/);
    expect(refused.stderr).toContain('hint: nothing was written. qwex diff hello --local shows your edits; qwex update hello merges a newer version into them; qwex add hello --overwrite replaces them (losing the edits)');
    expect(await snapshot(dir)).toEqual(before);

    const forced = await run('add', 'hello', '--registry', registry, '--overwrite');
    expect(forced.code).toBe(0);
    expect(await fs.readFile(file, 'utf8')).not.toContain('my edit');
  });

  it('--dry-run reports the plan and writes nothing', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    const before = await snapshot(dir);
    const r = await run('add', 'hello', '--registry', registry, '--dry-run', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, templates: [{ name: 'hello', version: '1.0.0', files: [{ path: '.qwex/templates/hello/README.md', action: 'create' }, { path: '.qwex/templates/hello/bin/greet.sh', mode: '0755' }, {}, {}] }] });
    expect(await snapshot(dir)).toEqual(before);
  });

  it('resolves ranges: exact pins never fall back, prereleases only when asked', async () => {
    const registry = await fixtureRegistry([
      { version: '1.0.0' },
      { version: '1.1.0', edit: (s) => s + '# 1.1\n' },
      { version: '2.0.0-beta.1', edit: (s) => s + '# 2 beta\n' },
    ]);
    const { dir, run } = await project();
    const version = async () => (await readJson(path.join(dir, '.qwex/qwex.lock'))).templates.hello?.version;
    expect((await run('add', 'hello', '--registry', registry)).code).toBe(0);
    expect(await version()).toBe('1.1.0');
    const missing = await run('add', 'hello@1.0.1', '--registry', registry);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('hello@1.0.1 is not published (published: 2.0.0-beta.1, 1.1.0, 1.0.0)');
    expect((await run('add', 'hello@1.0.0', '--registry', registry, '--overwrite')).code).toBe(0);
    expect(await version()).toBe('1.0.0');
    expect((await readJson(path.join(dir, '.qwex/qwex.lock'))).templates.hello.requested).toBe('1.0.0');
    expect((await run('add', 'hello', '--registry', registry, '--pre', '--overwrite')).code).toBe(0);
    expect(await version()).toBe('2.0.0-beta.1');
  });

  it('installs requirements first and reports a template that does not exist', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }, { version: '1.0.0', name: 'greeter', requires: { hello: '^1.0.0' } }]);
    const { dir, run } = await project();
    const r = await run('add', 'greeter', '--registry', registry, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).templates.map((t: { name: string }) => t.name)).toEqual(['hello', 'greeter']);
    expect(Object.keys((await readJson(path.join(dir, '.qwex/qwex.lock'))).templates)).toEqual(['greeter', 'hello']);
    const typo = await run('add', 'helo', '--registry', registry);
    expect(typo.code).toBe(4);
    expect(typo.stderr).toContain('hint: did you mean hello?');
  });

  it('needs a project, and says how to make one', async () => {
    const dir = tempDir();
    const r = await qwex(['add', 'ssh'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: no qwex project here .*\nhint: qwex init\n/);
  });

  it('reports a broken config.yaml at file:line:col', async () => {
    const { dir, run } = await project();
    await fs.writeFile(path.join(dir, '.qwex/config.yaml'), 'apiVersion: qwex/v1\nname: x\nruners:\n  local: {}\n');
    // add reads config.yaml only when it needs it: for a namespace.
    const r = await run('add', '@acme/ssh');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('.qwex/config.yaml:1:1: (root): Unrecognized key: "runers"');
    await fs.writeFile(path.join(dir, '.qwex/config.yaml'), 'apiVersion: qwex/v1\nname: x\ndefaults:\n  runner: hpc\n');
    const r2 = await run('add', '@acme/ssh');
    expect(r2.stderr).toContain('.qwex/config.yaml:4:11: defaults.runner: names runner "hpc", which is not defined under runners');
  });
});

describe('config.yaml syntax errors', () => {
  it('points at the line and column of a YAML error', async () => {
    const { dir, run } = await project();
    await fs.writeFile(path.join(dir, '.qwex/config.yaml'), 'apiVersion: qwex/v1\nname: x\nrunners:\n  local:\n\tlayers: []\n');
    const r = await run('add', '@acme/ssh');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error: \.qwex\/config\.yaml:5:1: .*[Tt]ab/);
  });
});
