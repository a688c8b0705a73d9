import path from 'node:path';
import { QwexError } from '../core/errors.js';
import type { ResolvedRunner } from '../core/runner.js';
import { composeRunner } from '../core/render.js';
import { makeRunId } from '../core/run-id.js';
import { RUN_ID_RE } from '../core/shell.js';
import { readyProjectRoot, QWEX_DIR } from '../io/project.js';
import { headCommit, templatePath } from '../io/runner-files.js';
import { runnerToRender } from '../io/runner-cache.js';
import { openCompileCache } from '../io/compile-cache.js';
import type { Ctx } from '../io/output.js';

export interface RenderOptions {
  runner?: string;
  runId?: string;
  explain?: boolean;
}

/** `qwex render [-r RUNNER] [--run-id ID] [--explain] -- CMD [ARGS...]`: the composed script on stdout, nothing else. */
export async function render(argv: string[], opts: RenderOptions, ctx: Ctx): Promise<void> {
  if (!argv.length) throw new QwexError('USAGE', 'no command to render', { hint: 'qwex render -- python train.py' });
  if (argv.some((a) => a.includes('\0'))) throw new QwexError('USAGE', 'a command argument contains a NUL byte, which no program can receive');
  if (opts.runId !== undefined && !RUN_ID_RE.test(opts.runId))
    throw new QwexError('USAGE', `--run-id ${JSON.stringify(opts.runId)} must be lowercase letters, digits and "-" (at most 41, not starting with "-")`, { hint: 'leave --run-id out to get a time-ordered id' });
  const root = await readyProjectRoot(ctx.cwd);
  const { runner, files } = await runnerToRender(root, opts.runner, ctx.env);
  const id = opts.runId ?? makeRunId(new Date(), Math.random());
  const compiled = await openCompileCache(ctx.env, files);
  const { script, dirs } = composeRunner({
    runner: runner.name,
    layers: runner.layers,
    files,
    mainPath: (l) => templatePath(l.name, l.manifest.main),
    argv,
    run: { id, name: id, commit: await headCommit(root), localDir: path.join(root, QWEX_DIR, 'runs', id) },
    compiled,
  });
  await compiled.save();
  if (opts.explain) explain(runner, dirs, id, ctx);
  ctx.out.write(script);
}

// --explain: the chain outer → inner with each value and where it came from, on stderr.
function explain(runner: ResolvedRunner, dirs: string[], id: string, ctx: Ctx): void {
  const c = ctx.color;
  ctx.err.write(`${c.bold(`runner ${runner.name}`)} (run ${id}), outer → inner:\n`);
  runner.layers.forEach((l, i) => {
    ctx.err.write(`${i + 1}. ${c.bold(`${l.name}@${l.manifest.version}`)} ${c.dim(`${l.manifest.kind}, runs on ${l.manifest.runs_on}, run.dir ${dirs[i]}`)}\n`);
    for (const input of l.manifest.inputs) {
      const v = l.values[input.name];
      const from = l.given[input.name] ?? (v === undefined ? 'unset' : 'default');
      ctx.err.write(`     ${input.name} = ${v === undefined ? '(unset)' : JSON.stringify(v)}  ${c.dim(from)}\n`);
    }
  });
  ctx.err.write(`${runner.layers.length + 1}. ${c.bold('command')} ${c.dim('(exec argv)')}\n`);
}
