// Pieces shared by every qwex schema. Pure zod: no I/O.
import { z } from 'zod';
import semverValid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';

export const API_VERSION = 'qwex/v1';
export const apiVersionSchema = z.literal(API_VERSION);

// Template names end up in paths, job names and shell words: keep them boring.
export const TEMPLATE_NAME_RE = /^[a-z][a-z0-9-]{0,62}$/;
export const templateNameSchema = z
  .string()
  .regex(TEMPLATE_NAME_RE, 'must be lowercase kebab-case: a letter, then letters, digits or "-" (at most 63)');

export const semverSchema = z
  .string()
  .refine((v) => semverValid(v) === v, 'must be an exact semver version such as "1.2.0"');

export const semverRangeSchema = z
  .string()
  .refine((v) => validRange(v) !== null, 'must be a semver range such as "^1.0.0"');

// Subresource-integrity style digests, as npm writes them: sha256-<base64>.
export const integritySchema = z.string().regex(/^sha256-[A-Za-z0-9+/]{43}=$/, 'must be "sha256-" + base64 of a SHA-256 digest');

export const fileModeSchema = z.enum(['0644', '0755']);

export const LAYER_KINDS = ['transport', 'scheduler', 'container', 'env'] as const;
export const layerKindSchema = z.enum(LAYER_KINDS);

export const INPUT_TYPES = ['string', 'integer', 'number', 'boolean', 'list', 'map'] as const;

// Names every template already receives from qwex; an input may not shadow them.
export const RESERVED_INPUT_NAMES = ['inner', 'run', 'code', 'ctx', 'layer'] as const;

export const inputSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case')
    .refine((n) => !(RESERVED_INPUT_NAMES as readonly string[]).includes(n), `is reserved (${RESERVED_INPUT_NAMES.join(', ')})`),
  type: z.enum(INPUT_TYPES),
  description: z.string().min(1),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  enum: z.array(z.union([z.string(), z.number()])).optional(),
  // For values that land where shell quoting is impossible (#SBATCH lines, k8s names).
  pattern: z.string().optional(),
  example: z.unknown().optional(),
});
export type Input = z.infer<typeof inputSchema>;

// Other qwex templates this one needs, with semver ranges: { "ssh": "^1.0.0" }.
export const requiresSchema = z.record(templateNameSchema, semverRangeSchema);
