// The commands that read runs back: list, status, logs, cancel. Local runs only: remote run dirs
// are reached through the runner's transport layers once code shipping lands.
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { atomicWrite } from '../io/fs.js';
import { openProject } from '../io/project.js';
import { findRun, listRuns, readRun, runsDir, workspaceName, type Run } from '../io/run-store.js';
import { followLogs } from '../io/run-exec.js';
import { printJson, table, type Ctx } from '../io/output.js';

async function runsOf(ctx: Ctx): Promise<string> {
  const project = await openProject(ctx.cwd);
  return runsDir(ctx.env, workspaceName((await project.config()).name));
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'lost']);

function summary(r: Run) {
  const m = r.meta;
  const seconds = m.started_at ? ((m.finished_at ? Date.parse(m.finished_at) : Date.now()) - Date.parse(m.started_at)) / 1000 : null;
  return { id: r.id, name: m.name ?? null, runner: m.runner ?? null, status: r.status, exit_code: m.exit_code === undefined ? null : Number(m.exit_code), created_at: m.created_at ?? null, started_at: m.started_at ?? null, finished_at: m.finished_at ?? null, duration_s: seconds === null ? null : Math.round(seconds), commit: m.commit ?? null, command_line: m.command_line ?? null, dir: r.dir };
}

export async function list(opts: { runner?: string; status?: string; json?: boolean }, ctx: Ctx): Promise<void> {
  const dir = await runsOf(ctx);
  const runs = (await listRuns(dir)).map(summary).filter((r) => (!opts.runner || r.runner === opts.runner) && (!opts.status || r.status === opts.status));
  if (opts.json) return printJson(ctx, { runs });
  if (!runs.length) return void ctx.err.write('no runs yet (qwex run -- CMD)\n');
  const c = ctx.color;
  const tone: Record<string, (s: string) => string> = { succeeded: c.green, failed: c.red, lost: c.red, cancelled: c.yellow, running: c.cyan };
  ctx.out.write(table([['ID', 'NAME', 'RUNNER', 'STATUS', 'EXIT', 'STARTED', 'DURATION', 'COMMIT'].map(c.bold), ...runs.map((r) => [r.id, r.name === r.id ? '' : (r.name ?? ''), r.runner ?? '', (tone[r.status] ?? c.dim)(r.status), r.exit_code === null ? '' : String(r.exit_code), r.started_at ?? '', r.duration_s === null ? '' : `${r.duration_s}s`, (r.commit ?? '').slice(0, 12)])]));
}

export async function status(id: string, opts: { json?: boolean }, ctx: Ctx): Promise<void> {
  let r = await findRun(await runsOf(ctx), id);
  // A remote run whose local launcher is gone (laptop closed, qwex killed) is still going, or
  // finished, on its host: ask the host, through the runner's transport.
  if (r.meta.remote_dir && r.status === 'lost') r = await remoteRun(r, ctx);
  const s = summary(r);
  if (opts.json) return printJson(ctx, { ...s, meta: r.meta });
  ctx.out.write(Object.entries(s).filter(([, v]) => v !== null).map(([k, v]) => `${k.padEnd(13)}${v}`).join('\n') + '\n');
}

export async function logs(id: string, opts: { follow?: boolean; stderr?: boolean }, ctx: Ctx): Promise<number> {
  const r = await findRun(await runsOf(ctx), id);
  const onlyStderr = { stderr: opts.stderr };
  if (!opts.follow) {
    await followLogs(r.dir, ctx.out, ctx.err, async () => true, onlyStderr);
    return 0;
  }
  let last = r;
  await followLogs(r.dir, ctx.out, ctx.err, async () => TERMINAL.has((last = await readRun(r.dir)).status), onlyStderr);
  return last.status === 'lost' ? 1 : Number(last.meta.exit_code ?? 1);
}

