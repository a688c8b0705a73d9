// Config fuzzing (issue 10 item 2, reference/layers.md §5): fast-check writes hostile values the way
// a user does — into .qwex/config.yaml and .qwex/targets/<runner>.yaml, serialised with the yaml
// package so the parsed value is exactly the one meant — and each goes the whole way `qwex render`
// takes: YAML text → parseYaml → config schema → pickRunner/loadRunner → resolveRunner
// (validateInputs) → composeRunner, then the script runs with the stand-in backends of
// test/support/standins.ts (ssh, sbatch, apptainer, docker, uv and kubectl are stand-ins there,
// and record what they are given). Each value is either refused with a QwexError naming the file
// and the field, or it stays data: the canary file it tries to create never appears, and where a
// stand-in receives it (argv, environment, the k8s manifest, the #SBATCH file) it arrives
// byte-identical, in the same position as a plain value — after `--` or as an option's argument,
// never as an option. Runner, layer and input names and run ids that are hostile are refused before
// they reach a path. One line per class reports the counts. The seed is random; fast-check prints
// it (and the shrunk counterexample) on failure.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installStandins, readStandinLog } from '../support/standins.js';
import { loadTemplates, quickValues, TEMPLATES } from '../support/templates.js';
import { QwexError } from '../../cli/core/errors.js';
import { composeRunner } from '../../cli/core/render.js';
import { resolveRunner, type ResolvedRunner } from '../../cli/core/runner.js';
import { RUN_ID_RE } from '../../cli/core/shell.js';
import { API_VERSION, TEMPLATE_NAME_RE } from '../../cli/schema/common.js';
import { RUNNER_NAME_RE } from '../../cli/schema/config.js';
import type { Lock } from '../../cli/schema/lock.js';
import { CONFIG_FILE, type Project } from '../../cli/io/project.js';
import { loadRunner, templatePath } from '../../cli/io/runner-files.js';

const base = mkdtempSync(path.join(os.tmpdir(), 'qwex-cfgfuzz-'));
// rm -rf, not fs.rm: a value may make a tool create folders nested past PATH_MAX (4096 bytes),
// which fs.rm's full paths cannot reach (ENAMETOOLONG); rm walks them relative to each folder.
const removeTree = (dir: string) => spawnSync('rm', ['-rf', '--', dir]);
afterAll(() => removeTree(base));
const bin = installStandins(path.join(base, 'bin'));
const canary = path.join(base, 'CANARY');
// Values may hold "../": whatever a script creates by a relative path stays deep below base.
const work = path.join(base, 'w', ...Array<string>(24).fill('d'));
const home = path.join(work, 'home');
const remote = path.join(work, 'remote'); // ssh's remote_base: every "host" is this machine
const log = path.join(base, 'log'); // STANDIN_LOG

// A project with every shipped layer installed (copied from templates/; the lock only needs to
// name them for loadRunner).
const { manifests } = loadTemplates();
const LAYERS = [...manifests.keys()];
const root = path.join(base, 'proj');
for (const name of LAYERS) cpSync(path.join(TEMPLATES, name), path.join(root, '.qwex/templates', name), { recursive: true });
mkdirSync(path.join(root, '.qwex/targets'), { recursive: true });
const project: Project = {
  root,
  lock: { apiVersion: API_VERSION, lockfileVersion: 1, templates: Object.fromEntries(LAYERS.map((n) => [n, {}])) } as unknown as Lock,
  config: () => Promise.reject(new Error('not used: loadRunner reads config.yaml itself')),
};
const TARGETS_FILE = '.qwex/targets/fuzz.yaml';

// Quick values under the stand-ins, but uv-cache syncs (so the uv stand-in sees its environment).
const BASELINE: Record<string, Record<string, unknown>> = { ...quickValues(remote), 'uv-cache': {} };
// Values that make an input matter at all (control_path is unused without ControlMaster…).
const ENABLE: Record<string, Record<string, unknown>> = {
  'ssh.control_path': { control_master: true },
  'ssh.control_persist': { control_master: true },
  'slurm.gpu_type': { gpus: 1 },
  'k8s.gpu_resource': { gpus: 1 },
  'k8s.git_url': { code_source: 'git' },
  'k8s.git_ref': { code_source: 'git' },
  'k8s.git_image': { code_source: 'git' },
};
// Lists that hold shell lines or raw tool arguments by design (a user's own code and options).
const BY_DESIGN = new Set(['ssh.pre', 'slurm.setup', 'slurm.srun_args', 'slurm.sbatch_args', 'docker.extra_args', 'singularity.extra_args']);

