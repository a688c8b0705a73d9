// Applies file changes as one transaction: new contents are staged in .qwex/.tmp first, files to
// replace or delete are moved aside there (the backup), then everything is renamed into place and
// the lock written last. If any step fails, the moved files are put back and the lock is not
// touched. Nothing is written through a symbolic link.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PlannedItem } from '../core/install-plan.js';
import type { Lock } from '../schema/lock.js';
import { QwexError } from '../core/errors.js';
import { assertNoSymlinks, atomicWrite, modeBits, writeError } from './fs.js';
import { QWEX_DIR, writeLock } from './project.js';

export interface FileChange {
  projectPath: string; // ".qwex/templates/<name>/<file>"
  content: string | null; // null deletes the file
  mode: '0644' | '0755';
}

export async function applyInstall(root: string, plans: PlannedItem[], lock: Lock): Promise<void> {
  const changes = plans.flatMap((p) => p.files).filter((f) => f.action !== 'skip');
  await applyChanges(root, changes, lock);
}

export async function applyChanges(root: string, changes: FileChange[], lock: Lock): Promise<void> {
  for (const c of changes) await assertNoSymlinks(root, path.join(root, c.projectPath), c.projectPath);
  await assertNoSymlinks(root, path.join(root, QWEX_DIR, '.tmp'), 'staging folder');

  const stage = path.join(root, QWEX_DIR, '.tmp', randomBytes(6).toString('hex'));
  const done: { target: string; backup?: string }[] = [];
  const madeDirs: string[] = [];
  try {
    await fs.mkdir(stage, { recursive: true });
    const staged = await Promise.all(
      changes.map(async (c, i) => {
        const target = path.join(root, c.projectPath);
        const tmp = c.content === null ? undefined : path.join(stage, `new-${i}`);
        if (tmp) await atomicWrite(tmp, c.content!, modeBits(c.mode));
        const exists = await fs.lstat(target).then(() => true, () => false);
        return { tmp, target, backup: exists ? path.join(stage, `old-${i}`) : undefined };
      }),
    );
    for (const s of staged) {
      const made = await fs.mkdir(path.dirname(s.target), { recursive: true });
      if (made) madeDirs.push(made);
      if (s.backup) await fs.rename(s.target, s.backup);
      done.push({ target: s.target, backup: s.backup });
      if (s.tmp) await fs.rename(s.tmp, s.target);
    }
    await writeLock(root, lock);
  } catch (e) {
    await rollback(done, madeDirs);
    await fs.rm(stage, { recursive: true, force: true });
    throw e instanceof QwexError ? e : writeError(path.join(root, QWEX_DIR), e);
  }
  await fs.rm(stage, { recursive: true, force: true });
  await fs.rmdir(path.dirname(stage)).catch(() => {});
}

async function rollback(done: { target: string; backup?: string }[], madeDirs: string[]): Promise<void> {
  for (const { target, backup } of done.reverse()) {
    await fs.rm(target, { force: true });
    if (backup) await fs.rename(backup, target).catch(() => {});
  }
  for (const dir of madeDirs.reverse()) await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
}
