// The user's project: .qwex/config.yaml, .qwex/qwex.lock and .qwex/templates/<name>/.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { parseWith, type Locate } from '../core/schema-errors.js';
import { prettyJson } from '../core/integrity.js';
import type { ProjectConfig } from '../schema/config.js';
import type { Lock } from '../schema/lock.js';
import { API_VERSION } from '../schema/constants.js';
import { atomicWrite, readText, removeStaleTemps, writeError } from './fs.js';
import { acquireLock } from './lock-file.js';

export const QWEX_DIR = '.qwex';
export const CONFIG_FILE = '.qwex/config.yaml';
export const LOCK_FILE = '.qwex/qwex.lock';
const PROJECT_LOCK = '.lock'; // held by a command while it changes the project

export interface Project {
  root: string;
  lock: Lock;
  /** Parsed on first use: reading YAML costs ~15 ms that `add ssh` from the embedded registry never needs. */
  config: () => Promise<ProjectConfig>;
}

export function emptyLock(): Lock {
  return { apiVersion: API_VERSION, lockfileVersion: 1, templates: {} };
}

/** The nearest folder at or above `cwd` holding .qwex/config.yaml. */
export async function findProjectRoot(cwd: string): Promise<string | undefined> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (await fs.stat(path.join(dir, CONFIG_FILE)).then(() => true, () => false)) return fs.realpath(dir);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Opens the project at or above `cwd`. A command that changes it (`write`) holds .qwex/.lock until
 * it exits, so two `qwex add`/`update` take turns and each plans from the lock the other wrote.
 */
export interface OpenOptions {
  /** The command changes the project: hold .qwex/.lock until it exits. */
  write?: boolean;
  /** Where to say that we are waiting for another qwex. */
  err?: { write(s: string): unknown };
}

export async function openProject(cwd: string, opts: OpenOptions = {}): Promise<Project> {
  const root = await readyProjectRoot(cwd, opts);
  let config: Promise<ProjectConfig> | undefined;
  return { root, lock: await loadLock(root), config: () => (config ??= loadConfig(root)) };
}

/**
 * The root of the project at or above `cwd`, ready to read: a reader waits for a writer only when
 * one is at work, then finishes or undoes what a killed qwex left (a transaction, a temp file, a
 * lock). The lock file itself is not parsed (openProject does that).
 */
export async function readyProjectRoot(cwd: string, opts: OpenOptions = {}): Promise<string> {
  const root = await findProjectRoot(cwd);
  if (!root) throw new QwexError('NO_PROJECT', `no qwex project here (no ${CONFIG_FILE} in ${cwd} or above)`, { hint: 'qwex init' });
  const dir = path.join(root, QWEX_DIR);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  if (opts.write || names.includes(PROJECT_LOCK) || names.includes('.tmp')) {
    const release = await acquireLock(path.join(dir, PROJECT_LOCK), {
      what: 'changing this project',
      onWait: (who) => opts.err?.write(`waiting for another qwex (${who}) to finish changing this project…\n`),
    }).catch((e) => {
      throw e instanceof QwexError ? e : writeError(path.join(dir, PROJECT_LOCK), e);
    });
    if (await fs.stat(path.join(dir, '.tmp')).then(() => true, () => false)) await (await import('./install.js')).recoverInterrupted(root);
    await removeStaleTemps(dir, await fs.readdir(dir));
    if (!opts.write) await release();
  } else await removeStaleTemps(dir, names);
  return root;
}

export async function loadConfig(root: string): Promise<ProjectConfig> {
  const text = (await readText(path.join(root, CONFIG_FILE))) ?? '';
  const { parsed, locate } = await parseYaml(text, CONFIG_FILE);
  const { projectConfigSchema } = await import('../schema/config.js');
  return parseWith(projectConfigSchema, parsed ?? {}, 'CONFIG_INVALID', CONFIG_FILE, { locate, hint: `fix ${CONFIG_FILE}; its schema is .qwex/config.schema.json` });
}

/** YAML with positions: parse errors and schema issues point at file:line:col. */
export async function parseYaml(text: string, file: string): Promise<{ parsed: unknown; locate: Locate }> {
  const YAML = (await import('yaml')).default;
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new QwexError('CONFIG_INVALID', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${first.message.split('\n')[0]}`, { hint: `fix the YAML syntax in ${file}` });
  }
  // A "__proto__" key would vanish in parsing (the object's prototype, not a field): say so instead.
  YAML.visit(doc, {
    Pair(_, pair) {
      const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
      if (key?.value !== '__proto__') return;
      const pos = key.range ? lineCounter.linePos(key.range[0]) : undefined;
      throw new QwexError('CONFIG_INVALID', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: "__proto__" cannot be a name`, { hint: `rename or remove that key in ${file}` });
    },
  });
  const locate: Locate = (p) => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]);
    }
    return undefined;
  };
  return { parsed: doc.toJS(), locate };
}

export async function loadLock(root: string): Promise<Lock> {
  const text = await readText(path.join(root, LOCK_FILE));
  if (text === undefined) return emptyLock();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new QwexError('LOCK_INVALID', `${LOCK_FILE} is not valid JSON: ${(e as Error).message}`, { hint: `restore it from git (git checkout -- ${LOCK_FILE}); if it had merge conflict markers, resolve them`, cause: e });
  }
  const { lockSchema } = await import('../schema/lock.js'); // zod, loaded only when a lock is read
  return parseWith(lockSchema, raw, 'LOCK_INVALID', LOCK_FILE, { hint: `restore ${LOCK_FILE} from git, or remove the broken entry and run qwex add again` });
}

export function sortedLock(lock: Lock): Lock {
  return { ...lock, templates: Object.fromEntries(Object.entries(lock.templates).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

export async function writeLock(root: string, lock: Lock): Promise<void> {
  await atomicWrite(path.join(root, LOCK_FILE), prettyJson(sortedLock(lock)));
}

export function templateDir(root: string, name: string): string {
  return path.join(root, QWEX_DIR, 'templates', name);
}
