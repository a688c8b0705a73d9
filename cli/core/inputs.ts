// Validates a layer's values against the inputs its layer.json declares, BEFORE rendering:
// nunjucks' throwOnUndefined only guards output, so `{% if x %}` over a typo would silently be
// false. Pure: callers pass where each value came from so errors can point at file:line:col.
import { didYouMean, QwexError } from './errors.js';
import { formatPath, type Locate } from './schema-errors.js';
import type { Input } from '../schema/common.js';

/** Where a layer's values live: a file, the path of the values map in it, and a locator. */
export interface ValueSource {
  file: string;
  path: readonly PropertyKey[];
  locate?: Locate;
}

export interface LayerValues {
  runner: string;
  layer: string;
  /** Merged values (targets over config) and, per key, the file it came from. */
  values: Record<string, unknown>;
  sourceOf: (key: string) => ValueSource;
  /** Where to point when a required input is missing: the layer's entry in config.yaml. */
  entry: ValueSource;
}

export interface InputProblem {
  where: string; // "file:line:col" or "file"
  message: string;
}

const describe = (v: unknown): string =>
  v === null ? 'empty (null)' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `the ${typeof v} ${String(v)}`;

// Every value ends up in an argv, an environment or a file name: C strings, which end at NUL.
const NUL = 'contains a NUL byte, which no program can receive (a "\\0" escape in YAML)';

/** Full-match test of a declared pattern: `pattern: "[a-z]+"` must cover the whole value. */
export function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(value);
}

/** Why `value` does not fit `input` (type, enum, pattern), or undefined when it does. */
export function checkValue(input: Input, value: unknown): string | undefined {
  switch (input.type) {
    case 'string':
      if (typeof value === 'number' || typeof value === 'boolean')
        return `expected a string, got ${describe(value)}; quote it in YAML ("${String(value)}") to pass it as a string`;
      if (typeof value !== 'string') return `expected a string, got ${describe(value)}`;
      if (value.includes('\0')) return NUL;
      break;
    case 'integer':
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return `expected an integer, got ${describe(value)}; write it without quotes`;
      if (typeof value !== 'number' || !Number.isInteger(value)) return `expected an integer, got ${describe(value)}`;
      break;
    case 'number':
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return `expected a number, got ${describe(value)}; write it without quotes`;
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number, got ${describe(value)}`;
      break;
    case 'boolean':
      if (value === 'true' || value === 'false' || value === 'yes' || value === 'no') return `expected true or false, got ${describe(value)}; write true or false without quotes`;
      if (typeof value !== 'boolean') return `expected true or false, got ${describe(value)}`;
      break;
    case 'list':
      if (!Array.isArray(value)) return `expected a list, got ${describe(value)}${typeof value === 'string' ? `; write it as a YAML list: [${JSON.stringify(value)}]` : ''}`;
      for (const [i, item] of value.entries())
        if (typeof item !== 'string' && typeof item !== 'number') return `item ${i} must be a string or number, got ${describe(item)}`;
        else if (typeof item === 'string' && item.includes('\0')) return `item ${i} ${NUL}`;
        else if (input.item_pattern !== undefined && !fullMatch(input.item_pattern, String(item))) return `item ${i}, ${describe(item)}, does not match the pattern ${input.item_pattern}`;
      break;
    case 'map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `expected a map (key: value), got ${describe(value)}`;
      for (const [k, v] of Object.entries(value))
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return `key "${k}" must map to a string, number or boolean, got ${describe(v)}`;
        else if (k.includes('\0') || (typeof v === 'string' && v.includes('\0'))) return `key ${JSON.stringify(k)}: ${NUL}`;
        else if (input.key_pattern !== undefined && !fullMatch(input.key_pattern, k)) return `key ${JSON.stringify(k)} does not match the pattern ${input.key_pattern}`;
        else if (input.item_pattern !== undefined && typeof v !== 'boolean' && !fullMatch(input.item_pattern, String(v))) return `the value of key ${JSON.stringify(k)}, ${describe(v)}, does not match the pattern ${input.item_pattern}`;
      break;
  }
  if (input.enum && !input.enum.includes(value as string | number)) {
    const hint = typeof value === 'string' ? didYouMean(value, input.enum.map(String)) : undefined;
    return `must be one of ${input.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${describe(value)}${hint ? `; did you mean "${hint}"?` : ''}`;
  }
  if (input.pattern !== undefined && typeof value === 'string' && !fullMatch(input.pattern, value))
    return `${describe(value)} does not match the pattern ${input.pattern}${/[\n\r]/.test(value) ? ' (newlines are not allowed here)' : ''}`;
  return undefined;
}

function at(src: ValueSource, extra: readonly PropertyKey[] = []): string {
  const pos = src.locate?.([...src.path, ...extra]);
  return `${src.file}${pos ? `:${pos.line}:${pos.col}` : ''}`;
}

/**
 * Returns the layer's variables: declared defaults applied (deep copies), then the given values.
 * Throws one INPUT_INVALID listing every problem (unknown key with did-you-mean, wrong type,
 * enum, full-match pattern, required missing), each at its file:line:col.
 */
export function validateInputs(inputs: readonly Input[], lv: LayerValues): Record<string, unknown> {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const problems: InputProblem[] = [];
  const label = (name: string) => `runner "${lv.runner}", layer "${lv.layer}", input "${name}"`;
  const out: Record<string, unknown> = {};
  for (const input of inputs) if (input.default !== undefined) out[input.name] = structuredClone(input.default);

  for (const [key, value] of Object.entries(lv.values)) {
    const src = lv.sourceOf(key);
    const input = byName.get(key);
    if (!input) {
      const guess = didYouMean(key, byName.keys());
      problems.push({ where: at(src, [key]), message: `${label(key)}: "${lv.layer}" has no input "${key}"${guess ? `; did you mean "${guess}"?` : ''}` });
      continue;
    }
    const why = checkValue(input, value);
    if (why) problems.push({ where: at(src, [key]), message: `${label(key)}: ${why}` });
    else out[key] = value;
  }
  for (const input of inputs)
    if (input.required && !(input.name in lv.values))
      problems.push({ where: at(lv.entry), message: `${label(input.name)}: required, but not set${input.example !== undefined ? ` (e.g. ${input.name}: ${JSON.stringify(input.example)})` : ''}` });

  if (problems.length) throw inputError(lv, problems);
  return out;
}

function inputError(lv: LayerValues, problems: InputProblem[]): QwexError {
  const lines = problems.map((p) => `${p.where}: ${p.message}`);
  const message = lines.length === 1 ? lines[0]! : `${lines.length} problems with the inputs of layer "${lv.layer}" in runner "${lv.runner}":\n  ${lines.join('\n  ')}`;
  return new QwexError('INPUT_INVALID', message, {
    hint: `see the inputs of ${lv.layer} in .qwex/templates/${lv.layer}/README.md (or qwex view ${lv.layer}); values go in ${formatPath(lv.entry.path)} of ${lv.entry.file}`,
  });
}
