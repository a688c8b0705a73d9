// Where a registry file may land. Every file of template <name> must stay inside
// .qwex/templates/<name>/; this is the lexical half of the check (io/ resolves symlinks too).
import { QwexError } from './errors.js';

export const MAX_PATH_LENGTH = 255;

export function templateTarget(name: string, relPath: string): string {
  return `~/.qwex/templates/${name}/${relPath}`;
}

/**
 * The path below .qwex/templates/<name>/ that `target` names, or an UNSAFE_PATH error for
 * anything that could escape it: "..", absolute paths, drive letters, backslashes, control
 * characters, percent-encoded dots, empty segments.
 */
export function targetRelPath(name: string, target: string, where: string): string {
  const prefix = `~/.qwex/templates/${name}/`;
  const fail = (why: string) =>
    new QwexError('UNSAFE_PATH', `${where}: unsafe file target "${printable(target)}": ${why}`, {
      hint: 'a registry file must target ~/.qwex/templates/<name>/<file>; this item was refused and nothing was written',
    });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(target)) throw fail('it contains control characters');
  if (!target.startsWith(prefix)) throw fail(`it must start with ${prefix}`);
  const rel = target.slice(prefix.length);
  if (rel.length === 0 || rel.length > MAX_PATH_LENGTH) throw fail(`the file path must be 1 to ${MAX_PATH_LENGTH} characters`);
  if (rel.includes('\\')) throw fail('backslashes are not allowed');
  if (/%2e|%2f|%5c/i.test(rel)) throw fail('percent-encoded dots or slashes are not allowed');
  if (/^[A-Za-z]:/.test(rel) || rel.startsWith('/')) throw fail('absolute paths are not allowed');
  for (const segment of rel.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw fail('empty, "." and ".." path segments are not allowed');
  }
  return rel;
}

function printable(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}
