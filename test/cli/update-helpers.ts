// Fixture registries with several versions of one template, built by the real `registry build`
// from template folders written here, version after version.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { project, qwex, readJson, tempDir } from './helpers.js';

export type FileSpec = string | { content: string; mode: '0644' | '0755' };
export interface VersionSpec {
  version: string;
  files: Record<string, FileSpec>; // besides layer.json; the main template is "t.sh.j2"
  renames?: Record<string, string>;
}

export async function versionedRegistry(name: string, versions: VersionSpec[]): Promise<string> {
  const base = tempDir('qwex-versions-');
  for (const v of versions) {
    const dir = path.join(base, 'templates', name);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    const manifest = { apiVersion: 'qwex/v1', name, version: v.version, kind: 'env', runs_on: 'node', description: `fixture ${name}`, main: 't.sh.j2', inputs: [], requires: {}, ...(v.renames ? { renames: v.renames } : {}) };
    await fs.writeFile(path.join(dir, 'layer.json'), JSON.stringify(manifest, null, 2) + '\n');
    for (const [file, spec] of Object.entries(v.files)) {
      const { content, mode } = typeof spec === 'string' ? { content: spec, mode: '0644' as const } : spec;
      await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fs.writeFile(path.join(dir, file), content, { mode: parseInt(mode, 8) });
      await fs.chmod(path.join(dir, file), parseInt(mode, 8));
    }
    const r = await qwex(['registry', 'build', 'templates', '--out', 'registry'], { cwd: base, env: { SOURCE_DATE_EPOCH: '1764547200' } });
    if (r.code !== 0) throw new Error(`registry build of ${name}@${v.version} failed: ${r.stderr}`);
  }
  return path.join(base, 'registry');
}

export const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

/** A project with `spec` of template t installed from `registry`, requested as ^1.0.0 (room to update). */
export async function installed(registry: string, spec = 't@1.0.0') {
  const p = await project();
  const r = await p.run('add', spec, '--registry', registry);
  if (r.code !== 0) throw new Error(r.stderr);
  // Record the range users get from a plain `qwex add t`, so updates have room to move.
  const lockFile = path.join(p.dir, '.qwex/qwex.lock');
  const lock = await readJson(lockFile);
  lock.templates.t.requested = '^1.0.0';
  await fs.writeFile(lockFile, JSON.stringify(lock, null, 2));
  const file = (f: string) => path.join(p.dir, '.qwex/templates/t', f);
  return { ...p, file, lockFile, read: (f: string) => fs.readFile(file(f), 'utf8'), lock: async () => (await readJson(lockFile)).templates.t };
}
