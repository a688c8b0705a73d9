import { describe, expect, it } from 'vitest';
import { planBuild, itemFromTemplate, type TemplateSource, type PublishedRegistry } from '../../cli/core/build-registry.js';
import { planInstall, type DiskState } from '../../cli/core/install-plan.js';
import { resolveRequirements } from '../../cli/core/requires.js';
import { localChanges } from '../../cli/core/local-changes.js';
import { issuesToError } from '../../cli/core/schema-errors.js';
import { sha256Integrity } from '../../cli/core/integrity.js';
import { registryItemSchema, type RegistryItem } from '../../cli/schema/item.js';
import { registryIndexSchema } from '../../cli/schema/index.js';
import { layerManifestSchema } from '../../cli/schema/layer.js';
import { registryProblems } from '../../cli/core/validate-registry.js';

const NOW = '2026-12-01T00:00:00Z';

function source(version: string, script = 'exec true\n', requires: Record<string, string> = {}, name = 'hello'): TemplateSource {
  const manifest = layerManifestSchema.parse({ apiVersion: 'qwex/v1', name, version, kind: 'env', runs_on: 'node', description: 'says hello', main: `${name}.sh.j2`, inputs: [], requires });
  return { dir: `templates/${name}`, manifest, files: [{ path: `${name}.sh.j2`, content: script, mode: '0644' }, { path: 'layer.json', content: JSON.stringify(manifest), mode: '0644' }] };
}

function publish(...sources: TemplateSource[]): PublishedRegistry {
  const plan = planBuild(sources, { items: new Map() }, NOW, {});
  const items = new Map<string, Map<string, RegistryItem>>();
  for (const w of plan.writes.filter((w) => w.path !== 'index.json')) {
    const item = registryItemSchema.parse(JSON.parse(w.content));
    if (!items.has(item.name)) items.set(item.name, new Map());
    items.get(item.name)!.set(item.version, item);
  }
  return { index: registryIndexSchema.parse(JSON.parse(plan.writes.find((w) => w.path === 'index.json')!.content)), items };
}

describe('planBuild', () => {
  it('publishes a new version and lists every version newest first', () => {
    const before = publish(source('1.0.0'));
    const plan = planBuild([source('1.1.0', 'exec false\n')], before, '2026-12-02T00:00:00Z', { 'x.json': '{}\n' });
    expect(plan.published).toEqual(['hello@1.1.0']);
    expect(plan.writes.map((w) => w.path)).toEqual(['hello/1.1.0.json', 'index.json', 'schema/x.json']);
    const index = JSON.parse(plan.writes[1]!.content);
    expect(index.items.hello.latest).toBe('1.1.0');
    expect(index.items.hello.versions.map((v: { version: string; created: string }) => [v.version, v.created])).toEqual([
      ['1.1.0', '2026-12-02T00:00:00Z'],
      ['1.0.0', NOW], // an old version keeps its date
    ]);
  });

  it('is deterministic', () => {
    const a = planBuild([source('1.0.0')], { items: new Map() }, NOW, {});
    const b = planBuild([source('1.0.0')], { items: new Map() }, NOW, {});
    expect(a).toEqual(b);
  });

  it('refuses a changed template without a version bump, naming the file and the bump', () => {
    const before = publish(source('1.0.0'));
    expect(() => planBuild([source('1.0.0', 'exec false\n')], before, NOW, {})).toThrow(
      /templates\/hello\/hello\.sh\.j2 changed, but hello@1\.0\.0 is already published[\s\S]*/,
    );
    try {
      planBuild([source('1.0.0', 'exec false\n')], before, NOW, {});
    } catch (e) {
      expect((e as { hint: string }).hint).toMatch(/1\.0\.1 for a fix, 1\.1\.0 for a new input/);
      expect((e as { exitCode: number }).exitCode).toBe(5);
    }
  });

  it('refuses a version older than the latest published', () => {
    const before = publish(source('1.2.0'));
    expect(() => planBuild([source('1.1.0', 'x\n')], before, NOW, {})).toThrow(/1\.1\.0 is not newer than the published hello@1\.2\.0/);
  });

  it('refuses a published file edited behind the index’s back', () => {
    const before = publish(source('1.0.0'));
    before.items.get('hello')!.get('1.0.0')!.description = 'tampered';
    expect(() => planBuild([], before, NOW, {})).toThrow(/registry\/hello\/1\.0\.0\.json was changed after it was published/);
  });

  it('keeps prereleases out of latest', () => {
    const plan = planBuild([source('2.0.0-beta.1')], publish(source('1.0.0')), NOW, {});
    expect(JSON.parse(plan.writes.find((w) => w.path === 'index.json')!.content).items.hello.latest).toBe('1.0.0');
  });

  it('makes items that are valid shadcn registry:items with qwex fields beside', () => {
    const item = itemFromTemplate(source('1.0.0'));
    expect(item).toMatchObject({ type: 'registry:item', registryDependencies: [], dependencies: [] });
    expect(item.files.map((f) => [f.type, f.target])).toEqual([
      ['registry:file', '~/.qwex/templates/hello/hello.sh.j2'],
      ['registry:file', '~/.qwex/templates/hello/layer.json'],
    ]);
  });
});

