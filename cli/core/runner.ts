// Config → runner: picks the runner, reads its layers (outer → inner), merges per-machine values
// from .qwex/targets/<runner>.yaml over config.yaml, checks each layer is installed and validates
// its values. Pure: io/ reads the files and passes them in with their YAML locators.
import { didYouMean, QwexError } from './errors.js';
import { validateInputs, type ValueSource } from './inputs.js';
import { layerName } from './runners.js';
import type { Locate } from './schema-errors.js';
import type { ProjectConfig } from '../schema/config.js';
import type { LayerManifest } from '../schema/layer.js';

export interface ResolvedLayer {
  name: string;
  manifest: LayerManifest;
  /** Validated values: defaults + config + targets. */
  values: Record<string, unknown>;
  /** For --explain: where each explicitly given value came from. */
  given: Record<string, string>;
}

export interface ResolvedRunner {
  name: string;
  layers: ResolvedLayer[]; // outer → inner
}

export interface RunnerInputs {
  config: ProjectConfig;
  configFile: string;
  configLocate?: Locate;
  /** .qwex/targets/<runner>.yaml, when it exists: parsed YAML and its locator. */
  targets?: { file: string; parsed: unknown; locate?: Locate };
  /** The installed manifest of a template, or why it is not installed. */
  installed: (name: string) => LayerManifest | { missing: 'lock' | 'files' };
}

/** The runner to use: `-r NAME`, else defaults.runner. Throws RUNNER_NOT_FOUND with did-you-mean. */
export function pickRunner(config: ProjectConfig, requested: string | undefined, configFile: string): string {
  const names = Object.keys(config.runners);
  const name = requested ?? config.defaults.runner;
  if (name === undefined)
    throw new QwexError('RUNNER_NOT_FOUND', `no runner given and ${configFile} sets no defaults.runner`, {
      hint: names.length ? `qwex render -r ${names[0]} -- CMD (runners: ${names.join(', ')})` : `define a runner under runners: in ${configFile}`,
    });
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
  if (!Object.hasOwn(config.runners, name)) {
    const guess = didYouMean(name, names);
    throw new QwexError('RUNNER_NOT_FOUND', `no runner "${name}" in ${configFile}${names.length ? ` (runners: ${names.join(', ')})` : ''}`, {
      hint: guess ? `Did you mean \`${guess}\`? (qwex render -r ${guess} -- CMD)` : `define it under runners: in ${configFile}`,
    });
  }
  return name;
}

