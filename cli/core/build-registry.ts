// Plans `qwex registry build`: templates/ (source) + the registry already published → the files
// to write. Pure: io/ reads the folders and writes the plan. Published versions are immutable,
// so a changed template without a version bump is an error here, never a silent re-publish.
import semverRcompare from 'semver/functions/rcompare.js';
import semverGt from 'semver/functions/gt.js';
import semverPrerelease from 'semver/functions/prerelease.js';
import { QwexError } from './errors.js';
import { itemIntegrity, prettyJson, sha256Integrity } from './integrity.js';
import { targetRelPath, templateTarget } from './targets.js';
import { SHADCN_ITEM_SCHEMA_URL, type RegistryItem } from '../schema/item.js';
import type { LayerManifest } from '../schema/layer.js';
import type { IndexEntry, RegistryIndex } from '../schema/index.js';
import { API_VERSION } from '../schema/constants.js';

export interface TemplateSource {
  dir: string; // for messages: "templates/ssh"
  manifest: LayerManifest;
  files: { path: string; content: string; mode: '0644' | '0755' }[]; // layer.json included
}

export interface PublishedRegistry {
  index?: RegistryIndex;
  items: Map<string, Map<string, RegistryItem>>; // name → version → item, as read from disk
}

export interface BuildPlan {
  writes: { path: string; content: string }[]; // relative to the registry folder
  published: string[]; // "ssh@1.1.0" for each version this build adds
}

export function itemFromTemplate(src: TemplateSource): RegistryItem {
  const m = src.manifest;
  const required = m.inputs.filter((i) => i.required).map((i) => i.name);
  return {
    $schema: SHADCN_ITEM_SCHEMA_URL,
    name: m.name,
    type: 'registry:item',
    title: m.name,
    description: m.description,
    version: m.version,
    kind: m.kind,
    runs_on: m.runs_on,
    main: m.main,
    inputs: m.inputs,
    requires: m.requires,
    tags: m.tags,
    ...(m.renames ? { renames: m.renames } : {}),
    ...(m.upstream ? { upstream: m.upstream } : {}),
    docs:
      `Installed to .qwex/templates/${m.name}/ (yours to edit). Add "${m.name}" to a runner's layers in .qwex/config.yaml` +
      (required.length ? `; required inputs: ${required.join(', ')}` : '') +
      `. README.md there lists every input.`,
    registryDependencies: [],
    dependencies: [],
    files: [...src.files]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((f) => ({
        path: f.path,
        type: 'registry:file' as const,
        target: templateTarget(m.name, f.path),
        content: f.content,
        sha256: sha256Integrity(f.content),
        mode: f.mode,
      })),
  };
}

/** Newest first; `latest` is the newest stable version (or the newest prerelease if there is no stable one). */
export function sortVersions<T extends { version: string }>(versions: T[]): T[] {
  return [...versions].sort((a, b) => semverRcompare(a.version, b.version));
}

export function latestOf(versions: { version: string }[]): string {
  const sorted = sortVersions(versions);
  return (sorted.find((v) => !semverPrerelease(v.version)) ?? sorted[0]!).version;
}

/**
 * The files a build writes, given the template sources, what is already published and the
 * timestamp for versions published now. Throws PUBLISHED_VERSION_CHANGED when a template
 * differs from its published version, and REGISTRY_INVALID when a published file no longer
 * matches the integrity its index recorded.
 */
export function planBuild(sources: TemplateSource[], published: PublishedRegistry, now: string, schemas: Record<string, string>): BuildPlan {
  const builder = new RegistryBuilder(now);
  for (const [name, versions] of published.items) for (const item of versions.values()) builder.addPublished(name, item);
  const writes: BuildPlan['writes'] = [];
  for (const src of sources) {
    const write = builder.addSource(src);
    if (write) writes.push(write);
  }
  writes.push(...builder.finish(published.index, schemas));
  return { writes, published: builder.published };
}

// What the index needs of one version, and what a changed-template message names: no file
// contents, so a build holds a few hundred bytes per version however big the registry is.
interface VersionSummary {
  version: string;
  integrity: string;
  description: string;
  kind: RegistryItem['kind'];
  tags: RegistryItem['tags'];
  files: Map<string, string>; // path → sha256 + mode
}

function summarize(item: RegistryItem): VersionSummary {
  return {
    version: item.version,
    integrity: itemIntegrity(item),
    description: item.description,
    kind: item.kind,
    tags: item.tags,
    files: new Map(item.files.map((f) => [f.path, f.sha256 + f.mode])),
  };
}

/**
 * planBuild one item at a time, for `qwex registry build`: feed it the published items
 * (addPublished), then each template source (addSource gives the item file to write, if any),
 * then finish() gives index.json and the schema files. Same checks, same bytes as planBuild.
 * Only a summary of each version is kept (its integrity, index fields and file digests).
 */
