import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HPC, nestedScripts, renderProject, shellProblems } from './render-helpers.js';

describe('qwex render', () => {
  it('composes ssh → slurm → singularity → uv-cache into one script that passes sh -n and shellcheck', async () => {
    const p = await renderProject(HPC);
    const r = await p.run('render', '-r', 'hpc', '--run-id', 'r1', '--', 'python', 'train.py', "it's", '$(id)');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#!/bin/sh\n')).toBe(true);
    expect(shellProblems(r.stdout)).toBe('');
    // every layer's own script, decoded from the base64 it travels in, is clean too
    const nested = nestedScripts(r.stdout);
    expect(nested.length).toBeGreaterThanOrEqual(4);
    for (const s of nested.filter((x) => x.startsWith('#!/bin/sh'))) expect(shellProblems(s)).toBe('');
    expect(nested.some((s) => s.includes("exec 'python' 'train.py' 'it'\\''s' '$(id)'"))).toBe(true);
    expect(nested.some((s) => s.includes('#SBATCH --output=/scratch/me/qwex/runs/r1/logs/slurm-%j.out'))).toBe(true);
  });

  it('prints only the script on stdout (qwex render > run.sh), --explain goes to stderr', async () => {
    const p = await renderProject(HPC);
    const plain = await p.run('render', '-r', 'hpc', '--run-id', 'r2', '--', 'python', 'train.py');
    const explained = await p.run('render', '-r', 'hpc', '--run-id', 'r2', '--explain', '--', 'python', 'train.py');
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe(plain.stdout);
    expect(explained.stderr).toMatch(/^runner hpc \(run r2\), outer → inner:\n1\. ssh@1\.\d+\.\d+ transport, runs on client, run\.dir \/.*\/\.qwex\/runs\/r2\n {5}host = "csc" {2}\.qwex\/config\.yaml\n/);
    expect(explained.stderr).toMatch(/2\. slurm@.* run\.dir \/scratch\/me\/qwex\/runs\/r2\n/);
    expect(explained.stderr).toMatch(/ {5}cpus_per_task = 4 {2}default\n/);
    await fs.writeFile(path.join(p.dir, 'run.sh'), plain.stdout);
    expect(shellProblems(await fs.readFile(path.join(p.dir, 'run.sh'), 'utf8'))).toBe('');
  });

  it('a script far over 64 KiB arrives whole through a pipe (qwex render | sh)', async () => {
    const p = await renderProject(HPC);
    const big = Array.from({ length: 30 }, (_, i) => `${i}:` + 'y'.repeat(6000));
    const r = await p.run('render', '-r', 'hpc', '--run-id', 'big', '--', 'true', ...big); // stdout is a pipe here
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(4 * 65536);
    expect(r.stdout.endsWith('exit "$rc"\n')).toBe(true);
    expect(shellProblems(r.stdout)).toBe('');
  });

  it('reuses compiled templates from the cache, with byte-identical output', async () => {
    const p = await renderProject(HPC);
    const cold = await p.run('render', '-r', 'hpc', '--run-id', 'c1', '--', 'python', "it's");
    const cache = path.join(p.dir, '..', path.basename(p.dir) + '-home', '.cache', 'qwex', 'compiled');
    const [version] = await fs.readdir(cache);
    expect((await fs.readdir(path.join(cache, version!))).length).toBe(4); // one per layer's main template
    const warm = await p.run('render', '-r', 'hpc', '--run-id', 'c1', '--', 'python', "it's");
    expect(warm.code).toBe(0);
    expect(warm.stdout).toBe(cold.stdout);
    // An edited template is a new key: the cache can never serve stale code.
    const slurm = path.join(p.dir, '.qwex/templates/slurm/slurm.sh.j2');
    await fs.writeFile(slurm, (await fs.readFile(slurm, 'utf8')).replace('#!/bin/sh\n', '#!/bin/sh\n# edited\n'));
    const edited = await p.run('render', '-r', 'hpc', '--run-id', 'c1', '--', 'python', "it's");
    expect(edited.stdout).not.toBe(cold.stdout);
    expect((await fs.readdir(path.join(cache, version!))).length).toBe(5);
  });

  it('reuses the validated runner from the cache; an edit to config, targets, lock or a layer.json takes effect at once', async () => {
    const p = await renderProject(HPC);
    const render = async (...extra: string[]) => {
      const r = await p.run('render', '-r', 'hpc', '--run-id', 'c1', ...extra, '--', 'python', 'train.py');
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    const cold = await render('--explain');
    const runners = path.join(p.dir, '..', path.basename(p.dir) + '-home', '.cache', 'qwex', 'runners');
    expect(await fs.readdir(runners)).toHaveLength(1);
    const warm = await render('--explain');
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stderr).toBe(cold.stderr); // where each value came from, too
    expect(await fs.readdir(runners)).toHaveLength(1);

    const config = path.join(p.dir, '.qwex/config.yaml');
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('host: csc', 'host: csc2'));
    expect((await render()).stdout).toContain("'csc2'");
    await fs.mkdir(path.join(p.dir, '.qwex/targets'));
    await fs.writeFile(path.join(p.dir, '.qwex/targets/hpc.yaml'), 'ssh:\n  host: login3.example\n');
    expect((await render()).stdout).toContain("'login3.example'");
    const manifest = path.join(p.dir, '.qwex/templates/slurm/layer.json');
    const m = JSON.parse(await fs.readFile(manifest, 'utf8'));
    m.inputs.find((i: { name: string }) => i.name === 'partition').default = 'edited-default';
    await fs.writeFile(manifest, JSON.stringify(m));
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('{ partition: gpu, time: "02:00:00", gpus: 1 }', '{ time: "02:00:00", gpus: 1 }'));
    const explained = await render('--explain');
    expect(explained.stderr, explained.stderr).toContain('partition = "edited-default"  default');
    expect(nestedScripts(explained.stdout).join('\n')).toContain('#SBATCH --partition=edited-default');
    // A broken config is reported, not served from the cache.
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('gpus: 1', 'gpus: "1"'));
    const broken = await p.run('render', '-r', 'hpc', '--', 'true');
    expect(broken.code).toBe(5);
    expect(broken.stderr).toMatch(/input "gpus": expected an integer/);
    // A damaged entry is a miss: the runner is validated again.
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('gpus: "1"', 'gpus: 1'));
    const again = await render();
    for (const f of await fs.readdir(runners)) await fs.writeFile(path.join(runners, f), '{"name": ');
    expect((await render()).stdout).toBe(again.stdout);
  });

  it('uses defaults.runner without -r and generates a time-ordered run id', async () => {
    const p = await renderProject('', []);
    const r = await p.run('render', '--', 'echo', 'a b');
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: "#!/bin/sh\n# shellcheck disable=SC2016,SC2088\nset -eu\nexec 'echo' 'a b'\n" });
    const e = await p.run('render', '--explain', '--', 'true');
    expect(e.stderr).toMatch(/^runner local \(run \d{8}-\d{6}-[0-9a-z]{4}\), outer → inner:\n1\. command/);
  });

  it('lets .qwex/targets/<runner>.yaml override config values', async () => {
    const p = await renderProject(HPC);
    await fs.mkdir(path.join(p.dir, '.qwex/targets'), { recursive: true });
    await fs.writeFile(path.join(p.dir, '.qwex/targets/hpc.yaml'), 'ssh:\n  host: login2.example\n  user: qtn\n');
    const r = await p.run('render', '-r', 'hpc', '--run-id', 'r3', '--explain', '--', 'true');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("set -- \"$@\" -- 'login2.example'");
    expect(r.stdout).toContain("-l 'qtn'");
    expect(r.stdout).not.toContain("'csc'");
    expect(r.stderr).toContain('host = "login2.example"  .qwex/targets/hpc.yaml');
  });

  it.each([
    ['a wrong type, at config.yaml:line:col', HPC.replace('gpus: 1', 'gpus: "1"'), [], 5, /^error: \.qwex\/config\.yaml:\d+:\d+: runner "hpc", layer "slurm", input "gpus": expected an integer, got the string "1"; write it without quotes\nhint: see the inputs of slurm/],
    ['an unknown input with did-you-mean', HPC.replace('partition: gpu', 'partiton: gpu'), [], 5, /^error: \.qwex\/config\.yaml:\d+:\d+: runner "hpc", layer "slurm", input "partiton": "slurm" has no input "partiton"; did you mean "partition"\?/],
    ['a pattern mismatch (newline in an image)', HPC.replace('image: /scratch/images/torch.sif', 'image: "a\\nb"'), [], 5, /input "image": the string "a\\nb" does not match the pattern \[\^-\]\.\* \(newlines are not allowed here\)/],
    ['a "__proto__" key (it would vanish in parsing)', HPC.replace('gpus: 1', 'gpus: 1, __proto__: x'), [], 3, /^error: \.qwex\/config\.yaml:\d+:\d+: "__proto__" cannot be a name\nhint: rename or remove that key/],
    ['an env key that is no variable name (key_pattern), at config.yaml:line:col', HPC.replace('image: /scratch/images/torch.sif', 'image: /scratch/images/torch.sif, env: { "MY-VAR": x }'), [], 5, /^error: \.qwex\/config\.yaml:\d+:\d+: runner "hpc", layer "singularity", input "env": key "MY-VAR" does not match the pattern \[A-Za-z_\]\[A-Za-z0-9_\]\*/],
    ['an unknown runner', HPC, ['-r', 'hcp'], 3, /^error: no runner "hcp" in \.qwex\/config\.yaml \(runners: local, hpc\)\nhint: Did you mean `hpc`\?/],
    ['a ~ remote_base with layers inside ssh', HPC.replace('remote_base: /scratch/me/qwex', 'remote_base: ~/.qwex'), [], 5, /^error: \.qwex\/config\.yaml:\d+:\d+: runner "hpc", layer "ssh", input "remote_base": "~\/\.qwex" is not absolute[\s\S]*hint: set remote_base to an absolute path/],
  ])('refuses %s', async (_, runners, args, code, stderr) => {
    const p = await renderProject(runners);
    const r = await p.run('render', ...(args.length ? args : ['-r', 'hpc']), '--', 'true');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
    expect(r.code).toBe(code);
  });

  it('names the missing template and says how to add it', async () => {
    const p = await renderProject(HPC.replace('- uv-cache', '- docker: { image: x }'), ['ssh', 'slurm', 'singularity']);
    const r = await p.run('render', '-r', 'hpc', '--', 'true');
    expect(r).toMatchObject({ code: 3, stdout: '', stderr: 'error: runner "hpc" uses layer "docker", which is not installed (not in .qwex/qwex.lock)\nhint: qwex add docker\n' });
  });

  it('refuses a template with conflict markers, naming file and line', async () => {
    const p = await renderProject(HPC);
    const file = path.join(p.dir, '.qwex/templates/uv-cache/uv-cache.sh.j2');
    const lines = (await fs.readFile(file, 'utf8')).split('\n');
    lines.splice(4, 0, '<<<<<<< yours', 'a', '=======', 'b', '>>>>>>> upstream');
    await fs.writeFile(file, lines.join('\n'));
    const r = await p.run('render', '-r', 'hpc', '--', 'true');
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^error: \.qwex\/templates\/uv-cache\/uv-cache\.sh\.j2:5: holds a git conflict marker/);
  });

  it('maps a template error to RENDER_FAILED at file:line', async () => {
    const p = await renderProject(HPC);
    const file = path.join(p.dir, '.qwex/templates/singularity/singularity.sh.j2');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('IMG={{ image | shq }}', 'IMG={{ imagee | shq }}'));
    const r = await p.run('render', '-r', 'hpc', '--', 'true');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: \.qwex\/templates\/singularity\/singularity\.sh\.j2:\d+:\d+: shq: expected a string, got undefined/);
  });

  it('needs a command', async () => {
    const p = await renderProject('', []);
    const r = await p.run('render');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'cmd'/);
  });
});
