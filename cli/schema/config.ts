// .qwex/config.yaml: the project's name, extra registries, runners and defaults.
// Named imports, not the `z` namespace: esbuild can then leave out the parts of zod we don't use.
import { array, number, record, strictObject, string, union, unknown } from 'zod';
import type { z } from 'zod';
import { apiVersionSchema, templateNameSchema } from './common.js';

export const RUNNER_NAME_RE = /^[a-z][a-z0-9_-]{0,62}$/;

export const registryConfigSchema = union([
  string().min(1),
  strictObject({
    // Base URL or folder of a qwex registry (holding index.json); "${VAR}" is expanded from the environment.
    url: string().min(1),
    headers: record(string(), string()).default({}),
  }),
]);
export type RegistryConfig = z.infer<typeof registryConfigSchema>;

// A runner layer is a template name or a one-key mapping of the name to its values.
export const runnerLayerSchema = union([
  templateNameSchema,
  record(templateNameSchema, record(string(), unknown())).refine((m) => Object.keys(m).length === 1, 'a layer entry maps exactly one template name to its values'),
]);

export const runnerSchema = strictObject({
  description: string().optional(),
  layers: array(runnerLayerSchema).default([]),
});

export const projectConfigSchema = strictObject({
    apiVersion: apiVersionSchema,
    name: string().min(1),
    registries: record(string().regex(/^@[a-z0-9][a-z0-9-]*$/, 'must be a namespace such as "@acme"'), registryConfigSchema).default({}),
    defaults: strictObject({ runner: string().regex(RUNNER_NAME_RE).optional() }).default({}),
    // What `qwex run` copies from the worktree into the run's files/ after the command.
    artifacts: strictObject({
      watch: array(string().min(1)).default(['out']),
      ignore: array(string()).default([]),
      max_file_size: number().int().positive().default(100 * 1024 * 1024),
    }).default({ watch: ['out'], ignore: [], max_file_size: 100 * 1024 * 1024 }),
    runners: record(string().regex(RUNNER_NAME_RE, 'must be lowercase: a letter, then letters, digits, "-" or "_"'), runnerSchema).default({}),
  })
  .superRefine((c, ctx) => {
    const runner = c.defaults.runner;
    if (runner && !Object.hasOwn(c.runners, runner))
      ctx.addIssue({ code: 'custom', path: ['defaults', 'runner'], message: `names runner "${runner}", which is not defined under runners` });
  })
  .meta({ id: 'config', title: 'qwex project config (.qwex/config.yaml)' });

export type ProjectConfig = z.infer<typeof projectConfigSchema>;
export { templateNameSchema };
