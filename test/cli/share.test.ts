// Sharing forks through real git servers on 127.0.0.1: a git daemon (as an org repo or a gist),
// a GitHub stand-in that degit 3.10 talks to (smart HTTP + tarballs), and a private HTTP registry.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, readJson, serve, snapshot, tempDir } from './helpers.js';
import { bareRepo, git, gitDaemon, gitHubLike } from './share-servers.js';

async function edit(dir: string, file: string, change: (s: string) => string) {
  const p = path.join(dir, '.qwex/templates', file);
  await fs.writeFile(p, change(await fs.readFile(p, 'utf8')));
}
const firstLineAfterShebang = (line: string) => (s: string) => s.replace(/^#!\/bin\/sh\n/, `#!/bin/sh\n${line}\n`);

describe('fork → git daemon → another project: the full loop', () => {
  it('B installs A’s fork, sees A’s next revision in diff, and update merges it with B’s own edit', async () => {
    const root = tempDir('qwex-daemon-');
    bareRepo(root, 'ssh-fork.git');
    const daemon = await gitDaemon(root);
    const remote = `${daemon.url}/ssh-fork.git`;

    // User A: add ssh, edit it, fork it as a git repo, push.
    const a = await project();
    expect((await a.run('add', 'ssh')).code).toBe(0);
    await edit(a.dir, 'ssh/ssh.sh.j2', firstLineAfterShebang('# lab cluster: A’s first edit'));
    const forked = await a.run('fork', 'ssh', '--git', '--json');
    expect(forked.code, forked.stderr).toBe(0);
    const out = path.join(a.dir, 'ssh-fork');
    expect(JSON.parse(forked.stdout)).toMatchObject({ name: 'ssh', version: '1.0.0-fork.1', upstream: { source: 'embedded', name: 'ssh', version: '1.0.0' } });
    expect(git(out, 'log', '--format=%s')).toBe('ssh@1.0.0-fork.1: fork of ssh@1.0.0 (embedded)');
    git(out, 'push', '-q', remote, 'main');

    // User B: add it from the daemon; A's edit arrives; the lock pins the commit.
    const b = await project();
    const added = await b.run('add', `git+${remote}`);
    expect(added.code, added.stderr).toBe(0);
    expect(await fs.readFile(path.join(b.dir, '.qwex/templates/ssh/ssh.sh.j2'), 'utf8')).toContain('# lab cluster: A’s first edit');
    const lock1 = (await readJson(path.join(b.dir, '.qwex/qwex.lock'))).templates.ssh;
    expect(lock1).toMatchObject({ version: '1.0.0-fork.1', requested: '^1.0.0-fork.1' });
    expect(lock1.source).toBe(`git+${remote}#HEAD@${git(out, 'rev-parse', 'HEAD')}`);
    expect((await b.run('diff', 'ssh', '--exit-code')).code).toBe(0);

    // A publishes a new revision; B has an edit of its own at the end of the same file.
    await edit(a.dir, 'ssh/ssh.sh.j2', (s) => s.replace('A’s first edit', 'A’s second edit'));
    expect((await a.run('fork', 'ssh', '--git')).code).toBe(0);
    git(out, 'push', '-q', remote, 'main');
    await edit(b.dir, 'ssh/ssh.sh.j2', (s) => s + '# B’s own edit\n');

    const diff = await b.run('diff', 'ssh', '--exit-code');
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain('ssh@1.0.0-fork.1 → ssh@1.0.0-fork.2');
    expect(diff.stdout).toContain('-# lab cluster: A’s first edit');
    expect(diff.stdout).toContain('+# lab cluster: A’s second edit');

    const up = await b.run('update', 'ssh');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/merged\s+ssh\.sh\.j2/);
    const merged = await fs.readFile(path.join(b.dir, '.qwex/templates/ssh/ssh.sh.j2'), 'utf8');
    expect(merged).toContain('# lab cluster: A’s second edit');
    expect(merged).toContain('# B’s own edit');
    expect(merged).not.toContain('A’s first edit');
    expect((await readJson(path.join(b.dir, '.qwex/qwex.lock'))).templates.ssh.version).toBe('1.0.0-fork.2');
    // Up to date now, and the installed revision is still found for diff --local.
    expect((await b.run('diff', 'ssh', '--exit-code')).code).toBe(0);
    const local = await b.run('diff', 'ssh', '--local');
    expect(local.stdout).toContain('+# B’s own edit');
  }, 60_000);

  it('a gist (flat files, pushed to the daemon) installs with gist:ID, and its next revision is an update', async () => {
    const root = tempDir('qwex-gists-');
    const id = 'aa11bb22cc33';
    bareRepo(root, `${id}.git`);
    const daemon = await gitDaemon(root);
    const env = { QWEX_GIST_URL: `${daemon.url}/` };

    const a = await project();
    await a.run('add', 'ssh');
    await edit(a.dir, 'ssh/ssh.sh.j2', firstLineAfterShebang('# gist v1'));
    expect((await a.run('fork', 'ssh', '--flat', '--git', '--out', 'gist')).code).toBe(0);
    const gist = path.join(a.dir, 'gist');
    expect((await fs.readdir(gist)).filter((f) => f !== '.git').sort()).toEqual(['README.md', 'ssh.qwex.json']);
    git(gist, 'push', '-q', `${daemon.url}/${id}.git`, 'main');

    const b = await project();
    const added = await b.runEnv(env, 'add', `gist:${id}`);
    expect(added.code, added.stderr).toBe(0);
    expect(await fs.readFile(path.join(b.dir, '.qwex/templates/ssh/ssh.sh.j2'), 'utf8')).toContain('# gist v1');
    expect((await readJson(path.join(b.dir, '.qwex/qwex.lock'))).templates.ssh.source).toMatch(new RegExp(`^gist:${id}#HEAD@[0-9a-f]{40}$`));

    // The next revision replaces ssh.qwex.json: the installed version comes back from the gist's history.
    await edit(a.dir, 'ssh/ssh.sh.j2', (s) => s.replace('# gist v1', '# gist v2'));
    expect((await a.run('fork', 'ssh', '--flat', '--git', '--out', 'gist')).code).toBe(0);
    expect(JSON.parse(await fs.readFile(path.join(gist, 'ssh.qwex.json'), 'utf8')).version).toBe('1.0.0-fork.2');
    git(gist, 'push', '-q', `${daemon.url}/${id}.git`, 'main');
    const diff = await b.runEnv(env, 'diff', 'ssh');
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('+# gist v2');
    const up = await b.runEnv(env, 'update', 'ssh');
    expect(up.code, up.stderr).toBe(0);
    expect(await fs.readFile(path.join(b.dir, '.qwex/templates/ssh/ssh.sh.j2'), 'utf8')).toContain('# gist v2');

    // A gist id that is not there: a registry error, nothing written.
    const before = await snapshot(b.dir);
    const missing = await b.runEnv(env, 'add', 'gist:ffff0000');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/cannot fetch gist:ffff0000/);
    expect(await snapshot(b.dir)).toEqual(before);
  }, 60_000);
});

