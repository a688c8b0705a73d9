// qwex run through the ssh layer against a real private sshd on 127.0.0.1: the commit is shipped
// inside the rendered script and checked out on the far side. No stand-ins.
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project } from './helpers.js';
import { startSshd, type Sshd } from '../support/sshd.js';

let sshd: Sshd;
beforeAll(async () => void (sshd = await startSshd()), 20_000);
afterAll(() => sshd?.stop());

async function remoteRepo() {
  const p = await project();
  const remote = path.join(sshd.state, `remote-${path.basename(path.dirname(p.dir))}`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  expect((await p.run('add', 'ssh')).code).toBe(0);
  const config = path.join(p.dir, '.qwex/config.yaml');
  await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('runners:\n', `runners:\n  box:\n    layers:\n${sshd.layer(remote)}`));
  await fs.writeFile(path.join(p.dir, 'train.py'), 'print("v1")\n');
  git('add', '-A');
  git('commit', '-qm', 'init');
  const json = async (...args: string[]) => JSON.parse((await p.run(...args, '--json')).stdout);
  return { ...p, git, json, remote };
}

describe('qwex run over ssh (real sshd on 127.0.0.1)', () => {
  it('ships the commit, runs in its worktree on the remote, streams output and passes the exit code', async () => {
    const p = await remoteRepo();
    await fs.writeFile(path.join(p.dir, 'train.py'), 'print("dirty")\n'); // uncommitted: a snapshot travels
    const r = await p.run('run', '-r', 'box', '--', 'sh', '-c', 'cat train.py; pwd; echo "to stderr" >&2; mkdir -p out; echo w > out/w.txt; exit 3');
    expect(r.code, r.stderr).toBe(3);
    const [run] = (await p.json('list')).runs;
    expect(run).toMatchObject({ runner: 'box', status: 'failed', exit_code: 3 });
    expect(r.stdout).toBe(`print("dirty")\n${p.remote}/runs/${run.id}/src\n`);
    expect(r.stderr).toContain('to stderr');
    // The run dir on the far side, written by the record wrapper there.
    const far = path.join(p.remote, 'runs', run.id);
    expect(await fs.readFile(path.join(far, 'meta/status'), 'utf8')).toBe('failed\n');
    expect(await fs.readFile(path.join(far, 'meta/commit'), 'utf8')).toBe(`${run.commit}\n`);
    expect(await fs.readFile(path.join(far, 'files/out/w.txt'), 'utf8')).toBe('w\n');
    expect(await fs.stat(path.join(far, 'src')).catch(() => 'gone')).toBe('gone'); // worktree removed after the run
    // The bare repository holds the shipped commit.
    expect(execFileSync('git', ['-C', path.join(p.remote, 'repos', 'proj.git'), 'cat-file', '-t', run.commit], { encoding: 'utf8' }).trim()).toBe('commit');
  });

  it('hostile argv arrives byte-identical; command not found is 127', async () => {
    const p = await remoteRepo();
    const args = ["it's", '$(id)', '`id`', 'a\\b', 'x\ny', '!', '*', '~', '-n', '--', '', 'é 中 😀', '; rm -rf ~'];
    const r = await p.run('run', '-r', 'box', '--', 'sh', '-c', 'for a in "$@"; do printf "[%s]" "$a"; done', 'argv0', ...args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(args.map((a) => `[${a}]`).join(''));
    const missing = await p.run('run', '-r', 'box', '--', 'qwex-no-such-command');
    expect(missing.code).toBe(127);
  });

  it('pull brings the remote run’s files back; cancel stops the remote process group', async () => {
    const p = await remoteRepo();
    const done = await p.run('run', '-r', 'box', '--', 'sh', '-c', 'mkdir -p out/d; echo remote > out/d/f.txt');
    expect(done.code, done.stderr).toBe(0);
    const [first] = (await p.json('list')).runs;
    expect((await p.run('pull', first.id)).code).toBe(0);
    expect(await fs.readFile(path.join(p.dir, `.qwex/runs/${first.id}/files/out/d/f.txt`), 'utf8')).toBe('remote\n');
    expect((await p.json('artifacts', first.id)).files.map((f: { path: string }) => f.path)).toEqual(['out/d/f.txt']);

    const marker = `sleep 5${Math.floor(Math.random() * 1000)}.5`;
    const id = (await p.run('run', '-r', 'box', '-d', '--', 'sh', '-c', `${marker} & ${marker} & wait`)).stdout.trim();
    const far = path.join(p.remote, 'runs', id);
    for (let i = 0; i < 100 && !(await fs.readFile(path.join(far, 'meta/pid'), 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 100));
    const c = await p.run('cancel', id, '--grace', '5');
    expect(c.code, c.stderr).toBe(0);
    expect(await fs.readFile(path.join(far, 'meta/status'), 'utf8')).toBe('cancelled\n');
    const left = (() => {
      try {
        return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim(); // pgrep never lists itself
      } catch {
        return '';
      }
    })();
    expect(left).toBe('');
    expect((await p.json('status', id)).status).toBe('cancelled');
  });

  it('status asks the host when the local side of a remote run is gone', async () => {
    const p = await remoteRepo();
    const id = (await p.run('run', '-r', 'box', '-d', '--', 'sh', '-c', 'sleep 3; echo done')).stdout.trim();
    const far = path.join(p.remote, 'runs', id);
    for (let i = 0; i < 100 && !(await fs.readFile(path.join(far, 'meta/pid'), 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 100));
    const local = await p.json('status', id);
    process.kill(Number(local.meta.wrapper_pid), 'SIGKILL'); // the local launcher dies; the remote run does not
    const s = await p.json('status', id);
    expect(s.status).toBe('running');
    expect(s.meta.host).toBeTruthy();
    for (let i = 0; i < 100 && (await p.json('status', id)).status === 'running'; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await p.json('status', id)).toMatchObject({ status: 'succeeded', exit_code: 0 });
  });
});
