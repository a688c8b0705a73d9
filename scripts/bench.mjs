// `npm run bench`: whole-process wall time (median) and peak memory of qwex commands, as ratios
// to `node -e 0` measured in the same run. Commands are interleaved round by round, so drift in
// the machine's speed hits all of them alike. Then how cost grows with the registry's size.
// Writes bench/results.json and docs/benchmarks.md (into BENCH_OUT instead, when set: CI's quick
// run, BENCH_ROUNDS=2 BENCH_SCALE=10, only proves the bench still works). BENCH_ROUNDS (default 20)
// and BENCH_SCALE (default 10,100,1000,5000) make it shorter. Caches live in the bench's own temp
// folder: the warm-ups fill them, as a day of use would.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'dist/main.js');
const rounds = Number(process.env.BENCH_ROUNDS) || 20;
const scales = (process.env.BENCH_SCALE ?? '10,100,1000,5000').split(',').map(Number).filter(Boolean);
const warmup = 2;
const work = mkdtempSync(path.join(os.tmpdir(), 'qwex-bench-'));
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
process.env.XDG_CACHE_HOME = path.join(work, 'cache');
const out = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : undefined;
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', SOURCE_DATE_EPOCH: '1764547200' };
const qwex = (args, cwd) => execFileSync(process.execPath, [bin, ...args], { cwd, stdio: 'ignore', env: gitEnv });

let projectCount = 0;
function freshProject() {
  const dir = path.join(work, `p${projectCount++}`);
  mkdirSync(dir);
  execFileSync('git', ['init', '-q', dir]);
  qwex(['init', '--yes'], dir);
  return dir;
}

// One project for the read-mostly commands: four layers installed, an hpc runner, a commit, and
// 1,000 recorded runs for `qwex list`.
const hpc = freshProject();
qwex(['add', 'ssh', 'slurm', 'singularity', 'uv-cache'], hpc);
writeFileSync(
  path.join(hpc, '.qwex/config.yaml'),
  `apiVersion: qwex/v1\nname: bench\ndefaults:\n  runner: local\nrunners:\n  local:\n    layers: []\n  hpc:\n    layers:\n      - ssh: { host: login, remote_base: /scratch/me/.qwex }\n      - slurm: { partition: gpu, time: "01:00:00" }\n      - singularity: { image: /images/torch.sif }\n      - uv-cache\n`,
);
execFileSync('git', ['add', '-A'], { cwd: hpc, env: gitEnv });
execFileSync('git', ['commit', '-qm', 'bench'], { cwd: hpc, env: gitEnv });
const qwexHome = path.join(work, 'qwex-home');
const runs = path.join(qwexHome, 'bench', 'runs');
for (let i = 0; i < 1000; i++) {
  const meta = path.join(runs, `20261201-${String(100000 + i)}-abcd`, 'meta');
  mkdirSync(meta, { recursive: true });
  const fields = { id: `r${i}`, name: `r${i}`, runner: 'local', status: i % 7 ? 'succeeded' : 'failed', exit_code: i % 7 ? '0' : '1', created_at: '2026-12-01T00:00:00Z', started_at: '2026-12-01T00:00:01Z', finished_at: '2026-12-01T00:01:00Z', commit: 'a'.repeat(40), command_line: 'python train.py', host: 'vm' };
  for (const [k, v] of Object.entries(fields)) writeFileSync(path.join(meta, k), v + '\n');
}

// `qwex update` 3 versions apart with a local edit: a registry with t@1.0.0 … t@1.3.0, and a
// project copied afresh for every timing from one with 1.0.0 installed and edited.
const updReg = path.join(work, 'upd');
const base = Array.from({ length: 60 }, (_, i) => `echo line ${i}`).join('\n') + '\n';
for (let v = 0; v <= 3; v++) {
  const t = path.join(updReg, 'templates', 't');
  mkdirSync(t, { recursive: true });
  writeFileSync(path.join(t, 'layer.json'), JSON.stringify({ apiVersion: 'qwex/v1', name: 't', version: `1.${v}.0`, kind: 'env', runs_on: 'node', description: 'bench', main: 't.sh.j2', inputs: [] }));
  writeFileSync(path.join(t, 't.sh.j2'), '#!/bin/sh\n' + base.replace(`echo line ${50 + v}`, `echo line ${50 + v} (v${v})`) + '{{ inner | sh_eval }}\n');
  qwex(['registry', 'build', 'templates', '--out', 'registry'], updReg);
}
const updSeed = freshProject();
qwex(['add', `${path.join(updReg, 'registry')}/t/1.0.0.json`], updSeed);
const seedScript = path.join(updSeed, '.qwex/templates/t/t.sh.j2');
writeFileSync(seedScript, readFileSync(seedScript, 'utf8').replace('echo line 5\n', 'echo line 5 (mine)\n'));
const lockFile = path.join(updSeed, '.qwex/qwex.lock');
const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
lock.templates.t.source = path.join(updReg, 'registry');
writeFileSync(lockFile, JSON.stringify(lock));
const updProject = () => {
  const dir = path.join(work, `u${projectCount++}`);
  cpSync(updSeed, dir, { recursive: true });
  return dir;
};

