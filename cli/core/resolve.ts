// Picks the version to install from a template's published versions. An exact pin never falls
// back to a "closest" version (helm's IndexFile.Get does; we don't), and prereleases are left
// out unless the range asks for one or the caller opts in.
import maxSatisfying from 'semver/ranges/max-satisfying.js';
import validRange from 'semver/ranges/valid.js';
import semverValid from 'semver/functions/valid.js';
import { QwexError } from './errors.js';

export interface ResolveOptions {
  includePrerelease?: boolean;
}

/** The newest of `versions` that satisfies `range` (default: newest stable), or a VERSION_NOT_FOUND error. */
export function resolveVersion(name: string, versions: readonly string[], range: string | undefined, opts: ResolveOptions = {}): string {
  const wanted = range ?? '*';
  const listed = versions.join(', ') || 'none';
  if (semverValid(wanted) === wanted) {
    if (versions.includes(wanted)) return wanted;
    throw new QwexError('VERSION_NOT_FOUND', `${name}@${wanted} is not published (published: ${listed})`, {
      hint: `pin one of the published versions, e.g. qwex add ${name}@${versions[0] ?? '<version>'}`,
    });
  }
  if (validRange(wanted) === null)
    throw new QwexError('USAGE', `"${wanted}" is not a semver range (in ${name}@${wanted})`, { hint: `try ${name}@^1.0.0 or ${name}@1.2.3` });
  const found = maxSatisfying([...versions], wanted, { includePrerelease: opts.includePrerelease ?? false });
  if (found) return found;
  throw new QwexError('VERSION_NOT_FOUND', `no version of ${name} satisfies ${wanted} (published: ${listed})`, {
    hint: `qwex view ${name}  # lists every version`,
  });
}

/** What the lock records as "requested" when the user typed no range: caret of what was installed. */
export function defaultRequested(version: string): string {
  return /-/.test(version) ? version : `^${version}`;
}
