// The website built from a generated registry of 300 templates (made by the real CLI), one of
// them published twice: search over many, the version diff in the page, requirement links,
// hostile text staying text, and every link on every one of the 301 pages.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildRegistry, buildSite, cleanup, crawl, fixtureTemplates, launchBrowser, pageWeight, qwex, readJson, run, serveSite, tempDir, watchErrors, writeTemplate } from './helpers.js';

const COUNT = 300;
const TWICE = 'tpl-007'; // published at 1.0.0, then 1.1.0
const templates = fixtureTemplates(COUNT);

interface Item {
  version: string;
  description: string;
  docs?: string;
  tags: string[];
  files: { path: string; content: string }[];
}

let registry: string;
let url: string;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  const base = tempDir();
  const src = path.join(base, 'templates');
  for (const t of templates) await writeTemplate(src, t, '1.0.0');
  await buildRegistry(base, 'templates', 'registry', 1764547200); // 2025-12-01
  // The second version edits one line and adds one, as a template author would.
  const t = templates.find((x) => x.name === TWICE)!;
  await writeTemplate(src, t, '1.1.0', "printf 'second version\\n' >&2");
  const script = path.join(src, TWICE, `${TWICE}.sh.j2`);
  await fs.writeFile(script, (await fs.readFile(script, 'utf8')).replace('a fixture layer', 'a fixture layer, now louder'));
  await buildRegistry(base, 'templates', 'registry', 1767225600); // 2026-01-01
  registry = path.join(base, 'registry');
  const out = path.join(base, 'site');
  await buildSite(registry, out);
  url = (await serveSite(out)).url;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 120_000);
afterAll(cleanup, 30_000);

const item = (name: string, version = name === TWICE ? '1.1.0' : '1.0.0') => readJson<Item>(path.join(registry, name, `${version}.json`));

/** What the home page filter should show, computed from the registry files themselves. */
async function expected(query: string, kind = ''): Promise<string[]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (const t of templates) {
    const it = await item(t.name);
    const hay = [t.name, t.kind, ...it.tags, it.description, it.docs ?? '', it.files.find((f) => f.path === 'README.md')!.content].join(' ').toLowerCase();
    if ((!kind || t.kind === kind) && words.every((w) => hay.includes(w))) out.push(t.name);
  }
  return out;
}

describe('home with 300 templates', () => {
  test('lists all of them; search narrows by name, tag, kind and a word only one README has', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    const visible = () => page.locator('#list > li:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(await visible()).toEqual(templates.map((t) => t.name));
    expect(await page.locator('#count').innerText()).toBe(`${COUNT} templates`);

    for (const [query, kind] of [['tpl-00', ''], ['tpl-01 group-3', ''], ['', 'scheduler'], ['tpl-1', 'env'], [templates[123]!.docWord, ''], ['not bold 29', '']] as const) {
      await page.fill('#q', query);
      await page.selectOption('#kind', kind);
      const want = await expected(query, kind);
      await expect.poll(visible, { timeout: 5000 }).toEqual(want);
      expect(want.length, `${query}/${kind} narrows`).toBeLessThan(COUNT);
    }
    expect(await expected(templates[123]!.docWord)).toEqual(['tpl-123']);
    // The filter is in the address, so a reload (or a shared link) shows the same list.
    await page.reload();
    await expect.poll(visible).toEqual(await expected('not bold 29'));
    expect(errors).toEqual([]);
    await page.close();
  });

  test('page weight with 300 templates (reported)', async () => {
    const home = await pageWeight(browser, url);
    console.log(`[site weight] home, ${COUNT} templates: ${home.requests} requests, ${(home.bytes / 1024).toFixed(1)} KiB ${JSON.stringify(home.byType)}`);
    expect(home.requests).toBe(3);
  });
});

