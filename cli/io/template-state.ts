// What diff, outdated and update need to know about an installed template: the user's files on
// disk, and the pristine bytes of the installed version fetched back from its registry and
// verified against the lock (the merge base is data, never a re-render).
import { QwexError, didYouMean } from '../core/errors.js';
import { itemIntegrity, sha256Integrity } from '../core/integrity.js';
import { conflictMarkerLine } from '../core/conflict-markers.js';
import { targetRelPath } from '../core/targets.js';
import type { FileState } from '../core/update-plan.js';
import type { LockEntry } from '../schema/lock.js';
import type { RegistryItem } from '../schema/item.js';
import type { RegistrySource } from './registry.js';
import type { ItemCache } from './item-cache.js';
import { templateDir } from './project.js';
import { readTemplateFiles } from './template-files.js';
import { own } from '../core/records.js';

export async function readDisk(root: string, name: string): Promise<Map<string, FileState>> {
  const files = await readTemplateFiles(templateDir(root, name));
  return new Map([...files].filter(([p]) => !p.endsWith('.qwex-upstream')).map(([p, f]) => [p, { content: f.content.toString('utf8'), mode: f.mode }]));
}

export function itemFiles(name: string, item: RegistryItem): Map<string, FileState> {
  return new Map(item.files.map((f) => [targetRelPath(name, f.target, `${name}@${item.version}`), { content: f.content, mode: f.mode }]));
}

/** The item cache, for the installed version: read first (`prefer`, for questions about your own edits) and kept after a fetch. */
export interface CacheUse {
  cache: ItemCache;
  prefer: boolean;
}

/** A version of an installed template; the installed version itself must match the lock's integrity. */
export async function verifiedItem(source: RegistrySource, name: string, version: string, entry: LockEntry, cached?: CacheUse): Promise<RegistryItem> {
  const use = version === entry.version ? cached : undefined;
  const hit = use?.prefer ? await use.cache.get(entry.integrity) : undefined;
  if (hit) return hit;
  const it = await source.getItem(name, version);
  if (version === entry.version && itemIntegrity(it) !== entry.integrity)
    throw new QwexError('INTEGRITY_MISMATCH', `${source.label} now serves ${name}@${version} with different content than you installed (integrity ${itemIntegrity(it)}, lock ${entry.integrity})`, {
      hint: 'a published version must never change; tell the registry maintainer. Nothing was written',
    });
  await use?.cache.keep(it, source.id);
  return it;
}

/**
 * The merge base of every locked file. A file left with conflicts by an earlier update whose
 * markers are now gone counts as resolved: its base becomes the upstream version it was merged with.
 */
export async function loadBases(
  source: RegistrySource,
  name: string,
  entry: LockEntry,
  disk: Map<string, FileState>,
  opts: { resolvePending: boolean; cached?: CacheUse },
): Promise<Map<string, FileState & { version: string }>> {
  const items = new Map<string, Promise<RegistryItem>>();
  const item = (version: string) => {
    if (!items.has(version)) items.set(version, verifiedItem(source, name, version, entry, opts.cached));
    return items.get(version)!;
  };
  const bases = new Map<string, FileState & { version: string }>();
  for (const [path, locked] of Object.entries(entry.files)) {
    if (locked.deleted) continue;
    let version = locked.baseVersion;
    let expected = locked.base;
    if (locked.pending && opts.resolvePending) {
      const line = disk.has(path) ? conflictMarkerLine(disk.get(path)!.content) : undefined;
      if (line)
        throw new QwexError('CONFLICT_MARKERS', `.qwex/templates/${name}/${path}:${line} still holds conflict markers from the update to ${name}@${locked.pending.to}`, {
          hint: 'edit the file to keep what you want, remove the <<<<<<< ======= >>>>>>> lines, then run the command again',
        });
      [version, expected] = [locked.pending.to, locked.pending.upstream];
    }
    if (expected === sha256Integrity('')) {
      bases.set(path, { content: '', mode: locked.mode, version });
      continue;
    }
    const file = itemFiles(name, await item(version)).get(path);
    if (!file || sha256Integrity(file.content) !== expected)
      throw new QwexError('INTEGRITY_MISMATCH', `${source.label}: ${name}@${version} file ${path} does not match the hash in .qwex/qwex.lock`, {
        hint: 'the registry changed a published version, or the lock was edited by hand; nothing was written',
      });
    bases.set(path, { ...file, version });
  }
  return bases;
}

/** Installed templates named on the command line (all of them when none are named). */
export function selectInstalled(lock: { templates: Record<string, LockEntry> }, names: string[]): [string, LockEntry][] {
  const installed = Object.keys(lock.templates);
  if (!names.length) return Object.entries(lock.templates);
  return names.map((name) => {
    const entry = own(lock.templates, name);
    if (!entry) {
      const guess = didYouMean(name, installed);
      throw new QwexError('NOT_INSTALLED', `${name} is not installed in this project`, { hint: guess ? `did you mean ${guess}?` : `qwex add ${name}` });
    }
    return [name, entry];
  });
}
