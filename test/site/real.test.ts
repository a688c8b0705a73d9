// The website built from the repository's real registry/, served on 127.0.0.1 and driven in
// Debian's Chromium: listing, search, a template page, copy buttons, keyboard use, links, page
// weight, phone width, and `qwex add --registry <site>/r` against the served copy.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REGISTRY as REPO_REGISTRY, SCREENSHOTS, buildSite, cleanup, crawl, launchBrowser, pageWeight, qwex, readJson, requireBuiltCli, run, serveSite, tempDir, watchErrors } from './helpers.js';

interface IndexJson {
  items: Record<string, { description: string; kind: string; latest: string; tags: string[]; versions: { version: string; created: string; integrity: string }[] }>;
}
interface Item {
  name: string;
  version: string;
  main: string;
  inputs: { name: string; required?: boolean }[];
  files: { path: string; content: string }[];
}

// A snapshot of registry/ taken once: other work may rebuild registry/ while these tests run,
// and every expectation below must describe the same bytes the site was built from.
let REGISTRY: string;
let url: string;
let out: string;
let browser: Browser;
let context: BrowserContext;
let index: IndexJson;
const names = () => Object.keys(index.items).sort();

beforeAll(async () => {
  const base = tempDir();
  REGISTRY = path.join(base, 'registry');
  await fs.cp(REPO_REGISTRY, REGISTRY, { recursive: true });
  index = await readJson<IndexJson>(path.join(REGISTRY, 'index.json'));
  out = path.join(base, 'site');
  await buildSite(REGISTRY, out);
  url = (await serveSite(out)).url;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
}, 60_000);
afterAll(cleanup, 30_000);

