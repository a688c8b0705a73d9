import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, readJson, serve, snapshot } from './helpers.js';
import { installed, lines, versionedRegistry } from './update-helpers.js';

const V1 = lines('#!/bin/sh', 'set -eu', 'PORT=22', 'HOST=login', 'echo start', 'echo middle', 'echo more', 'ssh -p "$PORT" "$HOST" "$@"', 'exit 0');
const edit = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`fixture: ${from} not found`);
  return text.replace(from, to);
};

describe('qwex diff', () => {
  it('shows upstream changes, your edits with --local, and answers with --exit-code', async () => {
    const registry = await versionedRegistry('t', [
      { version: '1.0.0', files: { 't.sh.j2': V1 } },
      { version: '1.1.0', files: { 't.sh.j2': edit(V1, 'exit 0', 'exit "$?"'), 'new.sh.j2': 'echo new\n' } },
    ]);
    const p = await installed(registry);
    await fs.writeFile(p.file('t.sh.j2'), edit(V1, 'PORT=22', "PORT='2222'"));

    const up = await p.run('diff', 't', '--registry', registry);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('# t: t@1.0.0 → t@1.1.0');
    expect(up.stdout).toContain('--- a/.qwex/templates/t/t.sh.j2\t(t@1.0.0)\n+++ b/.qwex/templates/t/t.sh.j2\t(t@1.1.0)');
    expect(up.stdout).toContain('-exit 0\n+exit "$?"');
    expect(up.stdout).toContain('--- /dev/null\t(t@1.0.0)\n+++ b/.qwex/templates/t/new.sh.j2');
    expect(up.stdout).not.toContain('2222'); // upstream's view never mixes in local edits

    const local = await p.run('diff', 't', '--local', '--exit-code', '--registry', registry);
    expect(local.code).toBe(1);
    expect(local.stdout).toContain("-PORT=22\n+PORT='2222'"); // quotes are never normalised away
    const json = JSON.parse((await p.run('diff', '--local', '--json', '--registry', registry)).stdout);
    expect(json.templates[0].files).toMatchObject([{ path: 't.sh.j2', status: 'modified', hunks: [{ lines: expect.arrayContaining(['-PORT=22', "+PORT='2222'"]) }] }]);

    await fs.writeFile(p.file('t.sh.j2'), V1);
    const clean = await p.run('diff', 't', '--local', '--exit-code', '--registry', registry);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain('t: no differences');
  });
});

