import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertNoConflictMarkers, composeRunner, makeEnvironment, renderFile, renderLifecycle } from '../../cli/core/render.js';
import { argvFilter, b64, commandScript, ident, json, shEval, shq } from '../../cli/core/shell.js';
import { makeRunId } from '../../cli/core/run-id.js';
import { QwexError } from '../../cli/core/errors.js';
import type { ResolvedLayer } from '../../cli/core/runner.js';
import type { LayerManifest } from '../../cli/schema/layer.js';

const sh = (script: string): Buffer => execFileSync('sh', ['-c', script]);
const errorOf = (f: () => unknown): Error => {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('did not throw');
};

describe('filters', () => {
  it.each([["it's"], ['$(id) `id` $HOME \\ "q"'], ['a\nb'], [''], ['-n'], ['é 中 😀'], ["'\\''"]])('shq(%j) parses back to itself in sh', (v) => {
    expect(sh(`printf %s ${shq(v)}`).toString()).toBe(v);
  });

  it('argv quotes each element once and joins with spaces', () => {
    expect(argvFilter(['a b', "c'd", ''])).toBe(`'a b' 'c'\\''d' ''`);
    expect(sh(`printf '[%s]' ${argvFilter(['a b', '', '*'])}`).toString()).toBe('[a b][][*]');
  });

  it('sh_eval runs the script once through base64, with no line wrapping', () => {
    const script = `printf '%s' "x'y"\n`.repeat(200);
    expect(b64(script)).not.toContain('\n');
    expect(sh(shEval(script)).toString()).toBe("x'y".repeat(200));
  });

  it('json encodes manifests', () => expect(json({ a: 'x"y' })).toBe('{"a":"x\\"y"}'));

  it.each([
    ['shq', () => shq(undefined), /shq: expected a string, got undefined/],
    ['shq null', () => shq(null), /got null/],
    ['shq NUL', () => shq('a\0b'), /NUL byte/],
    ['argv of a string', () => argvFilter('python train.py'), /argv: expected a list, got string/],
    ['b64', () => b64(undefined), /b64: expected a string/],
    ['sh_eval', () => shEval(undefined), /sh_eval: expected a string/],
    ['json', () => json(undefined), /json: expected a value/],
    ['ident', () => ident(undefined), /ident: expected a string/],
  ])('%s throws on a missing value', (_, f, message) => expect(errorOf(f).message).toMatch(message));

  it.each([
    ['gpu:a100:2', undefined, true],
    ['qwex-20250101-abc', undefined, true],
    ['-x', undefined, false],
    ['a b', undefined, false],
    ['a\nb', undefined, false],
    ['/scratch/runs/x/logs/slurm-%j.out', 'path', true],
    ['relative/x', 'path', false],
    ['/a b', 'path', false],
  ])('ident(%j, %j) accepts: %s', (v, kind, ok) => {
    if (ok) expect(ident(v, kind)).toBe(v);
    else expect(errorOf(() => ident(v, kind)).message).toContain(JSON.stringify(v)); // the offending value is named
  });
});

describe('renderFile', () => {
  const files = new Map([
    ['t/a.j2', 'line1\nx={{ missing | shq }}\n'],
    ['t/b.j2', 'one\ntwo {{ name | ident }}\n'],
    ['t/c.j2', 'ok\n<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n'],
    ['t/d.j2', 'raw {{ x }}\n'],
  ]);
  const env = makeEnvironment(files);
  it.each([
    ['t/a.j2', {}, 'RENDER_FAILED', 't/a.j2:2:'],
    ['t/b.j2', { name: 'bad name' }, 'RENDER_FAILED', 't/b.j2:2:'],
    ['t/c.j2', {}, 'CONFLICT_MARKERS', 't/c.j2:2: holds a git conflict marker'],
    ['t/d.j2', {}, 'RENDER_FAILED', 't/d.j2:1:'],
  ])('%s → %s at file:line', (file, context, code, message) => {
    const e = errorOf(() => renderFile(env, file, context)) as QwexError;
    expect(e.code).toBe(code);
    expect(e.message.startsWith(message)).toBe(true);
  });

  it('names the offending value of ident in the error', () => {
    expect(errorOf(() => renderFile(env, 't/b.j2', { name: 'bad name' })).message).toContain('"bad name"');
  });

  it('finds conflict markers only at line starts', () => {
    expect(() => assertNoConflictMarkers('f', 'echo "=======" <<<<<<< x\n')).not.toThrow();
    expect(() => assertNoConflictMarkers('f', 'a\n>>>>>>> theirs\n')).toThrow(/f:2:/);
  });
});

const layer = (name: string, main: string, values: Record<string, unknown>, kind: LayerManifest['kind'] = 'env'): ResolvedLayer => ({
  name, values, given: {},
  manifest: { apiVersion: 'qwex/v1', name, version: '1.2.3', kind, runs_on: 'node', description: 'd', main, inputs: [], requires: {}, tags: [] },
});

