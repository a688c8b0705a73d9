// The published JSON Schemas, generated from the zod schemas (never written by hand), for editors
// (yaml-language-server, VS Code) and other tools. Written to registry/schema/ by the build.
import { toJSONSchema } from 'zod';
import { layerManifestSchema } from '../schema/layer.js';
import { registryItemSchema } from '../schema/item.js';
import { registryIndexSchema } from '../schema/index.js';
import { projectConfigSchema } from '../schema/config.js';
import { lockSchema } from '../schema/lock.js';
import { prettyJson } from './integrity.js';

export function jsonSchemas(): Record<string, string> {
  const schemas = { 'layer.json': layerManifestSchema, 'item.json': registryItemSchema, 'index.json': registryIndexSchema, 'config.json': projectConfigSchema, 'lock.json': lockSchema };
  return Object.fromEntries(Object.entries(schemas).map(([file, schema]) => [file, prettyJson(toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }))]));
}
