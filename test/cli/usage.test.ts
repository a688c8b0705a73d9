import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, qwex, tempDir } from './helpers.js';

describe('usage', () => {
  const version = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
  it.each([
    [['--version'], 0, version + '\n', ''],
    [['help', 'add'], 0, /Usage: qwex add \[options\] <spec\.\.\.>/, ''],
    [['--help'], 0, /Commands:[\s\S]*init[\s\S]*registry/, ''],
    [[], 2, '', /Usage: qwex/],
    [['ad', 'ssh'], 2, '', /error: unknown command 'ad'\n\(Did you mean add\?\)/],
    [['add', '--bogus', 'x'], 2, '', /error: unknown option '--bogus'/],
    [['add'], 2, '', /error: missing required argument 'spec'/],
    [['add', 'Not_A_Name'], 2, '', /error: "Not_A_Name" in "Not_A_Name" is not a template name/],
  ])('qwex %j → exit %i', async (args, code, stdout, stderr) => {
    const r = await qwex(args, { cwd: tempDir() });
    expect(r.code).toBe(code);
    if (typeof stdout === 'string') expect(r.stdout).toBe(stdout);
    else expect(r.stdout).toMatch(stdout);
    if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
    else expect(r.stderr).toMatch(stderr);
  });

  it('colours only on request and never with NO_COLOR', async () => {
    const dir = tempDir();
    const plain = await qwex(['add', 'x'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.stderr).not.toContain('\x1b[');
    const coloured = await qwex(['add', 'x'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    expect(coloured.stderr).toContain('\x1b[31merror:\x1b[39m');
  });
});
