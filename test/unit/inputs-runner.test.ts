import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { checkValue, validateInputs } from '../../cli/core/inputs.js';
import { pickRunner, resolveRunner, type RunnerInputs } from '../../cli/core/runner.js';
import { QwexError } from '../../cli/core/errors.js';
import { projectConfigSchema } from '../../cli/schema/config.js';
import type { Input } from '../../cli/schema/common.js';
import type { LayerManifest } from '../../cli/schema/layer.js';

const input = (i: Partial<Input> & Pick<Input, 'name' | 'type'>): Input => ({ description: 'd', ...i });

describe('checkValue', () => {
  it.each([
    [input({ name: 'host', type: 'string' }), 'csc', undefined],
    [input({ name: 'host', type: 'string' }), 22, /quote it in YAML \("22"\)/],
    [input({ name: 'host', type: 'string' }), null, /expected a string, got empty \(null\)/],
    [input({ name: 'port', type: 'integer' }), '22', /write it without quotes/],
    [input({ name: 'port', type: 'integer' }), 2.5, /expected an integer/],
    [input({ name: 'cpu', type: 'number' }), 0.5, undefined],
    [input({ name: 'on', type: 'boolean' }), 'true', /write true or false without quotes/],
    [input({ name: 'l', type: 'list' }), 'a', /write it as a YAML list: \["a"\]/],
    [input({ name: 'l', type: 'list' }), [{ a: 1 }], /item 0 must be a string or number/],
    [input({ name: 'm', type: 'map' }), { a: { b: 1 } }, /key "a" must map to a string, number or boolean/],
    [input({ name: 'm', type: 'map' }), { a: true, b: 'x', c: 1 }, undefined],
    [input({ name: 'mode', type: 'string', enum: ['attach', 'detach'] }), 'atach', /one of "attach", "detach".*did you mean "attach"/],
    [input({ name: 'j', type: 'string', pattern: '[a-z]+' }), 'abc', undefined],
    // full match: a pattern must cover the whole value
    [input({ name: 'j', type: 'string', pattern: '[a-z]+' }), 'abc1', /does not match the pattern/],
    [input({ name: 'i', type: 'string', pattern: '[^-].*' }), 'img\nx', /newlines are not allowed here/],
    // item_pattern for list items and map values, key_pattern for map keys: checked here, at file:line:col, not at render
    [input({ name: 'pass_env', type: 'list', item_pattern: '[A-Z_]+' }), ['CUDA_VISIBLE_DEVICES', 'HOME'], undefined],
    [input({ name: 'pass_env', type: 'list', item_pattern: '[A-Z_]+' }), ['HOME', 'MY-VAR'], /item 1, the string "MY-VAR", does not match the pattern \[A-Z_\]\+/],
    [input({ name: 'env', type: 'map', key_pattern: '[A-Za-z_][A-Za-z0-9_]*' }), { WANDB_MODE: 'offline', N: 1 }, undefined],
    [input({ name: 'env', type: 'map', key_pattern: '[A-Za-z_][A-Za-z0-9_]*' }), { 'A=B': 'x' }, /key "A=B" does not match the pattern/],
    [input({ name: 'extra', type: 'map', key_pattern: '[a-z-]+', item_pattern: '[a-z0-9]+' }), { exclusive: true, 'mail-type': 'end' }, undefined],
    [input({ name: 'extra', type: 'map', key_pattern: '[a-z-]+', item_pattern: '[a-z0-9]+' }), { 'mail-type': 'end; rm' }, /the value of key "mail-type", the string "end; rm", does not match/],
  ])('%o with %j', (inp, value, expected) => {
    const why = checkValue(inp, value);
    if (expected === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(expected);
  });
});

const manifest = (name: string, inputs: Input[], kind: LayerManifest['kind'] = 'env'): LayerManifest => ({
  apiVersion: 'qwex/v1', name, version: '1.0.0', kind, runs_on: 'node', description: 'd', main: `${name}.sh.j2`, inputs, requires: {}, tags: [],
});
const SSH = manifest('ssh', [input({ name: 'host', type: 'string', required: true }), input({ name: 'port', type: 'integer', default: 0 }), input({ name: 'options', type: 'map', default: {} })], 'transport');
const UV = manifest('uv-cache', [input({ name: 'groups', type: 'list', default: [] })]);

function inputsFor(configYaml: string, targetsYaml?: string, installed: Record<string, LayerManifest> = { ssh: SSH, 'uv-cache': UV }): RunnerInputs {
  const locator = (text: string) => {
    const lc = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter: lc });
    return { parsed: doc.toJS(), locate: (p: readonly PropertyKey[]) => { const n = doc.getIn(p as unknown[], true) as { range?: number[] } | undefined; return n?.range ? lc.linePos(n.range[0]!) : undefined; } };
  };
  const c = locator(configYaml);
  const t = targetsYaml === undefined ? undefined : { file: '.qwex/targets/hpc.yaml', ...locator(targetsYaml) };
  return { config: projectConfigSchema.parse(c.parsed), configFile: '.qwex/config.yaml', configLocate: c.locate, targets: t, installed: (n) => installed[n] ?? { missing: 'lock' } };
}

const CONFIG = `apiVersion: qwex/v1
name: p
defaults: { runner: hpc }
runners:
  hpc:
    layers:
      - ssh: { host: csc }
      - uv-cache
`;
const BAD_PORT = CONFIG.replace('{ host: csc }', '{ host: csc, port: "22" }');