const STRING_INPUTS = LAYERS.flatMap((l) => manifests.get(l)!.inputs.filter((i) => i.type === 'string' && !i.enum).map((i) => [l, i.name] as const));
const COLLECTION_INPUTS = LAYERS.flatMap((l) => manifests.get(l)!.inputs.filter((i) => (i.type === 'list' || i.type === 'map') && !BY_DESIGN.has(`${l}.${i.name}`)).map((i) => [l, i.name, i.type] as const));

// ---- hostile strings ----------------------------------------------------------------------------
const ATTACKS = [
  `$(touch ${canary})`, `\`touch ${canary}\``, `;touch ${canary};`, `\ntouch ${canary}\n`, `|touch ${canary}`, `&touch ${canary}&`,
  `'$(touch ${canary})'`, `"$(touch ${canary})"`, `'\\''; touch ${canary}; '`, `-oProxyCommand=touch ${canary}`, `-o ProxyCommand=touch ${canary}`,
  `--rcfile=${canary}`, `$'\\n'touch ${canary}`, `\r\ntouch ${canary}`, `\${IFS}touch\${IFS}${canary}`, `--entrypoint=touch ${canary}`, `--output=${canary}`,
];
const TOKENS = [
  "'", '"', '\\', '$', '`', '!', '*', '?', '~', '#', ';', '|', '&', '<', '>', '(', ')', '{', '}', '[', ']', ' ', '\t', '\n', '\r', '\0', '\x01', '\x1b',
  '\x7f', '\u00a0', '\u2028', '\ufeff', 'é', '中', '😀', '$(id)', '${HOME}', '$IFS', '-', '--', '-o', '-oProxyCommand=', '=', ':', ',', '%', '%C', '@',
  '/', '../', 'EOF', '{{', '}}', '{%', 'null', '~/', 'yes', '0x1F', '&a', '*a', '!!str', '- ', '? ', ': ',
];
const token = fc.constantFrom(...TOKENS);
const word = fc.string({ unit: fc.oneof(token, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 })), maxLength: 10 });
const hostileRaw = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(word, fc.constantFrom(...ATTACKS), word).map(([a, b, c]) => a + b + c) },
  { weight: 3, arbitrary: word },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('-', '--', '-o', '-oProxyCommand=', '-J', '-F', '-l', '--rcfile=', '-i', '-v'), word).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: fc.tuple(word, fc.constantFrom(...ATTACKS), fc.integer({ min: 500, max: 4000 })).map(([w, a, n]) => (w + a).repeat(Math.max(1, Math.floor(n / (w.length + a.length))))) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
);
// An absolute value is moved below base: a mkdir -p of "/x" must not litter this machine's root.
const hostile = hostileRaw.map((v) => (v.startsWith('/') ? base + v : v));

// Names: hostile strings, names an object already has (prototype keys), paths, and some that pass.
const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'];
// A "__proto__" key would vanish in parsing (zod's records skip it): qwex refuses it at file:line:col.
const PROTO_KEY = '__proto__';
const PROTO_REFUSED = '"__proto__" cannot be a name';
const nameArb = fc.oneof(
  hostileRaw,
  fc.constantFrom(...PROTO, '..', '.', '../../etc/passwd', '/etc/passwd', 'a/b', 'ssh/../slurm', 'Fuzz', 'fuzz ', '-r', '--help', '', 'a'.repeat(64), 'x\0y'),
  fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/),
);

// The same config written several ways a user might: plain, quoted, block scalars, no folding.
const STYLES: YAML.ToStringOptions[] = [
  {}, { lineWidth: 0 }, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 }, { defaultStringType: 'QUOTE_SINGLE' },
  { defaultStringType: 'BLOCK_LITERAL' }, { defaultStringType: 'BLOCK_FOLDED' }, { collectionStyle: 'flow' },
];
const style = fc.constantFrom(...STYLES);

