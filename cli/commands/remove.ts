import path from 'node:path';
import { promises as fs } from 'node:fs';
import { QwexError, didYouMean } from '../core/errors.js';
import { localChanges } from '../core/local-changes.js';
import { runnersUsing } from '../core/runners.js';
import { openProject, templateDir } from '../io/project.js';
import { applyChanges } from '../io/install.js';
import { readTemplateFiles } from '../io/template-files.js';
import { printJson, type Ctx } from '../io/output.js';
import { own } from '../core/records.js';

export interface RemoveOptions {
  force?: boolean;
  json?: boolean;
}

export async function remove(names: string[], opts: RemoveOptions, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd, { write: true, err: ctx.err });
  const { root, lock } = project;
  for (const name of names) {
    const entry = own(lock.templates, name);
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

  // One transaction with the lock (io/install.ts): the folders move aside, the lock is written, and
  // only then are they deleted; a crash in between is undone by the next qwex command.
  const templates = Object.fromEntries(Object.entries(lock.templates).filter(([n]) => !names.includes(n)));
  const present = [];
  for (const name of names) if (await fs.lstat(templateDir(root, name)).then(() => true, () => false)) present.push(name);
  await applyChanges(root, present.map((name) => ({ projectPath: path.relative(root, templateDir(root, name)), content: null, mode: '0644' as const })), { ...lock, templates });
  if (opts.json) return printJson(ctx, { removed: names });
  for (const name of names) ctx.err.write(`${ctx.color.green('removed')} ${name} (.qwex/templates/${name}/ and its lock entry)\n`);
}
