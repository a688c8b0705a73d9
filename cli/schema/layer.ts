// templates/<name>/layer.json: the manifest of a layer template's source.
// Named imports, not the `z` namespace: esbuild can then leave out the parts of zod we don't use.
import { array, enum as zEnum, strictObject, string } from 'zod';
import type { z } from 'zod';
import { apiVersionSchema, inputSchema, layerKindSchema, renamesSchema, upstreamSchema, requiresSchema, semverSchema, templateNameSchema } from './common.js';

export const layerManifestSchema = strictObject({
    $schema: string().optional(),
    apiVersion: apiVersionSchema,
    name: templateNameSchema,
    version: semverSchema,
    kind: layerKindSchema,
    runs_on: zEnum(['client', 'login', 'node', 'container']),
    description: string().min(1).max(200),
    // The template rendered to wrap `inner`; lifecycle templates (status/logs/cancel) sit beside it.
    main: string().regex(/\.j2$/, 'must name a .j2 file in the template folder'),
    inputs: array(inputSchema).default([]),
    requires: requiresSchema.default({}),
    tags: array(string()).default([]),
    renames: renamesSchema.optional(),
    upstream: upstreamSchema.optional(),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.inputs.forEach((input, i) => {
      if (seen.has(input.name)) ctx.addIssue({ code: 'custom', path: ['inputs', i, 'name'], message: `duplicate input "${input.name}"` });
      seen.add(input.name);
      if (input.required && input.default !== undefined)
        ctx.addIssue({ code: 'custom', path: ['inputs', i], message: 'an input is either required or has a default, not both' });
    });
    for (const [from, to] of Object.entries(m.renames ?? {}))
      if (from === to) ctx.addIssue({ code: 'custom', path: ['renames', from], message: 'a file cannot be renamed to itself' });
    if (m.requires[m.name]) ctx.addIssue({ code: 'custom', path: ['requires', m.name], message: 'a template cannot require itself' });
  })
  .meta({ id: 'layer', title: 'qwex layer manifest (templates/<name>/layer.json)' });

export type LayerManifest = z.infer<typeof layerManifestSchema>;