describe('home', () => {
  test('lists every template with its kind, latest version and description', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    expect(await page.title()).toMatch(/qwex registry/);
    const cards = page.locator('#list > li');
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(names());
    for (const name of names()) {
      const card = page.locator(`#list > li[data-name="${name}"]`);
      const e = index.items[name]!;
      await expect.poll(() => card.locator('h2').innerText()).toBe(name);
      const text = await card.innerText();
      expect(text).toContain(e.kind);
      expect(text).toContain(`v${e.latest}`);
      expect(text).toContain(e.description);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('search narrows the list by name, by kind and by a word only the docs contain', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    const visible = () => page.locator('#list > li:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    const all = names();

    await page.fill('#q', 'slurm');
    // Expected from the registry itself: every template whose listed fields or docs mention it.
    const bySlurm = await Promise.all(all.map(async (n) => ((await docsText(n)) + JSON.stringify(index.items[n]) + n).toLowerCase().includes('slurm'))).then((m) => all.filter((_, i) => m[i]));
    await expect.poll(visible).toEqual(bySlurm);
    expect(bySlurm.length).toBeLessThan(all.length);
    expect(await page.locator('#count').innerText()).toBe(`${bySlurm.length} of ${all.length} templates`);
    expect(page.url()).toContain('?q=slurm');

    await page.fill('#q', '');
    const kind = index.items[all[0]!]!.kind;
    await page.selectOption('#kind', kind);
    await expect.poll(visible).toEqual(all.filter((n) => index.items[n]!.kind === kind));

    // A word from one README that no name, description, kind or tag contains.
    await page.selectOption('#kind', '');
    const { word, owner } = await docsOnlyWord();
    await page.fill('#q', word);
    await expect.poll(visible).toEqual([owner]);

    await page.fill('#q', 'no-such-word-anywhere');
    await expect.poll(visible).toEqual([]);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('works with JavaScript off: the full list, no search box', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(url + '?q=slurm');
    expect(await page.locator('#list > li:visible').count()).toBe(names().length);
    expect(await page.locator('form[role=search]').isHidden()).toBe(true);
    expect(await page.locator('button.copy').first().isHidden()).toBe(true);
    await ctx.close();
  });
});

describe('a template page', () => {
  test('shows the inputs, the files (highlighted), requires, versions and install commands', async () => {
    const item = await latestItem('ssh');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url + 't/ssh/');
    expect(await page.title()).toBe(`ssh ${item.version} · qwex registry`);
    expect(await page.locator('h1').count()).toBe(1);
    const inputNames = await page.locator('#inputs tbody th[scope=row]').allInnerTexts();
    expect(inputNames).toEqual(item.inputs.map((i) => i.name));
    for (const i of item.inputs.filter((x) => x.required)) expect(await page.locator(`#input-${i.name}`).innerText()).toContain('required');
    const filePaths = await page.locator('#files details.file summary code').allInnerTexts();
    expect(filePaths).toEqual(item.files.map((f) => f.path));
    // The main template is open and highlighted at build time (hljs spans, no script needed).
    const main = page.locator(`#files details.file[open] pre`);
    expect(await main.count()).toBe(1);
    const mainFile = item.files.find((f) => f.path === item.main)!;
    expect(await main.textContent()).toBe(mainFile.content);
    expect(await main.locator('span[class^="hljs-"]').count()).toBeGreaterThan(20);
    // Every version with its date, newest first.
    const rows = await page.locator('#versions tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split(/\s/)[0])).toEqual(index.items.ssh!.versions.map((v) => v.version));
    for (const [i, v] of index.items.ssh!.versions.entries()) expect(rows[i]).toContain(v.created.slice(0, 10));
    // The docs are the README rendered as HTML.
    expect(await page.locator('#docs h3').first().isVisible()).toBe(true);
    expect(await page.locator('#docs code').count()).toBeGreaterThan(5);
    expect(await page.locator('main').count()).toBe(1);
    expect(await page.locator('nav[aria-label="Breadcrumb"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the copy buttons put the exact commands on the clipboard', async () => {
    const item = await latestItem('ssh');
    const page = await context.newPage();
    await page.goto(url + 't/ssh/');
    for (const cmd of ['qwex add ssh', `qwex add ssh@${item.version}`]) {
      await page.evaluate("navigator.clipboard.writeText('(empty)')");
      const button = page.getByRole('button', { name: `Copy: ${cmd}`, exact: true });
      await button.click();
      await expect.poll(() => button.innerText()).toBe('Copied');
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(cmd);
    }
    await page.close();
  });

  test('is keyboard navigable: skip link first, then the site nav; Enter on a copy button copies', async () => {
    const page = await context.newPage();
    await page.goto(url + 't/ssh/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(page.url()).toMatch(/#main$/);
    // Tab through the page until the first copy button has focus; it must be reachable.
    await page.evaluate("navigator.clipboard.writeText('(empty)')");
    let label = '';
    for (let i = 0; i < 60 && !label.startsWith('Copy:'); i++) {
      await page.keyboard.press('Tab');
      label = await page.evaluate<string>("document.activeElement?.getAttribute('aria-label') ?? ''");
    }
    expect(label).toBe('Copy: qwex add ssh');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe('qwex add ssh');
    await page.close();
  });

  test('a template with two versions shows their diff, with JavaScript off too', async () => {
    const twoVersions = names().find((n) => index.items[n]!.versions.length > 1);
    expect(twoVersions, 'the real registry has a template with two versions').toBeDefined();
    const [newer, older] = index.items[twoVersions!]!.versions;
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(url + `t/${twoVersions}/#diff`);
    expect(await page.locator('#diff-out .dsum').innerText()).toContain(`${older!.version} → ${newer!.version}`);
    // At least one added or removed line, each also present in the newer/older item's files.
    const added = await page.locator('#diff-out tr.da td.dl').allInnerTexts();
    const removed = await page.locator('#diff-out tr.dd td.dl').allInnerTexts();
    expect(added.length + removed.length).toBeGreaterThan(0);
    const newText = (await readJson<Item>(path.join(REGISTRY, twoVersions!, `${newer!.version}.json`))).files.map((f) => f.content).join('\n');
    const oldText = (await readJson<Item>(path.join(REGISTRY, twoVersions!, `${older!.version}.json`))).files.map((f) => f.content).join('\n');
    for (const l of added) expect(newText).toContain(l.slice(1).split('\n')[0]);
    for (const l of removed) expect(oldText).toContain(l.slice(1).split('\n')[0]);
    await ctx.close();
  });
});

test('every page: one h1, a main landmark, a title, no console errors, no horizontal scroll at phone width', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  for (const p of ['', ...names().map((n) => `t/${n}/`)]) {
    await page.goto(url + p, { waitUntil: 'networkidle' });
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('main#main').count()).toBe(1);
    expect(await page.locator('header nav[aria-label="Site"]').count()).toBe(1);
    expect((await page.title()).length).toBeGreaterThan(5);
    expect(await page.locator('img:not([alt])').count()).toBe(0);
    const { scroll, client } = await page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
    expect(scroll, `${p || 'home'} is wider than the phone`).toBeLessThanOrEqual(client);
  }
  expect(errors).toEqual([]);
  await ctx.close();
});

test('no broken internal links or fragments on any page', async () => {
  const r = await crawl(url);
  expect(r.broken).toEqual([]);
  expect(r.pages).toEqual([url, ...names().map((n) => `${url}t/${n}/`)].sort());
  expect(r.checked).toBeGreaterThan(r.pages.length * 5);
});

test('the registry JSON is served byte for byte at r/, with JSON content types', async () => {
  const files = ['index.json', ...names().flatMap((n) => index.items[n]!.versions.map((v) => `${n}/${v.version}.json`)), ...(await fs.readdir(path.join(REGISTRY, 'schema'))).map((f) => `schema/${f}`)];
  for (const f of files) {
    const res = await fetch(url + 'r/' + f);
    expect(res.status, f).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Buffer.from(await res.arrayBuffer()).equals(await fs.readFile(path.join(REGISTRY, f))), f).toBe(true);
  }
});

test('qwex add --registry <site>/r ssh installs from the served site', async () => {
  requireBuiltCli();
  const base = tempDir();
  const dir = path.join(base, 'proj');
  await fs.mkdir(dir);
  expect((await run('git', ['init', '-q', dir])).code).toBe(0);
  expect((await qwex(['init', '--yes'], dir)).code).toBe(0);
  const r = await qwex(['add', '--registry', `${url}r`, 'ssh', '--json'], dir);
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  const item = await latestItem('ssh');
  const result = JSON.parse(r.stdout) as { templates: { name: string; version: string; source: string }[] };
  expect(result.templates.map((t) => [t.name, t.version, t.source])).toEqual([['ssh', item.version, `${url}r`]]);
  for (const f of item.files) expect(await fs.readFile(path.join(dir, '.qwex/templates/ssh', f.path), 'utf8')).toBe(f.content);
  expect(await fs.readFile(path.join(dir, '.qwex/qwex.lock'), 'utf8')).toContain(`${url}r`);
});

test('page weight and request count of home and a template page (reported)', async () => {
  const home = await pageWeight(browser, url);
  const ssh = await pageWeight(browser, url + 't/ssh/');
  console.log(`[site weight] home: ${home.requests} requests, ${(home.bytes / 1024).toFixed(1)} KiB ${JSON.stringify(home.byType)}`);
  console.log(`[site weight] t/ssh/: ${ssh.requests} requests, ${(ssh.bytes / 1024).toFixed(1)} KiB ${JSON.stringify(ssh.byType)}`);
  // The pages are HTML + one stylesheet + one script; the diff module loads only on demand.
  expect(home.requests).toBe(3);
  expect(ssh.requests).toBe(3);
});

test('screenshots at desktop and phone width (test/site/screenshots/)', async () => {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  for (const [label, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]] as const) {
    const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    for (const [name, p] of [['home', ''], ['ssh', 't/ssh/']]) {
      await page.goto(url + p, { waitUntil: 'networkidle' });
      const file = path.join(SCREENSHOTS, `${name}-${label}.png`);
      await page.screenshot({ path: file, fullPage: name === 'home' });
      expect((await fs.stat(file)).size).toBeGreaterThan(10_000);
    }
    await ctx.close();
  }
});

async function latestItem(name: string): Promise<Item> {
  return readJson<Item>(path.join(REGISTRY, name, `${index.items[name]!.latest}.json`));
}

async function docsText(name: string): Promise<string> {
  const item = await latestItem(name);
  return item.files.find((f) => f.path === 'README.md')?.content ?? '';
}

/** A word of 6+ letters that occurs in exactly one README and in no listed field of any template. */
async function docsOnlyWord(): Promise<{ word: string; owner: string }> {
  const listed = JSON.stringify(index.items).toLowerCase() + names().join(' ');
  const readmes = await Promise.all(names().map(async (n) => [n, (await docsText(n)).toLowerCase()] as const));
  for (const [owner, text] of readmes) {
    for (const word of new Set(text.match(/\b[a-z]{6,}\b/g) ?? [])) {
      if (listed.includes(word)) continue;
      if (readmes.every(([n, t]) => n === owner || !t.includes(word))) return { word, owner };
    }
  }
  throw new Error('no README has a word of its own');
}
