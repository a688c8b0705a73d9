// The files `qwex init` creates, as text. Pure, so tests and the demo see exactly what users get.
import { API_VERSION } from '../schema/constants.js';

export function projectName(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'project';
}

export function initialConfig(name: string): string {
  return `# yaml-language-server: $schema=./config.schema.json
# qwex project config. Templates live in .qwex/templates/ (yours to edit); qwex view <name> lists their inputs.
apiVersion: ${API_VERSION}
name: ${JSON.stringify(name)}

# Extra registries by namespace, for \`qwex add @acme/ssh\`. "\${VAR}" is read from the environment
# when needed and never written anywhere.
# registries:
#   "@acme":
#     url: https://registry.acme.example/qwex
#     headers: { Authorization: "Bearer \${ACME_TOKEN}" }

defaults:
  runner: local

# A runner lists its layers outer → inner; each is a template name or "name: { input: value }":
#   hpc:
#     layers:
#       - ssh: { host: login.cluster, user: me, remote_base: /home/me/.qwex }
#       - slurm: { partition: gpu, time: "02:00:00" }
#       - singularity: { image: /scratch/images/torch.sif }
#       - uv-cache
runners:
  local:
    layers: []
`;
}

export const GITIGNORE = `# per-machine overrides and secrets (hosts, accounts, tokens)
targets/
# qwex's scratch space for atomic installs, and the lock held while a command changes the project
.tmp/
.lock
# run artifacts pulled back (qwex pull) and worktrees of runs' commits (qwex checkout)
runs/
checkouts/
`;
