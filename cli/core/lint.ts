// The template lint: walks each .j2's nunjucks AST (never a regex over the text) and checks that
// every output expression ends in a shell-safe filter, every variable is declared in layer.json
// (or is one qwex provides), every declared input is used; then renders each file with sample
// inputs. Pure: `qwex lint` adds sh -n and shellcheck on the samples; the registry build runs this.
import nunjucks from 'nunjucks';
import { didYouMean, isQwexError } from './errors.js';
import { makeEnvironment, renderFile } from './render.js';
import { commandScript, SAFE_FILTERS } from './shell.js';
import { RESERVED_INPUT_NAMES, type Input } from '../schema/common.js';
import type { LayerManifest } from '../schema/layer.js';

export interface LintFinding {
  file: string;
  line: number; // 1-based; 0 = the whole file
  message: string;
}

// Names nunjucks itself provides (globals and literals the parser may leave as symbols).
const BUILTINS = new Set(['loop', 'range', 'cycler', 'joiner', 'caller', 'super', 'true', 'false', 'none', 'True', 'False', 'None']);

interface AstNode {
  typename: string;
  lineno: number;
  colno: number;
  [k: string]: unknown;
}

const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && typeof (v as AstNode).typename === 'string';

interface Walk {
  used: Map<string, number>; // symbol → first line (1-based)
  bound: Set<string>;
  raw: { line: number; what: string }[];
  unsafe: { line: number; name: string }[];
}

function describeExpr(n: AstNode): string {
  if (n.typename === 'Symbol') return String(n.value);
  if (n.typename === 'LookupVal' && isNode(n.target) && isNode(n.val)) return `${describeExpr(n.target)}.${String(n.val.value ?? '…')}`;
  if (n.typename === 'Filter' && isNode(n.name)) return `… | ${String(n.name.value)}`;
  return n.typename.toLowerCase();
}

// An output expression is safe when its last step is one of the safe filters (through
// parentheses and both arms of an inline if).
function safeOutput(n: AstNode): boolean {
  if (n.typename === 'Group' && Array.isArray(n.children) && n.children.length === 1) return safeOutput(n.children[0] as AstNode);
  if (n.typename === 'InlineIf') return isNode(n.body) && safeOutput(n.body) && isNode(n.else_) && safeOutput(n.else_);
  return n.typename === 'Filter' && isNode(n.name) && (SAFE_FILTERS as readonly string[]).includes(String(n.name.value));
}

function bind(n: unknown, w: Walk): void {
  if (!isNode(n)) return;
  if (n.typename === 'Symbol') w.bound.add(String(n.value));
  else if (Array.isArray(n.children)) n.children.forEach((c) => bind(c, w));
}

function walk(n: unknown, w: Walk): void {
  if (Array.isArray(n)) return n.forEach((c) => walk(c, w));
  if (!isNode(n)) return;
  const line = n.lineno + 1;
  switch (n.typename) {
    case 'Output':
      for (const c of (n.children as unknown[]) ?? [])
        if (isNode(c) && c.typename !== 'TemplateData' && !safeOutput(c)) w.raw.push({ line: c.lineno + 1, what: describeExpr(c) });
      break;
    case 'Symbol':
      if (!w.used.has(String(n.value))) w.used.set(String(n.value), line);
      return;
    case 'Filter':
    case 'FilterAsync':
      if (isNode(n.name) && n.name.value === 'safe') w.unsafe.push({ line, name: 'safe' });
      return walk(n.args, w); // the filter's name is not a variable
    case 'LookupVal':
      walk(n.target, w);
      if (isNode(n.val) && n.val.typename !== 'Literal') walk(n.val, w);
      return;
    case 'Pair':
      if (!(isNode(n.key) && n.key.typename === 'Symbol')) walk(n.key, w); // dict and keyword keys are names
      return walk(n.value, w);
    case 'Set':
      (n.targets as unknown[]).forEach((t) => bind(t, w));
      break;
    case 'For':
    case 'AsyncEach':
    case 'AsyncAll':
      bind(n.name, w);
      walk(n.arr, w);
      walk(n.body, w);
      return walk(n.else_, w);
    case 'Macro':
    case 'Caller':
      bind(n.name, w);
      bind(n.args, w);
      return walk(n.body, w);
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'lineno' && k !== 'colno' && k !== 'typename' && (isNode(v) || Array.isArray(v))) walk(v, w);
}

/** The line of `"name": "<input>"` in layer.json's text, for pointing at an unused input. */
function inputLine(layerJson: string | undefined, name: string): number {
  const i = layerJson?.split('\n').findIndex((l) => l.includes(`"name": ${JSON.stringify(name)}`)) ?? -1;
  return i + 1;
}

/**
 * Lints one template: `files` maps display paths ("templates/ssh/ssh.sh.j2") to the .j2 sources;
 * `layerJsonPath`/`layerJson` locate unused inputs. Returns every finding, sorted by file and line.
 */
