// Resolves `requires` (other templates, semver ranges) into the full set to install, depth
// first, with cycles and unsatisfiable ranges reported instead of shadcn's silent "append at
// the end" (registry-anchor.md §2.5). Pure: the loader that fetches an item is injected.
import satisfies from 'semver/functions/satisfies.js';
import { QwexError } from './errors.js';

export interface Requirable {
  name: string;
  version: string;
  requires: Record<string, string>;
}

export interface Installed {
  version: string;
}

/**
 * Items to install, dependencies before dependents. `installed` templates that satisfy a range
 * are kept as they are; one that does not is a DEPENDENCY_CONFLICT.
 */
export async function resolveRequirements<T extends Requirable>(
  roots: T[],
  load: (name: string, range: string, requiredBy: T) => Promise<T>,
  installed: Record<string, Installed>,
): Promise<T[]> {
  const order: T[] = [];
  const chosen = new Map<string, T>();
  const visit = async (item: T, stack: string[]): Promise<void> => {
    if (stack.includes(item.name)) {
      const cycle = [...stack.slice(stack.indexOf(item.name)), item.name].join(' → ');
      throw new QwexError('DEPENDENCY_CYCLE', `templates require each other in a cycle: ${cycle}`, { hint: 'a registry must not contain requirement cycles; report it to its maintainer' });
    }
    if (chosen.has(item.name)) return;
    for (const [dep, range] of Object.entries(item.requires).sort()) {
      const have = installed[dep];
      const picked = chosen.get(dep);
      const where = `${item.name}@${item.version} requires ${dep}@${range}`;
      if (picked) {
        if (!satisfies(picked.version, range, { includePrerelease: true }))
          throw new QwexError('DEPENDENCY_CONFLICT', `${where}, but ${dep}@${picked.version} is being installed`, { hint: `install a matching pair, e.g. qwex add ${dep}@${range}` });
        continue;
      }
      if (have) {
        if (satisfies(have.version, range, { includePrerelease: true })) continue;
        throw new QwexError('DEPENDENCY_CONFLICT', `${where}, but ${dep}@${have.version} is installed`, { hint: `qwex update ${dep}  # or qwex add ${dep}@'${range}' --overwrite` });
      }
      await visit(await load(dep, range, item), [...stack, item.name]);
    }
    if (!chosen.has(item.name)) {
      chosen.set(item.name, item);
      order.push(item);
    }
  };
  for (const root of roots) await visit(root, []);
  return order;
}
