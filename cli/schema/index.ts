// registry/index.json: every template and every published version, newest first, with the
// integrity of each version file. Helm's index is the model; small, sorted, stable.
// Named imports, not the `z` namespace: esbuild can then leave out the parts of zod we don't use.
import { array, record, strictObject, string } from 'zod';
import type { z } from 'zod';
import { apiVersionSchema, integritySchema, layerKindSchema, semverSchema, templateNameSchema } from './common.js';

export const indexVersionSchema = strictObject({
  version: semverSchema,
  created: string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'must be an ISO 8601 UTC timestamp'),
  integrity: integritySchema,
  deprecated: string().optional(),
});

export const indexEntrySchema = strictObject({
  description: string(),
  kind: layerKindSchema,
  latest: semverSchema,
  tags: array(string()).default([]),
  versions: array(indexVersionSchema).min(1),
});

export const registryIndexSchema = strictObject({
    $schema: string().optional(),
    apiVersion: apiVersionSchema,
    name: string().optional(),
    items: record(templateNameSchema, indexEntrySchema),
  })
  .superRefine((index, ctx) => {
    for (const [name, entry] of Object.entries(index.items)) {
      if (!entry.versions.some((v) => v.version === entry.latest))
        ctx.addIssue({ code: 'custom', path: ['items', name, 'latest'], message: `"${entry.latest}" is not one of the listed versions` });
      const seen = new Set<string>();
      entry.versions.forEach((v, i) => {
        if (seen.has(v.version)) ctx.addIssue({ code: 'custom', path: ['items', name, 'versions', i], message: `version ${v.version} is listed twice` });
        seen.add(v.version);
      });
    }
  })
  .meta({ id: 'index', title: 'qwex registry index (registry/index.json)' });

export type RegistryIndex = z.infer<typeof registryIndexSchema>;
export type IndexEntry = z.infer<typeof indexEntrySchema>;
export type IndexVersion = z.infer<typeof indexVersionSchema>;