// ---- one render + run --------------------------------------------------------------------------
interface Sink {
  where: string; // "ssh argv", "uv env", "k8s manifest", "job.sbatch"
  text: string;
  prev?: string; // the argv element before, for argv sinks
}
type Outcome = { refused: QwexError } | { sinks: Sink[]; stderr: string };

// The premise: the file holds exactly the value we mean to test. The yaml package's emitter does
// not always manage that (a block scalar whose first line starts with a space, eemeli/yaml#692; a
// line folded inside a surrogate pair); then the same document is written double-quoted on one
// line instead, and counted.
let emitterFallbacks = 0;
function yamlText(doc: unknown, opts: YAML.ToStringOptions): string {
  const text = YAML.stringify(doc, opts);
  // Through UTF-8, as the file on disk: a line folded between the two halves of a surrogate pair
  // (𐀀) parses back whole in memory, but each half becomes U+FFFD in the file.
  if (isDeepStrictEqual(YAML.parse(Buffer.from(text, 'utf8').toString('utf8')), doc)) return text;
  emitterFallbacks++;
  const safe = YAML.stringify(doc, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE', lineWidth: 0 });
  expect(YAML.parse(safe)).toEqual(doc);
  return safe;
}

const config = (runners: Record<string, unknown>, defaults?: string) => ({ apiVersion: API_VERSION, name: 'fuzz', ...(defaults === undefined ? {} : { defaults: { runner: defaults } }), runners });
const runnerOf = (chain: readonly string[], values: Record<string, Record<string, unknown>>) => ({ layers: chain.map((l) => ({ [l]: values[l] ?? {} })) });

let seq = 0;
async function renderAndRun(opts: { config: unknown; targets?: unknown; requested?: string; style: YAML.ToStringOptions; runId?: string }): Promise<Outcome> {
  writeFileSync(path.join(root, CONFIG_FILE), yamlText(opts.config, opts.style));
  if (opts.targets === undefined) rmSync(path.join(root, TARGETS_FILE), { force: true });
  else writeFileSync(path.join(root, TARGETS_FILE), yamlText(opts.targets, opts.style));
  const id = opts.runId ?? `cfz${++seq}x`;
  const runDir = path.join(work, 'runs', id);
  let runner: ResolvedRunner;
  let script: string;
  try {
    const loaded = await loadRunner(project, opts.requested);
    runner = resolveRunner(loaded.inputs, loaded.name);
    script = composeRunner({ runner: runner.name, layers: runner.layers, files: loaded.files, mainPath: (l) => templatePath(l.name, l.manifest.main), argv: ['true'], run: { id, name: id, commit: '0'.repeat(40), localDir: runDir } }).script;
  } catch (e) {
    if (!(e instanceof QwexError)) throw e; // a TypeError here is a bug: exit 70 for the user
    return { refused: e };
  }
  // Where the code would be, here and on the "host", with a uv.lock so uv-cache keys its env.
  const remoteRun = path.join(remote, 'runs', id);
  for (const d of [runDir, remoteRun]) {
    mkdirSync(path.join(d, 'src'), { recursive: true });
    writeFileSync(path.join(d, 'src/uv.lock'), 'version = 1\n');
  }
  removeTree(log);
  mkdirSync(log);
  const file = path.join(work, `${id}.sh`);
  writeFileSync(file, script);
  expect(spawnSync('sh', ['-n', file]).status, 'sh -n of the rendered script').toBe(0);
  const ran = spawnSync('sh', [file], { cwd: runDir, env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home, LANG: 'C.UTF-8', STANDIN_LOG: log }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 20_000 });
  expect(existsSync(canary), 'a value was executed: the canary file exists').toBe(false);
  // mkdir, dirname, stat, sh… complaining about an option means a value was read as one.
  expect(ran.stderr, 'a value was parsed as an option').not.toMatch(/(invalid|unrecognized|illegal|unknown) option/i);

  // What the stand-ins were given, with this run's id made neutral so runs compare.
  const norm = (s: string) => s.replaceAll(id, '<ID>');
  const sinks: Sink[] = [];
  for (const call of readStandinLog(log)) {
    call.argv.forEach((a, i) => sinks.push({ where: `${call.tool} argv`, text: norm(a), prev: i > 0 ? norm(call.argv[i - 1]!) : '<argv0>' }));
    for (const e of call.env) sinks.push({ where: `${call.tool} env`, text: norm(e) });
  }
  for (const d of [runDir, remoteRun]) {
    const job = path.join(d, 'job.json');
    if (existsSync(job)) {
      const walk = (v: unknown): void => {
        if (typeof v === 'string') sinks.push({ where: 'k8s manifest', text: norm(v) });
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (sinks.push({ where: 'k8s manifest', text: norm(k) }), walk(x));
      };
      walk(JSON.parse(readFileSync(job, 'utf8')));
    }
    const sbatch = path.join(d, 'job.sbatch');
    if (existsSync(sbatch)) for (const line of readFileSync(sbatch, 'utf8').split('\n')) if (line.startsWith('#SBATCH')) sinks.push({ where: 'job.sbatch', text: norm(line) });
  }
  removeTree(runDir);
  removeTree(remoteRun);
  rmSync(file, { force: true });
  return { sinks, stderr: ran.stderr ?? '' };
}

