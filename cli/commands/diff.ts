import { diffFiles, formatDiff, type FileDiff } from '../core/diff.js';
import { resolveVersion } from '../core/resolve.js';
import { openProject } from '../io/project.js';
import { defaultSource, sourceOfLockEntry, type SourceContext } from '../io/sources.js';
import { itemFiles, loadBases, readDisk, selectInstalled, verifiedItem } from '../io/template-state.js';
import { itemCache } from '../io/item-cache.js';
import { printJson, type Ctx } from '../io/output.js';

export interface DiffOptions {
  local?: boolean;
  to?: string;
  exitCode?: boolean;
  pre?: boolean;
  registry?: string;
  json?: boolean;
}

export async function diff(names: string[], opts: DiffOptions, ctx: Ctx): Promise<number> {
  const project = await openProject(ctx.cwd);
  const sc: SourceContext = { cwd: ctx.cwd, projectRoot: project.root, config: project.config, env: ctx.env, registry: opts.registry };
  const results: { name: string; from: string; to: string; files: FileDiff[] }[] = [];
  const cache = itemCache(ctx.env);
  for (const [name, entry] of selectInstalled(project.lock, names)) {
    const source = opts.registry ? await defaultSource(sc) : sourceOfLockEntry(entry.source, sc);
    if (opts.local) {
      const disk = await readDisk(project.root, name);
      const bases = await loadBases(source, name, entry, disk, { resolvePending: false, cached: { cache, prefer: true } });
      results.push({ name, from: `${name}@${entry.version} as installed`, to: 'your files', files: diffFiles(bases, disk) });
      continue;
    }
    const versions = (await source.getIndex()).items[name]?.versions.map((v) => v.version) ?? [];
    const target = resolveVersion(name, versions, opts.to ?? entry.requested, { includePrerelease: opts.pre });
    const [installed, upstream] = await Promise.all([verifiedItem(source, name, entry.version, entry, { cache, prefer: false }), source.getItem(name, target)]);
    results.push({ name, from: `${name}@${entry.version}`, to: `${name}@${target}`, files: diffFiles(itemFiles(name, installed), itemFiles(name, upstream)) });
  }

  const changed = results.some((r) => r.files.length > 0);
  if (opts.json) printJson(ctx, { local: opts.local ?? false, templates: results });
  else {
    const c = ctx.color;
    const paint = { add: c.green, del: c.red, meta: c.cyan };
    for (const r of results) {
      if (!r.files.length) {
        ctx.err.write(`${c.dim(`${r.name}: no differences (${r.from} → ${r.to})`)}\n`);
        continue;
      }
      ctx.out.write(c.bold(`# ${r.name}: ${r.from} → ${r.to}`) + '\n');
      for (const f of r.files) ctx.out.write(formatDiff(f, `.qwex/templates/${r.name}`, r.from, r.to, paint));
    }
  }
  return opts.exitCode && changed ? 1 : 0;
}
