import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError, didYouMean } from '../core/errors.js';
import { formatFindings, lintTemplate, sampleRenderFindings, type LintFinding } from '../core/lint.js';
import { openProject, QWEX_DIR } from '../io/project.js';
import { readText } from '../io/fs.js';
import { readManifest, readTemplateSources, templatePath } from '../io/runner-files.js';
import { checkShell, hasShellcheck } from '../io/shell-check.js';
import type { Ctx } from '../io/output.js';

/**
 * `qwex lint [name...]`: lints the user's templates in .qwex/templates/ (all of them by default):
 * the AST checks of core/lint.ts, then sh -n and shellcheck on each file rendered with sample inputs.
 */
export async function lint(names: string[], _opts: object, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd);
  const dir = path.join(project.root, QWEX_DIR, 'templates');
  const present = (await fs.readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const n of names)
    if (!present.includes(n)) {
      const guess = didYouMean(n, present);
      throw new QwexError('NOT_INSTALLED', `no template "${n}" in ${QWEX_DIR}/templates/`, { hint: guess ? `Did you mean \`${guess}\`?` : `qwex add ${n}` });
    }
  const todo = names.length ? [...new Set(names)] : present;
  if (!todo.length) throw new QwexError('NOT_INSTALLED', `no templates in ${QWEX_DIR}/templates/ to lint`, { hint: 'qwex add <template>' });

  const shellcheck = await hasShellcheck();
  const findings: LintFinding[] = [];
  for (const name of todo) {
    const layerJsonPath = templatePath(name, 'layer.json');
    const manifest = await readManifest(project.root, name);
    if (!manifest) {
      findings.push({ file: layerJsonPath, line: 0, message: 'missing: every template needs a layer.json' });
      continue;
    }
    const files = await readTemplateSources(project.root, name);
    const own = lintTemplate({ manifest, files, layerJsonPath, layerJson: await readText(path.join(project.root, layerJsonPath)) });
    findings.push(...own);
    if (own.length) continue; // shell checks on a template that fails the AST lint only add noise
    for (const [file, output] of sampleRenderFindings(manifest, files).outputs)
      for (const f of await checkShell(output)) findings.push({ file, line: 0, message: `${f.tool} on the sample render, line ${f.line}: ${f.message}` });
  }
  if (!shellcheck) ctx.err.write(`${ctx.color.yellow('note:')} shellcheck is not installed; only sh -n checked the renders (apt install shellcheck)\n`);
  if (findings.length)
    throw new QwexError('LINT_FAILED', `${findings.length} lint finding${findings.length > 1 ? 's' : ''}:\n${formatFindings(findings)}`, {
      hint: 'fix the templates in .qwex/templates/ (values in shell text go through | shq; see .qwex/templates/<name>/README.md)',
    });
  ctx.err.write(`${ctx.color.green('ok')} ${todo.join(', ')}: ${todo.length} template${todo.length > 1 ? 's' : ''} pass the lint${shellcheck ? ', sh -n and shellcheck' : ' and sh -n'}\n`);
}