// Where a plain value of each string input arrives (learned in beforeAll from a marker value):
// the sink, the text before the value in it, and for argv the element before (`--`, `-l`…).
interface Shape {
  where: string;
  prefix: string;
  prev?: string;
}
const shapes = new Map<string, Shape[]>();
const MARKERS = ['qwexmark', 'Qwexmark7', '98765', 'QWEXMARK'];

function shapesOf(sinks: Sink[], marker: string): Shape[] {
  const out = new Map<string, Shape>();
  for (const s of sinks) {
    const at = s.text.indexOf(marker);
    if (at < 0) continue;
    // The element before counts when it is an option taking the value, or "--": that is what
    // keeps the value from being read as an option. Anything else there depends on the chain.
    const shape = { where: s.where, prefix: s.text.slice(0, at), prev: s.prev?.startsWith('-') ? s.prev : undefined };
    out.set(JSON.stringify(shape), shape);
  }
  return [...out.values()];
}

/** The forms a delivered value may take: as written, or with a leading ~ / ~/ made $HOME. */
const delivered = (v: string) => (v === '~' ? [v, home] : v.startsWith('~/') ? [v, `${home}/${v.slice(2)}`] : [v]);

// A path the kernel cannot open (a component over NAME_MAX, 255 bytes, or the whole over PATH_MAX)
// never reaches the tool: the shell's redirection or mkdir fails first, saying so. That is the
// operating system refusing a value, not the value being run, so it is counted apart.
const OS_REFUSED = /File name too long/;

function expectDelivered(label: string, value: string, sinks: Sink[], stderr: string, c: Count): boolean {
  const want = shapes.get(label) ?? [];
  if (value === '' || want.length === 0) return false; // empty = "unset" by design; or not given to a tool
  for (const shape of want) {
    const found = sinks.some((s) => s.where === shape.where && (shape.prev === undefined || s.prev === shape.prev) && delivered(value).some((v) => s.text.startsWith(shape.prefix + v)));
    if (!found && OS_REFUSED.test(stderr) && Buffer.byteLength(value) > 255) return void c.osRefused++, false;
    expect(found, `${label} = ${JSON.stringify(value)} should reach ${shape.where} as ${JSON.stringify(shape.prefix)} + value${shape.prev ? ` after ${JSON.stringify(shape.prev)}` : ''}`).toBe(true);
  }
  return true;
}

/** A refusal must be a clear QwexError naming the file and the field. */
function expectClearRefusal(e: QwexError, codes: string[], file: string, field: string): void {
  expect(codes, `${e.code}: ${e.message}`).toContain(e.code);
  const text = `${e.message}\n${e.hint ?? ''}`;
  expect(text, 'the error names the file').toContain(file);
  expect(text, 'the error names the field').toContain(field);
}