describe('qwex update', () => {
  it('merges upstream changes into an edited file, keeps the edit, and moves the base', async () => {
    const v2 = edit(V1, 'exit 0', 'exit "$?"');
    const registry = await versionedRegistry('t', [{ version: '1.0.0', files: { 't.sh.j2': V1 } }, { version: '1.1.0', files: { 't.sh.j2': v2 } }]);
    const p = await installed(registry);
    await fs.writeFile(p.file('t.sh.j2'), edit(V1, 'PORT=22', 'PORT=2222'));

    const dry = await p.run('update', '--dry-run', '--registry', registry);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('t 1.0.0 → 1.1.0\n');
    expect(dry.stderr).toMatch(/  merged\s+t\.sh\.j2/);
    expect(await p.read('t.sh.j2')).toContain('exit 0');

    const r = await p.run('update', '--registry', registry);
    expect(r.code, r.stderr).toBe(0);
    expect(await p.read('t.sh.j2')).toBe(edit(v2, 'PORT=22', 'PORT=2222'));
    expect(await p.lock()).toMatchObject({ version: '1.1.0', files: { 't.sh.j2': { baseVersion: '1.1.0' } } });
    expect((await p.lock()).files['t.sh.j2'].pending).toBeUndefined();
  });

  it('leaves labelled conflict markers, exits 6, refuses to go on until resolved, then records the resolution', async () => {
    const registry = await versionedRegistry('t', [
      { version: '1.0.0', files: { 't.sh.j2': V1 } },
      { version: '1.1.0', files: { 't.sh.j2': edit(V1, 'PORT=22', 'PORT=23') } },
    ]);
    const p = await installed(registry);
    await fs.writeFile(p.file('t.sh.j2'), edit(V1, 'PORT=22', 'PORT=2222'));
    const r = await p.run('update', '--registry', registry);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('error: 1 file has conflicts left:\n  .qwex/templates/t/t.sh.j2');
    const text = await p.read('t.sh.j2');
    expect(text).toContain('<<<<<<< local (.qwex/templates/t/t.sh.j2)\nPORT=2222\n=======\nPORT=23\n>>>>>>> upstream (t@1.1.0)\n');
    const lock = await p.lock();
    expect(lock.version).toBe('1.1.0');
    expect(lock.files['t.sh.j2']).toMatchObject({ baseVersion: '1.0.0', pending: { to: '1.1.0' } });

    const again = await p.run('update', '--registry', registry);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/\.qwex\/templates\/t\/t\.sh\.j2:3 still holds conflict markers/);

    await fs.writeFile(p.file('t.sh.j2'), edit(V1, 'PORT=22', 'PORT=2323'));
    const resolved = await p.run('update', '--registry', registry);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(await p.read('t.sh.j2')).toBe(edit(V1, 'PORT=22', 'PORT=2323'));
    expect((await p.lock()).files['t.sh.j2']).toEqual({ base: expect.any(String), baseVersion: '1.1.0', mode: '0644' });
    const local = await p.run('diff', '--local', '--registry', registry);
    expect(local.stdout).toContain('-PORT=23\n+PORT=2323'); // the base is now 1.1.0's file
  });

  it('follows the decision table: fast-forward, add, remove, keep removed-but-edited, keep deleted, mode', async () => {
    const registry = await versionedRegistry('t', [
      { version: '1.0.0', files: { 't.sh.j2': V1, 'plain.sh.j2': 'echo 1\n', 'old.sh.j2': 'echo old\n', 'edited-old.sh.j2': 'echo eo\n', 'gone.sh.j2': 'echo gone\n', 'bin/x.sh': 'echo x\n' } },
      { version: '1.1.0', files: { 't.sh.j2': V1, 'plain.sh.j2': 'echo 2\n', 'new.sh.j2': 'echo new\n', 'gone.sh.j2': 'echo gone 2\n', 'bin/x.sh': { content: 'echo x\n', mode: '0755' } } },
    ]);
    const p = await installed(registry);
    await fs.writeFile(p.file('edited-old.sh.j2'), 'echo mine\n');
    await fs.rm(p.file('gone.sh.j2'));
    await fs.writeFile(p.file('notes.txt'), 'my own file\n');
    const r = await p.run('update', '--json', '--registry', registry);
    expect(r.code, r.stderr).toBe(0);
    const actions = Object.fromEntries(JSON.parse(r.stdout).templates[0].files.map((f: { path: string; action: string }) => [f.path, f.action]));
    expect(actions).toEqual({
      'README.md': undefined,
      'bin/x.sh': 'fast-forward',
      'edited-old.sh.j2': 'kept-removed',
      'gone.sh.j2': 'kept-deleted',
      'layer.json': 'fast-forward',
      'new.sh.j2': 'added',
      'old.sh.j2': 'removed',
      'plain.sh.j2': 'fast-forward',
      't.sh.j2': 'unchanged',
    });
    expect(await p.read('plain.sh.j2')).toBe('echo 2\n');
    expect(await p.read('new.sh.j2')).toBe('echo new\n');
    expect(await p.read('edited-old.sh.j2')).toBe('echo mine\n');
    expect(await p.read('notes.txt')).toBe('my own file\n');
    await expect(fs.stat(p.file('old.sh.j2'))).rejects.toThrow();
    await expect(fs.stat(p.file('gone.sh.j2'))).rejects.toThrow();
    expect((await fs.stat(p.file('bin/x.sh'))).mode & 0o777).toBe(0o755);
    const lock = await p.lock();
    expect(lock.files['gone.sh.j2']).toMatchObject({ deleted: true });
    expect(lock.files).not.toHaveProperty('old.sh.j2');
    expect(lock.files).not.toHaveProperty('edited-old.sh.j2');

    const again = await p.run('update', '--registry', registry);
    expect(again.code).toBe(0);
    await expect(fs.stat(p.file('gone.sh.j2'))).rejects.toThrow(); // a deleted file never comes back
  });

  it('uses the installed bytes as the base across skipped versions, and stays in range unless --to', async () => {
    const registry = await versionedRegistry('t', [
      { version: '1.0.0', files: { 't.sh.j2': V1 } },
      { version: '1.1.0', files: { 't.sh.j2': edit(V1, 'echo start', 'echo begin') } },
      { version: '1.2.0', files: { 't.sh.j2': edit(edit(V1, 'echo start', 'echo begin'), 'exit 0', 'exit 9') } },
      { version: '2.0.0', files: { 't.sh.j2': 'rewritten\n' } },
    ]);
    const p = await installed(registry);
    await fs.writeFile(p.file('t.sh.j2'), edit(V1, 'PORT=22', 'PORT=1'));
    const r = await p.run('update', '--registry', registry);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('t 1.0.0 → 1.2.0');
    expect(await p.read('t.sh.j2')).toBe(edit(edit(edit(V1, 'echo start', 'echo begin'), 'exit 0', 'exit 9'), 'PORT=22', 'PORT=1'));

    const outdated = JSON.parse((await p.run('outdated', '--json')).stdout);
    expect(outdated.templates).toEqual([{ name: 't', installed: '1.2.0', wanted: '1.2.0', latest: '2.0.0', requested: '^1.0.0', edited: true, conflicts: false, source: registry }]);
    const major = await p.run('update', '--to', '^2', '--dry-run', '--registry', registry);
    expect(major.stderr).toContain('t 1.2.0 → 2.0.0');
  });

  it('carries edits across a rename the new version declares', async () => {
    const registry = await versionedRegistry('t', [
      { version: '1.0.0', files: { 't.sh.j2': V1, 'run.sh.j2': V1 } },
      { version: '1.1.0', files: { 't.sh.j2': V1, 'submit.sh.j2': edit(V1, 'exit 0', 'exit 5') }, renames: { 'run.sh.j2': 'submit.sh.j2' } },
    ]);
    const p = await installed(registry);
    await fs.writeFile(p.file('run.sh.j2'), edit(V1, 'PORT=22', 'PORT=7'));
    const r = await p.run('update', '--registry', registry);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/merged\s+submit\.sh\.j2 — renamed upstream from run\.sh\.j2/);
    expect(await p.read('submit.sh.j2')).toBe(edit(edit(V1, 'exit 0', 'exit 5'), 'PORT=22', 'PORT=7'));
    await expect(fs.stat(p.file('run.sh.j2'))).rejects.toThrow();
    expect(Object.keys((await p.lock()).files).sort()).toEqual(['layer.json', 'submit.sh.j2', 't.sh.j2']);
  });

  it('keeps the user’s CRLF line endings through a clean merge', async () => {
    const registry = await versionedRegistry('t', [{ version: '1.0.0', files: { 't.sh.j2': V1 } }, { version: '1.1.0', files: { 't.sh.j2': edit(V1, 'exit 0', 'exit 1') } }]);
    const p = await installed(registry);
    await fs.writeFile(p.file('t.sh.j2'), edit(V1, 'PORT=22', 'PORT=1').replace(/\n/g, '\r\n'));
    expect((await p.run('update', '--registry', registry)).code).toBe(0);
    expect(await p.read('t.sh.j2')).toBe(edit(edit(V1, 'PORT=22', 'PORT=1'), 'exit 0', 'exit 1').replace(/\n/g, '\r\n'));
  });

  it('refuses, writing nothing, when the registry changed the installed version or is offline', async () => {
    const registry = await versionedRegistry('t', [{ version: '1.0.0', files: { 't.sh.j2': V1 } }, { version: '1.1.0', files: { 't.sh.j2': edit(V1, 'exit 0', 'exit 1') } }]);
    const p = await installed(registry);
    await fs.writeFile(p.file('t.sh.j2'), edit(V1, 'PORT=22', 'PORT=1'));
    const lock = JSON.parse(await fs.readFile(p.lockFile, 'utf8'));
    lock.templates.t.files['t.sh.j2'].base = 'sha256-' + Buffer.alloc(32).toString('base64');
    await fs.writeFile(p.lockFile, JSON.stringify(lock));
    const before = await snapshot(p.dir);
    const bad = await p.run('update', '--registry', registry);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('t@1.0.0 file t.sh.j2 does not match the hash in .qwex/qwex.lock');
    expect(await snapshot(p.dir)).toEqual(before);

    const server = await serve(registry, (_req, res) => (res.writeHead(503).end(), true));
    const offline = await p.run('update', '--registry', server.url);
    expect(offline.code).toBe(4);
    expect(offline.stderr).toContain('HTTP 503');
    expect(await snapshot(p.dir)).toEqual(before);
  });

  it('says what to do when a template folder was deleted by hand', async () => {
    const registry = await versionedRegistry('t', [{ version: '1.0.0', files: { 't.sh.j2': V1 } }]);
    const p = await installed(registry);
    await fs.rm(path.join(p.dir, '.qwex/templates/t'), { recursive: true });
    const r = await p.run('update', '--registry', registry);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hint: qwex remove t to forget it, or qwex add t --overwrite to reinstall it');
  });
});
