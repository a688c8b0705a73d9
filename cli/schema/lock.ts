// .qwex/qwex.lock: what was installed, from where, and the pristine hash of every file, so
// diff and update have an exact merge base (reference/update.md §7.3).
import { z } from 'zod';
import { apiVersionSchema, fileModeSchema, integritySchema, semverSchema, templateNameSchema } from './common.js';

export const lockFileEntrySchema = z.strictObject({
  base: integritySchema,
  baseVersion: semverSchema,
  mode: fileModeSchema,
});

export const lockEntrySchema = z.strictObject({
  // Where it came from: "embedded", "@ns", a registry folder/URL, or an item file/URL.
  source: z.string().min(1),
  requested: z.string().min(1),
  version: semverSchema,
  integrity: integritySchema,
  files: z.record(z.string(), lockFileEntrySchema),
});

export const lockSchema = z
  .strictObject({
    apiVersion: apiVersionSchema,
    lockfileVersion: z.literal(1),
    templates: z.record(templateNameSchema, lockEntrySchema),
  })
  .meta({ id: 'lock', title: 'qwex lock file (.qwex/qwex.lock)' });

export type Lock = z.infer<typeof lockSchema>;
export type LockEntry = z.infer<typeof lockEntrySchema>;
