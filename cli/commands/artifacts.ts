// qwex artifacts / qwex pull: what a run collected in files/, and copying it back. Remote runs
// are read through the runner's own transport (io/probe.ts).
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { openProject } from '../io/project.js';
import { probe } from '../io/probe.js';
import { findRun, runsDir, workspaceName } from '../io/run-store.js';
import { printJson, table, type Ctx } from '../io/output.js';

async function locate(id: string, ctx: Ctx) {
  const project = await openProject(ctx.cwd);
  const run = await findRun(runsDir(ctx.env, workspaceName((await project.config()).name)), id);
  return { project, run };
}

export async function artifacts(id: string, opts: { json?: boolean }, ctx: Ctx): Promise<void> {
  const { project, run } = await locate(id, ctx);
  const tsv = run.meta.remote_dir
    ? (await probe(project, run, 'cat "$RUN/files/.manifest.tsv" 2>/dev/null || :')).stdout.toString('utf8')
    : await fs.readFile(path.join(run.dir, 'files', '.manifest.tsv'), 'utf8').catch(() => '');
  const files = tsv.split('\n').filter(Boolean).map((line) => {
    const [size, sha256, ...rest] = line.split('\t');
    return { path: rest.join('\t'), size: Number(size), sha256: sha256! };
  });
  if (opts.json) return printJson(ctx, { id: run.id, files });
  if (!files.length) return void ctx.err.write(`run ${run.id} collected no artifacts (it copies files under out/ by default; see artifacts in .qwex/config.yaml)\n`);
  ctx.out.write(table(files.map((f) => [String(f.size).padStart(10), f.sha256.slice(0, 12), f.path])));
}

export async function pull(id: string, opts: { to?: string }, ctx: Ctx): Promise<void> {
  const { project, run } = await locate(id, ctx);
  const dest = path.resolve(ctx.cwd, opts.to ?? path.join(project.root, '.qwex', 'runs', run.id, 'files'));
  await fs.mkdir(dest, { recursive: true });
  if (!run.meta.remote_dir) {
    await fs.cp(path.join(run.dir, 'files'), dest, { recursive: true, force: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  } else {
    const got = await probe(project, run, '[ -d "$RUN/files" ] || exit 0; cd "$RUN/files" && tar -cf - . | base64');
    if (got.code !== 0) throw new QwexError('FETCH_FAILED', `cannot read run ${run.id}'s files on its host (exit ${got.code}): ${got.stderr.trim()}`, { hint: `qwex status ${run.id}` });
    const tarball = Buffer.from(got.stdout.toString('utf8').replace(/\s+/g, ''), 'base64');
    if (tarball.length) await untar(tarball, dest);
  }
  const count = await fs.readdir(dest, { recursive: true, withFileTypes: true }).then((es) => es.filter((e) => e.isFile()).length);
  ctx.err.write(`pulled ${count} file${count === 1 ? '' : 's'} of run ${run.id} into ${path.relative(ctx.cwd, dest) || '.'}\n`);
}

function untar(tarball: Buffer, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // --no-same-owner and no absolute names: what comes back from a host cannot write outside dest.
    const child = spawn('tar', ['-x', '--no-same-owner', '-C', dest, '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new QwexError('FETCH_FAILED', `cannot unpack the run's files: ${err.trim()}`))));
    child.stdin.end(tarball);
  });
}
