import path from 'node:path';
import { promises as fs } from 'node:fs';
import { QwexError, didYouMean } from '../core/errors.js';
import { localChanges } from '../core/local-changes.js';
import { runnersUsing } from '../core/runners.js';
import { openProject, templateDir, writeLock, QWEX_DIR } from '../io/project.js';
import { assertNoSymlinks, writeError } from '../io/fs.js';
import { readTemplateFiles } from '../io/template-files.js';
import { printJson, type Ctx } from '../io/output.js';

export interface RemoveOptions {
  force?: boolean;
  json?: boolean;
}

export async function remove(names: string[], opts: RemoveOptions, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd);
  const { root, lock } = project;
  for (const name of names) {
    const entry = lock.templates[name];
    if (!entry) {
      const guess = didYouMean(name, Object.keys(lock.templates));
      throw new QwexError('NOT_INSTALLED', `${name} is not installed in this project`, { hint: guess ? `did you mean ${guess}?` : 'qwex search  # shows what is installed' });
    }
    if (opts.force) continue;
    const changes = localChanges(entry, await readTemplateFiles(templateDir(root, name)));
    if (changes.length)
      throw new QwexError('LOCAL_EDITS', `${name} has local edits, which remove would delete:\n  ${changes.map((ch) => `${ch.kind} .qwex/templates/${name}/${ch.path}`).join('\n  ')}`, {
        hint: `nothing was removed. qwex diff ${name} --local shows the edits; qwex remove ${name} --force deletes them with the template`,
      });
    const users = runnersUsing(await project.config(), name);
    if (users.length)
      throw new QwexError('LOCAL_EDITS', `runner${users.length > 1 ? 's' : ''} ${users.join(', ')} in .qwex/config.yaml use${users.length > 1 ? '' : 's'} ${name}`, {
        hint: `take ${name} out of those runners first, or qwex remove ${name} --force`,
      });
  }

  // Move the folders aside first, so a failure while writing the lock can put them back.
  const trash = path.join(root, QWEX_DIR, '.tmp', `removed-${process.pid}-${Date.now()}`);
  const moved: [string, string][] = [];
  try {
    for (const name of names) {
      const dir = templateDir(root, name);
      await assertNoSymlinks(root, dir, `qwex remove ${name}`);
      if (!(await fs.lstat(dir).then(() => true, () => false))) continue;
      await fs.mkdir(trash, { recursive: true });
      const aside = path.join(trash, name);
      await fs.rename(dir, aside);
      moved.push([aside, dir]);
    }
    const templates = Object.fromEntries(Object.entries(lock.templates).filter(([n]) => !names.includes(n)));
    await writeLock(root, { ...lock, templates });
  } catch (e) {
    for (const [aside, dir] of moved.reverse()) await fs.rename(aside, dir).catch(() => {});
    throw e instanceof QwexError ? e : writeError(path.join(root, QWEX_DIR), e);
  } finally {
    await fs.rm(trash, { recursive: true, force: true });
  }
  if (opts.json) return printJson(ctx, { removed: names });
  for (const name of names) ctx.err.write(`${ctx.color.green('removed')} ${name} (.qwex/templates/${name}/ and its lock entry)\n`);
}
