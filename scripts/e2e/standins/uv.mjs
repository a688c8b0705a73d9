#!/usr/bin/node
// STAND-IN for astral's uv (not installable here: PyPI/crates.io unreachable, npm "uv" is
// unrelated; see reference/backends.md §5). Installs nothing. Supports `uv --version`,
// `uv cache dir`, `uv sync [flags]`, `uv run [flags] [--] CMD...`; exits 2 on unknown flags or
// subcommands like uv; resolves the cache dir as uv does and appends to <cache>/qwex-standin-uses;
// logs each call as one JSON line to $QWEX_STANDIN_LOG.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const argv = process.argv.slice(2);
const die = (msg) => { process.stderr.write(`error: ${msg}\n`); process.exit(2); };
const GLOBAL_VALUE = new Set(['--cache-dir', '--directory', '--project', '--python', '-p', '--color', '--config-file']);
const GLOBAL_BOOL = new Set(['--no-cache', '-n', '-q', '--quiet', '-v', '--verbose', '--offline', '--no-progress', '--native-tls', '--no-config', '--frozen', '--locked', '--no-sync', '--no-dev', '--all-extras', '--no-install-project', '--all-groups', '--isolated', '--active', '--no-python-downloads', '--compile-bytecode', '--inexact', '--exact']);
const SUB_VALUE = new Set(['--group', '--extra', '--only-group', '--no-group', '--with', '--env-file', '--index', '--link-mode']);
if (argv[0] === '--version' || argv[0] === '-V') { process.stdout.write('uv 0.0.0-qwex-standin (NOT astral uv: a qwex test stand-in)\n'); process.exit(0); }
const o = { cacheDir: undefined, noCache: false, directory: undefined, flags: [] };
const sub = [];
let cmd = [];
let i = 0;
for (; i < argv.length; i++) {
  let a = argv[i];
  if (a === '--') { cmd = argv.slice(i + 1); break; }
  if (sub[0] === 'run' && !a.startsWith('-')) { cmd = argv.slice(i); break; }
  if (!a.startsWith('-')) { sub.push(a); continue; }
  let v;
  const eq = a.indexOf('=');
  if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
  if (GLOBAL_VALUE.has(a) || SUB_VALUE.has(a)) {
    if (v === undefined) { if (i + 1 >= argv.length) die(`a value is required for '${a} <VALUE>' but none was supplied`); v = argv[++i]; }
    if (a === '--cache-dir') o.cacheDir = v;
    if (a === '--directory' || a === '--project') o.directory = v;
    o.flags.push(a, v);
  } else if (GLOBAL_BOOL.has(a)) { if (a === '--no-cache' || a === '-n') o.noCache = true; o.flags.push(a); }
  else die(`unexpected argument '${a}' found`);
}
const home = process.env.HOME ?? os.homedir();
let cache = o.cacheDir ?? process.env.UV_CACHE_DIR ?? (process.env.XDG_CACHE_HOME ? path.join(process.env.XDG_CACHE_HOME, 'uv') : path.join(home, '.cache/uv'));
if (o.noCache) cache = mkdtempSync(path.join(os.tmpdir(), 'uv-cache-'));
if (o.directory) process.chdir(o.directory);
const log = (extra) => {
  if (process.env.QWEX_STANDIN_LOG) appendFileSync(process.env.QWEX_STANDIN_LOG, JSON.stringify({ tool: 'uv', argv, sub, cache, cwd: process.cwd(), env: { UV_PROJECT_ENVIRONMENT: process.env.UV_PROJECT_ENVIRONMENT, UV_LINK_MODE: process.env.UV_LINK_MODE, VIRTUAL_ENV: process.env.VIRTUAL_ENV }, ...extra }) + '\n');
};
const use = (what) => { mkdirSync(cache, { recursive: true }); appendFileSync(path.join(cache, 'qwex-standin-uses'), `${what} ${process.cwd()}\n`); };
const key = sub.join(' ');
if (key === 'cache dir') { log({}); process.stdout.write(cache + '\n'); process.exit(0); }
if (key === 'sync') {
  use('sync');
  const venv = process.env.UV_PROJECT_ENVIRONMENT ?? path.join(process.cwd(), '.venv');
  mkdirSync(path.join(venv, 'bin'), { recursive: true });
  log({ venv });
  process.stderr.write(`Resolved 0 packages (qwex stand-in; nothing installed) into ${venv}\n`);
  process.exit(0);
}
if (key === 'run') {
  if (!cmd.length) die('a command is required: uv run <COMMAND>');
  use('run');
  log({ cmd });
  const exe = cmd[0] === 'python' ? 'python3' : cmd[0];
  const child = spawn(exe, cmd.slice(1), { stdio: 'inherit' });
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => child.kill(s));
  child.on('error', () => { process.stderr.write(`error: Failed to spawn: \`${cmd[0]}\`\n  Caused by: No such file or directory (os error 2)\n`); process.exit(2); });
  child.on('exit', (code, sig) => process.exit(code ?? 128 + (sig === 'SIGKILL' ? 9 : 15)));
} else die(key ? `unrecognized subcommand '${key}'` : 'a subcommand is required');
