// A private OpenSSH sshd on 127.0.0.1 for tests (reference/backends.md §1): its own host and user
// keys, config, free port and pid file; stop() ends only this daemon. No stand-in: the real sshd.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  state: string; // temp folder with the keys, config and log
  userKey: string;
  /** ssh layer values that reach this daemon as the current user. */
  layer(remoteBase: string): string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(port: number, ms: number, log: string): Promise<void> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${ms} ms; log: ${readFileSync(log, 'utf8')}`);
}

/** Starts the daemon. No skip: without sshd this throws and names the package to install. */
export async function startSshd(): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install the openssh-server package (apt-get install -y openssh-server)`);
  const state = mkdtempSync(path.join(os.tmpdir(), 'qwex-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(state, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(state, 'user_key')]);
  writeFileSync(path.join(state, 'authorized_keys'), readFileSync(path.join(state, 'user_key.pub')));
  const port = await freePort();
  const pidFile = path.join(state, 'sshd.pid');
  writeFileSync(path.join(state, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${state}/host_key`, `PidFile ${pidFile}`,
    `AuthorizedKeysFile ${state}/authorized_keys`, 'UsePAM no', 'StrictModes no', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'MaxStartups 100:30:200', 'PermitRootLogin prohibit-password', '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation dir; shared, never removed
  const log = path.join(state, 'sshd.log');
  const started = spawnSync(SSHD, ['-f', path.join(state, 'sshd_config'), '-E', log]);
  if (started.status !== 0) throw new Error(`sshd failed to start (exit ${started.status}): ${started.stderr}`);
  await waitForPort(port, 5000, log);
  const userKey = path.join(state, 'user_key');
  return {
    port,
    state,
    userKey,
    layer: (remoteBase) => `      - ssh:
          host: 127.0.0.1
          user: ${process.env.USER ?? 'root'}
          port: ${port}
          identity_file: ${userKey}
          batch_mode: true
          control_master: false
          login_env: false
          remote_base: ${remoteBase}
          options: { StrictHostKeyChecking: "no", UserKnownHostsFile: /dev/null, LogLevel: ERROR }
`,
    stop() {
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
      if (pid > 0) process.kill(pid, 'SIGTERM');
      rmSync(state, { recursive: true, force: true });
    },
  };
}
