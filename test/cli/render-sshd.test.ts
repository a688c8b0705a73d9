// One real hop: a private OpenSSH sshd on 127.0.0.1, started and stopped by this test
// (reference/backends.md §1), running the ssh layer's real rendered output. No stand-ins here.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProject } from './render-helpers.js';
import { startSshd, type Sshd } from '../support/sshd.js';

let sshd: Sshd;
let state = '';

beforeAll(async () => {
  sshd = await startSshd();
  state = sshd.state;
}, 20_000);

afterAll(() => sshd?.stop());

async function sshProject() {
  const runs = path.join(state, 'remote');
  mkdirSync(runs, { recursive: true });
  const box = `  box:
    layers:
${sshd.layer(runs)}`;
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