// A random chain of layers holding `layer`, outer → inner as the composition rules want. Nothing
// runs inside k8s here (the kubectl stand-in starts no pod), so k8s is innermost.
const chainFor = (layer: string) =>
  fc.record({ ssh: fc.boolean(), slurm: fc.boolean(), container: fc.constantFrom(undefined, 'singularity', 'docker'), uv: fc.boolean() }).map((c): string[] => {
    if (layer === 'k8s') return c.ssh ? ['ssh', 'k8s'] : ['k8s'];
    const kind = manifests.get(layer)!.kind;
    const slots = [
      layer === 'ssh' || c.ssh ? 'ssh' : undefined,
      layer === 'slurm' || c.slurm ? 'slurm' : undefined,
      kind === 'container' ? layer : c.container,
      layer === 'uv-cache' || c.uv ? 'uv-cache' : undefined,
    ];
    return slots.filter((s): s is string => s !== undefined);
  });

interface Count {
  tried: number;
  refused: number;
  osRefused: number;
  rendered: number;
  delivered: number;
  codes: Record<string, number>;
}
const counts: Record<string, Count> = {};
const count = (cls: string) => (counts[cls] ??= { tried: 0, refused: 0, rendered: 0, delivered: 0, osRefused: 0, codes: {} });
const refused = (c: Count, e: QwexError) => (c.refused++, (c.codes[e.code] = (c.codes[e.code] ?? 0) + 1));
const report = (cls: string, what: string) => {
  const c = count(cls);
  const codes = Object.entries(c.codes).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`${cls}: ${c.tried} ${what} tried, ${c.refused} refused with a clear error${codes ? ` (${codes})` : ''}, ${c.rendered} rendered and stayed data under the stand-ins${c.delivered ? `, ${c.delivered} of them checked byte-identical at a stand-in` : ''}${c.osRefused ? `, ${c.osRefused} paths too long for the kernel (File name too long, before any tool)` : ''}`);
};

const RUNS = Number(process.env.QWEX_PROPERTY_RUNS ?? 80);
// Replaying a failure: FC_SEED=<seed from fast-check's report> runs the same values again.
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });
afterAll(() => console.log(`yaml emitter: ${emitterFallbacks} documents rewritten double-quoted because a block style did not round-trip (eemeli/yaml#692)`));

beforeAll(async () => {
  for (const [layer, input] of STRING_INPUTS) {
    const label = `${layer}.${input}`;
    for (const marker of MARKERS) {
      const values = { ...BASELINE, [layer]: { ...BASELINE[layer], ...ENABLE[label], [input]: marker } };
      const out = await renderAndRun({ config: config({ fuzz: runnerOf([layer], values) }, 'fuzz'), style: {} });
      if ('sinks' in out) {
        shapes.set(label, shapesOf(out.sinks, marker));
        break;
      }
    }
  }
}, 120_000);

