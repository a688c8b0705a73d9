// `qwex fork <name>`: the user's edited copy of an installed template, packaged as a one-item
// registry (built by the same planBuild as `qwex registry build`) plus a flat <name>.qwex.json
// for gists, a README with the install commands and, with --git, a commit.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError, didYouMean } from '../core/errors.js';
import { itemFromTemplate, planBuild, type TemplateSource } from '../core/build-registry.js';
import { canonicalJson, prettyJson } from '../core/integrity.js';
import { conflictMarkerLine } from '../core/conflict-markers.js';
import { forkReadme, forkVersion } from '../core/fork.js';
import { jsonSchemas } from '../core/json-schemas.js';
import { parseWith } from '../core/schema-errors.js';
import { atomicWrite, modeBits } from '../io/fs.js';
import { openProject, templateDir } from '../io/project.js';
import { parseItem, parseJson } from '../io/registry.js';
import { readPublished } from '../io/registry-folders.js';
import { readTemplateFiles } from '../io/template-files.js';
import { printJson, type Ctx } from '../io/output.js';
import { layerManifestSchema } from '../schema/layer.js';
import { TEMPLATE_NAME_RE } from '../schema/constants.js';
import type { RegistryItem } from '../schema/item.js';
import { own } from '../core/records.js';

export interface ForkOptions {
  as?: string;
  forkVersion?: string;
  out?: string;
  git?: boolean;
  flat?: boolean;
  json?: boolean;
}

