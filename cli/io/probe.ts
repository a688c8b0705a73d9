// Reaching a remote run's directory: a small script rendered through the runner's own transport
// layers (the same ssh settings, keys and options the run used), run locally with sh. Never a
// second, ad-hoc ssh code path.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { resolveRunner, transportPosition } from '../core/runner.js';
import { expandHome } from '../core/ship.js';
import { shq } from '../core/shell.js';
import type { Project } from './project.js';
import { loadRunner, templatePath } from './runner-files.js';
import type { Run } from './run-store.js';

/** Runs `body` (POSIX sh, with $RUN set to the run's remote dir) on the run's host; stdout as bytes. */
export async function probe(project: Project, run: Run, body: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const remoteDir = run.meta.remote_dir;
  if (!remoteDir || !run.meta.runner) throw new QwexError('USAGE', `run ${run.id} is not a remote run`);
  const loaded = await loadRunner(project, run.meta.runner);
  const runner = resolveRunner(loaded.inputs, loaded.name);
  const t = transportPosition(runner.layers);
  // Only the transport prefix, always attached: the probe must answer, not detach.
  const layers = runner.layers.slice(0, t + 1).map((l, i) => (i === t ? { ...l, values: { ...l.values, mode: 'attach' } } : l));
  const { composeRunner } = await import('../core/render.js');
  const script = `RUN=${shq(remoteDir)}\n${expandHome('RUN')}\n${body}`;
  const { script: composed } = composeRunner({
    runner: runner.name,
    layers,
    files: loaded.files,
    mainPath: (l) => templatePath(l.name, l.manifest.main),
    argv: ['sh', '-c', script],
    run: { id: run.id, name: run.meta.name ?? run.id, commit: run.meta.commit ?? '', localDir: run.dir },
  });
  // 255 is ssh's own failure (a refused or dropped connection on a busy login node), not the
  // body's: every probe body is safe to repeat, so try again before giving up.
  let result = await runScript(composed);
  for (let attempt = 1; result.code === 255 && attempt <= 2; attempt++) {
    await new Promise((r) => setTimeout(r, 300 * attempt));
    result = await runScript(composed);
  }
  return result;
}

/**
 * Runs every layer's own `cancel.sh.j2` for a run (scancel, docker stop, kubectl delete job):
 * the ones inside a transport on the far side through it, the others here. Returns their stderr.
 */
export async function cancelThroughLayers(project: Project, run: Run): Promise<string> {
  if (!run.meta.runner) return '';
  const loaded = await loadRunner(project, run.meta.runner);
  const runner = resolveRunner(loaded.inputs, loaded.name);
  const t = transportPosition(runner.layers);
  const { composeRunner, renderLifecycle } = await import('../core/render.js');
  const info = { id: run.id, name: run.meta.name ?? run.id, commit: run.meta.commit ?? '', localDir: run.dir };
  let said = '';
  for (const [i, l] of runner.layers.entries()) {
    if (l.manifest.kind === 'transport' || !loaded.files.has(templatePath(l.name, 'cancel.sh.j2'))) continue;
    const own = renderLifecycle({ runner: runner.name, layers: runner.layers, files: loaded.files, filePath: (x, f) => templatePath(x.name, f), run: info, index: i, file: 'cancel.sh.j2' });
    const script =
      i > t && t >= 0
        ? composeRunner({
            runner: runner.name,
            layers: runner.layers.slice(0, t + 1).map((x, k) => (k === t ? { ...x, values: { ...x.values, mode: 'attach' } } : x)),
            files: loaded.files,
            mainPath: (x) => templatePath(x.name, x.manifest.main),
            argv: ['sh', '-c', own],
            run: info,
          }).script
        : own;
    said += (await runScript(script)).stderr;
  }
  return said;
}

async function runScript(script: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qwex-probe-'));
  try {
    await fs.writeFile(path.join(dir, 'script.sh'), script);
    return await new Promise((resolve, reject) => {
      const child = spawn('sh', [path.join(dir, 'script.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