export async function cancel(id: string, opts: { grace?: string }, ctx: Ctx): Promise<void> {
  const project = await openProject(ctx.cwd);
  const r = await findRun(runsDir(ctx.env, workspaceName((await project.config()).name)), id);
  if (TERMINAL.has(r.status)) return void ctx.err.write(`run ${r.id} is already ${r.status}\n`);
  const graceMs = (Number(opts.grace ?? 10) || 10) * 1000;
  const wrapper = Number(r.meta.wrapper_pid);
  // Said before anything is stopped, so the wrapper records "cancelled" however the TERM reaches it.
  const requested = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  if (r.meta.remote_dir) {
    const said = await (await import('../io/probe.js')).probe(project, r, `printf '%s\\n' ${requested} >"$RUN/meta/cancel_requested"`);
    if (said.code !== 0) throw new QwexError('FETCH_FAILED', `cannot reach run ${r.id} on its host: ${said.stderr.trim().split('\n').pop() || `exit ${said.code}`}`, { hint: `nothing was stopped; check the connection, then run qwex cancel ${r.id} again` });
  }
  else await atomicWrite(path.join(r.dir, 'meta', 'cancel_requested'), requested + '\n');
  // Schedulers and containers first, by their own means (scancel --full, docker stop, kubectl
  // delete job): the wrapper may sit on another node, and a container belongs to its daemon.
  const { cancelThroughLayers } = await import('../io/probe.js');
  const said = await cancelThroughLayers(project, r);
  if (said) ctx.err.write(said);
  if (r.meta.remote_dir) {
    // The far side's record wrapper gets TERM (it forwards to the command's process group and
    // records "cancelled"), then KILL for what is left; the local launcher last.
    const { probe } = await import('../io/probe.js');
    const term = await probe(project, r, 'w=$(cat "$RUN/meta/wrapper_pid" 2>/dev/null) || exit 3; kill -TERM "$w" 2>/dev/null; exit 0');
    if (term.code === 3) throw new QwexError('USAGE', `run ${r.id} has not started on its host yet`, { hint: `try again in a moment: qwex status ${r.id}` });
    if (term.code !== 0) throw new QwexError('FETCH_FAILED', `cannot reach run ${r.id} on its host to stop it: ${term.stderr.trim().split('\n').pop() || `exit ${term.code}`}`, { hint: `run qwex cancel ${r.id} again` });
    await probe(project, r, `i=0; while [ $i -lt ${Math.ceil(graceMs / 500)} ]; do case $(cat "$RUN/meta/status" 2>/dev/null) in running|'') sleep 0.5; i=$((i+1)) ;; *) exit 0 ;; esac; done; g=$(cat "$RUN/meta/pid" 2>/dev/null) && kill -KILL -"$g" 2>/dev/null; exit 0`);
  } else if (!(wrapper > 0)) throw new QwexError('USAGE', `run ${r.id} has not started yet (no wrapper pid)`, { hint: `try again in a moment: qwex status ${r.id}` });
  else {
    // TERM to the wrapper: it forwards the signal to the command's whole process group and records
    // "cancelled". What is still alive after the grace period gets KILL.
    signal(wrapper, 'SIGTERM');
    for (const end = Date.now() + graceMs; Date.now() < end; await new Promise((res) => setTimeout(res, 100))) if (TERMINAL.has((await readRun(r.dir)).status)) break;
    if (Number(r.meta.pid) > 0) signal(-Number(r.meta.pid), 'SIGKILL');
  }
  if (r.meta.remote_dir && wrapper > 0) signal(wrapper, 'SIGTERM');
  for (const end = Date.now() + 5000; Date.now() < end && !TERMINAL.has((await readRun(r.dir)).status); ) await new Promise((res) => setTimeout(res, 100));
  if (!r.meta.remote_dir) signal(wrapper, 'SIGKILL');
  ctx.err.write(`cancelled run ${r.id} (${(await readRun(r.dir)).status})\n`);
}

async function remoteRun(r: Run, ctx: Ctx): Promise<Run> {
  const { probe } = await import('../io/probe.js');
  const got = await probe(await openProject(ctx.cwd), r, 'for f in "$RUN"/meta/*; do [ -f "$f" ] && printf "%s\\t%s\\n" "${f##*/}" "$(head -n 1 "$f")"; done; printf "now\\t%s\\n" "$(date +%s)"');
  if (got.code !== 0) return r;
  const meta = Object.fromEntries(got.stdout.toString('utf8').split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]));
  const { deriveStatus } = await import('../core/run-status.js');
  // Judged by the host's clock and heartbeat; its pids are not ours to check from here.
  const status = deriveStatus(meta, { epochSeconds: Number(meta.now), host: '', alive: () => true });
  delete meta.now;
  return { ...r, meta: { ...r.meta, ...meta, remote_dir: r.meta.remote_dir }, status };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
