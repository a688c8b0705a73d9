import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { RegistryBuilder, type TemplateSource } from '../core/build-registry.js';
import { sha256Integrity } from '../core/integrity.js';
import type { LintFinding } from '../core/lint.js';
import { jsonSchemas } from '../core/json-schemas.js';
import { registryProblems } from '../core/validate-registry.js';
import { atomicWrite, readText } from '../io/fs.js';
import { eachPublishedItem, listTemplateDirs, readPublishedIndex, readTemplateSource } from '../io/registry-folders.js';
import { folderRegistry, httpRegistry } from '../io/registry.js';
import { printJson, type Ctx } from '../io/output.js';
import type { RegistryItem } from '../schema/item.js';

export interface BuildOptions {
  out: string;
  check?: boolean;
  json?: boolean;
}

export async function registryBuild(templates: string, opts: BuildOptions, ctx: Ctx): Promise<void> {
  const outDir = path.resolve(ctx.cwd, opts.out);
  const shownOut = opts.out.replace(/\/+$/, '');
  const templatesDir = path.resolve(ctx.cwd, templates);
  const shownTemplates = templates.replace(/\/+$/, '');
  // SOURCE_DATE_EPOCH (reproducible-builds.org) pins the date stamped on newly published versions.
  const epoch = ctx.env.SOURCE_DATE_EPOCH;
  const now = (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const names = await listTemplateDirs(templatesDir, shownTemplates);
  // One template (and one published item) in memory at a time: a registry of thousands of
  // templates builds in bounded memory. Nothing is written until every template has been read,
  // linted and planned; the item files to write are built again from their sources then.
  const builder = new RegistryBuilder(now);
  await eachPublishedItem(outDir, shownOut, (name, item) => builder.addPublished(name, item));
  const { lintTemplate, formatFindings } = await import('../core/lint.js');
  const findings: LintFinding[] = [];
  let planError: unknown;
  const stale: { path: string; template?: string; digest?: string }[] = [];
  for (const name of names) {
    const src = await readTemplateSource(templatesDir, name, shownTemplates);
    findings.push(...lintSource(src, lintTemplate));
    if (findings.length || planError) continue;
    try {
      const write = builder.addSource(src);
      if (write && (await readText(path.join(outDir, write.path))) !== write.content) stale.push({ path: write.path, template: name, digest: sha256Integrity(write.content) });
    } catch (e) {
      planError = e;
    }
  }
  // The registry refuses what `qwex lint` would: raw output in shell text, undeclared or unused
  // inputs, templates that do not render with sample inputs.
  if (findings.length)
    throw new QwexError('LINT_FAILED', `${findings.length} lint finding${findings.length > 1 ? 's' : ''}; nothing was built:\n${formatFindings(findings)}`, {
      hint: 'fix the templates (values in shell text go through | shq, every input declared and used), then build again',
    });
  if (planError) throw planError;
  const rest = builder.finish(await readPublishedIndex(outDir, shownOut), jsonSchemas());
  for (const w of rest) if ((await readText(path.join(outDir, w.path))) !== w.content) stale.push({ path: w.path });
  const stalePaths = stale.map((w) => w.path);
  if (opts.check) {
    if (opts.json) printJson(ctx, { upToDate: stale.length === 0, stale: stalePaths });
    if (stale.length)
      throw new QwexError('REGISTRY_STALE', `${opts.out} is not up to date with ${templates}: ${stalePaths.join(', ')}`, { hint: 'npm run registry:build, then commit registry/' });
    if (!opts.json) ctx.err.write(`${opts.out} is up to date with ${templates} (${names.length} templates)\n`);
    return;
  }
  const rebuilt = new RegistryBuilder(now);
  for (const w of stale) {
    let content = rest.find((r) => r.path === w.path)?.content;
    if (w.template !== undefined) {
      content = rebuilt.addSource(await readTemplateSource(templatesDir, w.template, shownTemplates))?.content;
      if (content === undefined || sha256Integrity(content) !== w.digest)
        throw new QwexError('WRITE_FAILED', `${shownTemplates}/${w.template} changed while the registry was being built; ${opts.out} is partly written`, { hint: 'run the build again' });
    }
    await atomicWrite(path.join(outDir, w.path), content!);
  }
  if (opts.json) return printJson(ctx, { published: builder.published, written: stalePaths });
  const c = ctx.color;
  for (const p of builder.published) ctx.err.write(`${c.green('published')} ${p}\n`);
  ctx.err.write(`${opts.out}: ${stale.length ? `wrote ${stale.length} file${stale.length > 1 ? 's' : ''}` : 'already up to date'} (${names.length} templates)\n`);
}

function lintSource(src: TemplateSource, lintTemplate: typeof import('../core/lint.js').lintTemplate): LintFinding[] {
  const files = new Map(src.files.filter((f) => f.path.endsWith('.j2')).map((f) => [`${src.dir}/${f.path}`, f.content] as const));
  const layerJson = src.files.find((f) => f.path === 'layer.json')?.content;
  return lintTemplate({ manifest: src.manifest, files, layerJsonPath: `${src.dir}/layer.json`, layerJson });
}

export async function registryValidate(dir: string, opts: { json?: boolean }, ctx: Ctx): Promise<void> {
  const source = /^https?:\/\//.test(dir) ? httpRegistry(dir, {}, dir) : folderRegistry(path.resolve(ctx.cwd, dir), dir);
  const index = await source.getIndex();
  const problems: string[] = [];
  const items: RegistryItem[] = [];
  for (const [name, entry] of Object.entries(index.items))
    for (const { version } of entry.versions) {
      try {
        items.push(await source.getItem(name, version));
      } catch (e) {
        if (!(e instanceof QwexError)) throw e;
        problems.push(e.message);
      }
    }
  problems.push(...registryProblems(index, items));
  const versions = items.length;
  if (opts.json) printJson(ctx, { registry: dir, templates: Object.keys(index.items).length, versions, problems });
  if (problems.length)
    throw new QwexError('REGISTRY_INVALID', `${dir} has ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`, { hint: 'fix the templates and rebuild with qwex registry build' });
  if (!opts.json) ctx.err.write(`${dir}: ${Object.keys(index.items).length} templates, ${versions} versions, all valid\n`);
}

// `qwex registry init DIR`: an org registry to start from. Existing files are never overwritten.
export async function registryInit(dir: string, opts: { json?: boolean }, ctx: Ctx): Promise<void> {
  const root = path.resolve(ctx.cwd, dir);
  const files: Record<string, string> = {
    'templates/README.md': `Put one folder per template here: layer.json, the .j2 files and a README.md.\nStart from an installed one: cp -r ../your-project/.qwex/templates/ssh templates/ssh-cluster\n(then set "name" in its layer.json to the folder name and "version" to 1.0.0).\n`,
    'README.md': [
      `# ${path.basename(root)}: a qwex registry`,
      '',
      'Templates live in `templates/<name>/`; `registry/` is built from them and committed.',
      '',
      '```sh',
      'qwex registry build templates --out registry   # publish new versions (bump "version" in layer.json)',
      'qwex registry validate registry                # schemas, integrity, requirements',
      '```',
      '',
      'A published version never changes: edit a template, bump its version, build, commit.',
      '',
      '## Use it from a project',
      '',
      'In `.qwex/config.yaml`:',
      '',
      '```yaml',
      'registries:',
      '  "@acme":',
      '    url: https://raw.githubusercontent.com/OWNER/REPO/main/registry/',
      '    headers:                      # for a private registry; values come from the environment',
      '      Authorization: "Bearer ${GITHUB_TOKEN}"',
      '```',
      '',
      'then `qwex add @acme/<name>`. Without config: `qwex add github:OWNER/REPO/registry#main` or',
      '`qwex add git+https://host/OWNER/REPO.git#main:registry` (the lock records the commit, and',
      '`qwex diff` / `qwex update` follow the branch).',
      '',
    ].join('\n'),
    '.github/workflows/qwex-registry.yml': [
      '# CI: the built registry must be up to date with templates/ and valid.',
      'name: qwex registry',
      'on: [push, pull_request]',
      'jobs:',
      '  check:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@v4',
      '        with: { node-version: 20 }',
      '      - run: npx --yes qwex registry build templates --out registry --check',
      '      - run: npx --yes qwex registry validate registry',
      '',
    ].join('\n'),
  };
  const written: string[] = [];
  const kept: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    if ((await readText(path.join(root, rel))) !== undefined) kept.push(rel);
    else {
      await atomicWrite(path.join(root, rel), content);
      written.push(rel);
    }
  }
  if (opts.json) return printJson(ctx, { dir: root, written, kept });
  const c = ctx.color;
  for (const rel of written) ctx.err.write(`${c.green('created')} ${path.join(dir, rel)}\n`);
  for (const rel of kept) ctx.err.write(`${c.dim('kept   ')} ${path.join(dir, rel)} (already there)\n`);
  ctx.err.write(`next: add templates to ${path.join(dir, 'templates')}/, then qwex registry build ${path.join(dir, 'templates')} --out ${path.join(dir, 'registry')}\n`);
}
