// Pieces shared by every qwex schema. Pure zod: no I/O.
// Named imports, not the `z` namespace: esbuild can then leave out the parts of zod we don't use.
import { array, boolean, config, enum as zEnum, literal, number, record, strictObject, string, union, unknown } from 'zod';
import type { z } from 'zod';
import semverValid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { API_VERSION, TEMPLATE_NAME_RE } from './constants.js';

// zod compiles a fast parser per object schema with new Function(); a CLI parses each schema a
// handful of times per process, so the compile costs more than it saves.
config({ jitless: true });

export { API_VERSION, TEMPLATE_NAME_RE } from './constants.js';
export const apiVersionSchema = literal(API_VERSION);

export const templateNameSchema = string()
  .regex(TEMPLATE_NAME_RE, 'must be lowercase kebab-case: a letter, then letters, digits or "-" (at most 63)');

export const semverSchema = string()
  .refine((v) => semverValid(v) === v, 'must be an exact semver version such as "1.2.0"');

export const semverRangeSchema = string()
  .refine((v) => validRange(v) !== null, 'must be a semver range such as "^1.0.0"');

// Subresource-integrity style digests, as npm writes them: sha256-<base64>.
export const integritySchema = string().regex(/^sha256-[A-Za-z0-9+/]{43}=$/, 'must be "sha256-" + base64 of a SHA-256 digest');

export const fileModeSchema = zEnum(['0644', '0755']);

export const LAYER_KINDS = ['transport', 'scheduler', 'container', 'env'] as const;
export const layerKindSchema = zEnum(LAYER_KINDS);

export const INPUT_TYPES = ['string', 'integer', 'number', 'boolean', 'list', 'map'] as const;

// Names every template already receives from qwex; an input may not shadow them.
export const RESERVED_INPUT_NAMES = ['inner', 'run', 'code', 'ctx', 'layer'] as const;

// A JavaScript regular expression's source, matched whole (inputs.ts fullMatch).
const regexSource = string().refine((p) => {
  try {
    new RegExp(`^(?:${p})$`, 'u');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

export const inputSchema = strictObject({
  name: string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case')
    .refine((n) => !(RESERVED_INPUT_NAMES as readonly string[]).includes(n), `is reserved (${RESERVED_INPUT_NAMES.join(', ')})`),
  type: zEnum(INPUT_TYPES),
  description: string().min(1),
  required: boolean().optional(),
  default: unknown().optional(),
  enum: array(union([string(), number()])).optional(),
  // For values that land where shell quoting is impossible (#SBATCH lines, k8s names).
  pattern: regexSource.optional(),
  // The same for the items of a list and the string values of a map, and for a map's keys
  // (environment variable names, sbatch option names): a bad one is refused at file:line:col.
  item_pattern: regexSource.optional(),
  key_pattern: regexSource.optional(),
  example: unknown().optional(),
});
export type Input = z.infer<typeof inputSchema>;

// Other qwex templates this one needs, with semver ranges: { "ssh": "^1.0.0" }.
export const requiresSchema = record(templateNameSchema, semverRangeSchema);

// Files an upstream version renamed, old path → new path, so `qwex update` carries edits over.
// Cumulative: list every rename since any version users may still have installed.
export const renamesSchema = record(string().min(1).max(255), string().min(1).max(255));

// Where a forked template came from, so diffs against the original stay possible.
export const upstreamSchema = strictObject({ source: string(), name: templateNameSchema, version: semverSchema });