describe('composeRunner', () => {
  const files = new Map([
    ['t/outer.j2', '#!/bin/sh\n# {{ layer.name | shq }} {{ run.dir | shq }} {{ code.dir | shq }} {{ ctx.gpus | shq }}\n{{ inner | sh_eval }}\n'],
    ['t/remote.j2', '#!/bin/sh\n# remote {{ run.dir | shq }}\n{{ inner | sh_eval }}\n'],
    ['t/sched.j2', '#!/bin/sh\n# sched {{ run.dir | shq }} {{ gpus | shq }}\n{{ inner | sh_eval }}\n'],
  ]);
  const run = { id: 'r1', name: 'r1', commit: 'c', localDir: '/home/me/p/.qwex/runs/r1' };
  const compose = (layers: ResolvedLayer[], argv = ['printf', '[%s]', "a'b", '']) =>
    composeRunner({ runner: 'hpc', layers, files, mainPath: (l) => l.manifest.main, argv, run });

  it('renders inner → outer and runs the argv exactly', () => {
    const { script } = compose([layer('outer', 't/outer.j2', {}), layer('outer2', 't/outer.j2', {})]);
    expect(script.startsWith("#!/bin/sh\n# 'outer' '/home/me/p/.qwex/runs/r1' '/home/me/p/.qwex/runs/r1/src' '0'\n")).toBe(true);
    expect(sh(script).toString()).toBe("[a'b][]");
  });

  it('the innermost script is the argv, never a string', () => {
    expect(commandScript(['echo', 'a b'])).toBe("#!/bin/sh\n# shellcheck disable=SC2016,SC2088\nset -eu\nexec 'echo' 'a b'\n");
  });

  it('gives layers inside a remote_base transport <remote_base>/runs/<id>, and ctx.gpus from the scheduler', () => {
    const { dirs, script } = compose([
      layer('ssh', 't/remote.j2', { remote_base: '/scratch/me/qwex/' }, 'transport'),
      layer('slurm', 't/sched.j2', { gpus: 2 }, 'scheduler'),
      layer('outer', 't/outer.j2', {}),
    ]);
    expect(dirs).toEqual(['/home/me/p/.qwex/runs/r1', '/scratch/me/qwex/runs/r1', '/scratch/me/qwex/runs/r1']);
    expect(sh(script).toString()).toBe("[a'b][]");
  });

  it('places the record wrapper inside the scheduler and code shipping inside the transport', () => {
    const seen: string[] = [];
    const { script } = composeRunner({
      runner: 'hpc',
      layers: [layer('ssh', 't/remote.j2', { remote_base: '/scratch/q' }, 'transport'), layer('slurm', 't/sched.j2', { gpus: 0 }, 'scheduler'), layer('outer', 't/outer.j2', {})],
      files, mainPath: (l) => l.manifest.main, argv: ['true'], run,
      record: (inner, dir) => (seen.push(`record@${dir}:${inner.includes("# 'outer'")}`), `#!/bin/sh\n# RECORD\n${inner}`),
      ship: (inner, dir) => (seen.push(`ship@${dir}:${inner.includes('# sched')}`), `#!/bin/sh\n# SHIP\n${inner}`),
    });
    expect(seen).toEqual(['record@/scratch/q/runs/r1:true', 'ship@/scratch/q/runs/r1:true']);
    expect(script).toMatch(/^#!\/bin\/sh\n# remote/); // the transport stays outermost
  });

  it('renders a layer’s lifecycle template with the run dir it had in the run', () => {
    const lc = new Map([...files, ['t/cancel.j2', '#!/bin/sh\nscancel --full --signal=TERM "$(cat {{ (run.dir ~ "/meta/scheduler_id") | shq }})"\n']]);
    const out = renderLifecycle({ runner: 'hpc', layers: [layer('ssh', 't/remote.j2', { remote_base: '/scratch/q' }, 'transport'), layer('slurm', 't/sched.j2', {}, 'scheduler')], files: lc, filePath: () => 't/cancel.j2', run, index: 1, file: 'cancel.sh.j2' });
    expect(out).toBe(`#!/bin/sh\nscancel --full --signal=TERM "$(cat '/scratch/q/runs/r1/meta/scheduler_id')"\n`);
  });

  it('refuses a ~ remote_base when layers sit inside it, naming the input', () => {
    const e = errorOf(() => compose([layer('ssh', 't/remote.j2', { remote_base: '~/.qwex' }, 'transport'), layer('outer', 't/outer.j2', {})])) as QwexError;
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.message).toMatch(/runner "hpc", layer "ssh", input "remote_base": "~\/\.qwex" is not absolute/);
    expect(() => compose([layer('ssh', 't/remote.j2', { remote_base: '~/.qwex' }, 'transport')])).not.toThrow();
  });

  it('makes time-ordered run ids', () => {
    const a = makeRunId(new Date(Date.UTC(2025, 0, 31, 23, 59, 59)), 0.5);
    expect(a).toMatch(/^20250131-235959-[0-9a-z]{4}$/);
    expect(makeRunId(new Date(Date.UTC(2025, 1, 1)), 0.99) > a).toBe(true);
  });
});
