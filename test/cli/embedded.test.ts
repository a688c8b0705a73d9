// The registry shipped inside the package: built from templates/, installable offline.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, project, qwex, readJson } from './helpers.js';

const LAYERS = ['docker', 'k8s', 'singularity', 'slurm', 'ssh', 'uv-cache'];

async function templateFiles(name: string): Promise<string[]> {
  return (await fs.readdir(path.join(REPO, 'templates', name), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(path.join(REPO, 'templates', name), path.join(e.parentPath, e.name))).sort();
}

describe('the embedded registry', () => {
  it('is up to date with templates/ and valid', async () => {
    const check = await qwex(['registry', 'build', 'templates', '--out', 'registry', '--check'], { cwd: REPO });
    expect(check.code, check.stderr).toBe(0);
    const valid = await qwex(['registry', 'validate', 'registry', '--json'], { cwd: REPO });
    expect(JSON.parse(valid.stdout)).toMatchObject({ templates: 6, problems: [] });
  });

  it('holds the six first-party layers, each a shadcn registry:item with qwex fields', async () => {
    const index = await readJson(path.join(REPO, 'registry/index.json'));
    expect(Object.keys(index.items)).toEqual(LAYERS);
    for (const name of LAYERS) {
      const item = await readJson(path.join(REPO, 'registry', name, `${index.items[name].latest}.json`));
      expect(item).toMatchObject({ $schema: 'https://ui.shadcn.com/schema/registry-item.json', name, type: 'registry:item', registryDependencies: [], dependencies: [] });
      expect(['transport', 'scheduler', 'container', 'env']).toContain(item.kind);
      expect(item.files.map((f: { path: string }) => f.path)).toEqual(await templateFiles(name));
      for (const f of item.files) expect(f).toMatchObject({ type: 'registry:file', target: `~/.qwex/templates/${name}/${f.path}` });
      expect(item.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['README.md', 'layer.json', item.main]));
    }
  });

  it('the ssh layer declares the inputs users configure', async () => {
    const { run } = await project();
    const view = JSON.parse((await run('view', 'ssh', '--json')).stdout);
    const inputs = Object.fromEntries(view.inputs.map((i: { name: string }) => [i.name, i]));
    expect(inputs.host).toMatchObject({ type: 'string', required: true });
    expect(inputs.options).toMatchObject({ type: 'map' });
    expect(inputs.control_master).toMatchObject({ type: 'boolean', default: true });
    for (const name of ['user', 'port', 'identity_file']) expect(inputs).toHaveProperty(name);
  });

  it('qwex add ssh works offline and copies the template byte for byte', async () => {
    const { dir, run } = await project();
    const r = await run('add', 'ssh');
    expect(r.code, r.stderr).toBe(0);
    for (const file of await templateFiles('ssh'))
      expect(await fs.readFile(path.join(dir, '.qwex/templates/ssh', file), 'utf8')).toBe(await fs.readFile(path.join(REPO, 'templates/ssh', file), 'utf8'));
    expect((await readJson(path.join(dir, '.qwex/qwex.lock'))).templates.ssh).toMatchObject({ source: 'embedded', requested: '^1.0.0', version: '1.0.0' });
  });

  it('qwex add of all six at once', async () => {
    const { dir, run } = await project();
    const r = await run('add', ...LAYERS, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).templates.map((t: { name: string }) => t.name)).toEqual(LAYERS);
    expect(Object.keys((await readJson(path.join(dir, '.qwex/qwex.lock'))).templates)).toEqual(LAYERS);
  });
});
