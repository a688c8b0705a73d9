// Template fuzzing (reference/layers.md §5): every string input of every shipped layer gets
// hostile values. Each is either refused by validation with an INPUT_INVALID error, or rendered
// into a script that passes sh -n and, run with the stand-in backends (ssh, sbatch, apptainer,
// docker, uv, kubectl — stand-ins, named so), never executes the value: a canary file that
// the value tries to create must never appear.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installStandins } from '../support/standins.js';
import { loadTemplates, quickValues } from '../support/templates.js';
import { composeRunner } from '../../cli/core/render.js';
import { validateInputs } from '../../cli/core/inputs.js';
import { QwexError } from '../../cli/core/errors.js';
import type { ResolvedLayer } from '../../cli/core/runner.js';

const base = mkdtempSync(path.join(os.tmpdir(), 'qwex-fuzz-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const bin = installStandins(path.join(base, 'bin'));

const { files, manifests } = loadTemplates();

const BASELINE = quickValues(base);

const canary = path.join(base, 'CANARY');
const HOSTILE = [`$(touch ${canary})`, `\`touch ${canary}\``, `x; touch ${canary}`, `it's "q" | touch ${canary}`, `-oProxyCommand=touch ${canary}`, `a\ntouch ${canary}`, `${canary}' ; touch '${canary}`];

let n = 0;
function attempt(name: string, input: string, value: string): 'refused' | 'ran' {
  const manifest = manifests.get(name)!;
  let values;
  try {
    values = validateInputs(manifest.inputs, { runner: 'fuzz', layer: name, values: { ...BASELINE[name], [input]: value }, sourceOf: () => ({ file: 'fuzz.yaml', path: [] }), entry: { file: 'fuzz.yaml', path: [] } });
  } catch (e) {
    expect(e).toBeInstanceOf(QwexError);
    expect((e as QwexError).code).toBe('INPUT_INVALID');
    return 'refused';
  }
  const id = `f${++n}`;
  const runDir = path.join(base, 'runs', id);
  mkdirSync(path.join(runDir, 'src'), { recursive: true });
  const layer: ResolvedLayer = { name, manifest, values, given: {} };
  let script: string;
  try {
    script = composeRunner({ runner: 'fuzz', layers: [layer], files, mainPath: (l) => `${l.name}/${l.manifest.main}`, argv: ['true'], run: { id, name: id, commit: '0'.repeat(40), localDir: runDir } }).script;
  } catch (e) {
    // ident() refusing a value at render time is a refusal too, with a clear error.
    expect((e as QwexError).code).toBe('RENDER_FAILED');
    return 'refused';
  }
  const file = path.join(base, `${id}.sh`);
  writeFileSync(file, script);
  expect(spawnSync('sh', ['-n', file]).status).toBe(0);
  // In a scratch folder: a value used as a relative path (a cache dir, say) lands there, as data.
  spawnSync('sh', [file], { cwd: runDir, env: { PATH: `${bin}:/usr/bin:/bin`, HOME: base, LANG: 'C.UTF-8' }, stdio: 'ignore', timeout: 20_000 });
  expect(existsSync(canary), `${name}.${input} = ${JSON.stringify(value)} was executed`).toBe(false);
  return 'ran';
}

describe('hostile values for every string input of every layer (stand-in backends: ssh, sbatch, apptainer, docker, uv, kubectl)', () => {
  for (const [name, manifest] of manifests)
    it(`${name}: each value is refused or stays data`, () => {
      const outcomes = { refused: 0, ran: 0 };
      for (const input of manifest.inputs.filter((i) => i.type === 'string' && !i.enum))
        for (const value of HOSTILE) outcomes[attempt(name, input.name, value)]++;
      expect(outcomes.ran + outcomes.refused).toBeGreaterThan(0);
      console.log(`${name}: ${outcomes.ran} hostile values rendered and stayed data, ${outcomes.refused} refused by validation`);
    }, 120_000);
});