describe('config values fuzzed through config.yaml and targets, rendered and run with stand-in backends (ssh, sbatch, apptainer, docker, uv, kubectl: all stand-ins)', () => {
  it('learned where plain values reach the stand-ins', () => {
    const reached = [...shapes].filter(([, s]) => s.length);
    // host after "--", image as a plain argv word, … — without these the delivery checks are empty.
    expect(shapes.get('ssh.host')).toContainEqual({ where: 'ssh argv', prefix: '', prev: '--' });
    expect(shapes.get('ssh.user')).toContainEqual({ where: 'ssh argv', prefix: '', prev: '-l' });
    expect(reached.length).toBeGreaterThan(20);
    console.log(`delivery shapes: ${reached.length} of ${STRING_INPUTS.length} string inputs reach a stand-in (${reached.map(([l]) => l).join(', ')})`);
  });

  for (const where of ['config', 'targets'] as const) {
    const cls = `string inputs via ${where === 'config' ? CONFIG_FILE : TARGETS_FILE}`;
    it(`every string input of every layer, set in ${where === 'config' ? CONFIG_FILE : TARGETS_FILE}: refused by validation or byte-identical data at the stand-ins`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...STRING_INPUTS).chain(([layer, input]) => fc.tuple(fc.constant(layer), fc.constant(input), hostile, chainFor(layer), style)),
          async ([layer, input, value, chain, st]) => {
            const c = count(cls);
            c.tried++;
            const label = `${layer}.${input}`;
            const values = { ...BASELINE, [layer]: { ...BASELINE[layer], ...ENABLE[label], ...(where === 'config' ? { [input]: value } : {}) } };
            const targets = where === 'targets' ? { [layer]: { [input]: value } } : undefined;
            const out = await renderAndRun({ config: config({ fuzz: runnerOf(chain, values) }, 'fuzz'), targets, style: st });
            if ('refused' in out) {
              refused(c, out.refused);
              // Validation, at file:line:col — not a filter failing later (a NUL byte reaching shq).
              expectClearRefusal(out.refused, ['INPUT_INVALID'], where === 'config' ? CONFIG_FILE : TARGETS_FILE, `input "${input}"`);
              return;
            }
            c.rendered++;
            if (expectDelivered(label, value, out.sinks, out.stderr, c)) c.delivered++;
          },
        ),
        { numRuns: RUNS },
      );
      report(cls, 'values');
    }, 180_000);
  }

  it('list items and map keys/values of every list and map input (not the shell lines and raw tool arguments they hold by design): refused or data', async () => {
    const cls = 'list and map inputs';
    const item = hostile;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COLLECTION_INPUTS).chain(([layer, input, type]) =>
          fc.tuple(
            fc.constant(layer),
            fc.constant(input),
            type === 'list' ? fc.array(item, { minLength: 1, maxLength: 3 }) : fc.dictionary(fc.oneof(item, fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/)), fc.oneof(item, fc.boolean(), fc.integer()), { minKeys: 1, maxKeys: 3 }),
            fc.constantFrom('config', 'targets'),
            style,
          ),
        ),
        async ([layer, input, value, where, st]) => {
          const c = count(cls);
          c.tried++;
          const values = { ...BASELINE, [layer]: { ...BASELINE[layer], ...(where === 'config' ? { [input]: value } : {}) } };
          const targets = where === 'targets' ? { [layer]: { [input]: value } } : undefined;
          const out = await renderAndRun({ config: config({ fuzz: runnerOf([layer], values) }, 'fuzz'), targets, style: st });
          if ('refused' in out) {
            refused(c, out.refused);
            // RENDER_FAILED: ident() refusing an item where no quoting is possible (an environment
            // variable name, an #SBATCH key) names the template line and the value.
            if (out.refused.code === 'RENDER_FAILED') expect(out.refused.message).toMatch(new RegExp(`^\\.qwex/templates/${layer}/[^:]+:\\d+:\\d+: ident: `));
            else expectClearRefusal(out.refused, ['INPUT_INVALID'], where === 'config' ? CONFIG_FILE : TARGETS_FILE, `input "${input}"`);
          } else c.rendered++;
        },
      ),
      { numRuns: RUNS },
    );
    report(cls, 'values');
  }, 180_000);
});

