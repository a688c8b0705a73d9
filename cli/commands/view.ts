import { findProjectRoot, loadConfig, loadLock } from '../io/project.js';
import { fetchTemplate } from '../io/sources.js';
import { printJson, table, type Ctx } from '../io/output.js';
import { own } from '../core/records.js';

export interface ViewOptions {
  registry?: string;
  pre?: boolean;
  json?: boolean;
}

export async function view(spec: string, opts: ViewOptions, ctx: Ctx): Promise<void> {
  const root = await findProjectRoot(ctx.cwd);
  const config = root ? () => loadConfig(root) : undefined;
  const { source, item } = await fetchTemplate(spec, { cwd: ctx.cwd, projectRoot: root, config, env: ctx.env, registry: opts.registry }, { pre: opts.pre });
  const versions = (await source.getIndex()).items[item.name]!.versions;
  const installed = root ? own((await loadLock(root)).templates, item.name)?.version ?? null : null;
  const readme = item.files.find((f) => f.path.toLowerCase() === 'readme.md')?.content ?? null;
  const files = item.files.map((f) => ({ path: f.path, target: f.target, mode: f.mode, sha256: f.sha256, bytes: Buffer.byteLength(f.content) }));
  if (opts.json)
    return printJson(ctx, {
      name: item.name, version: item.version, description: item.description, kind: item.kind, runs_on: item.runs_on,
      source: source.id, installed, versions, inputs: item.inputs, requires: item.requires, files, readme,
    });

  const c = ctx.color;
  const out: string[] = [];
  out.push(`${c.bold(`${item.name}@${item.version}`)}  ${c.dim(`${item.kind}, runs on ${item.runs_on}`)}`, item.description, '');
  out.push(`${c.bold('install')}   qwex add ${item.name}    ${c.dim(`# or pin: qwex add ${item.name}@${item.version}`)}`);
  if (installed) out.push(`${c.bold('installed')} ${installed}`);
  out.push(`${c.bold('versions')}  ${versions.map((v) => `${v.version} (${v.created.slice(0, 10)})`).join(', ')}`);
  const requires = Object.entries(item.requires);
  out.push(`${c.bold('requires')}  ${requires.length ? requires.map(([n, r]) => `${n}@${r}`).join(', ') : 'nothing'}`, '');
  out.push(c.bold('inputs'));
  out.push(
    table([
      ['NAME', 'TYPE', 'DEFAULT', 'DESCRIPTION'].map(c.dim),
      ...item.inputs.map((i) => [i.name, i.type + (i.enum ? ` (${i.enum.join('|')})` : ''), i.required ? c.yellow('required') : i.default === undefined ? '-' : JSON.stringify(i.default), i.description]),
    ]).trimEnd(),
  );
  out.push('', c.bold('files'));
  out.push(table(files.map((f) => [f.mode, `${f.bytes} B`.padStart(8), f.target])).trimEnd());
  if (readme) out.push('', c.bold('README.md'), readme.trimEnd());
  ctx.out.write(out.join('\n') + '\n');
}
