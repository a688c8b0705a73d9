// Reads what rendering a runner needs from the project: config.yaml with positions, the runner's
// .qwex/targets/<runner>.yaml, the installed manifests and template files, and the git commit.
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { parseWith } from '../core/schema-errors.js';
import { layerName } from '../core/runners.js';
import { pickRunner, type RunnerInputs } from '../core/runner.js';
import type { LayerManifest } from '../schema/layer.js';
import { CONFIG_FILE, QWEX_DIR, parseYaml, templateDir, type Project } from './project.js';
import { readText } from './fs.js';
import { readTemplateFiles } from './template-files.js';
import { own } from '../core/records.js';

export interface LoadedRunner {
  name: string;
  inputs: RunnerInputs;
  /** ".qwex/templates/<layer>/<file>" → source, for every .j2 of the runner's layers. */
  files: Map<string, string>;
}

export const templatePath = (name: string, file: string) => `${QWEX_DIR}/templates/${name}/${file}`;

/** Reads and parses an installed template's layer.json, or undefined when the file is missing. */
export async function readManifest(root: string, name: string): Promise<LayerManifest | undefined> {
  const file = templatePath(name, 'layer.json');
  const text = await readText(path.join(root, file));
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new QwexError('SCHEMA_INVALID', `${file} is not valid JSON: ${(e as Error).message}`, { hint: `fix ${file}, or reinstall with qwex add ${name} --overwrite`, cause: e });
  }
  const { layerManifestSchema } = await import('../schema/layer.js'); // zod: only on a runner-cache miss
  return parseWith(layerManifestSchema, raw, 'SCHEMA_INVALID', file, { hint: `fix ${file}, or reinstall with qwex add ${name} --overwrite` });
}

/** The .j2 files of an installed template, keyed by their project-relative path. */
export async function readTemplateSources(root: string, name: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [rel, f] of await readTemplateFiles(templateDir(root, name))) if (rel.endsWith('.j2')) out.set(templatePath(name, rel), f.content.toString('utf8'));
  return out;
}

export async function loadRunner(project: Project, requested: string | undefined): Promise<LoadedRunner> {
  const { parsed, locate } = await parseYaml((await readText(path.join(project.root, CONFIG_FILE))) ?? '', CONFIG_FILE);
  const { projectConfigSchema } = await import('../schema/config.js');
  const config = parseWith(projectConfigSchema, parsed ?? {}, 'CONFIG_INVALID', CONFIG_FILE, { locate, hint: `fix ${CONFIG_FILE}; its schema is .qwex/config.schema.json` });
  const name = pickRunner(config, requested, CONFIG_FILE);

  const targetsFile = `${QWEX_DIR}/targets/${name}.yaml`;
  const targetsText = await readText(path.join(project.root, targetsFile));
  const targets = targetsText === undefined ? undefined : { file: targetsFile, ...(await parseYaml(targetsText, targetsFile)) };

  const manifests = new Map<string, LayerManifest | { missing: 'lock' | 'files' }>();
  const files = new Map<string, string>();
  for (const layer of new Set(config.runners[name]!.layers.map(layerName))) {
    if (!own(project.lock.templates, layer)) {
      manifests.set(layer, { missing: 'lock' });
      continue;
    }
    const manifest = await readManifest(project.root, layer);
    manifests.set(layer, manifest ?? { missing: 'files' });
    if (manifest) for (const [k, v] of await readTemplateSources(project.root, layer)) files.set(k, v);
  }
  return {
    name,
    files,
    inputs: { config, configFile: CONFIG_FILE, configLocate: locate, targets, installed: (n) => manifests.get(n) ?? { missing: 'lock' } },
  };
}

/** HEAD's commit of the git repository at `root`, read from .git (no git process), or "" when unknown. */
export async function headCommit(root: string): Promise<string> {
  const git = path.join(root, '.git');
  const head = (await readText(path.join(git, 'HEAD').toString()).catch(() => undefined))?.trim();
  if (!head) return '';
  if (/^[0-9a-f]{40,64}$/.test(head)) return head;
  const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
  if (!ref) return '';
  const loose = (await readText(path.join(git, ref)).catch(() => undefined))?.trim();
  if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  const packed = (await readText(path.join(git, 'packed-refs')).catch(() => undefined)) ?? '';
  for (const line of packed.split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return '';
}

