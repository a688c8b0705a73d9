import path from 'node:path';
import { promises as fs } from 'node:fs';
import { QwexError } from '../core/errors.js';
import { GITIGNORE, initialConfig, projectName } from '../core/project-files.js';
import { prettyJson } from '../core/integrity.js';
import { atomicWrite, assertNoSymlinks } from '../io/fs.js';
import { CONFIG_FILE, LOCK_FILE, QWEX_DIR, emptyLock } from '../io/project.js';
import { embeddedRegistryDir } from '../io/registry.js';
import { printJson, type Ctx } from '../io/output.js';

export interface InitOptions {
  name?: string;
  yes?: boolean;
  json?: boolean;
}

export async function init(opts: InitOptions, ctx: Ctx): Promise<void> {
  const root = ctx.cwd;
  await assertNoSymlinks(root, path.join(root, QWEX_DIR, 'config.yaml'), 'qwex init');
  let name = opts.name ?? projectName(path.basename(root));
  if (opts.name === undefined && ctx.interactive && !opts.yes) name = await askName(name);
  if (!/^\S.{0,99}$/.test(name)) throw new QwexError('USAGE', `--name must be 1 to 100 characters and not start with a space`);

  const files: [string, () => Promise<string>][] = [
    [CONFIG_FILE, async () => initialConfig(name)],
    [`${QWEX_DIR}/config.schema.json`, () => fs.readFile(path.join(embeddedRegistryDir(), 'schema', 'config.json'), 'utf8')],
    [`${QWEX_DIR}/.gitignore`, async () => GITIGNORE],
    [LOCK_FILE, async () => prettyJson(emptyLock())],
  ];
  const created: string[] = [];
  const kept: string[] = [];
  for (const [rel, content] of files) {
    const abs = path.join(root, rel);
    if (await fs.lstat(abs).then(() => true, () => false)) {
      kept.push(rel);
      continue;
    }
    await atomicWrite(abs, await content());
    created.push(rel);
  }
  if (opts.json) return printJson(ctx, { root, name, created, kept });
  const c = ctx.color;
  for (const rel of created) ctx.err.write(`${c.green('created')} ${rel}\n`);
  for (const rel of kept) ctx.err.write(`${c.dim('kept')}    ${rel} (already there)\n`);
  ctx.err.write(created.length ? `\nNext: qwex search, then qwex add <template>\n` : `Nothing to do: this project is already set up.\n`);
}

async function askName(suggested: string): Promise<string> {
  const prompts = (await import('prompts')).default;
  const answer = await prompts(
    { type: 'text', name: 'name', message: 'Project name', initial: suggested },
    { onCancel: () => { throw new QwexError('CANCELLED', 'cancelled'); } },
  );
  return String(answer.name ?? suggested).trim() || suggested;
}
