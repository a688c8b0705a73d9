// registry/<name>/<version>.json: one published version of a template, files inlined.
// It is a valid shadcn `registry:item` (shadcn drops the keys it does not know), so
// `npx shadcn add <url>` can install it too; qwex's own fields sit beside shadcn's.
// Named imports, not the `z` namespace: esbuild can then leave out the parts of zod we don't use.
import { array, enum as zEnum, literal, strictObject, string } from 'zod';
import type { z } from 'zod';
import { fileModeSchema, renamesSchema, upstreamSchema, inputSchema, integritySchema, layerKindSchema, requiresSchema, semverSchema, templateNameSchema } from './common.js';

// A template is a handful of small scripts; these bound what a hostile item can make qwex write.
export const MAX_FILES = 256;
export const MAX_FILE_CHARS = 1024 * 1024;

export const SHADCN_ITEM_SCHEMA_URL = 'https://ui.shadcn.com/schema/registry-item.json';

export const itemFileSchema = strictObject({
  // Relative to the template folder, '/'-separated: "ssh.sh.j2", "lifecycle/cancel.sh.j2".
  path: string().min(1).max(255),
  type: literal('registry:file'),
  // shadcn reads "~/" as the project root: "~/.qwex/templates/<name>/<path>".
  target: string().min(1).max(512),
  content: string().max(MAX_FILE_CHARS, 'a template file may hold at most 1 MiB'),
  sha256: integritySchema,
  mode: fileModeSchema,
});
export type ItemFile = z.infer<typeof itemFileSchema>;

export const registryItemSchema = strictObject({
    $schema: string().optional(),
    name: templateNameSchema,
    type: literal('registry:item'),
    title: string().optional(),
    description: string(),
    version: semverSchema,
    kind: layerKindSchema,
    runs_on: zEnum(['client', 'login', 'node', 'container']),
    main: string(),
    inputs: array(inputSchema),
    requires: requiresSchema,
    tags: array(string()).default([]),
    renames: renamesSchema.optional(),
    docs: string().optional(),
    // Forked templates say where they came from, so diffs against the original stay possible.
    upstream: upstreamSchema.optional(),
    // shadcn's own dependency fields: always empty, or shadcn would resolve them as its own
    // items and as npm packages.
    registryDependencies: array(string()).max(0, 'must stay empty: use "requires" for qwex templates'),
    dependencies: array(string()).max(0, 'must stay empty: qwex templates have no npm dependencies'),
    files: array(itemFileSchema).min(1).max(MAX_FILES, `a template may have at most ${MAX_FILES} files`),
  })
  .meta({ id: 'item', title: 'qwex registry item (registry/<name>/<version>.json), a shadcn registry:item' });

export type RegistryItem = z.infer<typeof registryItemSchema>;