describe('resolveRunner', () => {
  const errorOf = (f: () => unknown): QwexError => {
    try { f(); } catch (e) { return e as QwexError; }
    throw new Error('did not throw');
  };

  it('points a wrong type at config.yaml:line:col, naming runner, layer and input', () => {
    const e = errorOf(() => resolveRunner(inputsFor(BAD_PORT), 'hpc'));
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.message).toBe('.qwex/config.yaml:7:33: runner "hpc", layer "ssh", input "port": expected an integer, got the string "22"; write it without quotes');
  });

  it('lets targets override config values key by key, and applies defaults', () => {
    const r = resolveRunner(inputsFor(CONFIG, 'ssh: { port: 2222, options: { A: b } }\n'), 'hpc');
    expect(r.layers.map((l) => l.name)).toEqual(['ssh', 'uv-cache']);
    expect(r.layers[0]!.values).toEqual({ host: 'csc', port: 2222, options: { A: 'b' } });
    expect(r.layers[0]!.given).toEqual({ host: '.qwex/config.yaml', port: '.qwex/targets/hpc.yaml', options: '.qwex/targets/hpc.yaml' });
    expect(r.layers[1]!.values).toEqual({ groups: [] });
  });

  it.each([
    ['unknown input with did-you-mean, located in the targets file', 'ssh: { prot: 22 }\n', 'INPUT_INVALID', /\.qwex\/targets\/hpc\.yaml:1:14: runner "hpc", layer "ssh", input "prot": "ssh" has no input "prot"; did you mean "port"\?/],
    ['a targets key that is not a layer of the runner', 'shh: { host: x }\n', 'CONFIG_INVALID', /\.qwex\/targets\/hpc\.yaml:1:6: runner "hpc" has no layer "shh"/],
    ['targets that are not a map', '- a\n', 'CONFIG_INVALID', /must be a map of layer name/],
  ])('%s', (_, targets, code, message) => {
    const e = errorOf(() => resolveRunner(inputsFor(CONFIG, targets), 'hpc'));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('reports a missing required input at the layer entry', () => {
    const e = errorOf(() => resolveRunner(inputsFor(CONFIG.replace('ssh: { host: csc }', 'ssh: {}')), 'hpc'));
    expect(e.message).toBe('.qwex/config.yaml:7:9: runner "hpc", layer "ssh", input "host": required, but not set');
  });

  it('refuses a layer that is not installed, with qwex add as the hint', () => {
    const e = errorOf(() => resolveRunner(inputsFor(CONFIG, undefined, { ssh: SSH }), 'hpc'));
    expect([e.code, e.hint]).toEqual(['NOT_INSTALLED', 'qwex add uv-cache']);
    expect(e.message).toMatch(/runner "hpc" uses layer "uv-cache", which is not installed \(not in \.qwex\/qwex\.lock\)/);
  });

  it('picks -r, else defaults.runner, with did-you-mean for a typo', () => {
    const config = inputsFor(CONFIG).config;
    expect(pickRunner(config, undefined, 'c')).toBe('hpc');
    const e = errorOf(() => pickRunner(config, 'hcp', 'c'));
    expect([e.code, e.hint]).toEqual(['RUNNER_NOT_FOUND', 'Did you mean `hpc`? (qwex render -r hpc -- CMD)']);
  });

  it('lists every problem of a layer at once', () => {
    const e = errorOf(() => validateInputs(SSH.inputs, { runner: 'r', layer: 'ssh', values: { port: 'x', bogus: 1 }, sourceOf: () => ({ file: 'f', path: [] }), entry: { file: 'f', path: [] } }));
    expect(e.message.split('\n')).toHaveLength(4);
  });
});

describe('composition rules', () => {
  const SLURM = manifest('slurm', [], 'scheduler');
  const K8S = manifest('k8s', [], 'scheduler');
  const BOX = manifest('docker', [], 'container');
  const all = { ssh: SSH, 'uv-cache': UV, slurm: SLURM, k8s: K8S, docker: BOX };
  const runner = (...layers: string[]) => `apiVersion: qwex/v1\nname: p\nrunners:\n  hpc:\n    layers:\n${layers.map((l) => `      - ${l}\n`).join('')}`;
  const attempt = (...layers: string[]) => {
    try {
      resolveRunner(inputsFor(runner(...layers), undefined, all), 'hpc');
      return 'ok';
    } catch (e) {
      return (e as QwexError).message;
    }
  };
  it.each([
    [['ssh: { host: h }', 'slurm', 'docker', 'uv-cache'], 'ok'],
    [['slurm', 'docker'], 'ok'],
    [['uv-cache'], 'ok'],
    [['slurm', 'k8s'], '.qwex/config.yaml:7:9: runner "hpc" has two schedulers (slurm, k8s); a run is submitted to one'],
    [['slurm', 'ssh: { host: h }'], '.qwex/config.yaml:7:9: in runner "hpc", ssh (transport) comes inside slurm (scheduler); layers go outer → inner: transport, scheduler, container, env'],
    [['uv-cache', 'docker'], '.qwex/config.yaml:7:9: in runner "hpc", docker (container) comes inside uv-cache (env); layers go outer → inner: transport, scheduler, container, env'],
  ])('%j → %s', (layers, expected) => expect(attempt(...layers)).toBe(expected));
});
