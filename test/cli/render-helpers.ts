// Helpers for render/lint CLI tests: a project with the first-party layers installed from the
// embedded registry and runners written into config.yaml, plus sh -n / shellcheck runners.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { project } from './helpers.js';

export const LAYERS = ['ssh', 'slurm', 'singularity', 'uv-cache', 'docker', 'k8s'];

/** The 4-layer runner of the issue; remote_base is absolute because slurm needs an absolute run dir. */
export const HPC = `  hpc:
    layers:
      - ssh: { host: csc, remote_base: /scratch/me/qwex }
      - slurm: { partition: gpu, time: "02:00:00", gpus: 1 }
      - singularity: { image: /scratch/images/torch.sif }
      - uv-cache
`;

/** A project with `layers` installed and `runners` (YAML under runners:, indented 2) added to config.yaml. */
export async function renderProject(runners: string, layers = LAYERS) {
  const p = await project();
  if (layers.length) {
    const r = await p.run('add', ...layers);
    if (r.code !== 0) throw new Error(`qwex add failed: ${r.stderr}`);
  }
  const config = path.join(p.dir, '.qwex/config.yaml');
  await fs.writeFile(config, (await fs.readFile(config, 'utf8')) + runners);
  return p;
}

/** sh -n and shellcheck -s sh of a script (given on stdin); '' when both are clean. */
export function shellProblems(script: string): string {
  const problems: string[] = [];
  const n = spawnSync('sh', ['-n'], { input: script });
  if (n.status !== 0) problems.push(`sh -n: ${n.stderr}`);
  const sc = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: script });
  if (sc.error) problems.push(`shellcheck could not run: ${sc.error.message} (apt-get install shellcheck)`);
  else if (sc.status !== 0) problems.push(`shellcheck: ${sc.stdout}`);
  return problems.join('\n');
}

/** The scripts nested in `script` as `printf %s <b64> | base64 -d`, decoded (each layer's inner). */
export function nestedScripts(script: string): string[] {
  const out: string[] = [];
  const walk = (s: string) => {
    for (const m of s.matchAll(/printf %s ([A-Za-z0-9+/=]{8,}) \| base64 -d/g)) {
      const inner = Buffer.from(m[1]!, 'base64').toString('utf8');
      out.push(inner);
      walk(inner);
    }
  };
  walk(script);
  return out;
}
