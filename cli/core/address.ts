// Turns what the user typed after `qwex add` into a tagged address. Pure: it never looks at
// the disk or the network, so "is this path a folder?" is decided later by io/.
import { QwexError } from './errors.js';
import { TEMPLATE_NAME_RE } from '../schema/common.js';

export type TemplateAddress =
  | { kind: 'name'; name: string; range?: string }
  | { kind: 'namespaced'; namespace: string; name: string; range?: string }
  | { kind: 'path'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'git-host'; host: 'github' | 'gitlab' | 'gist'; ref: string };

const NAMESPACED_RE = /^(@[a-z0-9][a-z0-9-]*)\/([^@]+)(?:@(.+))?$/;
const NAMED_RE = /^([^@/\\]+)(?:@(.+))?$/;

export function parseTemplateAddress(spec: string): TemplateAddress {
  const s = spec.trim();
  if (s === '') throw new QwexError('USAGE', 'empty template name', { hint: 'qwex search  # to list the templates' });
  if (/^https?:\/\//i.test(s)) return { kind: 'url', url: s };
  const host = /^(github|gitlab|gist):(.+)$/.exec(s);
  if (host) return { kind: 'git-host', host: host[1] as 'github' | 'gitlab' | 'gist', ref: host[2]! };
  if (/^(\.{1,2}|~)?\//.test(s) || s.endsWith('.json') || s.startsWith('file:')) return { kind: 'path', path: s.replace(/^file:(\/\/)?/, '') };
  const ns = NAMESPACED_RE.exec(s);
  if (ns) return { kind: 'namespaced', namespace: ns[1]!, name: checkName(ns[2]!, spec), ...rangeOf(ns[3]) };
  const named = NAMED_RE.exec(s);
  if (named) return { kind: 'name', name: checkName(named[1]!, spec), ...rangeOf(named[2]) };
  throw new QwexError('USAGE', `cannot read "${spec}" as a template`, {
    hint: 'use a name (ssh, ssh@^1.0.0), @ns/name, a path to an item or registry, or an http(s) URL',
  });
}

function rangeOf(range: string | undefined): { range?: string } {
  return range === undefined ? {} : { range };
}

function checkName(name: string, spec: string): string {
  if (!TEMPLATE_NAME_RE.test(name))
    throw new QwexError('USAGE', `"${name}" in "${spec}" is not a template name`, {
      hint: 'template names are lowercase kebab-case, such as ssh or uv-cache',
    });
  return name;
}
