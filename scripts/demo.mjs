// `npm run demo`: a guided tour on a fresh git project in ./demo (git-ignored), offline, using the
// registry embedded in the package. Every step checks its exit status, so a broken tour fails.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'dist/main.js');
const dir = path.join(repo, 'demo');
// Runs and worktrees go to ./demo-home, not ~/.qwex; the embedded registry, never QWEX_REGISTRY.
const demoEnv = { ...process.env, QWEX_REGISTRY: '', QWEX_HOME: path.join(repo, 'demo-home'), SOURCE_DATE_EPOCH: '1764806400' };
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[22m` : s);

function say(text) {
  process.stdout.write(`\n${bold('# ' + text)}\n`);
}

function qwex(args, expectCode = 0, cwd = dir) {
  process.stdout.write(`${dim('$')} qwex ${args.join(' ')}\n`);
  // stderr goes to stdout too, so the tour reads in order when piped.
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: demoEnv });
  process.stdout.write(r.stdout + r.stderr);
  if (r.status !== expectCode) {
    process.stderr.write(`demo: "qwex ${args.join(' ')}" exited ${r.status}, expected ${expectCode}\n`);
    process.exit(1);
  }
}

// The id of the newest run, for the steps that take one.
function listFirstId() {
  const r = spawnSync(process.execPath, [bin, 'list', '--json'], { cwd: dir, encoding: 'utf8', env: demoEnv });
  return JSON.parse(r.stdout).runs[0].id;
}

function tree(root, rel = '') {
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    const p = path.join(rel, name);
    const isDir = statSync(path.join(root, p)).isDirectory();
    process.stdout.write(`  ${p}${isDir ? '/' : ''}\n`);
    if (isDir) tree(root, p);
  }
}

rmSync(dir, { recursive: true, force: true });
rmSync(path.join(repo, 'demo-home'), { recursive: true, force: true });
mkdirSync(dir);
spawnSync('git', ['init', '-q', dir]);
say(`A fresh git project in ${path.relative(process.cwd(), dir) || dir}; everything below runs offline on the embedded registry.`);

say('Set up qwex in it: a config, a lock, a .gitignore for per-machine secrets.');
qwex(['init', '--yes', '--name', 'demo']);

say('What layer templates are there?');
qwex(['search']);

say('Read one before adding it: inputs, files, versions, docs.');
qwex(['view', 'slurm']);

say('Copy the layers of an HPC runner into the project. They are yours to edit from now on.');
qwex(['add', 'ssh', 'slurm', 'singularity', 'uv-cache']);
process.stdout.write(`\n.qwex/ now holds:\n`);
tree(path.join(dir, '.qwex'));

say('Edit a template, as you would for your cluster; qwex never overwrites an edit silently.');
appendFileSync(path.join(dir, '.qwex/templates/ssh/ssh.sh.j2'), '# tuned for our cluster\n');
qwex(['add', 'ssh'], 3);

say('What exactly did you change? qwex diffs against the pristine files it recorded at install.');
qwex(['diff', 'ssh', '--local']);

say('Your lab keeps its own registry of templates: build one from a folder of template sources.');
const lab = path.join(dir, 'lab');
const greet = path.join(lab, 'templates', 'greet');
mkdirSync(greet, { recursive: true });
const v1 = ['#!/bin/sh', 'set -eu', "printf '[qwex:greet] %s\\n' {{ greeting | shq }} >&2", 'TMPDIR=/tmp', '{{ inner | sh_eval }}', ''].join('\n');
const manifest = { apiVersion: 'qwex/v1', name: 'greet', version: '1.0.0', kind: 'env', runs_on: 'node', description: 'Say hello on stderr, then run the inner script', main: 'greet.sh.j2', inputs: [{ name: 'greeting', type: 'string', default: 'hello', description: 'what to say' }] };
writeFileSync(path.join(greet, 'layer.json'), JSON.stringify(manifest, null, 2) + '\n');
writeFileSync(path.join(greet, 'greet.sh.j2'), v1);
writeFileSync(path.join(greet, 'README.md'), '# greet\n\nA demo layer from the lab registry.\n');
qwex(['registry', 'build', 'templates', '--out', 'registry'], 0, lab);
appendFileSync(path.join(dir, '.qwex/config.yaml'), '\nregistries:\n  "@lab": ./lab/registry\n');
qwex(['add', '@lab/greet']);

say('Tune it for your cluster…');
const mine = path.join(dir, '.qwex/templates/greet/greet.sh.j2');
writeFileSync(mine, readFileSync(mine, 'utf8').replace('TMPDIR=/tmp', 'TMPDIR=/scratch/$USER'));
qwex(['diff', 'greet', '--local']);

say('…while the lab publishes greet 1.1.0 with a change of its own (a new version; 1.0.0 never changes).');
writeFileSync(path.join(greet, 'greet.sh.j2'), v1.replace('set -eu', 'set -eu\ntrap \'exit 143\' TERM'));
writeFileSync(path.join(greet, 'layer.json'), JSON.stringify({ ...manifest, version: '1.1.0' }, null, 2) + '\n');
qwex(['registry', 'build', 'templates', '--out', 'registry'], 0, lab);
qwex(['outdated']);
qwex(['diff', 'greet']);

say('Update: a 3-way merge brings upstream’s change in and keeps your edit.');
qwex(['update', 'greet']);
process.stdout.write(readFileSync(mine, 'utf8'));

say('Compose a runner: layers outer → inner around a command, rendered into one POSIX sh script.');
const cfg = path.join(dir, '.qwex/config.yaml');
writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('runners:\n', 'runners:\n  hpc:\n    layers:\n      - ssh: { host: login.cluster, user: me, remote_base: /scratch/me/.qwex }\n      - slurm: { partition: gpu, time: "02:00:00", gpus: 1 }\n      - singularity: { image: /scratch/images/torch.sif }\n      - uv-cache\n'));
const renderArgs = ['render', '-r', 'hpc', '--run-id', 'demo', '--', 'python', 'train.py', '--lr', "it's 3e-4"];
process.stdout.write(`${dim('$')} qwex ${renderArgs.join(' ')} > run.sh\n`);
const rendered = spawnSync(process.execPath, [bin, ...renderArgs], { cwd: dir, encoding: 'utf8' });
if (rendered.status !== 0) {
  process.stderr.write(`demo: qwex render failed:\n${rendered.stderr}`);
  process.exit(1);
}
writeFileSync(path.join(dir, 'run.sh'), rendered.stdout);
process.stdout.write(rendered.stderr + dim('(add --explain to see every layer with its values and where each came from)\n'));
process.stdout.write(`\nrun.sh: ${rendered.stdout.length} bytes of POSIX sh (sh -n: ${spawnSync('sh', ['-n', path.join(dir, 'run.sh')]).status === 0 ? 'ok' : 'FAILED'}); its first lines:\n`);
process.stdout.write(rendered.stdout.split('\n').slice(0, 12).map((l) => '  ' + l.slice(0, 110)).join('\n') + '\n');

say('Run something for real, locally: a tracked run tied to a commit, with logs, status and artifacts.');
spawnSync('git', ['add', '-A'], { cwd: dir });
spawnSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@localhost', 'commit', '-qm', 'demo'], { cwd: dir });
qwex(['run', '--name', 'hello', '--', 'sh', '-c', 'echo "hello from $QWEX_RUN_ID"; mkdir -p out; echo 0.93 > out/accuracy.txt; exit 3'], 3);
qwex(['list']);
qwex(['artifacts', listFirstId()]);

say('Search again: the INSTALLED column shows what the lock recorded.');
qwex(['search', 'scheduler']);

say('Remove what you do not need; qwex refuses while a runner still uses it, or when you edited it.');
qwex(['remove', 'uv-cache'], 3);
qwex(['add', 'docker']);
qwex(['remove', 'docker']);

process.stdout.write(`\n${bold('Done.')} Explore it: cd ${path.relative(process.cwd(), dir) || dir} && node ../dist/main.js --help   (or run npm link once, then qwex …)\n`);
