// Questions about the runners in .qwex/config.yaml.
import type { ProjectConfig } from '../schema/config.js';

export function layerName(entry: string | Record<string, unknown>): string {
  return typeof entry === 'string' ? entry : Object.keys(entry)[0]!;
}

/** Names of the runners whose layers include `template`. */
export function runnersUsing(config: ProjectConfig, template: string): string[] {
  return Object.entries(config.runners)
    .filter(([, runner]) => runner.layers.some((l) => layerName(l) === template))
    .map(([name]) => name);
}
