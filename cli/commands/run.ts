import path from 'node:path';
import { promises as fs } from 'node:fs';
import { QwexError } from '../core/errors.js';
import { isRemote, recordPosition, resolveRunner, transportPosition } from '../core/runner.js';
import { shipScript } from '../core/ship.js';
import { makeRunId } from '../core/run-id.js';
import { commandScript, shq } from '../core/shell.js';
import { recordScript } from '../core/record.js';
import { launcherScript } from '../core/launcher.js';
import { openProject } from '../io/project.js';
import { loadRunner, templatePath } from '../io/runner-files.js';
import { addWorktree, bundleForRun, commitForRun, gitRoot } from '../io/git.js';
import { qwexHome, readRun, runsDir, workspaceName } from '../io/run-store.js';
import { atomicWrite } from '../io/fs.js';
import { followLogs, launchDetached } from '../io/run-exec.js';
import type { Ctx } from '../io/output.js';

export interface RunOptions {
  runner?: string;
  detach?: boolean;
  name?: string;
  requireClean?: boolean;
}

/** `qwex run [-r RUNNER] [-d] [--name N] [--require-clean] -- CMD...`: exits with the command's exit code. */
export async function run(argv: string[], opts: RunOptions, ctx: Ctx): Promise<number> {
  if (!argv.length) throw new QwexError('USAGE', 'no command to run', { hint: 'qwex run -- python train.py' });
  const project = await openProject(ctx.cwd);
  const config = await project.config();
  const loaded = await loadRunner(project, opts.runner);
  const runner = resolveRunner(loaded.inputs, loaded.name);
  const remote = isRemote(runner.layers);
  const root = await gitRoot(project.root);
  const id = makeRunId(new Date(), Math.random());
  const commit = await commitForRun(root, id, opts.requireClean ?? false);
  if (commit.snapshot) ctx.err.write(`${ctx.color.dim(`qwex: uncommitted changes: running snapshot ${commit.sha.slice(0, 12)} (refs/qwex/runs/${id}); your index and files are untouched`)}\n`);
  const workspace = workspaceName(config.name);
  const runDir = path.join(runsDir(ctx.env, workspace), id);
  // Local runs get a worktree here; remote ones get the commit shipped as a bundle and checked out there.
  const space = path.join(qwexHome(ctx.env), 'spaces', id);
  const bundle = remote ? await bundleForRun(root, id, commit.sha) : undefined;
  if (!remote) await addWorktree(root, space, commit.sha);

  const commandLine = argv.map((a) => (/^[A-Za-z0-9_./=:@%+,-]+$/.test(a) ? a : shq(a))).join(' ');
  const createdAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const record = (inner: string, dir: string) =>
    recordScript(inner, {
      runDir: dir, id, name: opts.name ?? id, runner: runner.name, commit: commit.sha, commandLine, workdir: remote ? `${dir}/src` : space, createdAt,
      artifacts: { watch: config.artifacts.watch, ignore: config.artifacts.ignore, maxFileSize: config.artifacts.max_file_size },
    });
  let remoteDir: string | undefined;
  // Without layers there is nothing to render: the template engine is not even loaded.
  const compiled = runner.layers.length ? await (await import('../io/compile-cache.js')).openCompileCache(ctx.env, loaded.files) : undefined;
  const script = !runner.layers.length ? record(commandScript(argv), runDir) : (await import('../core/render.js')).composeRunner({
    runner: runner.name,
    layers: runner.layers,
    files: loaded.files,
    mainPath: (l) => templatePath(l.name, l.manifest.main),
    argv,
    run: { id, name: opts.name ?? id, commit: commit.sha, localDir: runDir, codeDir: space },
    record,
    compiled,
    ship: (inner, dir) => {
      remoteDir = dir;
      return shipScript(inner, { runDir: dir, repo: `${dir.replace(/\/runs\/[^/]+$/, '')}/repos/${workspace}.git`, id, sha: commit.sha, bundle: bundle!, stream: recordPosition(runner.layers) === transportPosition(runner.layers) });
    },
  }).script;
  await compiled?.save();
  // The fields known now are written here; the wrapper writes the rest where the job runs.
  const known = { id, name: opts.name ?? id, runner: runner.name, commit: commit.sha, command_line: commandLine, created_at: createdAt, status: 'pending', ...(remoteDir ? { remote_dir: remoteDir } : {}) };
  await Promise.all(Object.entries(known).map(([field, value]) => atomicWrite(path.join(runDir, 'meta', field), value + '\n')));
  // Owner-only: the script holds whatever values the templates put in it (an env map's token, say).
  await atomicWrite(path.join(runDir, 'runner.sh'), script, 0o700);
  await atomicWrite(path.join(runDir, 'launch.sh'), launcherScript({ runDir, root, space, remote }), 0o700);
  const launched = launchDetached(path.join(runDir, 'launch.sh'), remote ? root : space);

  if (opts.detach) {
    ctx.out.write(id + '\n');
    ctx.err.write(`${ctx.color.dim(`qwex: run ${id} started; qwex logs -f ${id} follows it`)}\n`);
    return 0;
  }
  ctx.err.write(`${ctx.color.dim(`qwex: run ${id} (${runner.name}, ${commit.sha.slice(0, 12)}); Ctrl-C ${ctx.interactive ? 'detaches, twice cancels' : 'detaches'}`)}\n`);
  let ended = false;
  let detached = false;
  let cancelling = false;
  void launched.exited.then(() => (ended = true));
  // Ctrl-C once: detach (on a terminal after a short pause in which a second Ctrl-C cancels
  // instead); the run goes on without us. Twice: cancel it and wait for the end.
  let pending: NodeJS.Timeout | undefined;
  const onInt = () => {
    if (pending || !ctx.interactive) {
      if (pending) clearTimeout(pending);
      if (!ctx.interactive) return void ((detached = true), ctx.err.write(`\nqwex: detached; the run goes on. qwex logs -f ${id} · qwex cancel ${id}\n`));
      cancelling = true;
      ctx.err.write(`\nqwex: cancelling run ${id}…\n`);
      void import('./runs.js').then((m) => m.cancel(id, { grace: '10' }, { ...ctx, err: { write: () => true } }));
      return;
    }
    ctx.err.write(`\nqwex: detaching in 2 s; press Ctrl-C again to cancel the run instead\n`);
    pending = setTimeout(() => ((detached = true), ctx.err.write(`qwex: detached; the run goes on. qwex logs -f ${id} · qwex cancel ${id}\n`)), 2000);
  };
  process.on('SIGINT', onInt);
  try {
    await followLogs(runDir, ctx.out, ctx.err, async () => ended || (detached && !cancelling), { wake: launched.exited });
  } finally {
    process.off('SIGINT', onInt);
    if (pending) clearTimeout(pending);
  }
  if (detached) return 130;
  const done = await readRun(runDir);
  return Number(done.meta.exit_code ?? (await launched.exited));
}
