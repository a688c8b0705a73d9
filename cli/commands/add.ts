import path from 'node:path';
import { promises as fs } from 'node:fs';
import { defaultRequested } from '../core/resolve.js';
import { parseTemplateAddress } from '../core/address.js';
import { resolveRequirements } from '../core/requires.js';
import { planInstall, type DiskState, type InstallRequest, type PlannedItem } from '../core/install-plan.js';
import { sha256Integrity } from '../core/integrity.js';
import { targetRelPath } from '../core/targets.js';
import { assertNoSymlinks } from '../io/fs.js';
import { applyInstall } from '../io/install.js';
import { openProject, QWEX_DIR } from '../io/project.js';
import { defaultSource, fetchFrom, fetchTemplate, type SourceContext } from '../io/sources.js';
import { printJson, type Ctx } from '../io/output.js';
import type { RegistrySource } from '../io/registry.js';
import type { RegistryItem } from '../schema/item.js';

export interface AddOptions {
  registry?: string;
  overwrite?: boolean;
  dryRun?: boolean;
  pre?: boolean;
  yes?: boolean;
  json?: boolean;
}

export async function add(specs: string[], opts: AddOptions, ctx: Ctx): Promise<void> {
  specs.forEach(parseTemplateAddress); // a typo is a usage error, whatever the project's state
  const project = await openProject(ctx.cwd, { write: !opts.dryRun, err: ctx.err });
  const sc: SourceContext = { cwd: ctx.cwd, projectRoot: project.root, config: project.config, env: ctx.env, registry: opts.registry };
  await assertNoSymlinks(project.root, path.join(project.root, QWEX_DIR, 'templates'), 'qwex add');

  const roots = await Promise.all(specs.map((spec) => fetchTemplate(spec, sc, { pre: opts.pre })));
  const sourceOf = new Map<string, RegistrySource>(roots.map((r) => [r.item.name, r.source]));
  const requested = new Map<string, string>(roots.map((r) => [r.item.name, r.range ?? defaultRequested(r.item.version)]));
  const rootNames = new Set(roots.map((r) => r.item.name));
  const installed = Object.fromEntries(Object.entries(project.lock.templates).filter(([name]) => !rootNames.has(name)));

  // A requirement comes from the registry of the template that requires it; a lone item file has
  // no registry of its own, so its requirements come from the default one.
  const items = await resolveRequirements(
    roots.map((r) => r.item),
    async (name, range, by) => {
      const from = sourceOf.get(by.name)!;
      const source = from.single ? await defaultSource(sc) : from;
      const item = await fetchFrom(source, name, range, { pre: opts.pre, requiredBy: `${by.name}@${by.version} requires ${name}@${range}` });
      sourceOf.set(name, source);
      requested.set(name, range);
      return item;
    },
    installed,
  );

  const requests: InstallRequest[] = items.map((item) => ({ item, source: sourceOf.get(item.name)!.id, requested: requested.get(item.name)!, where: `${sourceOf.get(item.name)!.label} (${item.name}@${item.version})` }));
  const disk = await readDisk(project.root, items);
  const plans = planInstall(requests, (p) => disk.get(p), { overwrite: opts.overwrite ?? false });
  const lock = { ...project.lock, templates: { ...project.lock.templates, ...Object.fromEntries(plans.map((p) => [p.item.name, p.lock])) } };

  if (!opts.dryRun) {
    await applyInstall(project.root, plans, lock);
    // So that diff --local and update find what you installed without the registry (io/item-cache.ts).
    if (plans.some((p) => p.lock.source !== 'embedded')) {
      const cache = (await import('../io/item-cache.js')).itemCache(ctx.env);
      for (const p of plans) await cache.keep(p.item, p.lock.source);
    }
  }
  report(plans, opts, ctx);
}

async function readDisk(root: string, items: RegistryItem[]): Promise<Map<string, DiskState>> {
  const disk = new Map<string, DiskState>();
  for (const item of items)
    for (const f of item.files) {
      const projectPath = `.qwex/templates/${item.name}/${targetRelPath(item.name, f.target, `${item.name}@${item.version}`)}`;
      const abs = path.join(root, projectPath);
      const stat = await fs.lstat(abs).catch(() => undefined);
      if (!stat) continue;
      disk.set(projectPath, stat.isFile() ? { kind: 'file', sha256: sha256Integrity(await fs.readFile(abs)) } : { kind: 'dir' });
    }
  return disk;
}

function report(plans: PlannedItem[], opts: AddOptions, ctx: Ctx): void {
  const summary = plans.map((p) => ({
    name: p.item.name,
    version: p.item.version,
    source: p.lock.source,
    requested: p.lock.requested,
    files: p.files.map((f) => ({ path: f.projectPath, action: f.action, mode: f.mode })),
  }));
  if (opts.json) return printJson(ctx, { dryRun: opts.dryRun ?? false, templates: summary });
  const c = ctx.color;
  const verb = opts.dryRun ? 'would add' : 'added';
  for (const p of plans) {
    const changed = p.files.filter((f) => f.action !== 'skip');
    if (!changed.length) {
      ctx.err.write(`${c.dim('unchanged')} ${p.item.name}@${p.item.version} (all ${p.files.length} files already match)\n`);
      continue;
    }
    ctx.err.write(`${c.green(verb)} ${c.bold(`${p.item.name}@${p.item.version}`)} → .qwex/templates/${p.item.name}/\n`);
    for (const f of p.files) ctx.err.write(`  ${f.action === 'skip' ? c.dim('same     ') : f.action === 'create' ? c.green('create   ') : c.yellow('overwrite')} ${f.rel}\n`);
  }
  if (opts.dryRun) ctx.err.write(`${c.dim('dry run: nothing was written')}\n`);
  else if (plans.some((p) => p.files.some((f) => f.action !== 'skip'))) ctx.err.write(`\n${plans[plans.length - 1]!.item.docs ?? ''}\n`);
}
