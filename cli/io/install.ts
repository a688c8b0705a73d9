// Applies file changes as one transaction: new contents are staged in .qwex/.tmp/<id>/ first, a
// journal says what is about to move, files to replace or delete are moved aside there (the
// backup), everything is renamed into place, and the lock is written last. A failure rolls back
// at once; a crash (kill -9, power loss) is rolled back — or, if the lock was already written,
// finished — by the next qwex command that opens the project (recoverInterrupted).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PlannedItem } from '../core/install-plan.js';
import type { Lock } from '../schema/lock.js';
import { QwexError } from '../core/errors.js';
import { prettyJson, sha256Integrity } from '../core/integrity.js';
import { assertNoSymlinks, atomicWrite, modeBits, writeError } from './fs.js';
import { LOCK_FILE, QWEX_DIR, sortedLock } from './project.js';

export interface FileChange {
  projectPath: string; // ".qwex/templates/<name>/<file>", or a template folder to delete
  content: string | null; // null deletes it
  mode: '0644' | '0755';
}

interface JournalEntry {
  target: string; // project-relative
  backup?: string; // name in the stage folder of what was there before
  tmp?: string; // name in the stage folder of the new content
}

interface Journal {
  lock: string; // integrity of the lock this transaction writes
  entries: JournalEntry[];
}

const STAGE = path.join(QWEX_DIR, '.tmp');

export async function applyInstall(root: string, plans: PlannedItem[], lock: Lock): Promise<void> {
  const changes = plans.flatMap((p) => p.files).filter((f) => f.action !== 'skip');
  await applyChanges(root, changes, lock);
}

export async function applyChanges(root: string, changes: FileChange[], lock: Lock): Promise<void> {
  for (const c of changes) await assertNoSymlinks(root, path.join(root, c.projectPath), c.projectPath);
  await assertNoSymlinks(root, path.join(root, STAGE), 'staging folder');

  const stage = path.join(root, STAGE, randomBytes(6).toString('hex'));
  const lockText = prettyJson(sortedLock(lock));
  const entries: JournalEntry[] = [];
  try {
    await fs.mkdir(stage, { recursive: true });
    for (const [i, c] of changes.entries()) {
      const tmp = c.content === null ? undefined : `new-${i}`;
      if (tmp) await atomicWrite(path.join(stage, tmp), c.content!, modeBits(c.mode));
      const exists = await fs.lstat(path.join(root, c.projectPath)).then(() => true, () => false);
      entries.push({ target: c.projectPath, tmp, backup: exists ? `old-${i}` : undefined });
    }
    await atomicWrite(path.join(stage, 'journal.json'), JSON.stringify({ lock: sha256Integrity(lockText), entries } satisfies Journal));
  } catch (e) {
    await removeStage(stage);
    throw e instanceof QwexError ? e : writeError(path.join(root, QWEX_DIR), e);
  }
  try {
    for (const e of entries) {
      const target = path.join(root, e.target);
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (e.backup) await fs.rename(target, path.join(stage, e.backup));
      if (e.tmp) await fs.rename(path.join(stage, e.tmp), target);
    }
    await atomicWrite(path.join(root, LOCK_FILE), lockText);
  } catch (e) {
    await rollBack(root, stage, entries);
    await removeStage(stage);
    throw e instanceof QwexError ? e : writeError(path.join(root, QWEX_DIR), e);
  }
  await removeStage(stage);
}

// The stage, and .qwex/.tmp with it unless another transaction's stage is in there.
async function removeStage(stage: string): Promise<void> {
  await fs.rm(stage, { recursive: true, force: true });
  await fs.rmdir(path.dirname(stage)).catch(() => {});
}

/**
 * Finishes what a killed qwex left in .qwex/.tmp: a transaction whose lock was written is done
 * (its backups are dropped); any other is rolled back, so the project is as it was before.
 * Returns how many were found.
 */
export async function recoverInterrupted(root: string): Promise<number> {
  const dir = path.join(root, STAGE);
  const stages = await fs.readdir(dir).catch(() => [] as string[]);
  let found = 0;
  for (const name of stages) {
    const stage = path.join(dir, name);
    const journal = await fs.readFile(path.join(stage, 'journal.json'), 'utf8').then((t) => JSON.parse(t) as Journal, () => undefined);
    if (journal) {
      found++;
      const lockNow = await fs.readFile(path.join(root, LOCK_FILE), 'utf8').catch(() => '');
      if (sha256Integrity(lockNow) !== journal.lock) await rollBack(root, stage, journal.entries);
    }
    // Without a journal nothing had moved yet: the stage holds only copies.
    await fs.rm(stage, { recursive: true, force: true });
  }
  await fs.rmdir(dir).catch(() => {});
  return found;
}

// Puts back what a transaction moved, newest first: a backup returns to its place; a new file
// whose staged copy is gone (it was moved into place) is removed, with folders it left empty.
async function rollBack(root: string, stage: string, entries: JournalEntry[]): Promise<void> {
  for (const e of [...entries].reverse()) {
    const target = path.join(root, e.target);
    const backup = e.backup ? path.join(stage, e.backup) : undefined;
    const backupHere = backup ? await fs.lstat(backup).then(() => true, () => false) : false;
    const movedIn = e.tmp ? !(await fs.lstat(path.join(stage, e.tmp)).then(() => true, () => false)) : false;
    if (movedIn || backupHere) await fs.rm(target, { recursive: true, force: true });
    if (backupHere) await fs.rename(backup!, target);
    else if (!e.backup) await removeEmptyParents(root, path.dirname(target));
  }
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  const stop = path.join(root, QWEX_DIR);
  for (let d = dir; d.startsWith(stop + path.sep); d = path.dirname(d)) if (!(await fs.rmdir(d).then(() => true, () => false))) return;
}
