// The shipped layer templates, read from templates/ for tests that render them directly:
// every .j2 by "<layer>/<file>", and every manifest parsed.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { layerManifestSchema, type LayerManifest } from '../../cli/schema/layer.js';

export const TEMPLATES = path.resolve(import.meta.dirname, '../../templates');

export function loadTemplates(): { files: Map<string, string>; manifests: Map<string, LayerManifest> } {
  const files = new Map<string, string>();
  const manifests = new Map<string, LayerManifest>();
  for (const name of readdirSync(TEMPLATES)) {
    const dir = path.join(TEMPLATES, name);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.j2'))) files.set(`${name}/${f}`, readFileSync(path.join(dir, f), 'utf8'));
    manifests.set(name, layerManifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'layer.json'), 'utf8'))));
  }
  return { files, manifests };
}

/**
 * Values that make each shipped layer quick under the stand-ins (test/support/standins.ts):
 * detach (no polling loops), no ControlMaster, no login shell; ssh's remote_base is `remoteBase`,
 * so every "host" is this machine.
 */
export function quickValues(remoteBase: string): Record<string, Record<string, unknown>> {
  return {
    ssh: { host: 'stand-in-host', remote_base: remoteBase, login_env: false, control_master: false },
    slurm: { mode: 'detach', time: '10' },
    singularity: { image: '/images/x.sif' },
    docker: { image: 'img:latest', user: '' },
    'uv-cache': { sync: false },
    k8s: { image: 'img:latest', mode: 'detach' },
  };
}
