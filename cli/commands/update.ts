import { QwexError } from '../core/errors.js';
import { resolveVersion } from '../core/resolve.js';
import { planUpdate, type UpdatePlan } from '../core/update-plan.js';
import { applyChanges, type FileChange } from '../io/install.js';
import { openProject, templateDir } from '../io/project.js';
import { defaultSource, sourceOfLockEntry, type SourceContext } from '../io/sources.js';
import { loadBases, readDisk, selectInstalled } from '../io/template-state.js';
import { itemCache } from '../io/item-cache.js';
import { printJson, type Ctx } from '../io/output.js';
import { promises as fs } from 'node:fs';

export interface UpdateOptions {
  to?: string;
  dryRun?: boolean;
  pre?: boolean;
  registry?: string;
  json?: boolean;
}

export async function update(names: string[], opts: UpdateOptions, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd, { write: !opts.dryRun, err: ctx.err });
  const sc: SourceContext = { cwd: ctx.cwd, projectRoot: project.root, config: project.config, env: ctx.env, registry: opts.registry };
  // The whole plan is made in memory first; nothing is written until every template has one.
  const plans: UpdatePlan[] = [];
  const cache = itemCache(ctx.env);
  for (const [name, entry] of selectInstalled(project.lock, names)) {
    if (!(await fs.stat(templateDir(project.root, name)).then(() => true, () => false)))
      throw new QwexError('NOT_INSTALLED', `${name} is in .qwex/qwex.lock but .qwex/templates/${name}/ is missing`, { hint: `qwex remove ${name} to forget it, or qwex add ${name} --overwrite to reinstall it` });
    const source = opts.registry ? await defaultSource(sc) : sourceOfLockEntry(entry.source, sc);
    const versions = (await source.getIndex()).items[name]?.versions.map((v) => v.version) ?? [];
    const to = resolveVersion(name, versions, opts.to ?? entry.requested, { includePrerelease: opts.pre });
    const disk = await readDisk(project.root, name);
    const bases = await loadBases(source, name, entry, disk, { resolvePending: true, cached: { cache, prefer: false } });
    const target = await source.getItem(name, to);
    const plan = planUpdate({ name, entry, bases, target, disk, requested: opts.to });
    if (!opts.dryRun) await cache.keep(target, source.id);
    // A git source's lock names a commit: from now on, the one that serves the version updated to —
    // once no file's merge base is an older version (a conflict keeps it, and its commit with it).
    const basesAt = new Set(Object.values(plan.lock.files).map((f) => f.baseVersion));
    if (!opts.registry && source.lockIdFor && [...basesAt].every((v) => v === to)) plan.lock = { ...plan.lock, source: await source.lockIdFor(name, to) };
    plans.push(plan);
  }

  const changes: FileChange[] = plans.flatMap((p) =>
    p.files.flatMap((f) => [
      ...(f.write !== undefined ? [{ projectPath: `.qwex/templates/${p.name}/${f.path}`, content: f.write?.content ?? null, mode: f.write?.mode ?? '0644' } as FileChange] : []),
      ...(f.sideFile ? [{ projectPath: `.qwex/templates/${p.name}/${f.sideFile.path}`, content: f.sideFile.content, mode: '0644' } as FileChange] : []),
    ]),
  );
  if (!opts.dryRun) await applyChanges(project.root, changes, { ...project.lock, templates: { ...project.lock.templates, ...Object.fromEntries(plans.map((p) => [p.name, p.lock])) } });
  report(plans, opts, ctx);

  const conflicted = plans.flatMap((p) => p.files.filter((f) => f.action === 'conflict').map((f) => `.qwex/templates/${p.name}/${f.path}`));
  if (conflicted.length && !opts.dryRun)
    throw new QwexError('CONFLICTS', `${conflicted.length} file${conflicted.length > 1 ? 's have' : ' has'} conflicts left:\n  ${conflicted.join('\n  ')}`, {
      hint: 'edit each file to keep what you want and delete the <<<<<<< ======= >>>>>>> lines, then run qwex update again to record it',
    });
}

function report(plans: UpdatePlan[], opts: UpdateOptions, ctx: Ctx): void {
  if (opts.json) return printJson(ctx, { dryRun: opts.dryRun ?? false, templates: plans.map((p) => ({ name: p.name, from: p.from, to: p.to, conflicts: p.conflicts, files: p.files.map(({ path, action, conflicts, note }) => ({ path, action, conflicts, note })) })) });
  const c = ctx.color;
  const tone: Record<string, (s: string) => string> = { conflict: c.red, merged: c.green, 'fast-forward': c.green, added: c.green, removed: c.yellow, 'kept-removed': c.yellow, 'kept-deleted': c.yellow };
  for (const p of plans) {
    const moving = p.files.filter((f) => f.action !== 'unchanged');
    ctx.err.write(`${c.bold(p.name)} ${p.from} → ${p.to}${moving.length ? '' : c.dim(' (nothing to do)')}\n`);
    for (const f of moving) ctx.err.write(`  ${(tone[f.action] ?? c.dim)(f.action.padEnd(13))} ${f.path}${f.conflicts ? ` (${f.conflicts} region${f.conflicts > 1 ? 's' : ''})` : ''}${f.note ? c.dim(` — ${f.note}`) : ''}\n`);
  }
  if (opts.dryRun) ctx.err.write(c.dim('dry run: nothing was written\n'));
}
