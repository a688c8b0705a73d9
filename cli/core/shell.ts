// Shell-safe text (reference/layers.md §1.5): the quoting filters the templates use, and the
// innermost command script. Pure and free of nunjucks, so the record wrapper and `qwex run`
// without layers use them without loading the template engine.
export const RUN_ID_RE = /^[a-z0-9][a-z0-9-]{0,40}$/;
export const IDENT_RE = /^[A-Za-z0-9][A-Za-z0-9._:@%=,+-]*$/;
export const IDENT_PATH_RE = /^\/[A-Za-z0-9._/%-]+$/;
/** The output filters a template may end an expression with (the lint enforces it). */
export const SAFE_FILTERS = ['shq', 'argv', 'sh_eval', 'b64', 'json', 'ident'] as const;

// Filters get undefined silently (throwOnUndefined only checks output): each one throws instead.
// Numbers and booleans are scalars a user writes in YAML (map inputs allow them): their text.
const str = (v: unknown, filter: string): string => {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') throw new Error(`${filter}: expected a string, got ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}`);
  if (v.includes('\0')) throw new Error(`${filter}: a value cannot contain a NUL byte`);
  return v;
};

/** POSIX single-quoting: parses back to exactly `v` in any POSIX shell. */
export const shq = (v: unknown): string => "'" + str(v, 'shq').replaceAll("'", "'\\''") + "'";
const base64 = (v: unknown, filter: string): string => Buffer.from(str(v, filter), 'utf8').toString('base64');
export const b64 = (v: unknown): string => base64(v, 'b64');
export const argvFilter = (a: unknown): string => {
  if (!Array.isArray(a)) throw new Error(`argv: expected a list, got ${a === null ? 'null' : typeof a}`);
  return a.map((x) => shq(x)).join(' ');
};
export const shEval = (s: unknown): string => `eval "$(printf %s ${base64(s, 'sh_eval')} | base64 -d)"`;
export const json = (v: unknown): string => {
  if (v === undefined || v === null) throw new Error(`json: expected a value, got ${v === null ? 'null' : 'undefined'}`);
  return JSON.stringify(v);
};
/** For places that cannot be quoted (#SBATCH lines, names): checks and passes the value unchanged. */
export const ident = (v: unknown, kind?: unknown): string => {
  const s = str(v, 'ident');
  const [re, what] = kind === 'path' ? [IDENT_PATH_RE, 'an absolute path of A-Z a-z 0-9 . _ / % -'] : [IDENT_RE, 'an identifier of A-Z a-z 0-9 . _ : @ % = , + - (not starting with a symbol)'];
  if (!re.test(s)) throw new Error(`ident: ${JSON.stringify(s)} cannot be used here: it must be ${what}`);
  return s;
};

/** The innermost script: the command itself, an argv, never a string. */
export function commandScript(argv: readonly string[]): string {
  // The disable line: a quoted `$x` or `~` in an argument is data, which is what shellcheck warns about.
  return `#!/bin/sh\n# shellcheck disable=SC2016,SC2088\nset -eu\nexec ${argvFilter([...argv])}\n`;
}
