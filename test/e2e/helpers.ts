// Helpers for the e2e suite: the backends started by scripts/e2e/up.sh (see global-setup.ts), the
// built CLI (test/cli/helpers.ts) in temp git projects, and rendered scripts run with `sh file`.
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { BIN, project } from '../cli/helpers.js';

export const E: Record<string, string> = inject('e2e');
export const STATE = E.QWEX_E2E_STATE!;
export const ARGDUMP = path.join(STATE, 'bin/argdump');
export const OUT = path.join(STATE, 'out'); // world-writable, bound into containers at the same path

/** PATH for the client: the podman `docker` shim and the stand-ins first. */
export const PATH = `${E.QWEX_DOCKER_BIN}:${E.QWEX_STANDIN_BIN}:${process.env.PATH}`;
export const CLIENT_ENV: Record<string, string> = { PATH, SLURM_CONF: E.SLURM_CONF!, QWEX_STANDIN_LOG: E.QWEX_STANDIN_LOG! };

export const HOSTILE = ["it's", '$(id)', '`id`', 'a\\b', 'x\ny', '!', '!!', '*', '~', '-n', '--', '', 'é 中 😀', "'\\''", '"q"', '; rm -rf ~', '\t\r', '%s%n', '$HOME', '\\0'];

let seq = 0;
export const uid = (p: string) => `${p}${process.pid}x${++seq}${Date.now().toString(36)}`;

/** The ssh layer's values for the private sshd: host alias + options, ControlMaster under the state dir. */
export function sshLayer(alias: 'qwex-root' | 'qwex-user', remoteBase: string, extra = ''): string {
  const user = alias === 'qwex-root' ? 'root' : E.QWEX_SSH_USER2!;
  return `      - ssh:
          host: ${alias}
          identity_file: ${E.QWEX_SSH_KEY}
          batch_mode: true
          control_path: ${E.QWEX_SSH_CONTROL_DIR}/cm-%C
          control_persist: "60"
          login_env: false
          remote_base: ${remoteBase}
          options: { HostName: 127.0.0.1, Port: "${E.QWEX_SSH_PORT}", User: ${user}, StrictHostKeyChecking: "no", UserKnownHostsFile: /dev/null, LogLevel: ERROR }
${extra}`;
}
export const SLURM = `      - slurm: { time: "00:05:00", poll_interval: 1, cpus_per_task: 1 }\n`;
export const DOCKER = () => `      - docker: { image: ${E.QWEX_PODMAN_IMAGE}, volumes: ["${OUT}:${OUT}", "${path.dirname(ARGDUMP)}:${path.dirname(ARGDUMP)}:ro"], stop_timeout: 2 }\n`;
export const SINGULARITY = () => `      - singularity: { image: ${E.QWEX_STANDIN_IMAGE}, binds: ["${OUT}", "${path.dirname(ARGDUMP)}"] }\n`;
export const UV = () => `      - uv-cache: { uv_bin: ${E.QWEX_STANDIN_BIN}/uv, cache_dir: ${STATE}/uv-cache }\n`;

/** A committed git project with the layers installed and `runners` appended to config.yaml. */
export async function e2eProject(runners: string, layers: string[]) {
  const p = await project();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: p.dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  if (layers.length) {
    const r = await p.run('add', ...layers);
    if (r.code !== 0) throw new Error(`qwex add failed: ${r.stderr}`);
  }
  const config = path.join(p.dir, '.qwex/config.yaml');
  await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('runners:\n', `runners:\n${runners}`));
  git('add', '-A');
  git('commit', '-qm', 'runners');
  const q = (...args: string[]) => p.runEnv(CLIENT_ENV, ...args);
  const json = async (...args: string[]) => {
    const r = await q(...args, '--json');
    if (r.code !== 0) throw new Error(`qwex ${args.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const waitFor = async (id: string, pred: (s: any) => boolean, what: string, ms = 30_000) => {
    const until = Date.now() + ms;
    let s: any;
    while (Date.now() < until) {
      s = await json('status', id);
      if (pred(s)) return s;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`run ${id} never reached ${what}: ${JSON.stringify(s)}`);
  };
  return { ...p, git, q, json, waitFor };
}

/**
 * `qwex render ARGS > FILE` through a shell redirect, exactly as a user types it. (Through a pipe
 * qwex render once truncated piped output above 64 KiB; chains.test.ts keeps that fixed.)
 */
export function renderToFile(dir: string, file: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const home = path.join(dir, '..', path.basename(dir) + '-home');
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'f=$1; shift; exec "$@" >"$f"', 'sh', file, process.execPath, BIN, 'render', ...args], {
      cwd: dir,
      env: { ...CLIENT_ENV, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), NO_COLOR: '1', LANG: 'C.UTF-8' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

export interface ShResult { code: number | null; stdout: Buffer; stderr: string }

/** Runs a file with sh (stdin /dev/null), as a user would run `qwex render … > f; sh f`. */
export function sh(file: string, env: Record<string, string> = {}): Promise<ShResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [file], { env: { ...process.env, ...CLIENT_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

export const nulSplit = (b: Buffer): string[] => (b.length === 0 ? [] : b.toString('utf8').slice(0, -1).split('\0'));
export const readArgv = (file: string): string[] => nulSplit(readFileSync(file));

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(fn: () => T | Promise<T>, what: string, ms = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
