// `npm run bench`: whole-process wall time (median) and peak memory of qwex commands, as ratios
// to `node -e 0` measured in the same run. Commands are interleaved round by round, so drift in
// the machine's speed hits all of them alike. Writes bench/results.json and docs/benchmarks.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'dist/main.js');
const rounds = Number(process.env.BENCH_ROUNDS) || 20;
const warmup = 2;
const work = mkdtempSync(path.join(os.tmpdir(), 'qwex-bench-'));
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

let projectCount = 0;
function freshProject() {
  const dir = path.join(work, `p${projectCount++}`);
  mkdirSync(dir);
  execFileSync('git', ['init', '-q', dir]);
  execFileSync(process.execPath, [bin, 'init', '--yes'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

// Each case: argv, and a setup that returns the folder to run in (not timed).
const cases = [
  { name: 'node -e 0', argv: ['-e', '0'], setup: () => work },
  { name: 'qwex --help', argv: [bin, '--help'], setup: () => work },
  { name: 'qwex search', argv: [bin, 'search'], setup: () => work },
  { name: 'qwex add ssh', argv: [bin, 'add', 'ssh'], setup: freshProject },
  { name: 'qwex add (all six)', argv: [bin, 'add', 'ssh', 'docker', 'slurm', 'singularity', 'k8s', 'uv-cache'], setup: freshProject },
  { name: 'qwex view slurm', argv: [bin, 'view', 'slurm'], setup: () => work },
];

function runOnce(c) {
  const cwd = c.setup();
  const args = timeBin ? ['-f', '%M', process.execPath, ...c.argv] : c.argv;
  const start = process.hrtime.bigint();
  const r = spawnSync(timeBin ?? process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} failed (${r.status}): ${r.stderr}`);
  const kib = timeBin ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, mib: kib / 1024 };
}

const samples = Object.fromEntries(cases.map((c) => [c.name, []]));
for (let i = 0; i < warmup + rounds; i++)
  for (const c of cases) {
    const s = runOnce(c);
    if (i >= warmup) samples[c.name].push(s);
  }
rmSync(work, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const floor = median(samples['node -e 0'].map((s) => s.ms));
const targets = { 'qwex --help': 1.6, 'qwex add ssh': 2.5 };
const results = cases.map((c) => {
  const ms = median(samples[c.name].map((s) => s.ms));
  const peak = Math.max(...samples[c.name].map((s) => s.mib));
  return { name: c.name, medianMs: +ms.toFixed(1), ratio: +(ms / floor).toFixed(2), peakMiB: Number.isFinite(peak) ? +peak.toFixed(1) : null, target: targets[c.name] ?? null };
});

const meta = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', rounds, warmup };
mkdirSync(path.join(repo, 'bench'), { recursive: true });
mkdirSync(path.join(repo, 'docs'), { recursive: true });
writeFileSync(path.join(repo, 'bench/results.json'), JSON.stringify({ meta, results }, null, 2) + '\n');
const rows = results.map((r) => `| \`${r.name}\` | ${r.medianMs} | ${r.ratio}× | ${r.target ? `≤ ${r.target}× ${r.ratio <= r.target ? '✓' : '✗'}` : ''} | ${r.peakMiB ?? '–'} |`);
const md = `# Benchmarks

Whole-process wall time, median of ${rounds} interleaved rounds after ${warmup} warm-ups, on ${meta.cpus} × ${meta.cpu}, Node ${meta.node}, ${meta.date.slice(0, 10)}.
Ratios are to \`node -e 0\` measured in the same run (the floor no Node CLI can beat). \`add\` runs in a fresh
\`qwex init\`-ed git project each time, from the embedded registry. Regenerate with \`npm run bench\`.

| command | median ms | × floor | target | peak MiB |
|---|---:|---:|---|---:|
${rows.join('\n')}
`;
writeFileSync(path.join(repo, 'docs/benchmarks.md'), md);
process.stdout.write(md);
const missed = results.filter((r) => r.target && r.ratio > r.target);
if (missed.length) process.stdout.write(`\nmissed: ${missed.map((r) => r.name).join(', ')}\n`);
