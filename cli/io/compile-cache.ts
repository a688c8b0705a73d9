// The on-disk side of the compiled-template cache: nunjucks' generated code for a template, by a
// key derived from its path and exact source ($XDG_CACHE_HOME/qwex/compiled/<qwex version>/).
// A cache: failing to read or write it only costs time.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { compileKey, type CompiledCache } from '../core/render.js';
import { VERSION } from '../version.js';
import { atomicWrite, qwexCacheDir } from './fs.js';

export async function openCompileCache(env: NodeJS.ProcessEnv, files: ReadonlyMap<string, string>): Promise<CompiledCache & { save(): Promise<void> }> {
  const dir = path.join(qwexCacheDir(env), 'compiled', VERSION);
  const known = new Map<string, string>();
  const fresh = new Map<string, string>();
  await Promise.all(
    [...files].map(async ([name, src]) => {
      const key = compileKey(name, src);
      const code = await fs.readFile(path.join(dir, `${key}.js`), 'utf8').catch(() => undefined);
      if (code !== undefined) known.set(key, code);
    }),
  );
  return {
    get: (key) => known.get(key),
    set: (key, code) => void (known.set(key, code), fresh.set(key, code)),
    save: async () => {
      await Promise.all([...fresh].map(([key, code]) => atomicWrite(path.join(dir, `${key}.js`), code).catch(() => {})));
    },
  };
}
