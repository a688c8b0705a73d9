// What you installed stays readable without the registry: qwex keeps each installed version's item
// in $XDG_CACHE_HOME/qwex/items/ (by integrity), so `diff --local` — a question about your own
// edits — works with the registry down. Questions about upstream still need it, and say so.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRegistry, project, serve, snapshot } from './helpers.js';

describe('offline: the registry is down after the install', () => {
  it('diff --local works from the item cache; diff and update fail with exit 4 and change nothing', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }, { version: '1.1.0', edit: (s) => s + '# 1.1.0\n' }]);
    let down = false;
    const server = await serve(registry, (_req, res) => (down ? (res.destroy(), true) : false));
    const { dir, run, runEnv } = await project();
    expect((await run('add', 'hello@1.0.0', '--registry', server.url)).code).toBe(0);
    const script = path.join(dir, '.qwex/templates/hello/hello.sh.j2');
    await fs.appendFile(script, '# my edit\n');
    down = true;
    const asked = server.requests.length;

    const local = await run('diff', 'hello', '--local', '--exit-code');
    expect(local.code, local.stderr).toBe(1);
    expect(local.stdout).toContain('+# my edit');
    expect(server.requests.length).toBe(asked); // not even tried

    const before = await snapshot(dir);
    for (const args of [['diff', 'hello'], ['update', 'hello']]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.stderr).toMatch(/^error: cannot fetch http:\/\/127\.0\.0\.1:\d+\/index\.json: the connection closed/);
    }
    expect(await snapshot(dir)).toEqual(before);

    // Another machine (an empty cache) has nothing to fall back on: the same clear error.
    const cold = await runEnv({ XDG_CACHE_HOME: path.join(dir, '..', 'cold-cache') }, 'diff', 'hello', '--local');
    expect(cold.code).toBe(4);
    expect(cold.stderr).toMatch(/cannot fetch/);
  });

  it('a cache entry that no longer matches its integrity is ignored, never used as a base', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    let down = false;
    const server = await serve(registry, (_req, res) => (down ? (res.destroy(), true) : false));
    const { dir, run } = await project();
    expect((await run('add', 'hello', '--registry', server.url)).code).toBe(0);
    const items = path.join(dir, '..', 'proj-home/.cache/qwex/items');
    const [entry] = await fs.readdir(items);
    const file = path.join(items, entry!);
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('exec', 'rm -rf ~; exec'));
    down = true;
    const r = await run('diff', 'hello', '--local');
    expect(r.code).toBe(4);
    down = false;
    const again = await run('diff', 'hello', '--local', '--exit-code');
    expect(again.code, again.stderr).toBe(0); // fetched, verified, and the entry rewritten
    expect(await fs.readFile(file, 'utf8')).not.toContain('rm -rf');
  });
});
