// The one error type of qwex: a code (which decides the exit status), a message saying what
// happened, and a hint saying what to type next. Commands throw; only cli/main.ts prints and exits.

export const EXIT = {
  ok: 0,
  differences: 1,
  usage: 2,
  project: 3,
  registry: 4,
  validation: 5,
  conflicts: 6,
  internal: 70,
  interrupted: 130,
} as const;

// Codes are grouped by domain; each maps to one exit status.
const CODE_EXIT = {
  USAGE: EXIT.usage,
  NOT_INTERACTIVE: EXIT.usage,
  NO_PROJECT: EXIT.project,
  CONFIG_INVALID: EXIT.project,
  LOCK_INVALID: EXIT.project,
  NOT_INSTALLED: EXIT.project,
  LOCAL_EDITS: EXIT.project,
  FILE_EXISTS: EXIT.project,
  WRITE_FAILED: EXIT.project,
  PROJECT_BUSY: EXIT.project,
  RUNNER_NOT_FOUND: EXIT.project,
  RUN_NOT_FOUND: EXIT.project,
  REGISTRY_NOT_FOUND: EXIT.registry,
  TEMPLATE_NOT_FOUND: EXIT.registry,
  VERSION_NOT_FOUND: EXIT.registry,
  FETCH_FAILED: EXIT.registry,
  INTEGRITY_MISMATCH: EXIT.registry,
  REGISTRY_INVALID: EXIT.registry,
  NAMESPACE_UNKNOWN: EXIT.registry,
  ENV_MISSING: EXIT.registry,
  SCHEMA_INVALID: EXIT.validation,
  UNSAFE_PATH: EXIT.validation,
  DEPENDENCY_CYCLE: EXIT.validation,
  DEPENDENCY_CONFLICT: EXIT.validation,
  PUBLISHED_VERSION_CHANGED: EXIT.validation,
  REGISTRY_STALE: EXIT.validation,
  INPUT_INVALID: EXIT.validation,
  RENDER_FAILED: EXIT.validation,
  LINT_FAILED: EXIT.validation,
  CONFLICTS: EXIT.conflicts,
  CONFLICT_MARKERS: EXIT.conflicts,
  CANCELLED: EXIT.interrupted,
} as const;

export type ErrorCode = keyof typeof CODE_EXIT;

export class QwexError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'QwexError';
    this.code = code;
    this.hint = opts.hint;
  }

  get exitCode(): number {
    return CODE_EXIT[this.code];
  }
}

export function isQwexError(e: unknown): e is QwexError {
  return e instanceof QwexError;
}

// "Did you mean `ssh`?": the closest candidate by edit distance, when it is close enough.
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(input.length / 3)) ? best : undefined;
}

// Optimal string alignment distance: a swap of two neighbours ("slrum") counts as one edit.
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}