describe('hostile names are refused before they reach a path (ssh stand-in when one renders)', () => {
  const sshOnly = (values = BASELINE) => runnerOf(['ssh'], values);

  it('runner names in config.yaml, and given with -r', async () => {
    const cls = 'runner names';
    await fc.assert(
      fc.asyncProperty(nameArb, style, async (name, st) => {
        const c = count(cls);
        c.tried += 2;
        // As a key under runners:, picked with -r.
        let out = await renderAndRun({ config: config({ [name]: sshOnly() }), requested: name, style: st });
        if ('refused' in out) {
          refused(c, out.refused);
          expect(RUNNER_NAME_RE.test(name), `"${name}" is a valid runner name: ${out.refused.message}`).toBe(false);
          if (name === PROTO_KEY) expectClearRefusal(out.refused, ['CONFIG_INVALID'], `${CONFIG_FILE}:`, PROTO_REFUSED);
          else expectClearRefusal(out.refused, ['CONFIG_INVALID'], CONFIG_FILE, 'runners');
        } else {
          c.rendered++;
          expect(RUNNER_NAME_RE.test(name)).toBe(true);
        }
        // -r NAME when only "fuzz" exists: refused before .qwex/targets/NAME.yaml is even formed.
        out = await renderAndRun({ config: config({ fuzz: sshOnly() }), requested: name, style: st });
        if (name === 'fuzz') return void (expect('sinks' in out).toBe(true), c.rendered++);
        expect('refused' in out).toBe(true);
        if ('refused' in out) (refused(c, out.refused), expectClearRefusal(out.refused, ['RUNNER_NOT_FOUND'], CONFIG_FILE, 'runner'));
      }),
      { numRuns: RUNS },
    );
    report(cls, 'names');
  }, 120_000);

  it('defaults.runner', async () => {
    const cls = 'defaults.runner';
    await fc.assert(
      fc.asyncProperty(nameArb, style, async (name, st) => {
        const c = count(cls);
        c.tried++;
        const out = await renderAndRun({ config: config({ fuzz: sshOnly() }, name), style: st });
        if (name === 'fuzz') return void (expect('sinks' in out).toBe(true), c.rendered++);
        expect('refused' in out).toBe(true);
        if ('refused' in out) (refused(c, out.refused), expectClearRefusal(out.refused, ['CONFIG_INVALID'], CONFIG_FILE, 'defaults.runner'));
      }),
      { numRuns: RUNS },
    );
    report(cls, 'names');
  }, 120_000);

  it('template names in a runner\'s layers, layer names in the targets file, and input names', async () => {
    const cls = 'layer and input names';
    await fc.assert(
      fc.asyncProperty(nameArb, fc.boolean(), style, async (name, asMap, st) => {
        const c = count(cls);
        c.tried += 3;
        // A layer of the runner: a template name, which becomes .qwex/templates/<name>/.
        const entry = asMap ? { [name]: {} } : name;
        let out = await renderAndRun({ config: config({ fuzz: { layers: [entry] } }, 'fuzz'), style: st });
        if ('refused' in out) {
          refused(c, out.refused);
          if (asMap && name === PROTO_KEY) expectClearRefusal(out.refused, ['CONFIG_INVALID'], `${CONFIG_FILE}:`, PROTO_REFUSED);
          else if (TEMPLATE_NAME_RE.test(name) && !LAYERS.includes(name)) expectClearRefusal(out.refused, ['NOT_INSTALLED'], `layer "${name}"`, `qwex add ${name}`);
          else if (!LAYERS.includes(name)) expectClearRefusal(out.refused, ['CONFIG_INVALID'], CONFIG_FILE, 'runners.fuzz.layers[0]');
        } else (c.rendered++, expect(LAYERS).toContain(name));
        // A key of .qwex/targets/fuzz.yaml: must be one of the runner's layers.
        out = await renderAndRun({ config: config({ fuzz: sshOnly() }, 'fuzz'), targets: { [name]: {} }, style: st });
        if (name === 'ssh') expect('sinks' in out).toBe(true);
        else if ('refused' in out) (refused(c, out.refused), expectClearRefusal(out.refused, ['CONFIG_INVALID'], TARGETS_FILE, name === PROTO_KEY ? PROTO_REFUSED : `no layer "${name}"`));
        else expect.fail(`targets key ${JSON.stringify(name)} was accepted`);
        // An input name under a layer, in config.yaml: must be one the layer declares.
        const inputs = manifests.get('ssh')!.inputs.map((i) => i.name);
        out = await renderAndRun({ config: config({ fuzz: sshOnly({ ...BASELINE, ssh: { ...BASELINE.ssh, [name]: 'x' } }) }, 'fuzz'), style: st });
        if ('refused' in out) (refused(c, out.refused), name === PROTO_KEY ? expectClearRefusal(out.refused, ['CONFIG_INVALID'], `${CONFIG_FILE}:`, PROTO_REFUSED) : expectClearRefusal(out.refused, ['INPUT_INVALID'], `${CONFIG_FILE}:`, `input "${name}"`));
        else (c.rendered++, expect(inputs, 'an unknown input was accepted').toContain(name));
      }),
      { numRuns: RUNS },
    );
    report(cls, 'names');
  }, 180_000);

  it('run ids: only lowercase words reach the run dir and the script', async () => {
    const cls = 'run ids';
    await fc.assert(
      fc.asyncProperty(nameArb, async (id) => {
        const c = count(cls);
        c.tried++;
        const out = await renderAndRun({ config: config({ fuzz: runnerOf(['ssh', 'slurm'], BASELINE) }, 'fuzz'), style: {}, runId: id });
        if ('refused' in out) (refused(c, out.refused), expect(out.refused.code).toBe('USAGE'), expect(out.refused.message).toContain('run id'));
        else (c.rendered++, expect(RUN_ID_RE.test(id)).toBe(true));
      }),
      { numRuns: RUNS },
    );
    report(cls, 'ids');
  }, 120_000);
});
