// .qwex/config.yaml: the project's name, extra registries, runners and defaults.
import { z } from 'zod';
import { apiVersionSchema, templateNameSchema } from './common.js';

export const RUNNER_NAME_RE = /^[a-z][a-z0-9_-]{0,62}$/;

export const registryConfigSchema = z.union([
  z.string().min(1),
  z.strictObject({
    // Base URL or folder of a qwex registry (holding index.json); "${VAR}" is expanded from the environment.
    url: z.string().min(1),
    headers: z.record(z.string(), z.string()).default({}),
  }),
]);
export type RegistryConfig = z.infer<typeof registryConfigSchema>;

// A runner layer is a template name or a one-key mapping of the name to its values.
export const runnerLayerSchema = z.union([
  templateNameSchema,
  z.record(templateNameSchema, z.record(z.string(), z.unknown())).refine((m) => Object.keys(m).length === 1, 'a layer entry maps exactly one template name to its values'),
]);

export const runnerSchema = z.strictObject({
  description: z.string().optional(),
  layers: z.array(runnerLayerSchema).default([]),
});

export const projectConfigSchema = z
  .strictObject({
    apiVersion: apiVersionSchema,
    name: z.string().min(1),
    registries: z.record(z.string().regex(/^@[a-z0-9][a-z0-9-]*$/, 'must be a namespace such as "@acme"'), registryConfigSchema).default({}),
    defaults: z.strictObject({ runner: z.string().regex(RUNNER_NAME_RE).optional() }).default({}),
    runners: z.record(z.string().regex(RUNNER_NAME_RE, 'must be lowercase: a letter, then letters, digits, "-" or "_"'), runnerSchema).default({}),
  })
  .superRefine((c, ctx) => {
    const runner = c.defaults.runner;
    if (runner && !c.runners[runner])
      ctx.addIssue({ code: 'custom', path: ['defaults', 'runner'], message: `names runner "${runner}", which is not defined under runners` });
  })
  .meta({ id: 'config', title: 'qwex project config (.qwex/config.yaml)' });

export type ProjectConfig = z.infer<typeof projectConfigSchema>;
export { templateNameSchema };
