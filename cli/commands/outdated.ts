import maxSatisfying from 'semver/ranges/max-satisfying.js';
import { localChanges } from '../core/local-changes.js';
import { openProject, templateDir } from '../io/project.js';
import { sourceOfLockEntry } from '../io/sources.js';
import { readTemplateFiles } from '../io/template-files.js';
import { printJson, table, type Ctx } from '../io/output.js';

export async function outdated(opts: { json?: boolean }, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd);
  const sc = { cwd: ctx.cwd, projectRoot: project.root, config: project.config, env: ctx.env };
  const rows = [];
  for (const [name, entry] of Object.entries(project.lock.templates)) {
    const index = await sourceOfLockEntry(entry.source, sc).getIndex();
    const published = index.items[name];
    const versions = published?.versions.map((v) => v.version) ?? [];
    const edits = localChanges(entry, await readTemplateFiles(templateDir(project.root, name)));
    rows.push({
      name,
      installed: entry.version,
      wanted: maxSatisfying(versions, entry.requested) ?? entry.version,
      latest: published?.latest ?? entry.version,
      requested: entry.requested,
      edited: edits.length > 0,
      conflicts: Object.values(entry.files).some((f) => f.pending),
      source: entry.source,
    });
  }
  if (opts.json) return printJson(ctx, { templates: rows });
  if (!rows.length) return void ctx.err.write('no templates installed (qwex add <name>)\n');
  const c = ctx.color;
  const mark = (v: string, installed: string) => (v === installed ? v : c.yellow(v));
  ctx.out.write(
    table([
      ['NAME', 'INSTALLED', 'WANTED', 'LATEST', 'RANGE', 'LOCAL'].map(c.bold),
      ...rows.map((r) => [r.name, r.installed, mark(r.wanted, r.installed), mark(r.latest, r.installed), r.requested, r.conflicts ? c.red('conflicts') : r.edited ? 'edited' : c.dim('-')]),
    ]),
  );
}
