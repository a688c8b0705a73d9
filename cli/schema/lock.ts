// .qwex/qwex.lock: what was installed, from where, and the pristine hash of every file, so
// diff and update have an exact merge base (reference/update.md §7.3).
// Named imports, not the `z` namespace: esbuild can then leave out the parts of zod we don't use.
import { literal, record, strictObject, string } from 'zod';
import type { z } from 'zod';
import { apiVersionSchema, fileModeSchema, integritySchema, semverSchema, templateNameSchema } from './common.js';

export const lockFileEntrySchema = strictObject({
  // sha256 of the pristine content at baseVersion: the merge base for the next update.
  base: integritySchema,
  baseVersion: semverSchema,
  mode: fileModeSchema,
  // An update left conflict markers here: the base stays put until the markers are gone.
  pending: strictObject({ to: semverSchema, upstream: integritySchema }).optional(),
  // Deleted by the user: updates keep it deleted instead of bringing it back.
  deleted: literal(true).optional(),
});

export const lockEntrySchema = strictObject({
  // Where it came from: "embedded", "@ns", a registry folder/URL, or an item file/URL.
  source: string().min(1),
  requested: string().min(1),
  version: semverSchema,
  integrity: integritySchema,
  files: record(string(), lockFileEntrySchema),
});

export const lockSchema = strictObject({
    apiVersion: apiVersionSchema,
    lockfileVersion: literal(1),
    templates: record(templateNameSchema, lockEntrySchema),
  })
  .meta({ id: 'lock', title: 'qwex lock file (.qwex/qwex.lock)' });

export type Lock = z.infer<typeof lockSchema>;
export type LockEntry = z.infer<typeof lockEntrySchema>;