describe('github: through degit 3.10 (its fetch and git transport pointed at 127.0.0.1)', () => {
  it('resolves #ref to a SHA for the lock, reads a path inside the repo, and follows the branch', async () => {
    const root = tempDir('qwex-gh-');
    bareRepo(root, 'acme/qwex-forks.git');
    const gh = await gitHubLike(root);
    const env = { QWEX_GITHUB_URL: gh.url };

    const a = await project();
    await a.run('add', 'ssh');
    await edit(a.dir, 'ssh/ssh.sh.j2', firstLineAfterShebang('# acme v1'));
    const work = path.join(a.dir, 'work');
    expect((await a.run('fork', 'ssh', '--as', 'ssh-acme', '--out', 'work/layers/ssh-acme')).code).toBe(0);
    git(work, 'init', '-q', '-b', 'main');
    git(work, 'add', '-A');
    git(work, 'commit', '-qm', 'v1');
    git(work, 'push', '-q', path.join(root, 'acme/qwex-forks.git'), 'main');
    const sha1 = git(work, 'rev-parse', 'HEAD');

    const b = await project();
    const added = await b.runEnv(env, 'add', 'github:acme/qwex-forks/layers/ssh-acme#main');
    expect(added.code, added.stderr).toBe(0);
    expect(await fs.readFile(path.join(b.dir, '.qwex/templates/ssh-acme/ssh.sh.j2'), 'utf8')).toContain('# acme v1');
    const lock = (await readJson(path.join(b.dir, '.qwex/qwex.lock'))).templates['ssh-acme'];
    expect(lock.source).toBe(`github:acme/qwex-forks/layers/ssh-acme#main@${sha1}`);
    expect(gh.requests).toContain(`GET /acme/qwex-forks/archive/${sha1}.tar.gz`);
    expect(gh.requests.some((r) => r.includes('/acme/qwex-forks/info/refs') || r.includes('git-upload-pack'))).toBe(true);
    // degit cached its tarball in $XDG_CACHE_HOME/degit (the test's private HOME).
    const cache = path.join(b.dir, '..', 'proj-home/.cache/degit/github/acme/qwex-forks');
    expect(await fs.readdir(cache)).toContain(`${sha1}.tar.gz`);

    await edit(a.dir, 'ssh/ssh.sh.j2', (s) => s.replace('# acme v1', '# acme v2'));
    expect((await a.run('fork', 'ssh', '--as', 'ssh-acme', '--out', 'work/layers/ssh-acme')).code).toBe(0);
    git(work, 'add', '-A');
    git(work, 'commit', '-qm', 'v2');
    git(work, 'push', '-q', path.join(root, 'acme/qwex-forks.git'), 'main');

    const diff = await b.runEnv(env, 'diff', 'ssh-acme', '--exit-code');
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain('ssh-acme@1.0.0-fork.1 → ssh-acme@1.0.0-fork.2');
    expect((await b.runEnv(env, 'update', 'ssh-acme')).code).toBe(0);
    expect(await fs.readFile(path.join(b.dir, '.qwex/templates/ssh-acme/ssh.sh.j2'), 'utf8')).toContain('# acme v2');
    // The lock now pins the commit that serves the installed version…
    const sha2 = git(work, 'rev-parse', 'HEAD');
    expect((await readJson(path.join(b.dir, '.qwex/qwex.lock'))).templates['ssh-acme'].source).toBe(`github:acme/qwex-forks/layers/ssh-acme#main@${sha2}`);
    // …so after the branch moves on (and its index no longer lists fork.2), diffs still find it.
    await edit(a.dir, 'ssh/ssh.sh.j2', (s) => s.replace('# acme v2', '# acme v3'));
    expect((await a.run('fork', 'ssh', '--as', 'ssh-acme', '--out', 'work/layers/ssh-acme')).code).toBe(0);
    git(work, 'add', '-A');
    git(work, 'commit', '-qm', 'v3');
    git(work, 'push', '-q', path.join(root, 'acme/qwex-forks.git'), 'main');
    await edit(b.dir, 'ssh-acme/ssh.sh.j2', (s) => s + '# B’s edit\n');
    const local = await b.runEnv(env, 'diff', 'ssh-acme', '--local');
    expect(local.code, local.stderr).toBe(0);
    expect(local.stdout).toContain('+# B’s edit');
    const next = await b.runEnv(env, 'diff', 'ssh-acme');
    expect(next.stdout).toContain('ssh-acme@1.0.0-fork.2 → ssh-acme@1.0.0-fork.3');

    const badRef = await b.runEnv(env, 'add', 'github:acme/qwex-forks/layers/ssh-acme#nope');
    expect(badRef.code).toBe(4);
    expect(badRef.stderr).toMatch(/no ref "nope"/);
  }, 60_000);
});

