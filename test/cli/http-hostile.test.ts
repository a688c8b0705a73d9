import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemIntegrity, sha256Integrity } from '../../cli/core/integrity.js';
import { fixtureRegistry, project, readJson, serve, snapshot, tempDir } from './helpers.js';

describe('registries over HTTP on 127.0.0.1', () => {
  it('installs from a registry URL and from an item URL', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const server = await serve(registry);
    const { dir, run } = await project();
    const viaRegistry = await run('add', 'hello', '--registry', server.url);
    expect(viaRegistry.code, viaRegistry.stderr).toBe(0);
    expect(server.requests.map((r) => r.url)).toEqual(['/index.json', '/hello/1.0.0.json']);
    expect((await readJson(path.join(dir, '.qwex/qwex.lock'))).templates.hello.source).toBe(server.url);

    const other = await project();
    const viaItem = await other.run('add', `${server.url}/hello/1.0.0.json`);
    expect(viaItem.code, viaItem.stderr).toBe(0);
    expect((await readJson(path.join(other.dir, '.qwex/qwex.lock'))).templates.hello).toMatchObject({ source: `${server.url}/hello/1.0.0.json`, version: '1.0.0' });
  });

  it('sends a namespace’s headers from ${ENV} and never writes the token', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const server = await serve(registry, (req, res) => {
      if (req.headers.authorization === 'Bearer s3cret') return false;
      res.writeHead(401).end();
      return true;
    });
    const { dir, run, runEnv } = await project();
    await fs.appendFile(path.join(dir, '.qwex/config.yaml'), `registries:\n  "@acme":\n    url: ${server.url}\n    headers: { Authorization: "Bearer \${ACME_TOKEN}" }\n`);

    const noToken = await run('add', '@acme/hello');
    expect(noToken.code).toBe(4);
    expect(noToken.stderr).toContain('needs the environment variable ACME_TOKEN');
    expect(server.requests).toHaveLength(0); // refused before any request

    const wrong = await runEnv({ ACME_TOKEN: 'nope' }, 'add', '@acme/hello');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/HTTP 401[\s\S]*hint: the registry wants credentials/);

    const ok = await runEnv({ ACME_TOKEN: 's3cret' }, 'add', '@acme/hello');
    expect(ok.code, ok.stderr).toBe(0);
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer s3cret');
    expect((await readJson(path.join(dir, '.qwex/qwex.lock'))).templates.hello.source).toBe('@acme');
    expect(JSON.stringify(await snapshot(dir))).not.toContain('s3cret');

    const unknown = await run('add', '@acme2/hello');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('hint: did you mean @acme?');
  });

  const broken: [string, (url: string) => Parameters<typeof serve>[1], RegExp][] = [
    ['404', () => (req, res) => (req.url === '/index.json' ? (res.writeHead(404).end(), true) : false), /no registry at http:\/\/127\.0\.0\.1:\d+ \(index\.json not found\)/],
    ['500', () => (_req, res) => (res.writeHead(500).end('boom'), true), /HTTP 500 Internal Server Error/],
    ['truncated body', () => (req, res) => {
      if (req.url !== '/hello/1.0.0.json') return false;
      res.writeHead(200, { 'content-length': '5000' });
      res.write('{"name": "hel');
      res.destroy();
      return true;
    }, /connection closed before the whole response arrived|not valid JSON/],
    ['wrong integrity', () => (req, res) => {
      if (req.url !== '/index.json') return false;
      return fs.readFile(path.join(registryDir, 'index.json'), 'utf8').then((raw) => {
        const index = JSON.parse(raw);
        index.items.hello.versions[0].integrity = sha256Integrity('something else');
        res.writeHead(200).end(JSON.stringify(index));
        return true;
      });
    }, /does not match the integrity in index\.json/],
    ['connection refused', () => undefined, /connection refused/],
    ['no answer at all', () => (req) => req.url === '/index.json', /no complete answer within 0\.8 s[\s\S]*hint: .*QWEX_HTTP_TIMEOUT_MS/],
    ['a slow drip of bytes', () => (req, res) => {
      if (req.url !== '/index.json') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 50); // forever, if the client let it
      res.on('close', () => clearInterval(drip));
      return true;
    }, /no complete answer within 0\.8 s/],
    ['a redirect loop', () => (req, res) => (res.writeHead(302, { location: `${req.url}x` }).end(), true), /more than 5 redirects \(a redirect loop\?\)/],
    ['a redirect to a file: URL', () => (_req, res) => (res.writeHead(301, { location: 'file:///etc/passwd' }).end(), true), /it redirects to file:\/\/\/etc\/passwd[\s\S]*hint: qwex follows redirects only to http\(s\)/],
    ['a declared 2 GB body', () => (req, res) => {
      if (req.url !== '/index.json') return false;
      res.writeHead(200, { 'content-length': String(2 * 1024 ** 3) });
      res.write('{"items": ');
      return true;
    }, /index\.json is larger than 32 MiB; refusing to read it/],
    ['an endless body without a length', () => (req, res) => {
      if (req.url !== '/index.json') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      const mib = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => { while (!res.destroyed && res.write(mib)); };
      res.on('drain', pump);
      pump();
      return true;
    }, /index\.json is larger than 32 MiB; refusing to read it/],
  ];
  let registryDir = '';
  it.each(broken)('%s → a clear error, exit 4, nothing written', async (name, intercept, message) => {
    registryDir = await fixtureRegistry([{ version: '1.0.0' }]);
    const server = await serve(registryDir, intercept(''));
    const url = name === 'connection refused' ? await closedPort() : server.url;
    const { dir, runEnv } = await project();
    const before = await snapshot(dir);
    const r = await runEnv({ QWEX_HTTP_TIMEOUT_MS: '800' }, 'add', 'hello', '--registry', url);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error: /);
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('credentials in a registry address', () => {
  it('are refused before any request, never printed, nothing written', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const server = await serve(registry);
    const withToken = server.url.replace('//', '//me:s3cret@');
    const { dir, run, runEnv } = await project();
    const before = await snapshot(dir);
    for (const r of [await run('add', 'hello', '--registry', withToken), await run('add', `${withToken}/hello/1.0.0.json`), await runEnv({ QWEX_REGISTRY: withToken }, 'add', 'hello')]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('http://***@127.0.0.1');
      expect(r.stderr).toMatch(/has credentials in it, and qwex records sources in \.qwex\/qwex\.lock\nhint: configure a namespace/);
      expect(r.stderr).not.toContain('s3cret');
    }
    expect(server.requests).toEqual([]);
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('retries and redirects', () => {
  it('retries a 503 twice and succeeds; a 500 is not retried', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    let unavailable = 2;
    const flaky = await serve(registry, (req, res) => (req.url === '/index.json' && unavailable-- > 0 ? (res.writeHead(503).end(), true) : false));
    const { run } = await project();
    const r = await run('add', 'hello', '--registry', flaky.url);
    expect(r.code, r.stderr).toBe(0);
    expect(flaky.requests.map((q) => q.url)).toEqual(['/index.json', '/index.json', '/index.json', '/hello/1.0.0.json']);

    const broken = await serve(registry, (_req, res) => (res.writeHead(500).end(), true));
    expect((await run('add', 'hello', '--registry', broken.url)).code).toBe(4);
    expect(broken.requests).toHaveLength(1);
  });

  it('follows a redirect to another origin without sending it the registry’s headers', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const mirror = await serve(registry);
    const home = await serve(registry, (req, res) => (res.writeHead(307, { location: `${mirror.url}${req.url}` }).end(), true));
    const { dir, runEnv } = await project();
    await fs.appendFile(path.join(dir, '.qwex/config.yaml'), `registries:\n  "@acme":\n    url: ${home.url}\n    headers: { X-Token: "\${ACME_TOKEN}" }\n`);
    const r = await runEnv({ ACME_TOKEN: 's3cret' }, 'add', '@acme/hello');
    expect(r.code, r.stderr).toBe(0);
    expect(home.requests.map((q) => q.headers['x-token'])).toEqual(['s3cret', 's3cret']);
    expect(mirror.requests.map((q) => q.url)).toEqual(['/index.json', '/hello/1.0.0.json']);
    expect(mirror.requests.map((q) => q.headers['x-token'])).toEqual([undefined, undefined]);
  });
});

async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('hostile items are refused with nothing written anywhere', () => {
  async function hostileItem(mutate: (item: any) => void): Promise<string> {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const item = await readJson(path.join(registry, 'hello/1.0.0.json'));
    mutate(item);
    const file = path.join(tempDir(), 'item.json');
    await fs.writeFile(file, item.$broken ? JSON.stringify(item).slice(0, -10) : JSON.stringify(item));
    return file;
  }

  it.each([
    ['a target with ../', (i: any) => (i.files[0].target = '~/.qwex/templates/hello/../../../evil.sh'), /unsafe file target .*"\.\." path segments/],
    ['an absolute target', (i: any) => (i.files[0].target = '/tmp/evil.sh'), /unsafe file target "\/tmp\/evil\.sh": it must start with/],
    ['a target in another template', (i: any) => (i.files[0].target = '~/.qwex/templates/ssh/ssh.sh.j2'), /must start with ~\/\.qwex\/templates\/hello\//],
    ['content that does not match its sha256', (i: any) => (i.files[0].content += 'rm -rf ~\n'), /does not match its sha256/],
    ['npm dependencies for shadcn to install', (i: any) => (i.dependencies = ['left-pad']), /dependencies: must stay empty/],
    ['10,000 files', (i: any) => (i.files = Array.from({ length: 10_000 }, (_, n) => ({ ...i.files[0], path: `f${n}`, target: `~/.qwex/templates/hello/f${n}` }))), /files: a template may have at most 256 files/],
    ['a 2 MiB file', (i: any) => (i.files[0].content = 'x'.repeat(2 * 1024 * 1024)), /files\[0\]\.content: a template file may hold at most 1 MiB/],
    ['a 200 MB item', (i: any) => (i.files[0].content = 'x'.repeat(200 * 1000 * 1000)), /item\.json is larger than 32 MiB; refusing to read it/],
    ['invalid JSON', (i: any) => (i.$broken = true), /is not valid JSON/],
    ['valid JSON of the wrong shape', (i: any) => (i.files = 'hello.sh.j2'), /files: /],
    ['a version that is not semver', (i: any) => (i.version = 'v1'), /version: /],
    ['an unknown file type', (i: any) => (i.files[0].type = 'registry:lib'), /files\[0\]\.type: Invalid input: expected "registry:file"/],
  ])('%s', async (_, mutate, message) => {
    const file = await hostileItem(mutate);
    const { dir, run } = await project();
    const outside = path.dirname(file);
    const [before, beforeOutside] = [await snapshot(dir), await snapshot(outside)];
    const r = await run('add', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(await snapshot(dir)).toEqual(before);
    expect(await snapshot(outside)).toEqual(beforeOutside);
  });

  it('a symlinked .qwex/templates pointing outside the project', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    const outside = tempDir();
    await fs.symlink(outside, path.join(dir, '.qwex/templates'));
    const before = await snapshot(dir);
    const r = await run('add', 'hello', '--registry', registry);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/\.qwex\/templates is a symbolic link; qwex does not write through links/);
    expect(await snapshot(outside)).toEqual({});
    expect(await snapshot(dir)).toEqual(before);
  });

  it('a symlinked template folder inside .qwex/templates', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const { dir, run } = await project();
    const outside = tempDir();
    await fs.mkdir(path.join(dir, '.qwex/templates'));
    await fs.symlink(outside, path.join(dir, '.qwex/templates/hello'));
    const r = await run('add', 'hello', '--registry', registry);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('.qwex/templates/hello is a symbolic link');
    expect(await snapshot(outside)).toEqual({});
  });

  it('an index whose integrity was recomputed for tampered content still fails the per-file check', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const itemFile = path.join(registry, 'hello/1.0.0.json');
    const item = await readJson(itemFile);
    item.files[0].content = 'tampered\n';
    await fs.writeFile(itemFile, JSON.stringify(item));
    const index = await readJson(path.join(registry, 'index.json'));
    index.items.hello.versions[0].integrity = itemIntegrity(item);
    await fs.writeFile(path.join(registry, 'index.json'), JSON.stringify(index));
    const { dir, run } = await project();
    const before = await snapshot(dir);
    const r = await run('add', 'hello', '--registry', registry);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('does not match its sha256');
    expect(await snapshot(dir)).toEqual(before);
  });
});