describe('planInstall', () => {
  const item = itemFromTemplate(source('1.0.0'));
  const req = { item, source: 'embedded', requested: '^1.0.0', where: 'test' };
  const file = (content: string): DiskState => ({ kind: 'file', sha256: sha256Integrity(content) });

  it.each([
    ['nothing on disk', () => undefined, ['create', 'create']],
    ['identical files', (p: string) => (p.endsWith('.j2') ? file('exec true\n') : file(item.files[1]!.content)), ['skip', 'skip']],
  ])('%s', (_, disk, actions) => {
    const [plan] = planInstall([req], disk, { overwrite: false });
    expect(plan!.files.map((f) => f.action)).toEqual(actions);
    expect(plan!.lock).toMatchObject({ source: 'embedded', requested: '^1.0.0', version: '1.0.0' });
    expect(plan!.lock.files['hello.sh.j2']).toEqual({ base: sha256Integrity('exec true\n'), baseVersion: '1.0.0', mode: '0644' });
  });

  it('refuses to overwrite an edited file unless asked', () => {
    const edited = (p: string) => (p.endsWith('.j2') ? file('my edit\n') : undefined);
    expect(() => planInstall([req], edited, { overwrite: false })).toThrow(/never overwrites your edits silently:\n  \.qwex\/templates\/hello\/hello\.sh\.j2/);
    expect(planInstall([req], edited, { overwrite: true })[0]!.files[0]!.action).toBe('overwrite');
  });

  it('refuses duplicate targets and content that does not match its sha256', () => {
    const dup = { ...item, files: [item.files[0]!, item.files[0]!] };
    expect(() => planInstall([{ ...req, item: dup }], () => undefined, { overwrite: false })).toThrow(/two files target/);
    const bad = { ...item, files: [{ ...item.files[0]!, content: 'exec evil\n' }] };
    expect(() => planInstall([{ ...req, item: bad }], () => undefined, { overwrite: false })).toThrow(/does not match its sha256/);
  });
});

describe('resolveRequirements', () => {
  type T = { name: string; version: string; requires: Record<string, string> };
  const reg: Record<string, T> = {
    slurm: { name: 'slurm', version: '1.0.0', requires: { ssh: '^1.0.0' } },
    ssh: { name: 'ssh', version: '1.2.0', requires: {} },
    a: { name: 'a', version: '1.0.0', requires: { b: '*' } },
    b: { name: 'b', version: '1.0.0', requires: { c: '*' } },
    c: { name: 'c', version: '1.0.0', requires: { a: '*' } },
  };
  const load = async (name: string) => reg[name]!;

  it('orders dependencies first', async () => {
    expect((await resolveRequirements([reg.slurm!], load, {})).map((i) => i.name)).toEqual(['ssh', 'slurm']);
  });
  it('keeps an installed template that satisfies the range', async () => {
    expect((await resolveRequirements([reg.slurm!], load, { ssh: { version: '1.0.5' } })).map((i) => i.name)).toEqual(['slurm']);
  });
  it('reports an installed template that does not', async () => {
    await expect(resolveRequirements([reg.slurm!], load, { ssh: { version: '2.0.0' } })).rejects.toThrow(/slurm@1\.0\.0 requires ssh@\^1\.0\.0, but ssh@2\.0\.0 is installed/);
  });
  it('reports cycles with their path', async () => {
    await expect(resolveRequirements([reg.a!], load, {})).rejects.toThrow('a → b → c → a');
  });
});

describe('localChanges', () => {
  const entry = { source: 'embedded', requested: '^1', version: '1.0.0', integrity: sha256Integrity('x'), files: { 'a.j2': { base: sha256Integrity('a'), baseVersion: '1.0.0', mode: '0644' as const }, 'b.j2': { base: sha256Integrity('b'), baseVersion: '1.0.0', mode: '0755' as const } } };
  const f = (s: string, mode: '0644' | '0755' = '0644') => ({ content: Buffer.from(s), mode });
  it.each([
    ['untouched', new Map([['a.j2', f('a')], ['b.j2', f('b', '0755')]]), []],
    ['edited, deleted, added', new Map([['a.j2', f('A')], ['c.j2', f('c')]]), [['a.j2', 'modified'], ['b.j2', 'deleted'], ['c.j2', 'added']]],
    ['mode only', new Map([['a.j2', f('a')], ['b.j2', f('b')]]), [['b.j2', 'mode']]],
  ])('%s', (_, disk, expected) => {
    expect(localChanges(entry, disk).map((c) => [c.path, c.kind])).toEqual(expected);
  });

  it('does not count a file the lock remembers as deleted', () => {
    const tomb = { ...entry, files: { ...entry.files, 'b.j2': { ...entry.files['b.j2'], deleted: true as const } } };
    expect(localChanges(tomb, new Map([['a.j2', f('a')]]))).toEqual([]);
    expect(localChanges(tomb, new Map([['a.j2', f('a')], ['b.j2', f('new')]])).map((c) => c.kind)).toEqual(['added']);
  });
});

describe('issuesToError', () => {
  it('points at file:line:col and the field', () => {
    const e = issuesToError('CONFIG_INVALID', '.qwex/config.yaml', [{ path: ['runners', 'hpc', 'layers', 1], message: 'bad' }], { locate: () => ({ line: 4, col: 11 }) });
    expect(e.message).toBe('.qwex/config.yaml:4:11: runners.hpc.layers[1]: bad');
    expect(e.exitCode).toBe(3);
  });
});

describe('registryProblems', () => {
  it('finds unresolvable requirements and cycles', () => {
    const reg = publish(source('1.0.0', 'x\n', { b: '^1.0.0' }, 'a'), source('1.0.0', 'y\n', { a: '^1.0.0' }, 'b'), source('1.0.0', 'z\n', { ghost: '^1' }, 'c'));
    const items = [...reg.items.values()].flatMap((m) => [...m.values()]);
    expect(registryProblems(reg.index!, items)).toEqual([
      'c/1.0.0.json: requires ghost@^1, which no version in this registry satisfies',
      'requirement cycle among latest versions: a → b → a',
    ]);
  });
});
