// The validated runner of `qwex render`, kept under a hash of every byte that decides it: qwex's
// version, the runner asked for, config.yaml, the lock, the targets files and every installed
// layer.json. A repeated render — the daily case, `qwex render -r hpc -- … | ssh …` — then parses
// no YAML and checks no schema: yaml and zod, about a fifth of its start-up, are never loaded.
// An edit to any of those files is a different key; a damaged entry is a miss.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { resolveRunner, type ResolvedRunner } from '../core/runner.js';
import { VERSION } from '../version.js';
import { atomicWrite, qwexCacheDir } from './fs.js';
import { CONFIG_FILE, LOCK_FILE, QWEX_DIR, loadConfig, loadLock } from './project.js';
import { loadRunner, readTemplateSources } from './runner-files.js';

export interface RunnerToRender {
  runner: ResolvedRunner;
  /** ".qwex/templates/<layer>/<file>" → source, for every .j2 of the runner's layers. */
  files: Map<string, string>;
}

export async function runnerToRender(root: string, requested: string | undefined, env: Record<string, string | undefined>): Promise<RunnerToRender> {
  const file = path.join(qwexCacheDir(env), 'runners', `${await keyOf(root, requested)}.json`);
  const hit = await fs.readFile(file, 'utf8').then(
    (t) => {
      try {
        return JSON.parse(t) as ResolvedRunner;
      } catch {
        return undefined; // damaged: a miss
      }
    },
    () => undefined,
  );
  if (hit?.name && Array.isArray(hit.layers)) {
    const files = new Map<string, string>();
    for (const name of new Set(hit.layers.map((l) => l.name))) for (const [k, v] of await readTemplateSources(root, name)) files.set(k, v);
    return { runner: hit, files };
  }
  const loaded = await loadRunner({ root, lock: await loadLock(root), config: () => loadConfig(root) }, requested);
  const runner = resolveRunner(loaded.inputs, loaded.name);
  // Kept only when JSON gives back exactly this runner (a YAML .inf would come back as null).
  const text = JSON.stringify(runner);
  if (isDeepStrictEqual(JSON.parse(text), runner)) await atomicWrite(file, text).catch(() => {});
  return { runner, files: loaded.files };
}

async function keyOf(root: string, requested: string | undefined): Promise<string> {
  const hash = createHash('sha256');
  const add = (part: string | Buffer) => hash.update(`${Buffer.byteLength(part)}:`).update(part);
  add(VERSION);
  add(requested ?? '\0default');
  const listed = async (dir: string, file: (name: string) => string) =>
    (await fs.readdir(path.join(root, dir)).catch(() => [] as string[])).sort().map((name) => path.join(dir, file(name)));
  const files = [CONFIG_FILE, LOCK_FILE, ...(await listed(`${QWEX_DIR}/targets`, (n) => n)), ...(await listed(`${QWEX_DIR}/templates`, (n) => `${n}/layer.json`))];
  for (const rel of files) {
    add(rel);
    add(await fs.readFile(path.join(root, rel)).catch(() => '\0absent'));
  }
  return hash.digest('hex');
}
