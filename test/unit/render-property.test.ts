// Property test (reference/layers.md §5): random argv through random chains of the REAL layer
// templates arrives byte-identical at the program. Backends that cannot run here are stand-ins
// first on PATH that apply each tool's argument semantics; each is named in the test title.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { installStandins } from '../support/standins.js';
import { loadTemplates } from '../support/templates.js';
import { afterAll, describe, expect, it } from 'vitest';
import { composeRunner } from '../../cli/core/render.js';
import { validateInputs } from '../../cli/core/inputs.js';
import type { ResolvedLayer } from '../../cli/core/runner.js';

const base = mkdtempSync(path.join(os.tmpdir(), 'qwex-prop-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const bin = installStandins(path.join(base, 'bin'));

const { files, manifests } = loadTemplates();

// ssh's remote_base is the same folder as the local runs: every "host" is this machine.
const VALUES: Record<string, Record<string, unknown>> = {
  ssh: { host: 'stand-in-host', remote_base: base, login_env: false, control_master: false },
  slurm: { mode: 'detach', time: '10' },
  singularity: { image: '/images/x.sif' },
  docker: { image: 'img:latest', user: '' },
  'uv-cache': {},
};
const layer = (name: string, extra: Record<string, unknown> = {}): ResolvedLayer => {
  const manifest = manifests.get(name)!;
  const values = validateInputs(manifest.inputs, { runner: 'prop', layer: name, values: { ...VALUES[name]!, ...extra }, sourceOf: () => ({ file: 'test', path: [] }), entry: { file: 'test', path: [] } });
  return { name, manifest, values, given: {} };
};

let n = 0;
function runChain(chain: (string | ResolvedLayer)[], args: string[]): string[] {
  const id = `p${++n}`;
  const runDir = path.join(base, 'runs', id);
  mkdirSync(path.join(runDir, 'src'), { recursive: true });
  const { script } = composeRunner({
    runner: 'prop', layers: chain.map((l) => (typeof l === 'string' ? layer(l) : l)), files, mainPath: (l) => `${l.name}/${l.manifest.main}`,
    argv: ['argdump', ...args], run: { id, name: id, commit: '0'.repeat(40), localDir: runDir },
  });
  const file = path.join(base, `${id}.sh`);
  const out = path.join(base, `${id}.out`);
  writeFileSync(file, script); // a file, never an argv string
  execFileSync('sh', [file], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: base, ARGDUMP_OUT: out, LANG: 'C.UTF-8' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const got = readFileSync(out, 'utf8');
  rmSync(runDir, { recursive: true, force: true });
  return got === '' ? [] : got.slice(0, -1).split('\0');
}

const HOSTILE = ["'", '"', '\\', '$', '`', '!', '*', '~', '#', ';', '|', '<', '>', '(', ')', ' ', '\t', '\n', '\r', "'\\''", '$(id)', '!!', "$'x'", 'é', '中', '😀', '\x01', '\x1b', '\x7f', '\u00a0', 'EOF', 'QWEX_EOF', '-n', '-e', '--', '-c', '?', '[a]', '{a,b}', '%s', 'a b'];
const argArb = fc.oneof(
  fc.constantFrom('', '-n', '--', '-e', '*', '$HOME', '`id`', "it's", 'a\nb'),
  fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const CHAIN_LAYERS = ['ssh', 'slurm', 'singularity', 'docker', 'uv-cache'];

describe('argv survives random chains of the real templates', () => {
  it('ssh (stand-in: OpenSSH join + sh -c), slurm (stand-in sbatch runs the file), singularity (stand-in apptainer), docker (stand-in), uv-cache (stand-in uv): argdump receives exactly the argv', () => {
    fc.assert(
      fc.property(fc.array(argArb, { maxLength: 6 }), fc.array(fc.constantFrom(...CHAIN_LAYERS), { minLength: 1, maxLength: 6 }), (args, chain) => {
        expect(runChain(chain, args)).toEqual(args);
      }),
      { numRuns: Number(process.env.QWEX_PROPERTY_RUNS ?? 40), seed: process.env.QWEX_PROPERTY_SEED ? Number(process.env.QWEX_PROPERTY_SEED) : undefined },
    );
  });

  it('uv-cache (stand-in uv) with a project_environment ending in "/": syncs under a lock beside it, then runs', () => {
    const env = path.join(base, 'envs', 'mine') + '/';
    expect(runChain([layer('uv-cache', { project_environment: env })], ['ok'])).toEqual(['ok']);
    expect(readdirSync(path.join(base, 'envs'))).toContain('mine.lock');
  });

  it('the 4-layer chain ssh → slurm → singularity → uv-cache (all stand-ins) delivers an adversarial argv', () => {
    const args = ["it's", '$(id)', '`id`', 'a\\b', 'x\ny', '!', '*', '-n', '--', '', 'é 中 😀', "'\\''"];
    expect(runChain(['ssh', 'slurm', 'singularity', 'uv-cache'], args)).toEqual(args);
  });
});
