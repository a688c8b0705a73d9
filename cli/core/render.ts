// The render engine: nunjucks with autoescape off and throwOnUndefined, the shell-safe filters of
// reference/layers.md §1.5, and composition of a runner's layers inner → outer into one POSIX sh
// script. Pure (no fs/process/clock); loaded only by the commands that render, since nunjucks is big.
import nunjucks from 'nunjucks';
import { QwexError } from './errors.js';
import { conflictMarkerLine } from './conflict-markers.js';
import { sha256Integrity } from './integrity.js';
import { recordPosition, transportPosition, type ResolvedLayer } from './runner.js';
import { argvFilter, b64, commandScript, ident, json, RUN_ID_RE, shEval, shq } from './shell.js';


// nunjucks does not record the line of a filter call, so an error thrown by a filter (shq of a
// missing value, ident of a bad name) would carry no position. Make every filter call set it.
// Module-level, once: the patch only adds `lineno = …` bookkeeping to compiled templates.
type CompilerProto = { compileFilter: (this: { _emit(s: string): void }, node: { lineno: number; colno: number }, frame: unknown) => void; __qwexLines?: boolean };
const proto = (nunjucks as unknown as { compiler: { Compiler: { prototype: CompilerProto } } }).compiler.Compiler.prototype;
if (!proto.__qwexLines) {
  const original = proto.compileFilter;
  proto.compileFilter = function (node, frame) {
    this._emit(`(lineno = ${node.lineno + 1}, colno = ${node.colno + 1}, `);
    original.call(this, node, frame);
    this._emit(')');
  };
  proto.__qwexLines = true;
}


/** Refuses a template that still holds git conflict markers (a half-finished `qwex update`). */
export function assertNoConflictMarkers(file: string, src: string): void {
  const line = conflictMarkerLine(src);
  if (line)
    throw new QwexError('CONFLICT_MARKERS', `${file}:${line}: holds a git conflict marker (${src.split('\n')[line - 1]!.slice(0, 7)}); it cannot be rendered`, {
      hint: `resolve the conflict in ${file} (keep the lines you want, delete the markers), then run the command again`,
    });
}

/** Compiled templates (nunjucks' generated JS) by compileKey; io/ keeps them on disk between runs. */
export interface CompiledCache {
  get(key: string): string | undefined;
  set(key: string, code: string): void;
}

const ENV_OPTS = { autoescape: false, throwOnUndefined: true } as const;

/** Names a template's compiled form: its path (errors show it) and its exact source. */
export function compileKey(name: string, src: string): string {
  return sha256Integrity(`qwex-compiled-v1\0${name}\0${src}`).slice(7).replace(/[/+=]/g, (c) => ({ '/': '_', '+': '-', '=': '' })[c]!);
}

class MemoryLoader extends nunjucks.Loader {
  constructor(
    private readonly files: ReadonlyMap<string, string>,
    private readonly compiled?: CompiledCache,
  ) {
    super();
  }
  getSource(name: string) {
    const src = this.files.get(name);
    if (src === undefined) throw new Error(`template not found: ${name}`);
    assertNoConflictMarkers(name, src);
    if (!this.compiled) return { src, path: name, noCache: true };
    // Compiling the four templates of a runner is most of `qwex render`'s own time; the compiled
    // code depends only on the path and the source, so it is reused across runs.
    const key = compileKey(name, src);
    let code = this.compiled.get(key);
    if (code === undefined) {
      try {
        code = (nunjucks as unknown as { compiler: { compile(src: string, af: unknown[], ext: unknown[], name: string, opts: object): string } }).compiler.compile(src, [], [], name, ENV_OPTS);
      } catch {
        return { src, path: name, noCache: true }; // let nunjucks report the error the usual way
      }
      this.compiled.set(key, code);
    }
    return { src: { type: 'code', obj: new Function(code)() }, path: name, noCache: true } as unknown as nunjucks.LoaderSource;
  }
}

/** A nunjucks environment over in-memory files (keys are the paths shown in errors). */
export function makeEnvironment(files: ReadonlyMap<string, string>, compiled?: CompiledCache): nunjucks.Environment {
  const env = new nunjucks.Environment(new MemoryLoader(files, compiled), ENV_OPTS);
  env.addFilter('shq', shq);
  env.addFilter('b64', b64);
  env.addFilter('argv', argvFilter);
  env.addFilter('sh_eval', shEval);
  env.addFilter('json', json);
  env.addFilter('ident', ident);
  return env;
}

/** Renders one file; nunjucks errors become RENDER_FAILED naming file:line. */
export function renderFile(env: nunjucks.Environment, file: string, context: Record<string, unknown>): string {
  try {
    return env.render(file, context);
  } catch (e) {
    if (e instanceof QwexError) throw e;
    const msg = String((e as Error).message ?? e);
    const pos = /\[Line (\d+), Column (\d+)\]/.exec(msg);
    const detail = msg.replace(/^\([^)]*\)( \[Line \d+, Column \d+\])?\s*/, '').replace(/^Error: /, '').trim();
    throw new QwexError('RENDER_FAILED', `${file}${pos ? `:${pos[1]}:${pos[2]}` : ''}: ${detail}`, {
      hint: `fix the template or the values it gets (qwex render --explain shows them)`,
      cause: e,
    });
  }
}

export interface RunInfo {
  id: string;
  name: string;
  commit: string;
  /** The run dir where the outermost layer executes (the client): absolute. */
  localDir: string;
  /** Where the code is on the client (a worktree of the commit); default <run dir>/src. */
  codeDir?: string;
}


/**
 * The run dir each layer sees where it executes, outer → inner. Outside any transport it is the
 * local run dir; inside a layer with a `remote_base` input (ssh) it is <remote_base>/runs/<id>;
 * inside one with `pod_run_dir` (k8s) it is that. Inner layers put run.dir in #SBATCH lines and
 * same-path binds, so it must be absolute at render time: a "~" remote_base is refused when
 * layers sit inside it.
 */
