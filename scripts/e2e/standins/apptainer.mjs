#!/usr/bin/node
// STAND-IN for Apptainer/SingularityCE (neither can be installed on this machine; see
// reference/backends.md §4). NOT a container runtime: it parses the real CLI shape
// `apptainer [global flags] exec [flags] IMAGE CMD...`, rejects what the real one rejects (unknown
// flags, a missing image, a missing bind source, exit 255), logs every call as one JSON line to
// $QWEX_STANDIN_LOG, then runs CMD on the host with the environment apptainer would give it.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const prog = path.basename(process.argv[1] ?? 'apptainer').replace(/\.mjs$/, '');
const PREFIX = prog.startsWith('singularity') ? 'SINGULARITY' : 'APPTAINER';
const fail = (msg) => { process.stderr.write(`FATAL:   ${msg}\n`); process.exit(255); };
const GLOBAL_BOOL = new Set(['-d', '--debug', '-q', '--quiet', '-s', '--silent', '-v', '--verbose', '--nocolor']);
const EXEC_BOOL = new Set(['-e', '--cleanenv', '-C', '--containall', '-c', '--contain', '--no-home', '--writable-tmpfs', '-w', '--writable', '-f', '--fakeroot', '--nv', '--rocm', '--no-init', '--no-privs', '-u', '--userns', '-i', '--ipc', '-p', '--pid', '-n', '--net', '--compat', '--no-eval', '--no-https', '--keep-privs', '--allow-setuid', '--nvccli', '--no-umask', '--disable-cache']);
const EXEC_VALUE = new Set(['-B', '--bind', '--mount', '--pwd', '--cwd', '-H', '--home', '--env', '--env-file', '-o', '--overlay', '-S', '--scratch', '-W', '--workdir', '--security', '--network', '--network-args', '--hostname', '--dns', '--app', '--no-mount', '--add-caps', '--drop-caps', '--apply-cgroups']);

const argv = process.argv.slice(2);
if (argv[0] === '--version' || argv[0] === 'version') {
  process.stdout.write(`${prog} version 0.0.0-qwex-standin (NOT SingularityCE/Apptainer: a qwex test stand-in)\n`);
  process.exit(0);
}
let i = 0;
while (i < argv.length && argv[i].startsWith('-')) {
  if (!GLOBAL_BOOL.has(argv[i])) fail(`unknown flag: ${argv[i]}`);
  i++;
}
const sub = argv[i++];
if (sub !== 'exec') fail(sub ? `stand-in supports only "exec", not "${sub}"` : 'no command given');
const opts = { bool: [], bind: [], env: [], envFile: [], pwd: '', other: {} };
while (i < argv.length && argv[i].startsWith('-')) {
  let a = argv[i++];
  let v;
  const eq = a.indexOf('=');
  if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
  if (EXEC_BOOL.has(a)) { if (v !== undefined) fail(`flag ${a} takes no value`); opts.bool.push(a); continue; }
  if (!EXEC_VALUE.has(a)) fail(`unknown flag: ${a}`);
  if (v === undefined) { if (i >= argv.length) fail(`flag needs an argument: ${a}`); v = argv[i++]; }
  if (a === '-B' || a === '--bind') opts.bind.push(...v.split(','));
  else if (a === '--env') opts.env.push(...v.split(','));
  else if (a === '--env-file') opts.envFile.push(v);
  else if (a === '--pwd' || a === '--cwd') opts.pwd = v;
  else (opts.other[a] ??= []).push(v);
}
const image = argv[i++];
const cmd = argv.slice(i);
if (!image) fail('not enough arguments: an image is required');
if (!cmd.length) fail('not enough arguments: a command is required');
const remote = /^(docker|oras|library|shub|docker-archive|http|https):\/\//.test(image);
if (!remote && !existsSync(image)) fail(`could not open image ${path.resolve(image)}: failed to retrieve path for ${image}: lstat ${image}: no such file or directory`);
const binds = opts.bind.map((b) => {
  const [src, dst = src, mode = 'rw'] = b.split(':');
  if (!existsSync(src)) fail(`container creation failed: mount hook function failure: mount ${src}->${dst} error: while mounting ${src}: mount source ${src} doesn't exist`);
  return { src, dst, mode };
});
// --pwd is a path inside the container: map it through the binds to the host (same-path when none).
let cwd = process.cwd();
if (opts.pwd) {
  const b = binds.filter((x) => opts.pwd === x.dst || opts.pwd.startsWith(x.dst.replace(/\/$/, '') + '/')).sort((x, y) => y.dst.length - x.dst.length)[0];
  cwd = b ? path.join(b.src, path.relative(b.dst, opts.pwd)) : opts.pwd;
  try { if (!statSync(cwd).isDirectory()) throw new Error(); } catch { fail(`could not set working directory ${opts.pwd}: no such file or directory`); }
}
const clean = opts.bool.some((b) => ['-e', '--cleanenv', '-C', '--containall', '-c', '--contain'].includes(b));
const env = {};
if (!clean) for (const [k, v] of Object.entries(process.env)) env[k] = v;
env.PATH = clean ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' : (process.env.PATH ?? '');
for (const k of ['HOME', 'TERM', 'LANG', 'USER']) if (process.env[k] !== undefined) env[k] = process.env[k];
for (const [k, v] of Object.entries(process.env)) {
  for (const p of ['SINGULARITYENV_', 'APPTAINERENV_']) if (k.startsWith(p)) env[k.slice(p.length)] = v;
}
for (const f of opts.envFile) for (const line of readFileSync(f, 'utf8').split('\n')) { const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line); if (m) env[m[1]] = m[2]; }
for (const kv of opts.env) { const k = kv.slice(0, kv.indexOf('=')); if (k) env[k] = kv.slice(kv.indexOf('=') + 1); }
env[`${PREFIX}_CONTAINER`] = path.resolve(image);
env[`${PREFIX}_NAME`] = path.basename(image);
if (process.env.QWEX_STANDIN_LOG) {
  appendFileSync(process.env.QWEX_STANDIN_LOG, JSON.stringify({ tool: prog, argv, image, flags: opts.bool, binds, pwd: opts.pwd, cwd, env: Object.fromEntries(Object.entries(env).filter(([k]) => !/^(PATH|HOME|TERM|LANG|USER)$/.test(k) || clean)), cmd }) + '\n');
}
const child = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: 'inherit' });
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1']) process.on(s, () => child.kill(s));
child.on('error', (e) => { process.stderr.write(`FATAL:   "${cmd[0]}": executable file not found in $PATH\n`); process.exit(e.code === 'ENOENT' ? 127 : 126); });
child.on('exit', (code, sig) => process.exit(code ?? 128 + (sig === 'SIGKILL' ? 9 : sig === 'SIGINT' ? 2 : 15)));
