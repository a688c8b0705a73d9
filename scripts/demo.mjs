// `npm run demo`: a guided tour on a fresh git project in ./demo (git-ignored), offline, using the
// registry embedded in the package. Every step checks its exit status, so a broken tour fails.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'dist/main.js');
const dir = path.join(repo, 'demo');
const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[22m` : s);

function say(text) {
  process.stdout.write(`\n${bold('# ' + text)}\n`);
}

function qwex(args, expectCode = 0, cwd = dir) {
  process.stdout.write(`${dim('$')} qwex ${args.join(' ')}\n`);
  // stderr goes to stdout too, so the tour reads in order when piped.
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, QWEX_REGISTRY: '', SOURCE_DATE_EPOCH: '1764806400' } });
  process.stdout.write(r.stdout + r.stderr);
  if (r.status !== expectCode) {
    process.stderr.write(`demo: "qwex ${args.join(' ')}" exited ${r.status}, expected ${expectCode}\n`);
    process.exit(1);
  }
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

say('Search again: the INSTALLED column shows what the lock recorded.');
qwex(['search', 'scheduler']);

say('Remove what you do not need (refused if you had edited it).');
qwex(['remove', 'uv-cache']);

process.stdout.write(`\n${bold('Done.')} Explore it: cd ${path.relative(process.cwd(), dir) || dir} && node ../dist/main.js --help   (or run npm link once, then qwex …)\n`);