// Each case: argv, and a setup that returns the folder to run in (not timed).
const cases = [
  { name: 'node -e 0', argv: ['-e', '0'], setup: () => work },
  { name: 'qwex --help', argv: [bin, '--help'], setup: () => work },
  { name: 'qwex search', argv: [bin, 'search'], setup: () => work },
  { name: 'qwex add ssh', argv: [bin, 'add', 'ssh'], setup: freshProject },
  { name: 'qwex add (all six)', argv: [bin, 'add', 'ssh', 'docker', 'slurm', 'singularity', 'k8s', 'uv-cache'], setup: freshProject },
  { name: 'qwex view slurm', argv: [bin, 'view', 'slurm'], setup: () => work },
  { name: 'qwex render (4 layers)', argv: [bin, 'render', '-r', 'hpc', '--', 'python', 'train.py'], setup: () => hpc },
  { name: 'qwex diff --local (4 templates)', argv: [bin, 'diff', '--local'], setup: () => hpc },
  { name: 'qwex update (3 versions, edited)', argv: [bin, 'update'], setup: updProject },
  { name: 'qwex outdated', argv: [bin, 'outdated'], setup: () => hpc },
  { name: 'qwex run -r local -- true', argv: [bin, 'run', '-r', 'local', '--', 'true'], setup: () => hpc, env: { QWEX_HOME: path.join(work, 'run-home') } },
  { name: 'qwex list (1,000 runs)', argv: [bin, 'list'], setup: () => hpc, env: { QWEX_HOME: qwexHome } },
];
// The closest peer, side by side, when QWEX_BENCH_SHADCN names an installed shadcn CLI (its
// dist/index.js): `shadcn add` of the same ssh item from a local file, as `qwex add ssh` does.
if (process.env.QWEX_BENCH_SHADCN) {
  const item = path.join(repo, 'registry/ssh', `${JSON.parse(readFileSync(path.join(repo, 'registry/index.json'), 'utf8')).items.ssh.latest}.json`);
  cases.push({ name: 'shadcn add ssh (peer)', argv: [process.env.QWEX_BENCH_SHADCN, 'add', item, '--yes', '--cwd', '.'], setup: freshProject });
}

function timed(argv, cwd, env = {}) {
  const args = timeBin ? ['-f', '%M', process.execPath, ...argv] : argv;
  const start = process.hrtime.bigint();
  const r = spawnSync(timeBin ?? process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const kib = timeBin ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, mib: kib / 1024 };
}

const samples = Object.fromEntries(cases.map((c) => [c.name, []]));
for (let i = 0; i < warmup + rounds; i++)
  for (const c of cases) {
    const s = timed(c.argv, c.setup(), c.env);
    if (i >= warmup) samples[c.name].push(s);
  }

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const floor = median(samples['node -e 0'].map((s) => s.ms));
const targets = { 'qwex --help': 1.6, 'qwex add ssh': 2.5, 'qwex render (4 layers)': 2.5, 'qwex diff --local (4 templates)': 2.5, 'qwex update (3 versions, edited)': 3, 'qwex run -r local -- true': 5, 'qwex list (1,000 runs)': 4 };
const results = cases.map((c) => {
  const ms = median(samples[c.name].map((s) => s.ms));
  const peak = Math.max(...samples[c.name].map((s) => s.mib));
  return { name: c.name, medianMs: +ms.toFixed(1), ratio: +(ms / floor).toFixed(2), peakMiB: Number.isFinite(peak) ? +peak.toFixed(1) : null, target: targets[c.name] ?? null };
});

