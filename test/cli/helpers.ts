// The harness for CLI tests: the built dist/ binary run in temp projects, with a private HOME,
// and registries served from folders or from HTTP servers on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { runProcess, type Result } from '../support/process.js';
import { sha256Integrity } from '../../cli/core/integrity.js';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO, 'dist/main.js');
export const FIXTURES = path.join(REPO, 'test/fixtures');

export type { Result } from '../support/process.js';

export function tempDir(prefix = 'qwex-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the built CLI. Async, so an HTTP server in this process can answer it. */
export function qwex(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): Promise<Result> {
  const home = path.join(opts.cwd, '..', path.basename(opts.cwd) + '-home');
  return runProcess(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), NO_COLOR: '1', LANG: 'C.UTF-8', ...opts.env } });
}

/** A fresh git repository with `qwex init` done, in a temp dir. */
export async function project(opts: { init?: boolean } = {}): Promise<{ dir: string; run: (...args: string[]) => Promise<Result>; runEnv: (env: Record<string, string>, ...args: string[]) => Promise<Result> }> {
  const base = tempDir();
  const dir = path.join(base, 'proj');
  await fs.mkdir(dir);
  await new Promise<void>((resolve, reject) => spawn('git', ['init', '-q', dir]).on('close', (c) => (c === 0 ? resolve() : reject(new Error('git init failed')))));
  const run = (...args: string[]) => qwex(args, { cwd: dir });
  const runEnv = (env: Record<string, string>, ...args: string[]) => qwex(args, { cwd: dir, env });
  if (opts.init !== false) {
    const r = await run('init', '--yes');
    if (r.code !== 0) throw new Error(`qwex init failed: ${r.stderr}`);
  }
  return { dir, run, runEnv };
}

/** A project that is a git repository with one commit, and helpers for runs in it. */
export async function repo() {
  const p = await project();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  await fs.writeFile(path.join(p.dir, 'train.py'), 'print(1)\n');
  git('add', '-A');
  git('commit', '-qm', 'init');
  const json = async (...args: string[]) => JSON.parse((await p.run(...args, '--json')).stdout);
  const waitFor = async (id: string, pred: (s: any) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const s = await json('status', id);
      if (pred(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${id} never reached the expected state`);
  };
  return { ...p, git, json, waitFor };
}

/** Every file below `dir` with its content (symlinks as "-> target"), to prove nothing changed. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
      const r = path.join(rel, e.name);
      if (r === '.git' || r.startsWith('.git/')) continue;
      if (e.isSymbolicLink()) out[r] = '-> ' + (await fs.readlink(path.join(dir, r)));
      else if (e.isDirectory()) {
        out[r + '/'] = '';
        await walk(r);
      } else out[r] = await fs.readFile(path.join(dir, r), 'utf8');
    }
  };
  await walk('');
  return out;
}

/** The pid of a process that has exited: what a kill -9'd qwex leaves in its lock and temp files. */
export function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('close', () => resolve(child.pid!));
  });
}

/** Whether a transaction is left in .qwex/.tmp. */
export const staged = (dir: string) => fs.stat(path.join(dir, '.qwex/.tmp')).then(() => true, () => false);

/** Every file the lock names matches its recorded hash (or is a tombstone), and nothing is staged. */
export async function consistent(dir: string): Promise<boolean> {
  const lock = await readJson(path.join(dir, '.qwex/qwex.lock'));
  for (const [name, entry] of Object.entries<any>(lock.templates))
    for (const [file, f] of Object.entries<any>(entry.files)) {
      if (f.deleted) continue;
      const bytes = await fs.readFile(path.join(dir, '.qwex/templates', name, file)).catch(() => undefined);
      if (!bytes || (sha256Integrity(bytes) !== f.base && !f.pending)) return false;
    }
  return !(await staged(dir));
}

export async function readJson(file: string): Promise<any> {
  return JSON.parse(await fs.readFile(file, 'utf8'));
}

/** Builds a registry from fixture templates: each step copies `hello` at a version, optionally edited. */
export async function fixtureRegistry(steps: { version: string; edit?: (script: string) => string; requires?: Record<string, string>; name?: string }[]): Promise<string> {
  const base = tempDir('qwex-registry-');
  const out = path.join(base, 'registry');
  for (const step of steps) {
    const name = step.name ?? 'hello';
    const tdir = path.join(base, 'templates', name);
    await fs.rm(path.join(base, 'templates'), { recursive: true, force: true });
    await fs.cp(path.join(FIXTURES, 'templates/hello'), tdir, { recursive: true });
    const manifest = await readJson(path.join(tdir, 'layer.json'));
    await fs.rm(path.join(tdir, 'layer.json'));
    await fs.writeFile(path.join(tdir, 'layer.json'), JSON.stringify({ ...manifest, name, main: `${name}.sh.j2`, version: step.version, requires: step.requires ?? {} }, null, 2));
    const script = await fs.readFile(path.join(tdir, 'hello.sh.j2'), 'utf8');
    await fs.rm(path.join(tdir, 'hello.sh.j2'));
    await fs.writeFile(path.join(tdir, `${name}.sh.j2`), step.edit ? step.edit(script) : script);
    const r = await qwex(['registry', 'build', 'templates', '--out', 'registry'], { cwd: base, env: { SOURCE_DATE_EPOCH: '1764547200' } });
    if (r.code !== 0) throw new Error(`registry build failed: ${r.stderr}`);
  }
  return out;
}

export interface Served {
  url: string;
  requests: { url: string; headers: http.IncomingHttpHeaders }[];
}

/**
 * Serves `dir` on 127.0.0.1. `intercept` may answer a request itself (return true) to play a
 * broken or hostile server.
 */
export async function serve(dir: string, intercept?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean | Promise<boolean>): Promise<Served> {
  const requests: Served['requests'] = [];
  const server = http.createServer(async (req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (intercept && (await intercept(req, res))) return;
    const file = path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections(); // a test's stuck or dripping response must not hold the server open
  }));
  server.unref();
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests };
}
