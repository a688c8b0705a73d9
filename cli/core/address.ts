// Turns what the user typed after `qwex add` into a tagged address. Pure: it never looks at
// the disk or the network, so "is this path a folder?" is decided later by io/.
import { QwexError } from './errors.js';
import { refuseCredentials } from './env-expand.js';
import { TEMPLATE_NAME_RE } from '../schema/constants.js';

export type TemplateAddress =
  | { kind: 'name'; name: string; range?: string }
  | { kind: 'namespaced'; namespace: string; name: string; range?: string }
  | { kind: 'path'; path: string }
  | { kind: 'url'; url: string }
  // gist:ID[/FILE][@REV], github:|gitlab:owner/repo[/path][#ref], git+<url>[#ref[:path]], git://…;
  // `ref` is the rest of the spec after the host prefix (io/git-host.ts reads it).
  | { kind: 'git-host'; host: 'github' | 'gitlab' | 'gist' | 'git'; ref: string };

const GIST_URL_RE = /^https?:\/\/gist\.github\.com\/(?:[^/]+\/)?([0-9a-zA-Z]+?)(?:\.git)?\/?$/i;

const NAMESPACED_RE = /^(@[a-z0-9][a-z0-9-]*)\/([^@]+)(?:@(.+))?$/;
const NAMED_RE = /^([^@/\\]+)(?:@(.+))?$/;

export function parseTemplateAddress(spec: string): TemplateAddress {
  const s = spec.trim();
  if (s === '') throw new QwexError('USAGE', 'empty template name', { hint: 'qwex search  # to list the templates' });
  const gistUrl = GIST_URL_RE.exec(s);
  if (gistUrl) return { kind: 'git-host', host: 'gist', ref: gistUrl[1]! };
  refuseCredentials(s);
  if (/^https?:\/\//i.test(s)) return { kind: 'url', url: s };
  if (/^git\+(https?|file|ssh|git):\/\/./i.test(s)) return { kind: 'git-host', host: 'git', ref: s.slice(4) };
  if (/^git:\/\/./i.test(s)) return { kind: 'git-host', host: 'git', ref: s };
  const host = /^(github|gitlab|gist):(.+)$/.exec(s);
  if (host) return { kind: 'git-host', host: host[1] as 'github' | 'gitlab' | 'gist', ref: host[2]! };
  if (/^(\.{1,2}|~)?\//.test(s) || s.endsWith('.json') || s.startsWith('file:')) return { kind: 'path', path: s.replace(/^file:(\/\/)?/, '') };
  const ns = NAMESPACED_RE.exec(s);
  if (ns) return { kind: 'namespaced', namespace: ns[1]!, name: checkName(ns[2]!, spec), ...rangeOf(ns[3]) };
  const named = NAMED_RE.exec(s);
  if (named) return { kind: 'name', name: checkName(named[1]!, spec), ...rangeOf(named[2]) };
  throw new QwexError('USAGE', `cannot read "${spec}" as a template`, {
    hint: 'use a name (ssh, ssh@^1.0.0), @ns/name, a path to an item or registry, an http(s) URL, gist:ID, github:owner/repo[/path][#ref] or git+https://…',
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