describe('private org registry over HTTP', () => {
  it('needs its header: a missing token is exit 4 with nothing written; with it, the add works', async () => {
    const base = tempDir('qwex-private-');
    const org = path.join(base, 'org');
    const init = await project();
    expect((await init.run('registry', 'init', org)).code).toBe(0);
    expect((await fs.readdir(org)).sort()).toEqual(['.github', 'README.md', 'templates']);
    // One template in the org registry, built with the same code as ours.
    await init.run('add', 'ssh');
    await fs.cp(path.join(init.dir, '.qwex/templates/ssh'), path.join(org, 'templates/ssh'), { recursive: true });
    const built = await init.run('registry', 'build', path.join(org, 'templates'), '--out', path.join(org, 'registry'));
    expect(built.code, built.stderr).toBe(0);
    const server = await serve(path.join(org, 'registry'), (req, res) => {
      if (req.headers.authorization === 'Bearer s3cret') return false;
      res.writeHead(401).end('unauthorized');
      return true;
    });

    const p = await project();
    const config = path.join(p.dir, '.qwex/config.yaml');
    await fs.appendFile(config, `registries:\n  "@acme":\n    url: ${server.url}/\n    headers:\n      Authorization: "Bearer \${ACME_TOKEN}"\n`);
    const before = await snapshot(p.dir);
    const noToken = await p.run('add', '@acme/ssh');
    expect(noToken.code).toBe(4);
    expect(noToken.stderr).toContain('ACME_TOKEN');
    const wrong = await p.runEnv({ ACME_TOKEN: 'wrong' }, 'add', '@acme/ssh');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('HTTP 401');
    expect(wrong.stderr + wrong.stdout).not.toContain('wrong');
    expect(await snapshot(p.dir)).toEqual(before);
    const ok = await p.runEnv({ ACME_TOKEN: 's3cret' }, 'add', '@acme/ssh');
    expect(ok.code, ok.stderr).toBe(0);
    expect(await fs.readFile(path.join(p.dir, '.qwex/qwex.lock'), 'utf8')).not.toContain('s3cret');
    const missing = await p.runEnv({ ACME_TOKEN: 's3cret' }, 'add', '@acme/shh');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('did you mean ssh?');
    const unknown = await p.run('add', '@other/ssh');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('@other is not configured');
  }, 60_000);
});
