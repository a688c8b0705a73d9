// `qwex fork`, the pure part: the derived version (1.2.0-fork.N), the upstream record added to a
// registry build plan, and the README with the install commands. io/ and commands/fork.ts do the rest.
import { itemIntegrity, prettyJson } from './integrity.js';
import type { BuildPlan } from './build-registry.js';
import type { RegistryItem } from '../schema/item.js';
import type { RegistryIndex } from '../schema/index.js';

export type Upstream = NonNullable<RegistryItem['upstream']>;

/** `1.2.0` → `1.2.0-fork.1`, or `.N+1` when `existing` already has fork versions of the same base. */
export function forkVersion(upstreamVersion: string, existing: readonly string[]): string {
  const base = upstreamVersion.replace(/-fork\.\d+$/, '');
  const re = new RegExp(`^${base.replace(/[.+]/g, '\\$&')}-fork\\.(\\d+)$`);
  const n = Math.max(0, ...existing.map((v) => Number(re.exec(v)?.[1] ?? 0)));
  return `${base}-fork.${n + 1}`;
}

export function forkReadme(o: { name: string; item: RegistryItem; upstream: Upstream; dir: string; git: boolean; flat: boolean }): string {
  const { name, item, upstream, dir } = o;
  const flatFile = `${name}.qwex.json`;
  const lines = [
    `# ${name} ${item.version}`,
    '',
    item.description,
    '',
    `A fork of \`${upstream.name}@${upstream.version}\` (from \`${upstream.source}\`), made with \`qwex fork\`.`,
    `\`qwex diff\` and \`qwex update\` in projects that install it compare against this repository's later revisions.`,
    '',
    '## Install',
    '',
    '```sh',
    `# from this folder`,
    `qwex add ${o.flat ? `${dir}/${flatFile}` : dir}`,
    ...(o.git ? [`# from this git repository, as it is here (or any clone of it)`, `qwex add git+file://${dir}`] : []),
    `# after pushing it to a git host (use your own owner/repo, branch or gist id)`,
    ...(o.flat ? [] : [`qwex add git+https://github.com/OWNER/REPO.git`, `qwex add github:OWNER/REPO#main`]),
    `qwex add gist:GIST_ID`,
    `# with shadcn's CLI (no versions, no updates)`,
    `npx shadcn add https://raw.githubusercontent.com/OWNER/REPO/main/${flatFile}`,
    '```',
    '',
    '## Publish a new revision',
    '',
    `Edit \`.qwex/templates/${upstream.name}/\` in your project, then run \`qwex fork ${upstream.name}${name !== upstream.name ? ` --as ${name}` : ''} --out ${dir}${o.flat ? ' --flat' : ''}${o.git ? ' --git' : ''}\` again:`,
    `it publishes the next \`-fork.N\` version here${o.git ? ' and commits it' : ''}. Push, and projects that installed it see the change with \`qwex diff ${name}\`.`,
    '',
    '## Files',
    '',
    `- \`${flatFile}\`: the newest version as one registry item (a gist holds only this file and this README)`,
    ...(o.flat
      ? []
      : [
          `- \`index.json\`, \`${name}/<version>.json\`, \`schema/\`: a qwex registry holding every version published here`,
          `- \`templates/${name}/\`: the template's source as forked`,
        ]),
    '',
  ];
  return lines.join('\n');
}
