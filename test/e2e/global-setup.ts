// Starts every backend once for the e2e run (scripts/e2e/up.sh) and stops them afterwards
// (scripts/e2e/down.sh). No skips: if a backend cannot start, the run fails with the script's
// message, which names the Debian package. QWEX_E2E_STATE may point at an already-prepared state
// dir (then it is neither created nor deleted here).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

const SCRIPTS = path.resolve(import.meta.dirname, '../../scripts/e2e');

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: Record<string, string>;
  }
}

export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

export default function setup(project: TestProject): () => void {
  const given = process.env.QWEX_E2E_STATE;
  const state = given || mkdtempSync(path.join(os.tmpdir(), 'qwex-e2e-'));
  const env = { ...process.env, QWEX_E2E_STATE: state };
  const down = () => {
    const r = spawnSync('bash', [path.join(SCRIPTS, 'down.sh'), ...(given ? [] : ['--rm'])], { env, encoding: 'utf8' });
    if (r.status !== 0) process.stderr.write(`e2e teardown: ${r.stderr}\n`);
  };
  const up = spawnSync('bash', [path.join(SCRIPTS, 'up.sh')], { env, encoding: 'utf8' });
  if (up.status !== 0) {
    down();
    throw new Error(`e2e backends failed to start (scripts/e2e/up.sh exit ${up.status}); nothing is skipped:\n${up.stderr}${up.stdout}`);
  }
  process.stderr.write(up.stderr);
  // argdump: writes its argv after OUT, NUL-separated, to OUT (so it works where stdout is a log file).
  mkdirSync(path.join(state, 'bin'), { recursive: true });
  writeFileSync(path.join(state, 'bin/argdump'), '#!/bin/sh\nout=$1; shift\nif [ $# -eq 0 ]; then : >"$out"; else printf \'%s\\0\' "$@" >"$out"; fi\n');
  chmodSync(path.join(state, 'bin/argdump'), 0o755);
  mkdirSync(path.join(state, 'out'), { recursive: true });
  chmodSync(path.join(state, 'out'), 0o1777);
  project.provide('e2e', parseEnvFile(readFileSync(path.join(state, 'env'), 'utf8')));
  return down;
}
