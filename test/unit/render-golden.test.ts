// Golden renders: each layer's main template with sample inputs, and the 4-layer chain, compared
// byte for byte with test/unit/golden/<case>.sh. UPDATE_GOLDEN=1 rewrites them (review the diff).
// Every input of these renders is fixed (run id, dirs, commit, values): the only volatile part a
// render could hold is a temp path, and these use none, so the files are compared as they are.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeRunner, makeEnvironment, renderFile } from '../../cli/core/render.js';
import { sampleContext } from '../../cli/core/lint.js';
import { validateInputs } from '../../cli/core/inputs.js';
import { loadTemplates } from '../support/templates.js';

const GOLDEN = path.resolve(import.meta.dirname, 'golden');
const { files, manifests } = loadTemplates();

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, `${name}.sh`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/unit/render-golden.test.ts`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

function clean(script: string): string {
  const n = spawnSync('sh', ['-n'], { input: script });
  const sc = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: script });
  return [n.status === 0 ? '' : `sh -n: ${n.stderr}`, sc.error ? `shellcheck: ${sc.error.message}` : sc.status === 0 ? '' : `shellcheck: ${sc.stdout}`].join('');
}

describe('golden renders', () => {
  it.each([...manifests.keys()])('%s (main template, sample inputs)', (name) => {
    const m = manifests.get(name)!;
    const out = renderFile(makeEnvironment(files), `${name}/${m.main}`, sampleContext(m));
    expect(clean(out)).toBe('');
    golden(`layer-${name}`, out);
  });

  it('ssh → slurm → singularity → uv-cache', () => {
    const values: Record<string, Record<string, unknown>> = {
      ssh: { host: 'csc', user: 'qtn', remote_base: '/scratch/qtn/qwex' },
      slurm: { partition: 'gpu', time: '02:00:00', gpus: 1, account: 'proj-1' },
      singularity: { image: '/scratch/images/torch.sif' },
      'uv-cache': { cache_dir: '/scratch/qtn/uv-cache' },
    };
    const layers = Object.entries(values).map(([name, v]) => {
      const manifest = manifests.get(name)!;
      return { name, manifest, given: {}, values: validateInputs(manifest.inputs, { runner: 'hpc', layer: name, values: v, sourceOf: () => ({ file: 'x', path: [] }), entry: { file: 'x', path: [] } }) };
    });
    const { script } = composeRunner({
      runner: 'hpc', layers, files, mainPath: (l) => `${l.name}/${l.manifest.main}`, argv: ['python', 'train.py', '--lr', '3e-4'],
      run: { id: 'golden', name: 'golden', commit: '0'.repeat(40), localDir: '/home/qtn/project/.qwex/runs/golden' },
    });
    expect(clean(script)).toBe('');
    golden('chain-hpc', script);
  });
});
