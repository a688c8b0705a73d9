// Applies an install plan as one transaction: every file is staged in .qwex/.tmp first, then
// renamed into place; if any step fails, files already moved are put back and the lock is not
// touched. Nothing is written through a symbolic link.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PlannedItem } from '../core/install-plan.js';
import type { Lock } from '../schema/lock.js';
import { assertNoSymlinks, atomicWrite, modeBits, writeError } from './fs.js';
import { QWEX_DIR, writeLock } from './project.js';

export async function applyInstall(root: string, plans: PlannedItem[], lock: Lock): Promise<void> {
  const files = plans.flatMap((p) => p.files).filter((f) => f.action !== 'skip');
  for (const f of files) await assertNoSymlinks(root, path.join(root, f.projectPath), `${f.template}: ${f.projectPath}`);
  await assertNoSymlinks(root, path.join(root, QWEX_DIR, '.tmp'), 'staging folder');

  const stage = path.join(root, QWEX_DIR, '.tmp', randomBytes(6).toString('hex'));
  const done: { target: string; backup?: string }[] = [];
  const madeDirs: string[] = [];
  try {
    await fs.mkdir(stage, { recursive: true });
    const staged = await Promise.all(
      files.map(async (f, i) => {
        const tmp = path.join(stage, `new-${i}`);
        await atomicWrite(tmp, f.content, modeBits(f.mode));
        return { tmp, target: path.join(root, f.projectPath), backup: path.join(stage, `old-${i}`), overwrite: f.action === 'overwrite' };
      }),
    );
    for (const s of staged) {
      const made = await fs.mkdir(path.dirname(s.target), { recursive: true });
      if (made) madeDirs.push(made);
      if (s.overwrite) await fs.rename(s.target, s.backup);
      done.push({ target: s.target, backup: s.overwrite ? s.backup : undefined });
      await fs.rename(s.tmp, s.target);
    }
    await writeLock(root, lock);
  } catch (e) {
    await rollback(done, madeDirs);
    await fs.rm(stage, { recursive: true, force: true });
    throw (e as { code?: string }).code && !(e instanceof Error && e.name === 'QwexError') ? writeError(path.join(root, QWEX_DIR), e) : e;
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
