// registry-site/build.mjs and serve.mjs as commands: what they write, what they refuse, and what
// the server answers (content types, folders, compression, paths outside the site).
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import { REGISTRY, REPO, buildSite, cleanup, run, serveSite, tempDir } from './helpers.js';

afterEach(cleanup, 30_000);

const build = (args: string[]) => run(process.execPath, [path.join(REPO, 'registry-site/build.mjs'), ...args]);

/** A raw GET that keeps the path as written (fetch would normalise "..") and the body as sent. */
function get(url: string, rawPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('builds a page per template, the home page, search.json and a byte-identical r/ copy', async () => {
  const base = tempDir();
  const registry = path.join(base, 'registry');
  await fs.cp(REGISTRY, registry, { recursive: true });
  const out = path.join(base, 'out');
  const r = await buildSite(registry, out);
  const index = JSON.parse(await fs.readFile(path.join(registry, 'index.json'), 'utf8')) as { items: Record<string, { versions: { version: string }[] }> };
  const names = Object.keys(index.items).sort();
  expect(r.stderr).toContain(`built ${names.length} templates, ${names.length + 1} pages`);
  expect((await fs.readdir(path.join(out, 't'))).sort()).toEqual(names);
  expect(Object.keys(JSON.parse(await fs.readFile(path.join(out, 'search.json'), 'utf8'))).sort()).toEqual(names);
  const home = await fs.readFile(path.join(out, 'index.html'), 'utf8');
  for (const n of names) expect(home).toContain(`href="t/${n}/"`);
  const walk = async (dir: string): Promise<string[]> =>
    (await fs.readdir(dir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
  const jsonFiles = (await walk(registry)).filter((f) => f.endsWith('.json'));
  expect(await walk(path.join(out, 'r'))).toEqual(jsonFiles);
  for (const f of jsonFiles) expect((await fs.readFile(path.join(out, 'r', f))).equals(await fs.readFile(path.join(registry, f))), f).toBe(true);
  // Rebuilding over its own output is fine, and leaves nothing stale behind.
  await fs.writeFile(path.join(out, 't', 'stale.html'), 'old');
  await buildSite(registry, out);
  await expect(fs.stat(path.join(out, 't', 'stale.html'))).rejects.toThrow();
});

test('refuses to empty a folder it did not make, and says what is wrong with a missing registry', async () => {
  const base = tempDir();
  const out = path.join(base, 'precious');
  await fs.mkdir(out);
  await fs.writeFile(path.join(out, 'thesis.tex'), 'do not delete');
  const r = await build(['--registry', REGISTRY, '--out', out]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: ${out} is not empty and was not made by this build`);
  expect(await fs.readFile(path.join(out, 'thesis.tex'), 'utf8')).toBe('do not delete');

  const missing = await build(['--registry', path.join(base, 'nope'), '--out', path.join(base, 'o2')]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain(`error: registry index: ${path.join(base, 'nope', 'index.json')} not found`);
  expect(missing.stderr).toContain('hint: ');
});

test('a version listed in index.json but missing is an error naming it', async () => {
  const base = tempDir();
  const registry = path.join(base, 'registry');
  await fs.cp(REGISTRY, registry, { recursive: true });
  const index = JSON.parse(await fs.readFile(path.join(registry, 'index.json'), 'utf8')) as { items: Record<string, { latest: string }> };
  const [name, entry] = Object.entries(index.items)[0]!;
  await fs.rm(path.join(registry, name, `${entry.latest}.json`));
  const r = await build(['--registry', registry, '--out', path.join(base, 'out')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${name}@${entry.latest}: ${path.join(registry, name, `${entry.latest}.json`)} not found`);
});

test('serve.mjs: content types, folder redirects, gzip, 404, and nothing outside the site', async () => {
  const out = path.join(tempDir(), 'site');
  await buildSite(REGISTRY, out);
  const { url } = await serveSite(out);
  const types: [string, RegExp][] = [
    ['/', /^text\/html; charset=utf-8$/],
    ['/t/ssh/', /^text\/html; charset=utf-8$/],
    ['/assets/site.css', /^text\/css/],
    ['/assets/site.js', /^text\/javascript/],
    ['/assets/diff.js', /^text\/javascript/],
    ['/r/index.json', /^application\/json/],
    ['/search.json', /^application\/json/],
  ];
  for (const [p, type] of types) {
    const res = await get(url, p);
    expect(res.status, p).toBe(200);
    expect(res.headers['content-type'], p).toMatch(type);
  }
  const redirect = await get(url, '/t/ssh?x=1');
  expect([redirect.status, redirect.headers.location]).toEqual([301, '/t/ssh/?x=1']);
  expect((await get(url, '/t/nope/')).status).toBe(404);
  for (const evil of ['/../package.json', '/%2e%2e/package.json', '/r/..%2f..%2fpackage.json', '/%00'])
    expect([403, 404], evil).toContain((await get(url, evil)).status);
  expect((await get(url, '/', {}, 'POST')).status).toBe(405);
  const head = await get(url, '/r/index.json', {}, 'HEAD');
  expect([head.status, head.body.length]).toEqual([200, 0]);
  const zipped = await get(url, '/r/index.json', { 'accept-encoding': 'gzip' });
  expect(zipped.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(zipped.body).equals(await fs.readFile(path.join(out, 'r/index.json')))).toBe(true);
});

test('serve.mjs refuses a folder without a built site', async () => {
  const r = await run(process.execPath, [path.join(REPO, 'registry-site/serve.mjs'), '--dir', tempDir(), '--port', '0']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/has no index\.html; build the site first: npm run site:build/);
});
