import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { openProject } from '../io/project.js';
import { addWorktree, gitRoot } from '../io/git.js';
import { findRun, runsDir, workspaceName } from '../io/run-store.js';
import type { Ctx } from '../io/output.js';

/** `qwex checkout <id> [DIR]`: a worktree at the run's commit (snapshots stay at refs/qwex/runs/<id>). */
export async function checkout(id: string, dir: string | undefined, _opts: object, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd);
  const run = await findRun(runsDir(ctx.env, workspaceName((await project.config()).name)), id);
  if (!run.meta.commit) throw new QwexError('USAGE', `run ${run.id} recorded no commit`);
  const dest = path.resolve(ctx.cwd, dir ?? path.join(project.root, '.qwex', 'checkouts', run.id));
  await addWorktree(await gitRoot(project.root), dest, run.meta.commit);
  ctx.out.write(dest + '\n');
  ctx.err.write(`checked out ${run.meta.commit.slice(0, 12)} (run ${run.id}) at ${path.relative(ctx.cwd, dest) || '.'}; git worktree remove it when done\n`);
}