export class RegistryBuilder {
  private readonly items = new Map<string, Map<string, VersionSummary>>(); // name → version → summary
  private readonly seen = new Map<string, string>(); // name → source dir
  /** "ssh@1.1.0" for each version this build adds. */
  readonly published: string[] = [];

  constructor(private readonly now: string) {}

  private versionsOf(name: string): Map<string, VersionSummary> {
    let versions = this.items.get(name);
    if (!versions) this.items.set(name, (versions = new Map()));
    return versions;
  }

  addPublished(name: string, item: RegistryItem): void {
    this.versionsOf(name).set(item.version, summarize(item));
  }

  addSource(src: TemplateSource): { path: string; content: string } | undefined {
    const { name, version } = src.manifest;
    const other = this.seen.get(name);
    if (other) throw new QwexError('SCHEMA_INVALID', `${src.dir}/layer.json: name "${name}" is already used by ${other}`, { hint: 'every template needs its own name' });
    this.seen.set(name, src.dir);
    const item = itemFromTemplate(src);
    for (const [from, to] of Object.entries(item.renames ?? {})) {
      targetRelPath(name, templateTarget(name, from), `${src.dir}/layer.json renames`);
      if (!item.files.some((f) => f.path === to) || item.files.some((f) => f.path === from))
        throw new QwexError('SCHEMA_INVALID', `${src.dir}/layer.json: renames "${from}" → "${to}" must name a file that is gone and one that is in the template`, { hint: 'list only renames of files this version ships under the new name' });
    }
    const versions = this.versionsOf(name);
    const existing = versions.get(version);
    const summary = summarize(item);
    if (existing) {
      // the integrity is the digest of the canonical JSON: equal digests, equal items
      if (existing.integrity !== summary.integrity) throw publishedChanged(src, existing, summary);
      return undefined;
    }
    const newest = versions.size ? latestOf([...versions.values()]) : undefined;
    if (newest && !semverGt(version, newest))
      throw new QwexError('PUBLISHED_VERSION_CHANGED', `${src.dir}/layer.json: version ${version} is not newer than the published ${name}@${newest}`, {
        hint: `set "version" in ${src.dir}/layer.json above ${newest}`,
      });
    versions.set(version, summary);
    this.published.push(`${name}@${version}`);
    return { path: `${name}/${version}.json`, content: prettyJson(item) };
  }

  /** index.json and the schema files (after every addSource), given the published index.json. */
  finish(publishedIndex: RegistryIndex | undefined, schemas: Record<string, string>): { path: string; content: string }[] {
    const index: RegistryIndex = { $schema: './schema/index.json', apiVersion: API_VERSION, items: {} };
    for (const name of [...this.items.keys()].sort()) {
      const versions = this.items.get(name)!;
      const before = publishedIndex?.items[name];
      const entries = sortVersions(
        [...versions.values()].map(({ version, integrity }) => {
          const old = before?.versions.find((v) => v.version === version);
          if (old && old.integrity !== integrity)
            throw new QwexError('REGISTRY_INVALID', `registry/${name}/${version}.json was changed after it was published (its integrity no longer matches index.json)`, {
              hint: `restore it with: git checkout -- registry/${name}/${version}.json, and publish changes as a new version`,
            });
          return { version, created: old?.created ?? this.now, integrity, ...(old?.deprecated ? { deprecated: old.deprecated } : {}) };
        }),
      );
      const latest = latestOf(entries);
      const latestItem = versions.get(latest)!;
      const entry: IndexEntry = { description: latestItem.description, kind: latestItem.kind, latest, tags: latestItem.tags, versions: entries };
      index.items[name] = entry;
    }
    const writes = [{ path: 'index.json', content: prettyJson(index) }];
    for (const [file, content] of Object.entries(schemas).sort()) writes.push({ path: `schema/${file}`, content });
    return writes;
  }
}

function publishedChanged(src: TemplateSource, existing: VersionSummary, item: VersionSummary): QwexError {
  const before = existing.files;
  const after = item.files;
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
  const what = changed.length ? changed.map((p) => `${src.dir}/${p}`).join(', ') : `${src.dir}/layer.json (metadata)`;
  const { name, version } = src.manifest;
  const [major, minor, patch] = version.split(/[.-]/).map(Number) as [number, number, number];
  return new QwexError('PUBLISHED_VERSION_CHANGED', `${what} changed, but ${name}@${version} is already published and published versions never change`, {
    hint: `bump "version" in ${src.dir}/layer.json: ${major}.${minor}.${patch + 1} for a fix, ${major}.${minor + 1}.0 for a new input or feature, ${major + 1}.0.0 for a breaking change`,
  });
}