export async function fork(name: string, opts: ForkOptions, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd);
  const entry = own(project.lock.templates, name);
  if (!entry) {
    const guess = didYouMean(name, Object.keys(project.lock.templates));
    throw new QwexError('NOT_INSTALLED', `${name} is not installed in this project`, { hint: guess ? `did you mean ${guess}?` : `qwex add ${name}, edit it, then fork it` });
  }
  const newName = opts.as ?? name;
  if (!TEMPLATE_NAME_RE.test(newName)) throw new QwexError('USAGE', `--as "${newName}" is not a template name`, { hint: 'template names are lowercase kebab-case, such as ssh-lab' });
  const outDir = path.resolve(ctx.cwd, opts.out ?? `${newName}-fork`);
  const shown = path.relative(ctx.cwd, outDir) || '.';
  const upstream = { source: entry.source, name, version: entry.version };

  // The user's files, without update side files; never fork a file that still holds conflict markers.
  const where = `.qwex/templates/${name}`;
  const disk = [...(await readTemplateFiles(templateDir(project.root, name)))].filter(([p]) => !p.endsWith('.qwex-upstream'));
  const raw = disk.find(([p]) => p === 'layer.json')?.[1].content.toString('utf8');
  if (!raw) throw new QwexError('SCHEMA_INVALID', `${where}/layer.json is missing`, { hint: `qwex add ${name} --overwrite restores it (your other edits are lost), or write it back by hand` });
  const files = disk.map(([p, f]) => {
    const content = f.content.toString('utf8');
    if (!Buffer.from(content, 'utf8').equals(f.content)) throw new QwexError('SCHEMA_INVALID', `${where}/${p} is not UTF-8 text; templates hold text files only`);
    const line = conflictMarkerLine(content);
    if (line) throw new QwexError('CONFLICT_MARKERS', `${where}/${p}:${line} holds conflict markers`, { hint: 'resolve them first, then fork' });
    return { path: p, content, mode: f.mode };
  });

  // The version: --version, or the upstream one with the next -fork.N this folder has not used.
  const published = await readPublished(outDir, shown);
  const flatFile = path.join(outDir, `${newName}.qwex.json`);
  const flatRaw = await fs.readFile(flatFile, 'utf8').catch(() => undefined);
  const flatItem = flatRaw === undefined ? undefined : parseItem(flatRaw, `${shown}/${newName}.qwex.json`);
  const existing = new Map<string, RegistryItem>(published.items.get(newName) ?? []);
  if (flatItem?.name === newName && !existing.has(flatItem.version)) existing.set(flatItem.version, flatItem);
  const build = (version: string) => {
    // The fork's own layer.json says where it came from, so rebuilding the fork folder gives the same item.
    const manifestJson = { ...(parseJson(raw, `${where}/layer.json`) as object), name: newName, version, upstream };
    const manifest = parseWith(layerManifestSchema, manifestJson, 'SCHEMA_INVALID', `${where}/layer.json`);
    if (!files.some((f) => f.path === manifest.main)) throw new QwexError('SCHEMA_INVALID', `${where}/layer.json: main "${manifest.main}" is not a file in ${where}`);
    const src: TemplateSource = { dir: `${shown}/templates/${newName}`, manifest, files: files.map((f) => (f.path === 'layer.json' ? { ...f, content: prettyJson(manifestJson) } : f)) };
    return src;
  };
  const previous = [...existing.keys()].filter((v) => v.startsWith(`${entry.version.replace(/-fork\.\d+$/, '')}-fork.`)).sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()))[0];
  const sameAs = (version: string) => {
    const old = existing.get(version);
    return old !== undefined && canonicalJson(old) === canonicalJson(itemFromTemplate(build(version)));
  };
  const unchanged = opts.forkVersion ? (existing.has(opts.forkVersion) && sameAs(opts.forkVersion) ? opts.forkVersion : undefined) : previous && sameAs(previous) ? previous : undefined;
  if (unchanged) {
    if (opts.json) return printJson(ctx, { name: newName, version: unchanged, upstream, out: outDir, written: [], unchanged: true });
    return void ctx.err.write(`${newName}@${unchanged} in ${shown} already holds these files; nothing to fork (edit ${where}/ first)\n`);
  }
  const version = opts.forkVersion ?? forkVersion(entry.version, [...existing.keys()]);
  const src = build(version);
  await lint(src);

  // Plan everything in memory, then write: the registry (unless --flat), the flat item, the README.
  const epoch = ctx.env.SOURCE_DATE_EPOCH;
  const now = (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const plan = planBuild([src], published, now, jsonSchemas());
  const item = itemFromTemplate(src);
  const writes: { path: string; content: string; mode?: '0644' | '0755' }[] = opts.flat ? [] : [...plan.writes, ...src.files.map((f) => ({ path: `templates/${newName}/${f.path}`, content: f.content, mode: f.mode }))];
  writes.push({ path: `${newName}.qwex.json`, content: prettyJson(item) });
  writes.push({ path: 'README.md', content: forkReadme({ name: newName, item, upstream, dir: outDir, git: opts.git ?? false, flat: opts.flat ?? false }) });
  if (!opts.flat) await fs.rm(path.join(outDir, 'templates', newName), { recursive: true, force: true });
  for (const w of writes) await atomicWrite(path.join(outDir, w.path), w.content, modeBits(w.mode ?? '0644'));
  const commit = opts.git ? await gitCommit(outDir, `${newName}@${version}: fork of ${name}@${entry.version} (${entry.source})`) : undefined;

  if (opts.json) return printJson(ctx, { name: newName, version, upstream, out: outDir, written: writes.map((w) => w.path), ...(commit ? { commit } : {}) });
  const c = ctx.color;
  ctx.err.write(`${c.green('forked')} ${c.bold(`${newName}@${version}`)} (from ${name}@${entry.version}) → ${shown}/${commit ? ` (commit ${commit.slice(0, 12)})` : ''}\n`);
  ctx.err.write(`install it with: qwex add ${opts.git ? `git+file://${outDir}` : opts.flat ? `${outDir}/${newName}.qwex.json` : outDir}   (${shown}/README.md lists the others)\n`);
}

// The registry build refuses what `qwex lint` would; a fork is held to the same bar.
async function lint(src: TemplateSource): Promise<void> {
  const { lintTemplate, formatFindings } = await import('../core/lint.js');
  const files = new Map(src.files.filter((f) => f.path.endsWith('.j2')).map((f) => [`${src.dir}/${f.path}`, f.content] as const));
  const findings = lintTemplate({ manifest: src.manifest, files, layerJsonPath: `${src.dir}/layer.json`, layerJson: src.files.find((f) => f.path === 'layer.json')?.content });
  if (findings.length)
    throw new QwexError('LINT_FAILED', `${findings.length} lint finding${findings.length > 1 ? 's' : ''}; nothing was written:\n${formatFindings(findings)}`, {
      hint: 'fix the template (values in shell text go through | shq, every input declared and used), then fork again',
    });
}

function git(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', ['-C', dir, ...args], (err, stdout, stderr) => (err ? reject(new QwexError('WRITE_FAILED', `git ${args[0]} in ${dir} failed: ${String(stderr).trim() || err.message}`, { cause: err })) : resolve(String(stdout).trim()))),
  );
}

/** Makes `dir` a git repository if it is not one, and commits everything in it. */
async function gitCommit(dir: string, message: string): Promise<string> {
  if (!(await fs.stat(path.join(dir, '.git')).then(() => true, () => false))) await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['add', '-A']);
  const who = (await git(dir, ['config', 'user.email']).catch(() => '')) ? [] : ['-c', 'user.name=qwex fork', '-c', 'user.email=qwex@localhost'];
  await git(dir, [...who, 'commit', '-q', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}