describe('version diff', () => {
  test('shows the changed lines: pre-rendered for the newest pair, computed in the page for any other', async () => {
    const [older, newer] = await Promise.all([item(TWICE, '1.0.0'), item(TWICE, '1.1.0')]);
    const script = `${TWICE}.sh.j2`;
    const lines = (it: Item) => it.files.find((f) => f.path === script)!.content.split('\n');
    const onlyIn = (a: Item, b: Item) => lines(a).filter((l) => !lines(b).includes(l));
    const added = onlyIn(newer, older);
    const removed = onlyIn(older, newer);
    expect(added.length).toBe(2);
    expect(removed.length).toBe(1);

    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url + `t/${TWICE}/#diff`);
    const file = page.locator('#diff-out section.dfile', { has: page.locator(`h4 code`, { hasText: script }) });
    const rows = (cls: string) => file.locator(`tr.${cls} td.dl`).allInnerTexts();
    expect(await page.locator('#diff-out .dsum').innerText()).toContain('1.0.0 → 1.1.0');
    expect(await rows('da')).toEqual(added.map((l) => `+${l}`));
    expect(await rows('dd')).toEqual(removed.map((l) => `-${l}`));
    // A line edited in place marks the part that changed.
    expect(await file.locator('tr.da mark').allInnerTexts()).toEqual([', now louder']);
    // layer.json changed too (its version line); README.md did not.
    expect(await page.locator('#diff-out h4 code').allInnerTexts()).toEqual(['layer.json', script]);

    // The reverse pair is not pre-rendered: the page fetches both items from r/ and diffs them.
    await page.selectOption('#diff-from', '1.1.0');
    await page.selectOption('#diff-to', '1.0.0');
    await expect.poll(() => page.locator('#diff-out .dsum').innerText()).toContain('1.1.0 → 1.0.0');
    expect(await rows('da')).toEqual(removed.map((l) => `+${l}`));
    expect(await rows('dd')).toEqual(added.map((l) => `-${l}`));

    await page.selectOption('#diff-from', '1.0.0');
    await expect.poll(() => page.locator('#diff-out').innerText()).toContain('Pick two different versions');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('every version is listed with its date, newest first', async () => {
    const page = await context.newPage();
    await page.goto(url + `t/${TWICE}/`);
    expect(await page.locator('#versions tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^1\.1\.0\s+LATEST\s+2026-01-01/), expect.stringMatching(/^1\.0\.0\s+2025-12-01/)]);
    await page.close();
  });
});

test('requirements link both ways, and registry text stays text', async () => {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url + 't/tpl-019/');
  const req = page.locator('#requires a', { hasText: 'tpl-018' });
  expect(await req.getAttribute('href')).toBe('../tpl-018/');
  await req.click();
  await page.waitForURL(/\/t\/tpl-018\/$/);
  expect(await page.locator('#requires').innerText()).toContain('Required by tpl-019.');
  // A "<b>" in a description and an <img onerror> in a README are shown, never run.
  expect(await page.locator('.thead .lead').innerText()).toContain('<b>not bold</b>');
  expect(await page.locator('#docs').innerText()).toContain('<img src="x" onerror="window.__pwned = 1">');
  expect(await page.locator('main img, main b').count()).toBe(0);
  expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
  // The README's link to its own script opens that file on the page.
  await page.locator('#docs a', { hasText: 'tpl-018.sh.j2' }).click();
  expect(await page.locator('#file-tpl-018-sh-j2').getAttribute('open')).not.toBeNull();
  expect(errors).toEqual([]);
  await page.close();
});

test('no broken internal links or fragments on any of the 301 pages', async () => {
  const r = await crawl(url);
  expect(r.broken).toEqual([]);
  expect(r.pages.length).toBe(COUNT + 1);
  expect(r.checked).toBeGreaterThan(COUNT * 10);
}, 60_000);

test('a pinned install from the served site brings its requirement along', async () => {
  const base = tempDir();
  const dir = path.join(base, 'proj');
  await fs.mkdir(dir);
  expect((await run('git', ['init', '-q', dir])).code).toBe(0);
  expect((await qwex(['init', '--yes'], dir)).code).toBe(0);
  const r = await qwex(['add', '--registry', `${url}r`, `${TWICE}@1.0.0`, 'tpl-019', '--json'], dir);
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  const got = (JSON.parse(r.stdout) as { templates: { name: string; version: string }[] }).templates.map((t) => `${t.name}@${t.version}`).sort();
  expect(got).toEqual([`${TWICE}@1.0.0`, 'tpl-018@1.0.0', 'tpl-019@1.0.0']);
  const script = (await item(TWICE, '1.0.0')).files.find((f) => f.path === `${TWICE}.sh.j2`)!.content;
  expect(await fs.readFile(path.join(dir, `.qwex/templates/${TWICE}/${TWICE}.sh.j2`), 'utf8')).toBe(script);
});

