#!/usr/bin/env node
// Builds the registry website from a built registry folder, and from nothing else: every page is
// derived from index.json and <name>/<version>.json. The output is plain files (any static host
// serves it) and carries a copy of the registry JSON under r/, so the site's URL + "/r" is itself
// a registry for `qwex add --registry`.
//
//   node registry-site/build.mjs [--registry registry] [--out registry-site/dist]
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderItemDiff } from './assets/diff.js';
import { highlightFile, renderMarkdown, docsWords } from './lib/text.mjs';
import { homePage, templatePage } from './lib/pages.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(HERE);
// Written into every output folder we create; we only ever empty a folder that carries it, so a
// mistyped --out cannot wipe something else.
const MARKER = '.qwex-site';

class BuildError extends Error {}

async function readJson(file, what) {
  let raw;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch {
    throw new BuildError(`${what}: ${file} not found`);
  }
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new BuildError(`${what}: ${file} is not valid JSON (${e.message})`);
  }
}

/** Loads index.json and every listed version; checks the shape the pages rely on. */
export async function loadRegistry(dir) {
  const index = await readJson(path.join(dir, 'index.json'), 'registry index');
  if (!index || typeof index.items !== 'object') throw new BuildError(`${dir}/index.json has no "items"`);
  const templates = [];
  for (const name of Object.keys(index.items).sort()) {
    const entry = index.items[name];
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) throw new BuildError(`index.json: "${name}" is not a template name`);
    const versions = [];
    for (const v of entry.versions) {
      const item = await readJson(path.join(dir, name, `${v.version}.json`), `${name}@${v.version}`);
      if (item.name !== name || item.version !== v.version)
        throw new BuildError(`${name}/${v.version}.json says it is ${item.name}@${item.version}`);
      versions.push({ ...v, item });
    }
    const latest = versions.find((v) => v.version === entry.latest) ?? versions[0];
    if (!latest) throw new BuildError(`index.json: ${name} lists no versions`);
    templates.push({ name, entry, versions, latest: latest.item });
  }
  return { index, templates };
}

async function prepareOut(out) {
  if (existsSync(out)) {
    const entries = await fs.readdir(out);
    if (entries.length && !entries.includes(MARKER))
      throw new BuildError(`${out} is not empty and was not made by this build; choose another --out or empty it`);
    await fs.rm(out, { recursive: true, force: true });
  }
  await fs.mkdir(out, { recursive: true });
  await fs.writeFile(path.join(out, MARKER), 'built by registry-site/build.mjs; safe to delete\n');
  // GitHub Pages would otherwise run Jekyll over the folder.
  await fs.writeFile(path.join(out, '.nojekyll'), '');
}

/** Copies every .json below the registry, byte for byte: integrity hashes must keep matching. */
async function copyRegistry(from, to) {
  await fs.cp(from, to, {
    recursive: true,
    filter: async (src) => (await fs.stat(src)).isDirectory() || src.endsWith('.json'),
  });
}

export async function build({ registry, out }) {
  const { templates } = await loadRegistry(registry);
  await prepareOut(out);
  await copyRegistry(registry, path.join(out, 'r'));
  await fs.cp(path.join(HERE, 'assets'), path.join(out, 'assets'), { recursive: true });

  const names = new Set(templates.map((t) => t.name));
  const search = {};
  const pages = [];
  for (const t of templates) {
    const readme = t.latest.files.find((f) => f.path === 'README.md');
    const filePaths = t.latest.files.map((f) => f.path);
    const docsHtml = readme ? renderMarkdown(readme.content, { name: t.name, filePaths }) : '';
    search[t.name] = docsWords([readme?.content ?? '', t.latest.docs ?? ''].join(' '));
    const files = t.latest.files.map((f) => ({ ...f, html: highlightFile(f.path, f.content), bytes: Buffer.byteLength(f.content) }));
    const requiredBy = templates.filter((o) => o.latest.requires && Object.hasOwn(o.latest.requires, t.name)).map((o) => o.name);
    // The newest pair is pre-rendered so the diff is there with JavaScript off; the page
    // computes any other pair with the same module.
    const diffHtml = t.versions.length > 1 ? renderItemDiff(t.versions[1].item, t.versions[0].item) : '';
    const html = templatePage({ t, files, docsHtml, requiredBy, names, templates, diffHtml });
    const file = path.join(out, 't', t.name, 'index.html');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, html);
    pages.push(file);
  }
  await fs.writeFile(path.join(out, 'search.json'), JSON.stringify(search));
  await fs.writeFile(path.join(out, 'index.html'), homePage({ templates }));
  pages.push(path.join(out, 'index.html'));
  return { pages: pages.length, templates: templates.length };
}

async function main() {
  const { values } = parseArgs({
    options: {
      registry: { type: 'string', default: path.join(REPO, 'registry') },
      out: { type: 'string', default: path.join(HERE, 'dist') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node registry-site/build.mjs [--registry DIR] [--out DIR]\n');
    return;
  }
  const registry = path.resolve(values.registry);
  const out = path.resolve(values.out);
  const started = performance.now();
  const r = await build({ registry, out });
  process.stderr.write(`built ${r.templates} templates, ${r.pages} pages into ${path.relative(process.cwd(), out) || '.'} in ${Math.round(performance.now() - started)} ms\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`error: ${e instanceof BuildError ? e.message : e.stack}\n`);
    if (e instanceof BuildError) process.stderr.write('hint: build the registry first (qwex registry build templates --out registry) or pass --registry DIR\n');
    process.exitCode = 1;
  });
}
