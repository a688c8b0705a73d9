// One real hop: a private OpenSSH sshd on 127.0.0.1, started and stopped by this test
// (reference/backends.md §1), running the ssh layer's real rendered output. No stand-ins here.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProject } from './render-helpers.js';

const SSHD = '/usr/sbin/sshd';
let state = '';
let port = 0;
let pidFile = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(p: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(p, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${p} within ${ms} ms; log: ${readFileSync(path.join(state, 'sshd.log'), 'utf8')}`);
}

beforeAll(async () => {
  // No skip: CI and npm test always run this hop. Without sshd the test fails and says what to install.
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install the openssh-server package (apt-get install -y openssh-server)`);
  state = mkdtempSync(path.join(os.tmpdir(), 'qwex-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(state, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(state, 'user_key')]);
  writeFileSync(path.join(state, 'authorized_keys'), readFileSync(path.join(state, 'user_key.pub')));
  port = await freePort();
  pidFile = path.join(state, 'sshd.pid');
  writeFileSync(path.join(state, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${state}/host_key`, `PidFile ${pidFile}`,
    `AuthorizedKeysFile ${state}/authorized_keys`, 'UsePAM no', 'StrictModes no', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'MaxStartups 100:30:200', 'PermitRootLogin prohibit-password', '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation dir; shared, never removed
  const started = spawnSync(SSHD, ['-f', path.join(state, 'sshd_config'), '-E', path.join(state, 'sshd.log')]);
  if (started.status !== 0) throw new Error(`sshd failed to start (exit ${started.status}): ${started.stderr}`);
  await waitForPort(port, 5000);
}, 20_000);

afterAll(() => {
  // Stop only the sshd this test started, by its pid file.
  const pid = pidFile && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
  if (pid > 0) process.kill(pid, 'SIGTERM');
  if (state) rmSync(state, { recursive: true, force: true });
});

async function sshProject() {
  const runs = path.join(state, 'remote');
  mkdirSync(runs, { recursive: true });
  const box = `  box:
    layers:
      - ssh:
          host: 127.0.0.1
          user: ${process.env.USER ?? 'root'}
          port: ${port}
          identity_file: ${state}/user_key
          batch_mode: true
          control_master: false
          login_env: false
          remote_base: ${runs}
          options: { StrictHostKeyChecking: "no", UserKnownHostsFile: /dev/null, LogLevel: ERROR }
`;
  const p = await renderProject(box, ['ssh']);
  const argdump = path.join(state, 'argdump');
  writeFileSync(argdump, `#!/bin/sh\nif [ $# -eq 0 ]; then exit 0; fi\nprintf '%s\\0' "$@"\n`);
  chmodSync(argdump, 0o755);
  let n = 0;
  /** Renders with the CLI, writes the script to a file, runs `sh file`: stdout bytes and exit code. */
  const hop = async (argv: string[]) => {
    const r = await p.run('render', '-r', 'box', '--run-id', `s${++n}`, '--', ...argv);
    if (r.code !== 0) throw new Error(`render failed: ${r.stderr}`);
    const file = path.join(p.dir, `run-${n}.sh`);
    writeFileSync(file, r.stdout);
    const res = spawnSync('sh', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr.toString() };
  };
  return { hop, argdump };
}

const nulSplit = (b: Buffer): string[] => (b.length === 0 ? [] : b.toString('utf8').slice(0, -1).split('\0'));

describe('ssh layer over a real sshd on 127.0.0.1 (OpenSSH, login shell of the remote user)', () => {
  it('delivers hostile argv byte-identical', async () => {
    const { hop, argdump } = await sshProject();
    const args = ["it's", '$(id)', '`id`', 'a\\b', 'x\ny', '!', '!!', '*', '~', '-n', '--', '', 'é 中 😀', "'\\''", '"q"', '; rm -rf ~', '\t\r'];
    const r = await hop([argdump, ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(nulSplit(r.stdout)).toEqual(args);
  });

  it('passes exit codes 0, 3 and 127 through', async () => {
    const { hop } = await sshProject();
    expect((await hop(['sh', '-c', 'exit 0'])).code).toBe(0);
    expect((await hop(['sh', '-c', 'exit 3'])).code).toBe(3);
    const missing = await hop(['qwex-no-such-command']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/qwex-no-such-command: not found/);
  });

  it('random argv over the real hop', async () => {
    const { hop, argdump } = await sshProject();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: fc.constantFrom("'", '"', '\\', '$', '`', '!', '*', ' ', '\n', 'é', '😀', '-', 'a'), maxLength: 6 }), { maxLength: 4 }), async (args) => {
        expect(nulSplit((await hop([argdump, ...args])).stdout)).toEqual(args);
      }),
      { numRuns: 6 },
    );
  }, 60_000);
});
