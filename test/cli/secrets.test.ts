// Secrets stay where the user put them: a value in .qwex/targets/ reaches only the place its
// template puts it, and a ${ENV} registry token reaches only the registry's request headers —
// neither the lock, nor the project's files, nor git, nor a run's meta or logs.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installStandins, readStandinLog } from '../support/standins.js';
import { fixtureRegistry, repo, serve, snapshot } from './helpers.js';

const TOKEN = 's3cret-hf-token-0f9a';
const REGISTRY_TOKEN = 's3cret-registry-token-77c1';

/** Every file below `dir` (any depth) whose content contains `needle`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    if ((await fs.readFile(file)).includes(needle)) hits.push(path.relative(dir, file));
  }
  return hits;
}

describe('secrets', () => {
  it('a token in .qwex/targets/ reaches the container env (docker stand-in) and nowhere else', async () => {
    const p = await repo();
    const standins = installStandins(path.join(p.dir, '..', 'standins'));
    const env = { PATH: `${standins}:${process.env.PATH}`, STANDIN_LOG: path.join(p.dir, '..', 'calls') };
    await fs.mkdir(env.STANDIN_LOG);
    expect((await p.runEnv(env, 'add', 'docker')).code).toBe(0);
    const config = path.join(p.dir, '.qwex/config.yaml');
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('runners:\n', 'runners:\n  gpu:\n    layers:\n      - docker: { image: "pytorch/pytorch:2.4" }\n'));
    await fs.mkdir(path.join(p.dir, '.qwex/targets'));
    await fs.writeFile(path.join(p.dir, '.qwex/targets/gpu.yaml'), `docker:\n  env: { HF_TOKEN: ${TOKEN} }\n`);
    p.git('add', '-A');
    p.git('commit', '-qm', 'gpu runner');

    // git never sees the targets file: qwex init ignored the folder.
    expect(execFileSync('git', ['check-ignore', '.qwex/targets/gpu.yaml'], { cwd: p.dir, encoding: 'utf8' })).toBe('.qwex/targets/gpu.yaml\n');
    expect(p.git('ls-files')).not.toContain('targets');

    // The template puts it in the script (docker -e), and only there.
    const rendered = await p.runEnv(env, 'render', '-r', 'gpu', '--', 'true');
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain(`'HF_TOKEN=${TOKEN}'`);
    expect(rendered.stderr).toBe('');

    const r = await p.runEnv(env, 'run', '-r', 'gpu', '--', 'echo', 'done');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('done\n');
    expect(r.stderr).not.toContain(TOKEN);
    const docker = readStandinLog(env.STANDIN_LOG).filter((c) => c.tool === 'docker');
    expect(docker.map((c) => c.argv.includes(`HF_TOKEN=${TOKEN}`))).toEqual([true]);
    const [run] = (await p.json('list')).runs;
    expect(run.status).toBe('succeeded');
    expect(JSON.stringify(await p.json('status', run.id))).not.toContain(TOKEN);
    // No meta or log file carries it; the stored script does (base64-encoded inside the wrapper),
    // so it is the owner's alone.
    expect(await filesContaining(run.dir, TOKEN)).toEqual([]);
    expect((await fs.stat(path.join(run.dir, 'runner.sh'))).mode & 0o077).toBe(0);
    expect(await filesContaining(path.join(p.dir, '.qwex'), TOKEN)).toEqual(['targets/gpu.yaml']);
  });

  it('a ${ENV} registry token is sent as a header and written nowhere: project, lock, git, render, runs', async () => {
    const registry = await fixtureRegistry([{ version: '1.0.0' }]);
    const server = await serve(registry, (req, res) => (req.headers.authorization === `Bearer ${REGISTRY_TOKEN}` ? false : (res.writeHead(401).end(), true)));
    const p = await repo();
    const config = path.join(p.dir, '.qwex/config.yaml');
    await fs.appendFile(config, `registries:\n  "@acme":\n    url: ${server.url}\n    headers: { Authorization: "Bearer \${ACME_TOKEN}" }\n`);
    const env = { ACME_TOKEN: REGISTRY_TOKEN };
    for (const args of [['add', '@acme/hello'], ['outdated'], ['diff', 'hello'], ['update'], ['render', '--', 'true'], ['run', '--', 'true']]) {
      const r = await p.runEnv(env, ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain(REGISTRY_TOKEN);
    }
    expect(server.requests.length).toBeGreaterThan(1);
    expect(JSON.stringify(await snapshot(p.dir))).not.toContain(REGISTRY_TOKEN);
    const home = path.join(p.dir, '..', `${path.basename(p.dir)}-home`);
    expect(await filesContaining(home, REGISTRY_TOKEN)).toEqual([]);
    p.git('add', '-A');
    expect(p.git('diff', '--cached')).not.toContain(REGISTRY_TOKEN);
  });
});
