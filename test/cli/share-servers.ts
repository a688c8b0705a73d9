// Real git servers on 127.0.0.1 for the fork-and-share tests: `git daemon` serving bare repos
// (push enabled, as a gist or an org repo would take a push), and an HTTP server that answers the
// way GitHub does for degit: smart HTTP through `git http-backend` at /<owner>/<repo>, and
// tarballs at /<owner>/<repo>/archive/<sha>.tar.gz made by `git archive`.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { onTestFinished } from 'vitest';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function bareRepo(root: string, rel: string): string {
  const dir = path.join(root, rel);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  return dir;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `git daemon` on 127.0.0.1 serving every repo below `root`; stopped when the test ends. */
export async function gitDaemon(root: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('git', ['daemon', '--reuseaddr', '--export-all', '--enable=receive-pack', `--base-path=${root}`, '--listen=127.0.0.1', `--port=${port}`, root], { stdio: 'ignore' });
  onTestFinished(() => {
    child.kill('SIGTERM');
  });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => net.connect(port, '127.0.0.1').on('connect', function (this: net.Socket) { this.destroy(); r(true); }).on('error', () => r(false)));
    if (up) return { url: `git://127.0.0.1:${port}`, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('git daemon did not start');
}

/** A GitHub stand-in over the real git tools: repos are `<root>/<owner>/<repo>.git`. */
export async function gitHubLike(root: string): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${u.pathname}`);
    const archive = /^\/([^/]+)\/([^/]+)\/archive\/([0-9a-f]{40})\.tar\.gz$/.exec(u.pathname);
    if (archive) {
      const [, owner, repo, sha] = archive;
      const child = spawn('git', ['-C', path.join(root, owner!, `${repo}.git`), 'archive', '--format=tar.gz', `--prefix=${repo}-${sha}/`, sha!]);
      const chunks: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => chunks.push(d));
      child.on('close', (code) => (code === 0 ? res.writeHead(200, { 'content-type': 'application/x-gzip' }).end(Buffer.concat(chunks)) : res.writeHead(404).end('no such commit')));
      return;
    }
    const smart = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/(?:info\/refs|git-upload-pack))$/.exec(u.pathname);
    if (!smart) return void res.writeHead(404).end('not found');
    const [, owner, repo, rest] = smart;
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: `/${owner}/${repo}.git${rest}`,
        QUERY_STRING: u.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (d: Buffer) => chunks.push(d));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      const head = out.subarray(0, split).toString('utf8').split('\r\n');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head) {
        const [k, ...v] = line.split(':');
        if (k!.toLowerCase() === 'status') status = Number(v.join(':').trim().split(' ')[0]);
        else if (k) headers[k] = v.join(':').trim();
      }
      res.writeHead(status, headers).end(out.subarray(split + 4));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests };
}
