// The git side of runs: the commit a run is tied to (a snapshot commit when the tree is dirty,
// made with a temporary index so the user's index, branch and files stay untouched), and the
// worktree the run executes in.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { acquireLock } from './lock-file.js';

function git(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve(String(stdout).trim());
    }),
  );
}

export async function gitRoot(cwd: string): Promise<string> {
  return git(['rev-parse', '--show-toplevel'], cwd).catch(() => {
    throw new QwexError('NO_PROJECT', `${cwd} is not in a git repository; qwex run ties every run to a commit`, { hint: 'git init && git add -A && git commit -m init' });
  });
}

export interface RunCommit {
  sha: string;
  snapshot: boolean; // true when the tree was dirty and this is a snapshot commit
}

/** HEAD when the tree is clean; otherwise a snapshot of the working tree (tracked and untracked, not ignored). */
export async function commitForRun(root: string, runId: string, requireClean: boolean): Promise<RunCommit> {
  const head = await git(['rev-parse', '--verify', '-q', 'HEAD'], root).catch(() => '');
  // --no-optional-locks: concurrent runs must not fight over .git/index.lock for a read.
  const dirty = (await git(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=all'], root)) !== '';
  if (!dirty && head) return { sha: head, snapshot: false };
  if (requireClean)
    throw new QwexError('USAGE', head ? 'the working tree has uncommitted changes and --require-clean was given' : 'the repository has no commit yet and --require-clean was given', { hint: 'commit your changes (git commit -am …), or drop --require-clean to run a snapshot of them' });
  const tmpIndex = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'qwex-index-')), 'index');
  try {
    const gitDir = await git(['rev-parse', '--absolute-git-dir'], root);
    await fs.copyFile(path.join(gitDir, 'index'), tmpIndex).catch(() => {});
    const env = { ...process.env, GIT_INDEX_FILE: tmpIndex };
    await git(['add', '-A'], root, env);
    const tree = await git(['write-tree'], root, env);
    const sha = await git(['commit-tree', tree, ...(head ? ['-p', head] : []), '-m', `qwex snapshot for run ${runId}`], root, {
      ...env,
      GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'qwex',
      GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'qwex@localhost',
      GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'qwex',
      GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'qwex@localhost',
    });
    await git(['update-ref', `refs/qwex/runs/${runId}`, sha], root);
    return { sha, snapshot: true };
  } finally {
    await fs.rm(path.dirname(tmpIndex), { recursive: true, force: true });
  }
}

export async function addWorktree(root: string, dir: string, sha: string): Promise<void> {
  await fs.mkdir(path.dirname(dir), { recursive: true });
  // git reads every other worktree's admin folder while adding one, and fails on a half-made
  // one ("failed to read .git/worktrees/…/commondir"): concurrent runs take turns.
  const gitDir = await git(['rev-parse', '--git-common-dir'], root).then((d) => path.resolve(root, d));
  const release = await acquireLock(path.join(gitDir, 'qwex-worktree.lock'), { what: 'adding a worktree', waitMs: 30_000 });
  try {
    await git(['worktree', 'add', '--detach', '-q', dir, sha], root);
  } catch (e) {
    throw new QwexError('WRITE_FAILED', `cannot create the run's worktree at ${dir}: ${((e as { stderr?: string }).stderr ?? '').trim() || String(e)}`, { hint: 'check the disk space and permissions of QWEX_HOME (default ~/.qwex)', cause: e });
  } finally {
    await release();
  }
}

/** A git bundle of the run's commit (under refs/qwex/runs/<id>), to ship inside a remote run's script. */
export async function bundleForRun(root: string, id: string, sha: string): Promise<Buffer> {
  const ref = `refs/qwex/runs/${id}`;
  await git(['update-ref', ref, sha], root);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qwex-bundle-'));
  try {
    await git(['bundle', 'create', '-q', path.join(dir, 'run.bundle'), ref], root);
    return await fs.readFile(path.join(dir, 'run.bundle'));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
