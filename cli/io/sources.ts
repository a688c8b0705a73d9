// Chooses the registry source for an address: the embedded registry by default, --registry or
// QWEX_REGISTRY when given, a namespace from config.yaml, or a path or URL typed by the user.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError, didYouMean } from '../core/errors.js';
import { expandEnv, redactUrl, refuseCredentials } from '../core/env-expand.js';
import { parseTemplateAddress, type TemplateAddress } from '../core/address.js';
import { resolveVersion } from '../core/resolve.js';
import type { RegistryItem } from '../schema/item.js';
import type { ProjectConfig } from '../schema/config.js';
import { embeddedRegistryDir, folderRegistry, httpGet, httpRegistry, parseJson, readRegistryFile, singleItem, type RegistrySource } from './registry.js';

export interface SourceContext {
  cwd: string;
  projectRoot?: string;
  config?: () => Promise<ProjectConfig>;
  env: Record<string, string | undefined>;
  registry?: string; // --registry
}

/** The registry that plain names (`ssh`, `ssh@^1`) come from. */
export async function defaultSource(sc: SourceContext): Promise<RegistrySource> {
  const chosen = sc.registry ?? sc.env.QWEX_REGISTRY;
  if (!chosen || chosen === 'embedded') return folderRegistry(embeddedRegistryDir(), 'embedded');
  refuseCredentials(chosen);
  if (chosen.startsWith('@')) return namespaceSource(chosen, sc);
  return locationSource(chosen, {}, sc);
}

export async function sourceFor(address: TemplateAddress, sc: SourceContext): Promise<RegistrySource> {
  switch (address.kind) {
    case 'name':
      return defaultSource(sc);
    case 'namespaced':
      return namespaceSource(address.namespace, sc);
    case 'path':
      return locationSource(address.path, {}, sc);
    case 'url':
      return locationSource(address.url, {}, sc);
    case 'git-host':
      return (await import('./git-host.js')).gitHostSource(address, sc);
  }
}

async function namespaceSource(namespace: string, sc: SourceContext): Promise<RegistrySource> {
  const registries = (await sc.config?.())?.registries ?? {};
  const configured = registries[namespace];
  if (!configured) {
    const known = Object.keys(registries);
    const guess = didYouMean(namespace, known);
    throw new QwexError('NAMESPACE_UNKNOWN', `registry namespace ${namespace} is not configured`, {
      hint: guess ? `did you mean ${guess}?` : `add it to .qwex/config.yaml:\nregistries:\n  "${namespace}":\n    url: https://…/qwex-registry`,
    });
  }
  const { url, headers } = typeof configured === 'string' ? { url: configured, headers: {} } : configured;
  const where = `registries."${namespace}" in .qwex/config.yaml`;
  const expandedHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, expandEnv(v, sc.env, `${where} (header ${k})`)]));
  // A folder path in config.yaml is relative to the project, wherever qwex was started.
  return locationSource(expandEnv(url, sc.env, where), expandedHeaders, { ...sc, cwd: sc.projectRoot ?? sc.cwd }, namespace);
}

/** A folder or URL holding a registry, or a single item .json file or URL. */
async function locationSource(location: string, headers: Record<string, string>, sc: SourceContext, id?: string): Promise<RegistrySource> {
  if (/^https?:\/\//i.test(location)) {
    if (!/\.json(\?.*)?$/.test(new URL(location).pathname + new URL(location).search)) return httpRegistry(location, headers, id ?? location);
    const raw = await httpGet(location, headers);
    if (raw === undefined) throw new QwexError('TEMPLATE_NOT_FOUND', `nothing at ${location} (HTTP 404)`, { hint: 'check the URL' });
    return fromJsonFile(raw, location, id ?? location, (dir) => httpRegistry(new URL('.', location).href, headers, id ?? dir));
  }
  const abs = path.resolve(sc.cwd, location.replace(/^~(?=\/)/, sc.env.HOME ?? '~'));
  const lockId = id ?? recordPath(abs, sc);
  const stat = await fs.stat(abs).catch(() => undefined);
  if (!stat) throw new QwexError('REGISTRY_NOT_FOUND', `${location}: no such file or folder`, { hint: 'give the path of a registry folder (with index.json) or of an item .json' });
  if (stat.isDirectory()) return folderRegistry(abs, lockId);
  const raw = await readRegistryFile(abs);
  return fromJsonFile(raw, abs, lockId, () => folderRegistry(path.dirname(abs), id ?? recordPath(path.dirname(abs), sc)));
}

