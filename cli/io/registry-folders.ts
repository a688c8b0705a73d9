// Reads template sources (templates/<name>/) and an already-built registry folder for the build.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { parseWith } from '../core/schema-errors.js';
import type { PublishedRegistry, TemplateSource } from '../core/build-registry.js';
import { layerManifestSchema } from '../schema/layer.js';
import { registryIndexSchema } from '../schema/index.js';
import type { RegistryItem } from '../schema/item.js';
import { readTemplateFiles } from './template-files.js';
import { parseItem, parseJson } from './registry.js';
import { readText } from './fs.js';

export async function readTemplateSources(dir: string, shown: string): Promise<TemplateSource[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => {
    throw new QwexError('REGISTRY_NOT_FOUND', `no templates folder at ${shown}`, { hint: 'qwex registry build <templates-folder> --out <registry-folder>' });
  });
  const sources: TemplateSource[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const where = `${shown}/${entry.name}`;
    const files = await readTemplateFiles(path.join(dir, entry.name));
    const raw = files.get('layer.json');
    if (!raw) throw new QwexError('SCHEMA_INVALID', `${where} has no layer.json`, { hint: 'every template folder needs a layer.json manifest' });
    const manifest = parseWith(layerManifestSchema, parseJson(raw.content.toString('utf8'), `${where}/layer.json`), 'SCHEMA_INVALID', `${where}/layer.json`);
    if (manifest.name !== entry.name) throw new QwexError('SCHEMA_INVALID', `${where}/layer.json: name "${manifest.name}" must match its folder name "${entry.name}"`);
    if (!files.has(manifest.main)) throw new QwexError('SCHEMA_INVALID', `${where}/layer.json: main "${manifest.main}" is not a file in ${where}`);
    sources.push({
      dir: where,
      manifest,
      files: [...files].map(([p, f]) => {
        const content = f.content.toString('utf8');
        if (!Buffer.from(content, 'utf8').equals(f.content)) throw new QwexError('SCHEMA_INVALID', `${where}/${p} is not UTF-8 text; templates hold text files only`);
        return { path: p, content, mode: f.mode };
      }),
    });
  }
  return sources;
}

export async function readPublished(dir: string, shown: string): Promise<PublishedRegistry> {
  const rawIndex = await readText(path.join(dir, 'index.json'));
  const index = rawIndex === undefined ? undefined : parseWith(registryIndexSchema, parseJson(rawIndex, `${shown}/index.json`), 'REGISTRY_INVALID', `${shown}/index.json`);
  const items = new Map<string, Map<string, RegistryItem>>();
  const names = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const nameDir of names.filter((e) => e.isDirectory() && e.name !== 'schema')) {
    const versions = new Map<string, RegistryItem>();
    for (const file of (await fs.readdir(path.join(dir, nameDir.name))).filter((f) => f.endsWith('.json')).sort()) {
      const where = `${shown}/${nameDir.name}/${file}`;
      const item = parseItem(await fs.readFile(path.join(dir, nameDir.name, file), 'utf8'), where);
      if (`${item.name}/${item.version}.json` !== `${nameDir.name}/${file}`) throw new QwexError('REGISTRY_INVALID', `${where} holds ${item.name}@${item.version}; the file name must match`);
      versions.set(item.version, item);
    }
    if (versions.size) items.set(nameDir.name, versions);
  }
  return { index, items };
}
