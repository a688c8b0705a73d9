// Reads template sources (templates/<name>/) and an already-built registry folder for the build.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { parseWith } from '../core/schema-errors.js';
import type { PublishedRegistry, TemplateSource } from '../core/build-registry.js';
import { layerManifestSchema } from '../schema/layer.js';
import { registryIndexSchema, type RegistryIndex } from '../schema/index.js';
import type { RegistryItem } from '../schema/item.js';
import { readTemplateFiles } from './template-files.js';
import { parseItem, parseJson } from './registry.js';
import { readText } from './fs.js';

/** The template folders under dir, sorted by name (each is read with readTemplateSource). */
export async function listTemplateDirs(dir: string, shown: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => {
    throw new QwexError('REGISTRY_NOT_FOUND', `no templates folder at ${shown}`, { hint: 'qwex registry build <templates-folder> --out <registry-folder>' });
  });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : 1));
}

/** One template folder, dir/name: its manifest (checked) and its files as text. */
export async function readTemplateSource(dir: string, name: string, shown: string): Promise<TemplateSource> {
  const where = `${shown}/${name}`;
  const files = await readTemplateFiles(path.join(dir, name));
  const raw = files.get('layer.json');
  if (!raw) throw new QwexError('SCHEMA_INVALID', `${where} has no layer.json`, { hint: 'every template folder needs a layer.json manifest' });
  const manifest = parseWith(layerManifestSchema, parseJson(raw.content.toString('utf8'), `${where}/layer.json`), 'SCHEMA_INVALID', `${where}/layer.json`);
  if (manifest.name !== name) throw new QwexError('SCHEMA_INVALID', `${where}/layer.json: name "${manifest.name}" must match its folder name "${name}"`);
  if (!files.has(manifest.main)) throw new QwexError('SCHEMA_INVALID', `${where}/layer.json: main "${manifest.main}" is not a file in ${where}`);
  return {
    dir: where,
    manifest,
    files: [...files].map(([p, f]) => {
      const content = f.content.toString('utf8');
      if (!Buffer.from(content, 'utf8').equals(f.content)) throw new QwexError('SCHEMA_INVALID', `${where}/${p} is not UTF-8 text; templates hold text files only`);
      return { path: p, content, mode: f.mode };
    }),
  };
}

export async function readPublished(dir: string, shown: string): Promise<PublishedRegistry> {
  const index = await readPublishedIndex(dir, shown);
  const items = new Map<string, Map<string, RegistryItem>>();
  await eachPublishedItem(dir, shown, (name, item) => {
    let versions = items.get(name);
    if (!versions) items.set(name, (versions = new Map()));
    versions.set(item.version, item);
  });
  return { index, items };
}

/** A built registry's index.json, parsed, or undefined when there is none. */
export async function readPublishedIndex(dir: string, shown: string): Promise<RegistryIndex | undefined> {
  const rawIndex = await readText(path.join(dir, 'index.json'));
  return rawIndex === undefined ? undefined : parseWith(registryIndexSchema, parseJson(rawIndex, `${shown}/index.json`), 'REGISTRY_INVALID', `${shown}/index.json`);
}

/**
 * A built registry's items one at a time (a registry of thousands need not be in memory at
 * once): calls each(name, item) for every <name>/<version>.json, versions in file-name order.
 */
export async function eachPublishedItem(dir: string, shown: string, each: (name: string, item: RegistryItem) => void): Promise<void> {
  const names = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const nameDir of names.filter((e) => e.isDirectory() && e.name !== 'schema')) {
    for (const file of (await fs.readdir(path.join(dir, nameDir.name))).filter((f) => f.endsWith('.json')).sort()) {
      const where = `${shown}/${nameDir.name}/${file}`;
      const item = parseItem(await fs.readFile(path.join(dir, nameDir.name, file), 'utf8'), where);
      if (`${item.name}/${item.version}.json` !== `${nameDir.name}/${file}`) throw new QwexError('REGISTRY_INVALID', `${where} holds ${item.name}@${item.version}; the file name must match`);
      each(nameDir.name, item);
    }
  }
}
