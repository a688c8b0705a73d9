// `qwex fork`: the edited copy becomes a one-item registry (same build code as ours), a flat item
// for gists and a README; and `qwex registry init`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, readJson, snapshot } from './helpers.js';

async function edited() {
  const p = await project();
  expect((await p.run('add', 'ssh')).code).toBe(0);
  const script = path.join(p.dir, '.qwex/templates/ssh/ssh.sh.j2');
  await fs.writeFile(script, (await fs.readFile(script, 'utf8')).replace(/^#!\/bin\/sh\n/, '#!/bin/sh\n# our cluster\n'));
  return { ...p, script };
}

describe('qwex fork', () => {
  it('writes a registry, a flat item, the sources and a README; the fork installs in another project', async () => {
    const a = await edited();
    const r = await a.run('fork', 'ssh');
    expect(r.code, r.stderr).toBe(0);
    const out = path.join(a.dir, 'ssh-fork');
    expect((await fs.readdir(out)).sort()).toEqual(['README.md', 'index.json', 'schema', 'ssh', 'ssh.qwex.json', 'templates']);
    const item = await readJson(path.join(out, 'ssh/1.0.0-fork.1.json'));
    expect(item).toMatchObject({ name: 'ssh', version: '1.0.0-fork.1', type: 'registry:item', upstream: { source: 'embedded', name: 'ssh', version: '1.0.0' }, registryDependencies: [] });
    expect(item.files.find((f: { path: string }) => f.path === 'ssh.sh.j2').content).toContain('# our cluster');
    expect(item.files.every((f: { target: string }) => f.target.startsWith('~/.qwex/templates/ssh/'))).toBe(true);
    expect(await readJson(path.join(out, 'ssh.qwex.json'))).toEqual(item);
    expect((await readJson(path.join(out, 'index.json'))).items.ssh.latest).toBe('1.0.0-fork.1');
    expect(await fs.readFile(path.join(out, 'templates/ssh/ssh.sh.j2'), 'utf8')).toContain('# our cluster');
    expect((await readJson(path.join(out, 'templates/ssh/layer.json'))).version).toBe('1.0.0-fork.1');
    // The fork folder is an ordinary registry: rebuilding it from its templates/ changes nothing.
    const before = await snapshot(out);
    const rebuilt = await a.run('registry', 'build', path.join(out, 'templates'), '--out', out);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(await snapshot(out)).toEqual(before);
    const readme = await fs.readFile(path.join(out, 'README.md'), 'utf8');
    expect(readme).toContain(`qwex add ${out}`);
    expect(readme).toContain('qwex add gist:GIST_ID');
    // The same validation as our own registry.
    const valid = await a.run('registry', 'validate', out);
    expect(valid.code, valid.stderr).toBe(0);
    // Installs from the folder and from the flat item.
    for (const spec of [out, path.join(out, 'ssh.qwex.json')]) {
      const b = await project();
      const added = await b.run('add', spec);
      expect(added.code, added.stderr).toBe(0);
      expect(await fs.readFile(path.join(b.dir, '.qwex/templates/ssh/ssh.sh.j2'), 'utf8')).toContain('# our cluster');
    }
  });

  it('bumps -fork.N on the next fork, does nothing when nothing changed, and takes --as / --fork-version', async () => {
    const a = await edited();
    expect((await a.run('fork', 'ssh', '--out', 'f')).code).toBe(0);
    const same = await a.run('fork', 'ssh', '--out', 'f');
    expect(same.code).toBe(0);
    expect(same.stderr).toContain('nothing to fork');
    await fs.appendFile(a.script, '# more\n');
    const next = await a.run('fork', 'ssh', '--out', 'f', '--json');
    expect(JSON.parse(next.stdout).version).toBe('1.0.0-fork.2');
    expect((await readJson(path.join(a.dir, 'f/index.json'))).items.ssh.versions.map((v: { version: string }) => v.version)).toEqual(['1.0.0-fork.2', '1.0.0-fork.1']);
    const renamed = await a.run('fork', 'ssh', '--as', 'ssh-lab', '--fork-version', '2.0.0', '--json');
    expect(renamed.code, renamed.stderr).toBe(0);
    const item = await readJson(path.join(a.dir, 'ssh-lab-fork/ssh-lab/2.0.0.json'));
    expect(item).toMatchObject({ name: 'ssh-lab', version: '2.0.0', upstream: { name: 'ssh', version: '1.0.0' } });
    expect(item.files[0].target).toMatch(/^~\/\.qwex\/templates\/ssh-lab\//);
  });

  it('refuses an unsafe edit (lint) and an unknown template, writing nothing', async () => {
    const a = await edited();
    await fs.appendFile(a.script, 'echo {{ host }}\n');
    const before = await snapshot(a.dir);
    const r = await a.run('fork', 'ssh');
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('nothing was written');
    expect(await snapshot(a.dir)).toEqual(before);
    const missing = await a.run('fork', 'shh');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('did you mean ssh?');
  });
});

describe('qwex registry init', () => {
  it('scaffolds templates/, a README and a CI check, never overwriting; the result builds', async () => {
    const p = await project();
    const r = await p.run('registry', 'init', 'org');
    expect(r.code, r.stderr).toBe(0);
    const org = path.join(p.dir, 'org');
    expect(await fs.readFile(path.join(org, '.github/workflows/qwex-registry.yml'), 'utf8')).toContain('qwex registry build templates --out registry --check');
    expect(await fs.readFile(path.join(org, 'README.md'), 'utf8')).toContain('qwex add @acme/<name>');
    await fs.writeFile(path.join(org, 'README.md'), 'mine\n');
    expect((await p.run('registry', 'init', 'org')).stderr).toContain('kept');
    expect(await fs.readFile(path.join(org, 'README.md'), 'utf8')).toBe('mine\n');
    await p.run('add', 'ssh');
    await fs.cp(path.join(p.dir, '.qwex/templates/ssh'), path.join(org, 'templates/ssh'), { recursive: true });
    const built = await p.run('registry', 'build', 'org/templates', '--out', 'org/registry');
    expect(built.code, built.stderr).toBe(0);
    expect((await p.run('add', 'ssh', '--registry', 'org/registry', '--overwrite')).code).toBe(0);
  });
});
