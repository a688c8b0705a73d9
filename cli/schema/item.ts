// registry/<name>/<version>.json: one published version of a template, files inlined.
// It is a valid shadcn `registry:item` (shadcn drops the keys it does not know), so
// `npx shadcn add <url>` can install it too; qwex's own fields sit beside shadcn's.
import { z } from 'zod';
import { fileModeSchema, inputSchema, integritySchema, layerKindSchema, requiresSchema, semverSchema, templateNameSchema } from './common.js';

export const SHADCN_ITEM_SCHEMA_URL = 'https://ui.shadcn.com/schema/registry-item.json';

export const itemFileSchema = z.strictObject({
  // Relative to the template folder, '/'-separated: "ssh.sh.j2", "lifecycle/cancel.sh.j2".
  path: z.string().min(1).max(255),
  type: z.literal('registry:file'),
  // shadcn reads "~/" as the project root: "~/.qwex/templates/<name>/<path>".
  target: z.string().min(1).max(512),
  content: z.string(),
  sha256: integritySchema,
  mode: fileModeSchema,
});
export type ItemFile = z.infer<typeof itemFileSchema>;

export const registryItemSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: templateNameSchema,
    type: z.literal('registry:item'),
    title: z.string().optional(),
    description: z.string(),
    version: semverSchema,
    kind: layerKindSchema,
    runs_on: z.enum(['client', 'login', 'node', 'container']),
    main: z.string(),
    inputs: z.array(inputSchema),
    requires: requiresSchema,
    tags: z.array(z.string()).default([]),
    docs: z.string().optional(),
    // Forked templates say where they came from, so diffs against the original stay possible.
    upstream: z.strictObject({ source: z.string(), name: templateNameSchema, version: semverSchema }).optional(),
    // shadcn's own dependency fields: always empty, or shadcn would resolve them as its own
    // items and as npm packages.
    registryDependencies: z.array(z.string()).max(0, 'must stay empty: use "requires" for qwex templates'),
    dependencies: z.array(z.string()).max(0, 'must stay empty: qwex templates have no npm dependencies'),
    files: z.array(itemFileSchema).min(1),
  })
  .meta({ id: 'item', title: 'qwex registry item (registry/<name>/<version>.json), a shadcn registry:item' });

export type RegistryItem = z.infer<typeof registryItemSchema>;
