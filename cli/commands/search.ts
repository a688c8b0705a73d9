import { findProjectRoot, loadConfig, loadLock } from '../io/project.js';
import { defaultSource } from '../io/sources.js';
import { printJson, table, type Ctx } from '../io/output.js';
import { matchesQuery } from '../core/search.js';
import { own } from '../core/records.js';

export interface SearchOptions {
  registry?: string;
  json?: boolean;
}

export async function search(query: string | undefined, opts: SearchOptions, ctx: Ctx): Promise<void> {
  const root = await findProjectRoot(ctx.cwd);
  const lock = root ? await loadLock(root) : undefined;
  const config = root ? () => loadConfig(root) : undefined;
  const source = await defaultSource({ cwd: ctx.cwd, projectRoot: root, config, env: ctx.env, registry: opts.registry });
  const index = await source.getIndex();
  const rows = Object.entries(index.items)
    .filter(([name, e]) => matchesQuery(query, [name, e.kind, e.description, ...e.tags]))
    .map(([name, e]) => ({ name, latest: e.latest, kind: e.kind, description: e.description, installed: (lock ? own(lock.templates, name) : undefined)?.version ?? null }));
  if (opts.json) return printJson(ctx, { registry: source.id === 'embedded' ? 'embedded' : source.label, query: query ?? null, templates: rows });
  if (!rows.length) {
    ctx.err.write(`no templates match "${query}" in ${source.label}\n`);
    return;
  }
  const c = ctx.color;
  ctx.out.write(
    table([
      ['NAME', 'LATEST', 'KIND', 'INSTALLED', 'DESCRIPTION'].map(c.bold),
      ...rows.map((r) => [r.name, r.latest, r.kind, r.installed ?? c.dim('-'), r.description]),
    ]),
  );
}
