// Turns schema issues into one QwexError naming the file, the position (when the caller can
// locate a path in the source, as io/ can for YAML) and the field.
import { QwexError, type ErrorCode } from './errors.js';

export interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

export type Locate = (path: readonly PropertyKey[]) => { line: number; col: number } | undefined;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    const text = String(key);
    // A key with spaces, quotes or control characters (an ESC that would restyle the terminal) is shown quoted and escaped.
    if (typeof key === 'number') out += `[${key}]`;
    else if (!/^[^\s"'\\\p{C}]+$/u.test(text)) out += `[${JSON.stringify(text)}]`;
    else out += out ? `.${text}` : text;
  }
  return out || '(root)';
}

export function issuesToError(code: ErrorCode, file: string, issues: readonly Issue[], opts: { locate?: Locate; hint?: string } = {}): QwexError {
  const lines = issues.slice(0, 20).map((issue) => {
    const pos = opts.locate?.(issue.path);
    return `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${formatPath(issue.path)}: ${issue.message}`;
  });
  if (issues.length > 20) lines.push(`… and ${issues.length - 20} more`);
  const head = issues.length === 1 ? lines[0]! : `${file} is not valid:\n  ${lines.join('\n  ')}`;
  return new QwexError(code, head, { hint: opts.hint });
}

/** Parses `value` with a zod-like schema, or throws the issues as one error. */
export function parseWith<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly Issue[] } } },
  value: unknown,
  code: ErrorCode,
  file: string,
  opts: { locate?: Locate; hint?: string } = {},
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw issuesToError(code, file, result.error.issues, opts);
}
