// File writes that never leave a half-written file: temp file in the same folder, fsync, rename.
// And the symlink half of path confinement: nothing qwex writes may pass through a symlink.
import { promises as fs, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { processAlive } from './lock-file.js';

export async function atomicWrite(file: string, content: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`); // see TEMP_NAME
  try {
    const handle = await fs.open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    try {
      await handle.writeFile(content);
      await handle.chmod(mode); // the umask may have narrowed the mode given to open
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw writeError(file, e);
  }
}

// atomicWrite's temp files: ".<file>.<pid>.<random>.tmp".
const TEMP_NAME = /^\..+\.(\d+)\.[a-z0-9]*\.tmp$/;

/**
 * Removes the temp files a killed qwex left in `dir` (from `names`, its listing): those whose
 * writer is no longer running. A live writer's temp is about to be renamed and is left alone.
 */
export async function removeStaleTemps(dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid && !processAlive(Number(pid))) await fs.rm(path.join(dir, name), { force: true });
  }
}

export function writeError(file: string, e: unknown): QwexError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : String((e as Error).message ?? e);
  return new QwexError('WRITE_FAILED', `cannot write ${file}: ${why}`, { hint: 'fix the folder’s permissions or free space, then run the command again; nothing was changed', cause: e });
}

export async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Refuses when any existing component of `target` below `root` is a symlink (or not a folder,
 * for the parents), so a link planted in .qwex/ cannot redirect a write outside the project.
 */
export async function assertNoSymlinks(root: string, target: string, what: string): Promise<void> {
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new QwexError('UNSAFE_PATH', `${what}: ${target} is outside ${root}`);
  let current = root;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    let stat;
    try {
      stat = await fs.lstat(current);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    if (stat.isSymbolicLink())
      throw new QwexError('UNSAFE_PATH', `${what}: ${path.relative(root, current)} is a symbolic link; qwex does not write through links`, {
        hint: `replace the link with a real folder (it points to ${await fs.readlink(current).catch(() => '?')}); nothing was written`,
      });
  }
}

export function modeBits(mode: '0644' | '0755'): number {
  return parseInt(mode, 8);
}

/** qwex's cache folder: $XDG_CACHE_HOME/qwex, else ~/.cache/qwex. */
export function qwexCacheDir(env: NodeJS.ProcessEnv | Record<string, string | undefined>): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'qwex');
}