/** Targets file: a map of layer name → values; every key must be a layer of the runner. */
function targetValues(inp: RunnerInputs, runner: string, layerNames: string[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const t = inp.targets;
  if (!t || t.parsed === null || t.parsed === undefined) return out;
  const where = (p: PropertyKey[]) => {
    const pos = t.locate?.(p);
    return `${t.file}${pos ? `:${pos.line}:${pos.col}` : ''}`;
  };
  if (typeof t.parsed !== 'object' || Array.isArray(t.parsed))
    throw new QwexError('CONFIG_INVALID', `${where([])}: must be a map of layer name → values (e.g. "ssh: { host: login1 }")`, { hint: `fix ${t.file}` });
  for (const [layer, values] of Object.entries(t.parsed as Record<string, unknown>)) {
    if (!layerNames.includes(layer)) {
      const guess = didYouMean(layer, layerNames);
      throw new QwexError('CONFIG_INVALID', `${where([layer])}: runner "${runner}" has no layer "${layer}" (layers: ${layerNames.join(', ') || 'none'})`, {
        hint: guess ? `Did you mean \`${guess}\`?` : `remove "${layer}" from ${t.file}, or add the layer to runners.${runner}.layers in ${inp.configFile}`,
      });
    }
    if (values === null) continue;
    if (typeof values !== 'object' || Array.isArray(values))
      throw new QwexError('CONFIG_INVALID', `${where([layer])}: the values of "${layer}" must be a map (input: value)`, { hint: `fix ${t.file}` });
    out.set(layer, values as Record<string, unknown>);
  }
  return out;
}

/**
 * Resolves runner `name` (already picked): for each layer, outer → inner, the installed manifest
 * and validated values. Targets win over config.yaml key by key (a map value is replaced whole)
 * and apply to every layer of that name. Throws NOT_INSTALLED (hint: qwex add NAME),
 * CONFIG_INVALID for a bad targets file, INPUT_INVALID for bad values.
 */
export function resolveRunner(inp: RunnerInputs, name: string): ResolvedRunner {
  if (!Object.hasOwn(inp.config.runners, name)) pickRunner(inp.config, name, inp.configFile); // throws RUNNER_NOT_FOUND
  const entries = inp.config.runners[name]!.layers;
  const names = entries.map(layerName);
  const targets = targetValues(inp, name, names);
  const layers = entries.map((entry, i): ResolvedLayer => {
    const layer = names[i]!;
    const installed = inp.installed(layer);
    if ('missing' in installed)
      throw new QwexError('NOT_INSTALLED', `runner "${name}" uses layer "${layer}", which is not installed (${installed.missing === 'lock' ? 'not in .qwex/qwex.lock' : `.qwex/templates/${layer}/layer.json is missing`})`, {
        hint: `qwex add ${layer}`,
      });
    const entryPath = ['runners', name, 'layers', i];
    const fromConfig = typeof entry === 'string' ? {} : ((entry as Record<string, Record<string, unknown>>)[layer] ?? {});
    const fromTargets = targets.get(layer) ?? {};
    const configSrc: ValueSource = { file: inp.configFile, path: [...entryPath, layer], locate: inp.configLocate };
    const targetSrc: ValueSource = { file: inp.targets?.file ?? '', path: [layer], locate: inp.targets?.locate };
    const sourceOf = (key: string) => (Object.hasOwn(fromTargets, key) ? targetSrc : configSrc);
    const values = { ...fromConfig, ...fromTargets };
    const validated = validateInputs(installed.inputs, {
      runner: name,
      layer,
      values,
      sourceOf,
      entry: { file: inp.configFile, path: entryPath, locate: inp.configLocate },
    });
    checkRemoteBase(name, layer, validated, sourceOf, names.slice(i + 1));
    const given = Object.fromEntries(Object.keys(values).map((k) => [k, sourceOf(k).file]));
    return { name: layer, manifest: installed, values: validated, given };
  });
  checkOrder(name, layers, inp);
  return { name, layers };
}

// qwex itself builds paths from a `remote_base` (the run dir <remote_base>/runs/<id>, the shipped
// repos, the record wrapper's files) and hands them to mkdir, cat, sh…: a value starting with "-"
// would be read as an option there, and a line break would not survive the one-line meta file
// remote_dir. Refused whatever the layer's manifest says (a forked ssh may not declare a pattern).
// Layers inside the transport are rendered here, so they need the run dir as an absolute path.
function checkRemoteBase(runner: string, layer: string, values: Record<string, unknown>, sourceOf: (key: string) => ValueSource, inner: string[]): void {
  const rb = values.remote_base;
  if (typeof rb !== 'string' || rb === '') return;
  const [why, hint] = rb.startsWith('-')
    ? ['starts with "-", which tools would read as an option', `write a path relative to the remote home as ./${rb}, or an absolute one`]
    : /[\n\r]/.test(rb)
      ? ['holds a line break', 'remote_base must be one line']
      : !rb.startsWith('/') && inner.length
        ? [`is not absolute, but the layers inside ${layer} (${inner.join(', ')}) need the run dir as an absolute path when the script is rendered`, `set remote_base to an absolute path on the host, e.g. remote_base: /home/<you>/.qwex`]
        : [];
  if (!why) return;
  const src = sourceOf('remote_base');
  const pos = src.locate?.([...src.path, 'remote_base']);
  throw new QwexError('INPUT_INVALID', `${src.file}${pos ? `:${pos.line}:${pos.col}` : ''}: runner "${runner}", layer "${layer}", input "remote_base": ${JSON.stringify(rb)} ${why}`, { hint });
}

// The composition rules of reference/layers.md §2.4, outer → inner: transports, then at most one
// scheduler, then containers, then env layers.
const RANK = { transport: 0, scheduler: 1, container: 2, env: 3 } as const;
function checkOrder(runner: string, layers: ResolvedLayer[], inp: RunnerInputs): void {
  const at = (i: number) => {
    const pos = inp.configLocate?.(['runners', runner, 'layers', i]);
    return `${inp.configFile}${pos ? `:${pos.line}:${pos.col}` : ''}`;
  };
  const schedulers = layers.map((l, i) => [l, i] as const).filter(([l]) => l.manifest.kind === 'scheduler');
  if (schedulers.length > 1)
    throw new QwexError('INPUT_INVALID', `${at(schedulers[1]![1])}: runner "${runner}" has two schedulers (${schedulers.map(([l]) => l.name).join(', ')}); a run is submitted to one`, {
      hint: `keep one of them in runners.${runner}.layers`,
    });
  layers.forEach((l, i) => {
    const prev = layers[i - 1];
    if (prev && RANK[l.manifest.kind] < RANK[prev.manifest.kind])
      throw new QwexError('INPUT_INVALID', `${at(i)}: in runner "${runner}", ${l.name} (${l.manifest.kind}) comes inside ${prev.name} (${prev.manifest.kind}); layers go outer → inner: transport, scheduler, container, env`, {
        hint: `move ${l.name} before ${prev.name} in runners.${runner}.layers`,
      });
  });
}

/**
 * Where qwex's record wrapper goes (reference/layers.md §4.3): just inside the scheduler, else just
 * inside the transport, else outermost (-1). It then runs where the job runs, outside containers.
 */
export function recordPosition(layers: readonly ResolvedLayer[]): number {
  const scheduler = layers.findIndex((l) => l.manifest.kind === 'scheduler');
  return scheduler >= 0 ? scheduler : transportPosition(layers);
}

/** The innermost transport layer (ssh), or -1: where a remote run's code is shipped to. */
export function transportPosition(layers: readonly ResolvedLayer[]): number {
  return layers.map((l) => l.manifest.kind).lastIndexOf('transport');
}

/** Whether the run's files live on the far side of a transport (a remote run). */
export function isRemote(layers: readonly ResolvedLayer[]): boolean {
  const t = transportPosition(layers);
  return t >= 0 && t <= recordPosition(layers);
}
