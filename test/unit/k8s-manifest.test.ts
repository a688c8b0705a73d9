// The k8s layer, offline (no cluster can run here): its rendered Job manifest, captured by a
// kubectl stand-in, validated with kubernetes-models and qwex's own checks for every combination
// of queue, GPUs and env — the server-side rules kubernetes-models does not know included.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { composeRunner } from '../../cli/core/render.js';
import { validateInputs } from '../../cli/core/inputs.js';
import { layerManifestSchema } from '../../cli/schema/layer.js';

const DIR = path.resolve(import.meta.dirname, '../../templates/k8s');
const manifest = layerManifestSchema.parse(JSON.parse(readFileSync(path.join(DIR, 'layer.json'), 'utf8')));
const files = new Map([[`k8s/${manifest.main}`, readFileSync(path.join(DIR, manifest.main), 'utf8')]]);
const base = mkdtempSync(path.join(os.tmpdir(), 'qwex-k8s-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
// kubectl stand-in: `apply -f -` succeeds (the manifest itself is read from the run dir below).
mkdirSync(path.join(base, 'bin'));
writeFileSync(path.join(base, 'bin', 'kubectl'), '#!/bin/sh\ncat >/dev/null\necho job.batch/x created\n');
chmodSync(path.join(base, 'bin', 'kubectl'), 0o755);

const DNS1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
let n = 0;
function jobFor(values: Record<string, unknown>): any {
  const id = `k${++n}`;
  const runDir = path.join(base, 'runs', id);
  mkdirSync(runDir, { recursive: true });
  const v = validateInputs(manifest.inputs, { runner: 'k', layer: 'k8s', values: { image: 'pytorch/pytorch:2.4', mode: 'detach', ...values }, sourceOf: () => ({ file: 't', path: [] }), entry: { file: 't', path: [] } });
  const { script } = composeRunner({ runner: 'k', layers: [{ name: 'k8s', manifest, values: v, given: {} }], files, mainPath: (l) => `k8s/${l.manifest.main}`, argv: ['python', 'train.py', "it's"], run: { id, name: 'my run', commit: 'c'.repeat(40), localDir: runDir } });
  const file = path.join(base, `${id}.sh`);
  writeFileSync(file, script);
  const r = spawnSync('sh', [file], { env: { PATH: `${base}/bin:/usr/bin:/bin`, HOME: base }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(path.join(runDir, 'job.json'), 'utf8'));
}

describe('k8s layer: the rendered Job manifest (kubectl stand-in; validated offline)', () => {
  const cases = [];
  for (const queue of ['', 'team-a'])
    for (const gpus of [0, 2])
      for (const env of [{}, { WANDB_MODE: 'offline', QUOTE: `it's "x" $(id)` }]) cases.push({ queue, gpus, env });

  it.each(cases)('queue=$queue gpus=$gpus env=$env', ({ queue, gpus, env }) => {
    const job = jobFor({ queue, gpus, env });
    expect(() => new Job(job).validate()).not.toThrow(); // kubernetes-models: types, enums, quantities
    // What the API server would reject, and what qwex promises on top.
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toMatch(DNS1123);
    expect(job.spec.backoffLimit).toBe(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers.length).toBeGreaterThan(0);
    for (const c of pod.containers) expect(c.image).toBeTruthy();
    const main = pod.containers[0];
    expect(main.command).toEqual(['/bin/sh', '-c']);
    const envs = Object.fromEntries((main.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
    for (const [k, v] of Object.entries(env)) expect(envs[k]).toBe(v); // every string JSON-encoded: quotes survive
    if (queue) {
      expect(job.metadata.labels['kueue.x-k8s.io/queue-name']).toBe(queue);
      expect(job.spec.suspend).toBe(true);
    } else {
      expect(job.metadata.labels ?? {}).not.toHaveProperty('kueue.x-k8s.io/queue-name');
      expect(job.spec.suspend ?? false).toBe(false);
    }
    const limits = main.resources?.limits ?? {};
    if (gpus) expect(limits['nvidia.com/gpu']).toBe(String(gpus) === limits['nvidia.com/gpu'] ? String(gpus) : gpus);
    else expect(limits).not.toHaveProperty('nvidia.com/gpu');
  });
});

describe('k8s layer: map values written as YAML numbers or booleans (kubectl stand-in; validated offline)', () => {
  it('reach the manifest as strings, which is all Kubernetes accepts for env, labels, annotations and nodeSelector', () => {
    const values = { DEBUG: 1, RATIO: 0.5, ENABLED: true, NAME: 'x' };
    const job = jobFor({ env: values, labels: { tier: 2, spot: false }, annotations: { retries: 3 }, node_selector: { 'gpu.count': 8, 'has-ib': true } });
    expect(() => new Job(job).validate()).not.toThrow();
    const main = job.spec.template.spec.containers[0];
    const envs = Object.fromEntries(main.env.map((e: { name: string; value: unknown }) => [e.name, e.value]));
    expect(envs).toMatchObject({ DEBUG: '1', RATIO: '0.5', ENABLED: 'true', NAME: 'x' });
    expect(job.metadata.labels).toMatchObject({ tier: '2', spot: 'false' });
    expect(job.spec.template.metadata.labels).toMatchObject({ tier: '2', spot: 'false' });
    expect(job.metadata.annotations).toMatchObject({ retries: '3' });
    expect(job.spec.template.spec.nodeSelector).toEqual({ 'gpu.count': '8', 'has-ib': 'true' });
  });
});
