// The items of installed versions, kept by integrity in $XDG_CACHE_HOME/qwex/items/. What qwex
// needs of the version you installed — the merge base of `diff --local` and of `update` — then
// works without the registry: on a train, behind a login node's firewall, after a gist is deleted.
// An entry is content-addressed and checked against its integrity when read, so it cannot go stale.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { itemIntegrity } from '../core/integrity.js';
import type { RegistryItem } from '../schema/item.js';
import { atomicWrite, qwexCacheDir } from './fs.js';

export interface ItemCache {
  get(integrity: string): Promise<RegistryItem | undefined>;
  /** Best effort: a cache that cannot be written is only a slower next time. Items of the embedded
   * registry (`source` "embedded") are on disk already and are not copied. */
  keep(item: RegistryItem, source: string): Promise<void>;
}

export function itemCache(env: Record<string, string | undefined>): ItemCache {
  const dir = path.join(qwexCacheDir(env), 'items');
  const file = (integrity: string) => path.join(dir, `${integrity.replace(/[^A-Za-z0-9-]/g, (c) => ({ '+': '-', '/': '_' })[c] ?? '')}.json`);
  const cache: ItemCache = {
    async get(integrity) {
      const text = await fs.readFile(file(integrity), 'utf8').catch(() => undefined);
      if (text === undefined) return undefined;
      try {
        const item = JSON.parse(text) as RegistryItem;
        return itemIntegrity(item) === integrity ? item : undefined;
      } catch {
        return undefined;
      }
    },
    async keep(item, source) {
      if (source === 'embedded') return;
      const integrity = itemIntegrity(item);
      if (await cache.get(integrity)) return; // there and intact (a damaged entry is replaced)
      await atomicWrite(file(integrity), JSON.stringify(item)).catch(() => {});
    },
  };
  return cache;
}
