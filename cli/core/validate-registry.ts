// Checks a whole registry beyond what each file's schema says: targets confined, file digests
// right, requirements resolvable within the registry, and no requirement cycles.
import maxSatisfying from 'semver/ranges/max-satisfying.js';
import { sha256Integrity } from './integrity.js';
import { targetRelPath } from './targets.js';
import type { RegistryIndex } from '../schema/index.js';
import type { RegistryItem } from '../schema/item.js';

/** Problems found, one sentence each; empty when the registry is sound. */
export function registryProblems(index: RegistryIndex, items: RegistryItem[]): string[] {
  const problems: string[] = [];
  for (const item of items) {
    const where = `${item.name}/${item.version}.json`;
    for (const f of item.files) {
      try {
        targetRelPath(item.name, f.target, where);
      } catch (e) {
        problems.push((e as Error).message);
      }
      if (sha256Integrity(f.content) !== f.sha256) problems.push(`${where}: file ${f.path} does not match its sha256`);
    }
    for (const [dep, range] of Object.entries(item.requires)) {
      const versions = index.items[dep]?.versions.map((v) => v.version) ?? [];
      if (!maxSatisfying(versions, range, { includePrerelease: true })) problems.push(`${where}: requires ${dep}@${range}, which no version in this registry satisfies`);
    }
  }
  const latest = new Map(items.filter((i) => index.items[i.name]?.latest === i.version).map((i) => [i.name, i]));
  const cycle = findCycle(latest);
  if (cycle) problems.push(`requirement cycle among latest versions: ${cycle.join(' → ')}`);
  return problems;
}

function findCycle(items: Map<string, RegistryItem>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, stack: string[]): string[] | undefined => {
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    if (state.get(name) === 'done' || !items.has(name)) return undefined;
    state.set(name, 'open');
    for (const dep of Object.keys(items.get(name)!.requires).sort()) {
      const found = visit(dep, [...stack, name]);
      if (found) return found;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of [...items.keys()].sort()) {
    const found = visit(name, []);
    if (found) return found;
  }
  return undefined;
}