function fromJsonFile(raw: string, where: string, id: string, asRegistry: (dir: string) => RegistrySource): RegistrySource {
  const parsed = parseJson(raw, where) as { items?: unknown };
  return parsed && typeof parsed === 'object' && 'items' in parsed ? asRegistry(where) : singleItem(raw, id, where);
}

// Paths inside the project are recorded relative to its root, so the lock works on every clone.
function recordPath(abs: string, sc: SourceContext): string {
  const rel = sc.projectRoot ? path.relative(sc.projectRoot, abs) : '..';
  return rel.startsWith('..') ? abs : `./${rel}`;
}

export interface FetchedTemplate {
  source: RegistrySource;
  item: RegistryItem;
  range?: string; // what the user asked for, if anything
}

/** Resolves what the user typed (`ssh@^1`, `@acme/ssh`, `./item.json`, a URL) to one verified item. */
export async function fetchTemplate(spec: string, sc: SourceContext, opts: { pre?: boolean } = {}): Promise<FetchedTemplate> {
  const address = parseTemplateAddress(spec);
  const source = await sourceFor(address, sc);
  const index = await source.getIndex();
  const named = address.kind === 'name' || address.kind === 'namespaced';
  const names = Object.keys(index.items);
  let name: string;
  if (named) name = address.name;
  else if (names.length === 1) name = names[0]!;
  else
    throw new QwexError('USAGE', `${source.label} is a registry of ${names.length} templates; say which one`, {
      hint: `qwex add <name> --registry ${spec}  # names: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`,
    });
  const range = named ? address.range : undefined;
  if (!named) {
    // What the user pointed at is what they want, even when it only has prereleases (a fork's
    // 1.2.0-fork.1). A git source follows its ref: later versions (1.2.0-fork.2) are updates.
    const pre = opts.pre || index.items[name]!.versions.every((v) => v.version.includes('-'));
    const item = await fetchFrom(source, name, undefined, { ...opts, pre });
    return { source, item, range: address.kind === 'git-host' ? `^${item.version}` : undefined };
  }
  return { source, item: await fetchFrom(source, name, range, opts), range };
}

/** The newest version of `name` in `source` matching `range`, verified. */
export async function fetchFrom(source: RegistrySource, name: string, range: string | undefined, opts: { pre?: boolean; requiredBy?: string } = {}): Promise<RegistryItem> {
  const index = await source.getIndex();
  const entry = index.items[name];
  if (!entry) {
    const guess = didYouMean(name, Object.keys(index.items));
    const where = source.id === 'embedded' ? 'the embedded registry' : source.label;
    throw new QwexError('TEMPLATE_NOT_FOUND', `${opts.requiredBy ? `${opts.requiredBy}, but ` : ''}no template "${name}" in ${where}`, {
      hint: guess ? `did you mean ${guess}?` : 'qwex search  # lists the templates',
    });
  }
  const version = resolveVersion(name, entry.versions.map((v) => v.version), range, { includePrerelease: opts.pre });
  return source.getItem(name, version);
}


/**
 * The registry a lock entry's `source` names, so diff and update go back to where it came from.
 * Opened on first use: a question the item cache can answer never touches the network.
 */
export function sourceOfLockEntry(source: string, sc: SourceContext): RegistrySource {
  let opened: Promise<RegistrySource> | undefined;
  const open = () => (opened ??= openLockSource(source, sc));
  return {
    id: source,
    label: redactUrl(source),
    getIndex: async () => (await open()).getIndex(),
    getItem: async (name, version) => (await open()).getItem(name, version),
    async lockIdFor(name, version) {
      const s = await open();
      return s.lockIdFor ? s.lockIdFor(name, version) : source;
    },
  };
}

async function openLockSource(source: string, sc: SourceContext): Promise<RegistrySource> {
  if (source === 'embedded') return folderRegistry(embeddedRegistryDir(), 'embedded');
  if (source.startsWith('@')) return namespaceSource(source, sc);
  if (/^(gist|github|gitlab):|^git\+/.test(source)) return (await import('./git-host.js')).gitHostSourceFromLock(source, sc);
  return locationSource(source, {}, { ...sc, cwd: sc.projectRoot ?? sc.cwd });
}
