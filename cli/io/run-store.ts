// Where runs live and how they are read back: $QWEX_HOME/<workspace>/runs/<id>/ with meta/ (one
// file per field), logs/ and files/. Local runs only; remote run dirs are reached through the
// runner's own transport layers.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { deriveStatus, type RunMeta, type RunStatus } from '../core/run-status.js';
import { atomicWrite } from './fs.js';

export function qwexHome(env: NodeJS.ProcessEnv): string {
  return env.QWEX_HOME || path.join(env.HOME || os.homedir(), '.qwex');
}

export function workspaceName(projectName: string): string {
  return projectName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'project';
}

export function runsDir(env: NodeJS.ProcessEnv, workspace: string): string {
  return path.join(qwexHome(env), workspace, 'runs');
}

export interface Run {
  id: string;
  dir: string;
  meta: RunMeta;
  status: RunStatus;
}

export async function readRun(dir: string): Promise<Run> {
  const meta: RunMeta = {};
  const names = await fs.readdir(path.join(dir, 'meta')).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !n.startsWith('.')).map(async (n) => (meta[n] = (await fs.readFile(path.join(dir, 'meta', n), 'utf8')).replace(/\n$/, ''))));
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  return { id: path.basename(dir), dir, meta, status: deriveStatus(meta, { epochSeconds: Date.now() / 1000, host: os.hostname(), alive }) };
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const INDEX = '.index.json';

/**
 * Every run in `dir`, newest first. A finished run never changes, so its meta is cached in
 * runs/.index.json: listing 1,000 runs reads one file plus the runs still going, not 12,000 files.
 */
export async function listRuns(dir: string): Promise<Run[]> {
  const ids = await listRunIds(dir);
  const cached = await fs.readFile(path.join(dir, INDEX), 'utf8').then((t) => JSON.parse(t) as Record<string, RunMeta>, () => ({}) as Record<string, RunMeta>);
  const runs: Run[] = [];
  let fresh = 0;
  for (let i = 0; i < ids.length; i += 64) {
    // Bounded concurrency: a few dozen open files at a time, not thousands.
    const batch = await Promise.all(
      ids.slice(i, i + 64).map(async (id) => {
        const meta = cached[id];
        if (meta && TERMINAL.has(meta.status ?? '')) return { id, dir: path.join(dir, id), meta, status: meta.status as RunStatus };
        fresh++;
        return readRun(path.join(dir, id));
      }),
    );
    runs.push(...batch);
  }
  if (fresh) {
    const index = Object.fromEntries(runs.filter((r) => TERMINAL.has(r.status)).map((r) => [r.id, r.meta]));
    await atomicWrite(path.join(dir, INDEX), JSON.stringify(index)).catch(() => {}); // a cache: failing to write it is not an error
  }
  return runs;
}

export async function listRunIds(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort().reverse();
}

/** The run whose id is `prefix` or starts with it; ambiguous and unknown prefixes are errors. */
export async function findRun(dir: string, prefix: string): Promise<Run> {
  const ids = await listRunIds(dir);
  const hits = ids.filter((id) => id === prefix || id.startsWith(prefix));
  if (hits.length === 1) return readRun(path.join(dir, hits[0]!));
  if (hits.length > 1 && !hits.includes(prefix))
    throw new QwexError('USAGE', `run id prefix ${prefix} matches ${hits.length} runs: ${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ', …' : ''}`, { hint: 'give more characters of the id' });
  if (hits.includes(prefix)) return readRun(path.join(dir, prefix));
  throw new QwexError('RUN_NOT_FOUND', `no run ${prefix} in ${dir}`, { hint: 'qwex list  # shows the runs of this project' });
}
