import { describe, expect, it } from 'vitest';
import { planUpdate, type FileState } from '../../cli/core/update-plan.js';
import { itemFromTemplate } from '../../cli/core/build-registry.js';
import { sha256Integrity } from '../../cli/core/integrity.js';
import { layerManifestSchema } from '../../cli/schema/layer.js';
import type { LockEntry } from '../../cli/schema/lock.js';

type Mode = '0644' | '0755';
const f = (content: string, mode: Mode = '0644'): FileState => ({ content, mode });

function item(version: string, files: Record<string, FileState>) {
  const manifest = layerManifestSchema.parse({ apiVersion: 'qwex/v1', name: 't', version, kind: 'env', runs_on: 'node', description: 'd', main: 't.sh.j2', inputs: [] });
  return itemFromTemplate({ dir: 'templates/t', manifest, files: Object.entries(files).map(([path, s]) => ({ path, ...s })) });
}

function plan(base: Record<string, FileState>, local: Record<string, FileState>, upstream: Record<string, FileState>, extra: Partial<LockEntry['files']> = {}) {
  const entry: LockEntry = {
    source: 'embedded',
    requested: '^1.0.0',
    version: '1.0.0',
    integrity: sha256Integrity('x'),
    files: { ...Object.fromEntries(Object.entries(base).map(([p, s]) => [p, { base: sha256Integrity(s.content), baseVersion: '1.0.0', mode: s.mode }])), ...extra } as LockEntry['files'],
  };
  const bases = new Map(Object.entries(base).map(([p, s]) => [p, { ...s, version: '1.0.0' }]));
  return planUpdate({ name: 't', entry, bases, target: item('1.1.0', upstream), disk: new Map(Object.entries(local)) });
}

describe('planUpdate: the decision table', () => {
  const B = 'a\nb\nc\nd\ne\n';
  it.each([
    ['unedited, upstream changed → fast-forward', { a: f(B) }, { a: f(B) }, { a: f('a\nB\nc\nd\ne\n') }, 'fast-forward', 'a\nB\nc\nd\ne\n'],
    ['edited, upstream unchanged → kept', { a: f(B) }, { a: f('A\nb\nc\nd\ne\n') }, { a: f(B) }, 'kept', undefined],
    ['same change both sides → same', { a: f(B) }, { a: f('x\n') }, { a: f('x\n') }, 'same', undefined],
    ['different lines → merged', { a: f(B) }, { a: f('A\nb\nc\nd\ne\n') }, { a: f('a\nb\nc\nd\nE\n') }, 'merged', 'A\nb\nc\nd\nE\n'],
    ['same line → conflict', { a: f(B) }, { a: f('A1\nb\nc\nd\ne\n') }, { a: f('A2\nb\nc\nd\ne\n') }, 'conflict', '<<<<<<< local (.qwex/templates/t/a)\nA1\n=======\nA2\n>>>>>>> upstream (t@1.1.0)\nb\nc\nd\ne\n'],
    ['CRLF-only local change counts as unedited', { a: f(B) }, { a: f(B.replace(/\n/g, '\r\n')) }, { a: f('z\n') }, 'fast-forward', 'z\n'],
    ['BOM-only local change counts as unedited', { a: f(B) }, { a: f('\uFEFF' + B) }, { a: f(B) }, 'unchanged', undefined],
    ['new upstream file → added', {}, {}, { n: f('new\n') }, 'added', 'new\n'],
    ['new upstream file you already had → adopted', {}, { n: f('new\n') }, { n: f('new\n') }, 'adopted', undefined],
    ['both created it differently → add/add conflict', {}, { n: f('mine\n') }, { n: f('theirs\n') }, 'conflict', '<<<<<<< local (.qwex/templates/t/n)\nmine\n=======\ntheirs\n>>>>>>> upstream (t@1.1.0)\n'],
    ['removed upstream, unedited → removed', { o: f('x\n') }, { o: f('x\n') }, {}, 'removed', null],
    ['removed upstream, edited → kept as yours', { o: f('x\n') }, { o: f('y\n') }, {}, 'kept-removed', undefined],
    ['removed upstream and by you → dropped', { o: f('x\n') }, {}, {}, 'dropped', undefined],
    ['deleted by you, changed upstream → stays deleted', { a: f(B) }, {}, { a: f('new\n') }, 'kept-deleted', undefined],
  ] as const)('%s', (_, base, local, upstream, action, written) => {
    const p = plan(base, local, upstream);
    const file = p.files.find((x) => x.path !== 'layer.json')!;
    expect(file.action).toBe(action);
    if (written === undefined) expect(file.write?.content).toBeUndefined();
    else if (written === null) expect(file.write).toBeNull();
    else expect(file.write?.content).toBe(written);
  });

  it('records a conflict as pending and keeps the old base', () => {
    const p = plan({ a: f('x\n') }, { a: f('mine\n') }, { a: f('theirs\n') });
    expect(p.lock.files.a).toEqual({ base: sha256Integrity('x\n'), baseVersion: '1.0.0', mode: '0644', pending: { to: '1.1.0', upstream: sha256Integrity('theirs\n') } });
    expect(p.conflicts).toBe(1);
    expect(p.lock.version).toBe('1.1.0');
  });

  it('never line-merges binary content: yours kept, upstream’s beside it', () => {
    const p = plan({ b: f('bin\u00001') }, { b: f('bin\u0000mine') }, { b: f('bin\u0000theirs') });
    expect(p.files[0]).toMatchObject({ action: 'conflict', sideFile: { path: 'b.qwex-upstream', content: 'bin\u0000theirs' } });
    expect(p.files[0]!.write).toBeUndefined();
  });

  it.each([
    ['upstream adds +x to an unedited mode', '0644', '0644', '0755', '0755'],
    ['you removed +x: your mode wins', '0755', '0644', '0755', '0644'],
  ] as const)('%s', (_, baseMode, localMode, upMode, result) => {
    const p = plan({ s: f('x\n', baseMode) }, { s: f('x\n', localMode) }, { s: f('y\n', upMode) });
    expect(p.files[0]!.write?.mode).toBe(result);
  });

  it('keeps a tombstoned file deleted and never re-adds it', () => {
    const p = plan({}, {}, { g: f('back\n') }, { g: { base: sha256Integrity('old\n'), baseVersion: '1.0.0', mode: '0644', deleted: true } });
    expect(p.files[0]).toMatchObject({ path: 'g', action: 'kept-deleted' });
    expect(p.files[0]!.write).toBeUndefined();
    expect(p.lock.files.g).toMatchObject({ deleted: true });
  });
});

