// Terminal output. Results go to stdout, everything else (progress, warnings) to stderr, so
// `qwex … --json > x` and `qwex render > run.sh` stay clean. Colour only on a TTY, never with NO_COLOR.
export interface Stream {
  write(s: string | Uint8Array): unknown;
  isTTY?: boolean;
}

export interface Ctx {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Stream;
  err: Stream;
  /** Whether we may ask questions: a TTY on both ends, not CI, no --yes. */
  interactive: boolean;
  color: Colors;
}

export type Colors = Record<'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', (s: string) => string>;

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;

export function colors(enabled: boolean): Colors {
  const make = ([on, off]: readonly [number, number]) => (enabled ? (s: string) => `\x1b[${on}m${s}\x1b[${off}m` : (s: string) => s);
  return Object.fromEntries(Object.entries(CODES).map(([k, v]) => [k, make(v)])) as Colors;
}

export function colorWanted(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function processCtx(): Ctx {
  const env = process.env;
  return {
    cwd: process.cwd(),
    env,
    out: process.stdout,
    err: process.stderr,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true && !env.CI,
    color: colors(colorWanted(process.stderr, env)),
  };
}

export function printJson(ctx: Ctx, value: unknown): void {
  ctx.out.write(JSON.stringify(value, null, 2) + '\n');
}

/** A plain text table: columns padded to the widest cell, no borders. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell)))).join('  ').trimEnd()).join('\n') + '\n';
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[\d+m/g, '').length;
}