export function lintTemplate(opts: { manifest: LayerManifest; files: ReadonlyMap<string, string>; layerJsonPath: string; layerJson?: string }): LintFinding[] {
  const { manifest } = opts;
  const findings: LintFinding[] = [];
  const declared = new Set(manifest.inputs.map((i) => i.name));
  const known = [...declared, ...RESERVED_INPUT_NAMES];
  const usedAnywhere = new Set<string>();
  let unreadable = false; // a file we could not parse may use any input: skip the unused check
  for (const [file, src] of opts.files) {
    const marker = src.split('\n').findIndex((l) => /^(<{7}|={7}|>{7})( |\r?$)/.test(l));
    if (marker >= 0) {
      findings.push({ file, line: marker + 1, message: 'git conflict marker: resolve the conflict first' });
      unreadable = true;
      continue;
    }
    let ast: unknown;
    try {
      ast = (nunjucks as unknown as { parser: { parse(src: string, ext: unknown[], opts: object): unknown } }).parser.parse(src, [], {});
    } catch (e) {
      // the parser's TemplateError carries a 1-based lineno before it is formatted
      const line = Number((e as { lineno?: number }).lineno ?? 0);
      findings.push({ file, line, message: `template syntax: ${String((e as Error).message).trim()}` });
      unreadable = true;
      continue;
    }
    const w: Walk = { used: new Map(), bound: new Set(), raw: [], unsafe: [] };
    walk(ast, w);
    for (const r of w.raw)
      findings.push({ file, line: r.line, message: `{{ ${r.what} }} is output into shell text without quoting: end it with one of | ${SAFE_FILTERS.join(', | ')}` });
    for (const u of w.unsafe) findings.push({ file, line: u.line, message: `the "${u.name}" filter is forbidden in qwex templates` });
    for (const [name, line] of w.used) {
      usedAnywhere.add(name);
      if (declared.has(name) || w.bound.has(name) || BUILTINS.has(name) || (RESERVED_INPUT_NAMES as readonly string[]).includes(name)) continue;
      const guess = didYouMean(name, known);
      findings.push({ file, line, message: `"${name}" is not declared in layer.json inputs (nor one of ${RESERVED_INPUT_NAMES.join(', ')})${guess ? `; did you mean "${guess}"?` : ''}` });
    }
  }
  for (const input of manifest.inputs)
    if (!unreadable && !usedAnywhere.has(input.name))
      findings.push({ file: opts.layerJsonPath, line: inputLine(opts.layerJson, input.name), message: `input "${input.name}" is declared but no template uses it` });
  if (!findings.length) findings.push(...sampleRenderFindings(manifest, opts.files).findings);
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

/** A value for a required input when linting: its example, or a placeholder of its type. */
export function sampleValue(input: Input): unknown {
  if (input.example !== undefined) return input.example;
  return { string: 'example', integer: 1, number: 1, boolean: false, list: [], map: {} }[input.type];
}

/** The context a template is rendered with by the lint (and golden tests). */
export function sampleContext(manifest: LayerManifest, inner = commandScript(['python', 'train.py'])): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const i of manifest.inputs) {
    if (i.default !== undefined) values[i.name] = structuredClone(i.default);
    else if (i.required) values[i.name] = sampleValue(i);
  }
  const dir = '/tmp/qwex-lint/runs/lint-run';
  return {
    ...values,
    inner,
    run: { id: 'lint-run', dir, name: 'lint-run', commit: '0'.repeat(40), argv: ['python', 'train.py'] },
    code: { dir: `${dir}/src` },
    ctx: { mounts: [], env: {}, gpus: 0 },
    layer: { name: manifest.name, version: manifest.version },
  };
}

/** Renders every file with sample inputs; returns the outputs and any render failures as findings. */
export function sampleRenderFindings(manifest: LayerManifest, files: ReadonlyMap<string, string>): { findings: LintFinding[]; outputs: Map<string, string> } {
  const env = makeEnvironment(files);
  const context = sampleContext(manifest);
  const findings: LintFinding[] = [];
  const outputs = new Map<string, string>();
  for (const file of files.keys()) {
    try {
      outputs.set(file, renderFile(env, file, context));
    } catch (e) {
      if (!isQwexError(e)) throw e;
      const m = /^[^:]+:(\d+):\d+: ([\s\S]*)$/.exec(e.message);
      findings.push({ file, line: m ? Number(m[1]) : 0, message: `does not render with sample inputs: ${m ? m[2] : e.message}` });
    }
  }
  return { findings, outputs };
}

export function formatFindings(findings: readonly LintFinding[]): string {
  return findings.map((f) => `${f.file}${f.line ? `:${f.line}` : ''}: ${f.message}`).join('\n');
}