describe('planUpdate: renames declared upstream', () => {
  function withRenames(renames: Record<string, string>, upstream: Record<string, FileState>) {
    const target = { ...item('1.2.0', upstream), renames };
    const base = { 'run.sh.j2': f('a\nb\nc\nd\ne\n') };
    const entry: LockEntry = { source: 'embedded', requested: '^1', version: '1.0.0', integrity: sha256Integrity('x'), files: { 'run.sh.j2': { base: sha256Integrity(base['run.sh.j2'].content), baseVersion: '1.0.0', mode: '0644' } } };
    return planUpdate({ name: 't', entry, bases: new Map([['run.sh.j2', { ...base['run.sh.j2'], version: '1.0.0' }]]), target, disk: new Map([['run.sh.j2', f('A\nb\nc\nd\ne\n')]]) });
  }

  it('carries local edits to the new name and removes the old one', () => {
    const p = withRenames({ 'run.sh.j2': 'submit.sh.j2' }, { 'submit.sh.j2': f('a\nb\nc\nd\nE\n') });
    expect(p.files).toEqual([
      { path: 'run.sh.j2', action: 'moved', write: null, note: 'renamed upstream to submit.sh.j2' },
      { path: 'submit.sh.j2', action: 'merged', write: { content: 'A\nb\nc\nd\nE\n', mode: '0644' }, note: 'renamed upstream from run.sh.j2' },
    ]);
    expect(Object.keys(p.lock.files)).toEqual(['submit.sh.j2']);
  });

  it('follows a chain of renames across skipped versions', () => {
    const p = withRenames({ 'run.sh.j2': 'job.sh.j2', 'job.sh.j2': 'submit.sh.j2' }, { 'submit.sh.j2': f('a\nb\nc\nd\ne\n') });
    expect(p.files.map((x) => [x.path, x.action, x.write?.content])).toEqual([
      ['run.sh.j2', 'moved', undefined],
      ['submit.sh.j2', 'kept', 'A\nb\nc\nd\ne\n'],
    ]);
  });
});
