import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, qwex, readJson, snapshot, tempDir } from './helpers.js';

async function templatesDir(): Promise<string> {
  const base = tempDir('qwex-build-');
  await fs.cp(path.join(FIXTURES, 'templates'), path.join(base, 'templates'), { recursive: true });
  return base;
}
const build = (cwd: string, ...args: string[]) => qwex(['registry', 'build', 'templates', '--out', 'registry', ...args], { cwd, env: { SOURCE_DATE_EPOCH: '1764547200' } });

describe('qwex registry build', () => {
  it('builds index.json, one file per version and the JSON Schemas, byte-identical on every run', async () => {
    const a = await templatesDir();
    const b = await templatesDir();
    expect((await build(a)).code).toBe(0);
    expect((await build(b)).code).toBe(0);
    const files = await snapshot(path.join(a, 'registry'));
    expect(Object.keys(files).sort()).toEqual(['hello/', 'hello/1.0.0.json', 'index.json', 'schema/', 'schema/config.json', 'schema/index.json', 'schema/item.json', 'schema/layer.json', 'schema/lock.json']);
    expect(await snapshot(path.join(b, 'registry'))).toEqual(files);
    const index = JSON.parse(files['index.json']!);
    expect(index.items.hello).toMatchObject({ latest: '1.0.0', kind: 'env', versions: [{ version: '1.0.0', created: '2025-12-01T00:00:00Z' }] });
    const item = JSON.parse(files['hello/1.0.0.json']!);
    expect(item).toMatchObject({ $schema: 'https://ui.shadcn.com/schema/registry-item.json', type: 'registry:item', registryDependencies: [], dependencies: [] });

    const again = await build(a);
    expect(again.stderr).toContain('already up to date');
    expect(await snapshot(path.join(a, 'registry'))).toEqual(files);
  });

  it('refuses to change a published version, says which file and what to bump, and writes nothing', async () => {
    const dir = await templatesDir();
    await build(dir);
    await fs.appendFile(path.join(dir, 'templates/hello/hello.sh.j2'), '# tweak\n');
    const before = await snapshot(path.join(dir, 'registry'));
    const r = await build(dir);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('error: templates/hello/hello.sh.j2 changed, but hello@1.0.0 is already published and published versions never change');
    expect(r.stderr).toContain('hint: bump "version" in templates/hello/layer.json: 1.0.1 for a fix');
    expect(await snapshot(path.join(dir, 'registry'))).toEqual(before);

    const manifest = await readJson(path.join(dir, 'templates/hello/layer.json'));
    await fs.writeFile(path.join(dir, 'templates/hello/layer.json'), JSON.stringify({ ...manifest, version: '1.0.1' }));
    const bumped = await qwex(['registry', 'build', 'templates', '--out', 'registry', '--json'], { cwd: dir, env: { SOURCE_DATE_EPOCH: '1764633600' } });
    expect(JSON.parse(bumped.stdout)).toEqual({ published: ['hello@1.0.1'], written: ['hello/1.0.1.json', 'index.json'] });
    const index = await readJson(path.join(dir, 'registry/index.json'));
    expect(index.items.hello.versions.map((v: { version: string; created: string }) => `${v.version} ${v.created}`)).toEqual(['1.0.1 2025-12-02T00:00:00Z', '1.0.0 2025-12-01T00:00:00Z']);
    expect(await fs.readFile(path.join(dir, 'registry/hello/1.0.0.json'), 'utf8')).toBe(before['hello/1.0.0.json']);
  });

  it('--check fails on a stale registry and passes on a fresh one', async () => {
    const dir = await templatesDir();
    const stale = await build(dir, '--check');
    expect(stale.code).toBe(5);
    expect(stale.stderr).toContain('registry is not up to date with templates: hello/1.0.0.json, index.json, schema/config.json');
    expect(await snapshot(dir)).not.toHaveProperty('registry/');
    await build(dir);
    expect((await build(dir, '--check')).code).toBe(0);
  });

  it.each([
    ['a layer.json of the wrong shape', (m: any) => ({ ...m, kind: 'daemon' }), /templates\/hello\/layer\.json: kind: Invalid option/],
    ['a version that is not semver', (m: any) => ({ ...m, version: '1.0' }), /version: must be an exact semver version/],
    ['a name that differs from the folder', (m: any) => ({ ...m, name: 'other', main: 'hello.sh.j2' }), /name "other" must match its folder name "hello"/],
    ['an input name qwex reserves', (m: any) => ({ ...m, inputs: [{ name: 'inner', type: 'string', description: 'x' }] }), /inputs\[0\]\.name: is reserved/],
  ])('rejects %s', async (_, mutate, message) => {
    const dir = await templatesDir();
    const file = path.join(dir, 'templates/hello/layer.json');
    await fs.writeFile(file, JSON.stringify(mutate(await readJson(file))));
    const r = await build(dir);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(message);
    expect(await snapshot(dir)).not.toHaveProperty('registry/');
  });
});

describe('qwex registry validate', () => {
  it('passes a built registry and lists every problem of a broken one', async () => {
    const dir = await templatesDir();
    await build(dir);
    const ok = await qwex(['registry', 'validate', 'registry'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('registry: 1 templates, 1 versions, all valid');

    const index = await readJson(path.join(dir, 'registry/index.json'));
    index.items.hello.latest = '9.9.9';
    await fs.writeFile(path.join(dir, 'registry/index.json'), JSON.stringify(index));
    const bad = await qwex(['registry', 'validate', 'registry'], { cwd: dir });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('items.hello.latest: "9.9.9" is not one of the listed versions');
  });
});