export function runDirs(layers: readonly ResolvedLayer[], runner: string, run: RunInfo): string[] {
  return dirsAround(layers, runner, run).slice(0, layers.length);
}

// As runDirs, plus one more entry: the run dir inside the innermost layer.
function dirsAround(layers: readonly ResolvedLayer[], runner: string, run: RunInfo): string[] {
  const dirs: string[] = [];
  let dir = run.localDir;
  layers.forEach((l, i) => {
    dirs.push(dir);
    const rb = l.values.remote_base;
    const pod = l.values.pod_run_dir;
    const hasInner = i < layers.length - 1;
    if (typeof rb === 'string' && rb !== '') {
      if (!rb.startsWith('/') && hasInner)
        throw new QwexError('INPUT_INVALID', `runner "${runner}", layer "${l.name}", input "remote_base": ${JSON.stringify(rb)} is not absolute, but the layers inside ${l.name} (${layers.slice(i + 1).map((x) => x.name).join(', ')}) need the run dir as an absolute path when the script is rendered`, {
          hint: `set remote_base to an absolute path on the host, e.g. remote_base: /home/<you>/.qwex (in .qwex/config.yaml or .qwex/targets/${runner}.yaml)`,
        });
      dir = `${rb.replace(/\/+$/, '')}/runs/${run.id}`;
    } else if (typeof pod === 'string' && pod !== '') dir = pod.replace(/\/+$/, '');
  });
  dirs.push(dir);
  return dirs;
}


export interface Composition {
  script: string;
  /** Per layer, outer → inner: the run dir it was rendered with. */
  dirs: string[];
}

/**
 * Composes `layers` (outer → inner) around `argv`: renders inner → outer, each layer's main
 * template getting `inner` (the script of everything inside it), its validated values as
 * top-level variables, and run/code/ctx/layer. `files` maps "<dir>/<layer>/<file>" paths (as shown
 * in errors) to sources; `mainPath(layer)` gives a layer's key. Throws RENDER_FAILED,
 * CONFLICT_MARKERS or INPUT_INVALID (a run dir that cannot be known).
 */
export function composeRunner(opts: {
  runner: string;
  layers: readonly ResolvedLayer[];
  files: ReadonlyMap<string, string>;
  mainPath: (layer: ResolvedLayer) => string;
  argv: readonly string[];
  run: RunInfo;
  /** Wraps the script that runs inside the record position (see recordPosition), given the run dir there. */
  record?: (inner: string, runDir: string) => string;
  /** Wraps what runs just inside the transport (code shipping), outside the record wrapper. */
  ship?: (inner: string, runDir: string) => string;
  compiled?: CompiledCache;
}): Composition {
  const { layers, run } = opts;
  if (!RUN_ID_RE.test(run.id)) throw new QwexError('USAGE', `run id ${JSON.stringify(run.id)} must match ${RUN_ID_RE.source}`);
  if (!run.localDir.startsWith('/')) throw new QwexError('USAGE', `run dir ${JSON.stringify(run.localDir)} must be absolute`);
  const around = dirsAround(layers, opts.runner, run);
  const dirs = around.slice(0, layers.length);
  const at = recordPosition(layers);
  const transportAt = transportPosition(layers);
  const scheduler = layers.find((l) => l.manifest.kind === 'scheduler');
  const gpus = typeof scheduler?.values.gpus === 'number' ? scheduler.values.gpus : 0;
  const env = makeEnvironment(opts.files, opts.compiled);
  let inner = commandScript(opts.argv);
  for (let i = layers.length - 1; i >= -1; i--) {
    if (i === at && opts.record) inner = opts.record(inner, around[i + 1]!);
    if (i === transportAt && i >= 0 && opts.ship) inner = opts.ship(inner, around[i + 1]!);
    if (i < 0) break;
    const l = layers[i]!;
    const context = {
      ...l.values,
      inner,
      run: { id: run.id, dir: dirs[i], name: run.name, commit: run.commit, argv: [...opts.argv] },
      code: { dir: run.codeDir && dirs[i] === run.localDir ? run.codeDir : `${dirs[i]}/src` },
      ctx: { mounts: [], env: {}, gpus },
      layer: { name: l.name, version: l.manifest.version },
    };
    inner = renderFile(env, opts.mainPath(l), context);
    if (!inner.endsWith('\n')) inner += '\n';
  }
  return { script: inner, dirs };
}

/**
 * A layer's lifecycle template (cancel.sh.j2, status.sh.j2) for a run, rendered with the same
 * values and run dir as the layer had in the run, and no `inner`.
 */
export function renderLifecycle(opts: {
  runner: string;
  layers: readonly ResolvedLayer[];
  files: ReadonlyMap<string, string>;
  filePath: (layer: ResolvedLayer, file: string) => string;
  run: RunInfo;
  index: number;
  file: string;
}): string {
  const dirs = runDirs(opts.layers, opts.runner, opts.run);
  const l = opts.layers[opts.index]!;
  const scheduler = opts.layers.find((x) => x.manifest.kind === 'scheduler');
  const gpus = typeof scheduler?.values.gpus === 'number' ? scheduler.values.gpus : 0;
  return renderFile(makeEnvironment(opts.files), opts.filePath(l, opts.file), {
    ...l.values,
    run: { id: opts.run.id, dir: dirs[opts.index], name: opts.run.name, commit: opts.run.commit, argv: [] },
    code: { dir: `${dirs[opts.index]}/src` },
    ctx: { mounts: [], env: {}, gpus },
    layer: { name: l.name, version: l.manifest.version },
  });
}
