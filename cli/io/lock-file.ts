// An exclusive lock between qwex processes: a file created with O_EXCL that holds "<pid> <host>".
// It is released when the holder is done or exits; a lock whose holder is gone (kill -9, power
// loss) is taken over: on this host when its pid no longer runs, from another host (a shared
// file system) once it is older than STALE_FOREIGN_MS.
import { promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import { QwexError } from '../core/errors.js';

const STALE_FOREIGN_MS = 10 * 60_000;
const STALE_EMPTY_MS = 5_000; // created, but killed before it wrote its owner

export interface LockOptions {
  /** What the holder is doing, for the message: "changing this project". */
  what: string;
  /** How long to wait for a live holder; default QWEX_LOCK_TIMEOUT_MS or 60 s. */
  waitMs?: number;
  /** Told once when we start waiting. */
  onWait?: (holder: string) => void;
}

export type Release = () => Promise<void>;

export async function acquireLock(file: string, opts: LockOptions): Promise<Release> {
  const waitMs = opts.waitMs ?? (Number(process.env.QWEX_LOCK_TIMEOUT_MS) || 60_000);
  const started = Date.now();
  let told = false;
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    const handle = await fs.open(file, 'wx').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') return undefined;
      throw e;
    });
    if (handle) {
      try {
        await handle.writeFile(`${process.pid} ${os.hostname()}\n`);
      } catch (e) {
        await fs.rm(file, { force: true }); // a full disk: leave no ownerless lock behind
        throw e;
      } finally {
        await handle.close();
      }
      // A command that throws still reaches main's exit: the lock never outlives its process.
      const onExit = () => rmSync(file, { force: true });
      process.once('exit', onExit);
      return async () => {
        process.off('exit', onExit);
        await fs.rm(file, { force: true });
      };
    }
    const holder = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (holder !== undefined && (await stale(file, holder))) {
      await takeOver(file, holder);
      continue;
    }
    const who = describe(holder);
    if (Date.now() - started > waitMs)
      throw new QwexError('PROJECT_BUSY', `another qwex (${who}) has been ${opts.what} for ${Math.round(waitMs / 1000)} s`, {
        hint: `wait for it to finish and run the command again; if no qwex is running, delete ${file}`,
      });
    if (!told && Date.now() - started > 500) {
      told = true;
      opts.onWait?.(who);
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}

async function stale(file: string, holder: string): Promise<boolean> {
  const [pid, host] = holder.trim().split(' ');
  const age = Date.now() - (await fs.stat(file).then((st) => st.mtimeMs, () => Date.now()));
  if (!pid || !host) return age > STALE_EMPTY_MS;
  if (host !== os.hostname()) return age > STALE_FOREIGN_MS;
  return !processAlive(Number(pid));
}

// Two waiters may both find the same stale lock: each first renames it to a name of its own, so
// only one of them can remove it, and a waiter that finds it moved a fresh lock puts it back.
async function takeOver(file: string, staleHolder: string): Promise<void> {
  const claimed = `${file}.${process.pid}.stale`;
  if (!(await fs.rename(file, claimed).then(() => true, () => false))) return;
  const moved = await fs.readFile(claimed, 'utf8').catch(() => undefined);
  if (moved !== staleHolder) await fs.link(claimed, file).catch(() => {});
  await fs.rm(claimed, { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

function describe(holder: string | undefined): string {
  const [pid, host] = (holder ?? '').trim().split(' ');
  return pid && host ? (host === os.hostname() ? `pid ${pid}` : `pid ${pid} on ${host}`) : 'starting up';
}
