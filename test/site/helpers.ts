// Harness for the registry website tests: build the site with registry-site/build.mjs, serve it
// with registry-site/serve.mjs on 127.0.0.1, drive Debian's Chromium with playwright-core, and
// make fixture registries with the real CLI (dist/main.js). Everything runs in temp dirs.
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runProcess, type Result } from '../support/process.js';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO, 'dist/main.js');
export const REGISTRY = path.join(REPO, 'registry');
export const SCREENSHOTS = path.join(REPO, 'test/site/screenshots');
export const CHROMIUM = '/usr/bin/chromium';

export type { Result } from '../support/process.js';

/** Things to undo after a file's tests; run in reverse order by `cleanup()`. */
const undo: (() => Promise<unknown> | unknown)[] = [];
export function defer(fn: () => Promise<unknown> | unknown): void {
  undo.push(fn);
}
export async function cleanup(): Promise<void> {
  while (undo.length) await undo.pop()!();
}

export function tempDir(prefix = 'qwex-site-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  defer(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Result> {
  return runProcess(cmd, args, { cwd: opts.cwd ?? REPO, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
}

export async function buildSite(registry: string, out: string): Promise<Result> {
  const r = await run(process.execPath, [path.join(REPO, 'registry-site/build.mjs'), '--registry', registry, '--out', out]);
  if (r.code !== 0) throw new Error(`site build failed (${r.code}): ${r.stderr}`);
  return r;
}

export interface Server {
  url: string; // with a trailing slash
  stop: () => Promise<void>;
}

/** Starts registry-site/serve.mjs on a free port and waits for its "serving … at URL" line. */
export function serveSite(dir: string): Promise<Server> {
  const child = spawn(process.execPath, [path.join(REPO, 'registry-site/serve.mjs'), '--dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  defer(stop);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve({ url: m[1]!, stop });
    });
    child.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${err}`)));
  });
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  defer(() => browser.close());
  return browser;
}

/** Collects console errors and failed requests of a page, for "no console errors" checks. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message} (${page.url()})`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return errors;
}

/** Loads `url` in a fresh page and counts its requests and bytes (headers + body, as received). */
export async function pageWeight(browser: Browser, url: string): Promise<{ requests: number; bytes: number; byType: Record<string, number> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const done: Promise<void>[] = [];
  const byType: Record<string, number> = {};
  let bytes = 0;
  page.on('requestfinished', (req) =>
    done.push(
      req.sizes().then((s) => {
        const n = s.responseHeadersSize + s.responseBodySize;
        bytes += n;
        byType[req.resourceType()] = (byType[req.resourceType()] ?? 0) + n;
      }),
    ),
  );
  let requests = 0;
  page.on('request', () => requests++);
  await page.goto(url, { waitUntil: 'networkidle' });
  await Promise.all(done);
  await context.close();
  return { requests, bytes, byType };
}

export interface CrawlResult {
  pages: string[];
  checked: number;
  broken: string[];
}

/**
 * Follows every href and src on every HTML page reachable from `start` (same origin only) and
 * checks that each answers 200 and that each #fragment names an element on its target page.
 * Plain HTTP, not the browser: 300 pages in seconds.
 */
export async function crawl(start: string): Promise<CrawlResult> {
  const origin = new URL(start).origin;
  const bodies = new Map<string, Promise<{ status: number; type: string; text: string }>>();
  const get = (u: string) => {
    if (!bodies.has(u))
      bodies.set(
        u,
        fetch(u, { redirect: 'manual' }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type') ?? '', text: r.headers.get('content-type')?.startsWith('text/html') ? await r.text() : (await r.arrayBuffer(), '') })),
      );
    return bodies.get(u)!;
  };
  const ids = (html: string) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  const broken: string[] = [];
  const pages: string[] = [];
  const queue = [start];
  const seen = new Set(queue);
  let checked = 0;
  const links: { from: string; to: URL }[] = [];
  while (queue.length) {
    const batch = queue.splice(0, 16);
    await Promise.all(
      batch.map(async (u) => {
        const r = await get(u);
        if (r.status !== 200) return;
        if (!r.type.startsWith('text/html')) return;
        pages.push(u);
        for (const m of r.text.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
          const raw = m[1]!.replace(/&amp;/g, '&');
          if (/^(data:|mailto:)/.test(raw)) continue;
          const to = new URL(raw, u);
          if (to.origin !== origin) continue;
          links.push({ from: u, to });
          const target = to.origin + to.pathname;
          if (!seen.has(target)) {
            seen.add(target);
            queue.push(target);
          }
        }
      }),
    );
  }
  for (const { from, to } of links) {
    checked++;
    const target = to.origin + to.pathname;
    const r = await get(target);
    if (r.status !== 200) {
      broken.push(`${from} → ${to.href}: HTTP ${r.status}`);
      continue;
    }
    if (to.hash && to.hash !== '#' && !ids(r.text).has(decodeURIComponent(to.hash.slice(1)))) broken.push(`${from} → ${to.href}: no element with that id`);
  }
  return { pages: pages.sort(), checked, broken };
}

export function requireBuiltCli(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test does it first)`);
}

/** Runs the built CLI with a private HOME inside `cwd`'s temp parent. */
export function qwex(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  const home = path.join(path.dirname(cwd), 'home');
  return run(process.execPath, [BIN, ...args], { cwd, env: { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), LANG: 'C.UTF-8', QWEX_REGISTRY: undefined, ...env } });
}

export const KINDS = ['transport', 'scheduler', 'container', 'env'] as const;

export interface FixtureTemplate {
  name: string;
  kind: (typeof KINDS)[number];
  docWord: string;
  requires: Record<string, string>;
}

/** The fixture templates' names, kinds and unique docs words: tpl-000 … tpl-NNN. */
export function fixtureTemplates(count: number): FixtureTemplate[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `tpl-${String(i).padStart(3, '0')}`;
    // Every tenth template requires the one before it, so pages link to each other.
    const requires: Record<string, string> = i % 10 === 9 ? { [`tpl-${String(i - 1).padStart(3, '0')}`]: '^1.0.0' } : {};
    return { name, kind: KINDS[i % KINDS.length]!, docWord: `zq${i.toString(36)}docword`, requires };
  });
}

/**
 * Writes one template folder as a template author would: layer.json, <name>.sh.j2, README.md.
 * The README carries a word found nowhere else (for the docs search), a link to its own script,
 * a relative link that leads nowhere on the site, and raw HTML that must stay text.
 */
export async function writeTemplate(dir: string, t: FixtureTemplate, version: string, scriptExtra = ''): Promise<void> {
  const tdir = path.join(dir, t.name);
  await fs.rm(tdir, { recursive: true, force: true });
  await fs.mkdir(tdir, { recursive: true });
  const manifest = {
    apiVersion: 'qwex/v1',
    name: t.name,
    version,
    kind: t.kind,
    runs_on: 'node',
    description: `Fixture ${t.kind} layer ${t.name} <b>not bold</b> that greets before running the inner script`,
    main: `${t.name}.sh.j2`,
    inputs: [
      { name: 'greeting', type: 'string', default: 'hello', description: 'what to print on stderr first' },
      { name: 'level', type: 'string', default: 'info', enum: ['info', 'debug'], description: 'how loud to be' },
    ],
    requires: t.requires,
    tags: ['fixture', `group-${t.name.slice(-1)}`],
  };
  await fs.writeFile(path.join(tdir, 'layer.json'), JSON.stringify(manifest, null, 2) + '\n');
  const script = ['#!/bin/sh', 'set -eu', `# ${t.name}: a fixture layer`, "printf '[%s] %s\\n' {{ level | shq }} {{ greeting | shq }} >&2", scriptExtra, '{{ inner | sh_eval }}', '']
    .filter((l, i, all) => l !== '' || i === all.length - 1)
    .join('\n');
  await fs.writeFile(path.join(tdir, `${t.name}.sh.j2`), script);
  const readme = [
    `# ${t.name}`,
    '',
    `A fixture template. Its rare word is ${t.docWord}.`,
    '',
    `- the script: [${t.name}.sh.j2](./${t.name}.sh.j2)`,
    '- a link that leads nowhere on the site: [notes](../notes.md)',
    '- raw HTML stays text: <img src="x" onerror="window.__pwned = 1">',
    '',
    '```sh',
    'qwex add ' + t.name,
    '```',
    '',
  ].join('\n');
  await fs.writeFile(path.join(tdir, 'README.md'), readme);
}

/** `qwex registry build` with the real CLI; SOURCE_DATE_EPOCH pins the dates of new versions. */
export async function buildRegistry(cwd: string, templates: string, out: string, epoch: number): Promise<Result> {
  requireBuiltCli();
  const r = await run(process.execPath, [BIN, 'registry', 'build', templates, '--out', out], { cwd, env: { SOURCE_DATE_EPOCH: String(epoch) } });
  if (r.code !== 0) throw new Error(`registry build failed (${r.code}): ${r.stderr}`);
  return r;
}

export async function readJson<T = any>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}