// Scale: generated registries of N small templates, built once each by the real CLI.
const scale = [];
for (const n of scales) {
  const dir = path.join(work, `scale-${n}`);
  for (let i = 0; i < n; i++) {
    const t = path.join(dir, 'templates', `tpl-${String(i).padStart(5, '0')}`);
    mkdirSync(t, { recursive: true });
    writeFileSync(path.join(t, 'layer.json'), JSON.stringify({ apiVersion: 'qwex/v1', name: path.basename(t), version: '1.0.0', kind: 'env', runs_on: 'node', description: `generated template ${i} for scale`, main: 't.sh.j2', inputs: [{ name: 'msg', type: 'string', default: 'hi', description: 'what to say' }], tags: ['bench'] }));
    writeFileSync(path.join(t, 't.sh.j2'), `#!/bin/sh\nset -eu\nprintf '%s\\n' {{ msg | shq }} >&2\n{{ inner | sh_eval }}\n`);
    writeFileSync(path.join(t, 'README.md'), `# tpl ${i}\n\nGenerated.\n`);
  }
  const build = timed([bin, 'registry', 'build', 'templates', '--out', 'registry'], dir, { SOURCE_DATE_EPOCH: '1764547200' });
  const search = median(Array.from({ length: 5 }, () => timed([bin, 'search', 'template', '--registry', path.join(dir, 'registry')], dir).ms));
  const site = timed([path.join(repo, 'registry-site/build.mjs'), '--registry', path.join(dir, 'registry'), '--out', path.join(dir, 'site')], repo);
  scale.push({ templates: n, buildS: +(build.ms / 1000).toFixed(2), buildMiB: +build.mib.toFixed(1), indexKiB: +(statSync(path.join(dir, 'registry/index.json')).size / 1024).toFixed(1), searchMs: +search.toFixed(1), siteBuildS: +(site.ms / 1000).toFixed(2) });
  rmSync(dir, { recursive: true, force: true });
}
rmSync(work, { recursive: true, force: true });

const meta = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', rounds, warmup };
const resultsFile = out ? path.join(out, 'results.json') : path.join(repo, 'bench/results.json');
const mdFile = out ? path.join(out, 'benchmarks.md') : path.join(repo, 'docs/benchmarks.md');
for (const f of [resultsFile, mdFile]) mkdirSync(path.dirname(f), { recursive: true });
writeFileSync(resultsFile, JSON.stringify({ meta, results, scale }, null, 2) + '\n');
const rows = results.map((r) => `| \`${r.name}\` | ${r.medianMs} | ${r.ratio}× | ${r.target ? `≤ ${r.target}× ${r.ratio <= r.target ? '✓' : '✗'}` : ''} | ${r.peakMiB ?? '–'} |`);
const scaleRows = scale.map((s) => `| ${s.templates} | ${s.buildS} s | ${s.buildMiB} | ${s.indexKiB} KiB | ${s.searchMs} ms | ${s.siteBuildS} s |`);
// How each cost grows between the two largest registries, against how the registry grew.
function growth() {
  if (scale.length < 2) return '';
  const [a, b] = scale.slice(-2);
  const n = b.templates / a.templates;
  const says = (name, x, y) => {
    const k = y / x;
    return `${name} ×${k.toFixed(1)}${k > n * 1.15 ? ' (worse than linear)' : ''}`;
  };
  return `\nFrom ${a.templates} to ${b.templates} templates (×${n}): ${[says('registry build', a.buildS, b.buildS), says('index.json', a.indexKiB, b.indexKiB), says('qwex search', a.searchMs, b.searchMs), says('site build', a.siteBuildS, b.siteBuildS)].join(', ')}.\n`;
}

const md = `# Benchmarks

Whole-process wall time, median of ${rounds} interleaved rounds after ${warmup} warm-ups, on ${meta.cpus} × ${meta.cpu}, Node ${meta.node}, ${meta.date.slice(0, 10)}.
Ratios are to \`node -e 0\` measured in the same run (the floor no Node CLI can beat). \`add\` runs in a fresh
\`qwex init\`-ed git project each time, from the embedded registry; \`update\` in a fresh copy of a project with
t@1.0.0 installed and edited, updating to 1.3.0. \`render\` is the repeated render of a day's work: its caches
(compiled templates, the validated runner) were filled by the warm-ups. Regenerate with \`npm run bench\`.

| command | median ms | × floor | target | peak MiB |
|---|---:|---:|---|---:|
${rows.join('\n')}

## Scale

Generated registries of small templates (layer.json, one .j2, a README), built once each with
\`qwex registry build\`; \`qwex search\` is the median of 5; the site is \`registry-site/build.mjs\`.
Targets: registry build of 1,000 templates ≤ 10 s, of 5,000 ≤ 50 s.

| templates | registry build | build peak MiB | index.json | qwex search | site build |
|---:|---:|---:|---:|---:|---:|
${scaleRows.join('\n')}
${growth()}`;
writeFileSync(mdFile, md);
process.stdout.write(md);
const missed = results.filter((r) => r.target && r.ratio > r.target);
if (missed.length) process.stdout.write(`\nmissed: ${missed.map((r) => r.name).join(', ')}\n`);
