import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBinary, merge3, sameText } from '../../cli/core/merge.js';
import { conflictMarkerLine as hasConflictMarkers } from '../../cli/core/conflict-markers.js';

const L = { ours: 'local', base: 'base', theirs: 'upstream' };
const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

// git merge-file -p, the reference implementation (reference/update.md §6.2).
function gitMerge(base: string, ours: string, theirs: string): { text: string; conflicts: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qwex-merge-'));
  try {
    const [o, b, t] = ['ours', 'base', 'theirs'].map((n) => path.join(dir, n));
    writeFileSync(o!, ours);
    writeFileSync(b!, base);
    writeFileSync(t!, theirs);
    try {
      return { text: execFileSync('git', ['merge-file', '-p', '-L', L.ours, '-L', L.base, '-L', L.theirs, o!, b!, t!], { encoding: 'utf8' }), conflicts: 0 };
    } catch (e) {
      const err = e as { status: number; stdout: string };
      return { text: err.stdout, conflicts: err.status };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = lines('#!/bin/sh', 'set -eu', 'PORT=22', 'HOST=login', 'ssh -p "$PORT" "$HOST" "$@"', 'exit 0');
const CASES: [string, string, string, number][] = [
  ['edits on different lines merge cleanly', base.replace('PORT=22', 'PORT=2222'), base.replace('exit 0', 'exit "$?"'), 0],
  ['the same line edited both ways conflicts', base.replace('ssh -p', 'ssh -J bastion -p'), base.replace('ssh -p', 'ssh -o BatchMode=yes -p'), 1],
  ['adjacent lines conflict, as in git', base.replace('PORT=22', 'PORT=2222'), base.replace('HOST=login', 'HOST=login2'), 1],
  ['the same change on both sides is no conflict', base.replace('set -eu', 'set -euf'), base.replace('set -eu', 'set -euf'), 0],
  ['conflicts 2 lines apart fold into one, as in git', base.replace('PORT=22', 'PORT=1').replace('exit 0', 'exit 1'), base.replace('PORT=22', 'PORT=2').replace('exit 0', 'exit 2'), 1],
  ['conflicts 4 lines apart stay two', base.replace('#!/bin/sh', '#!/bin/dash').replace('exit 0', 'exit 1'), base.replace('#!/bin/sh', '#!/bin/bash').replace('exit 0', 'exit 2'), 2],
  ['common leading lines are trimmed out of the conflict (zealous)', base.replace('exit 0', 'export A=1\nexport B=2\nlocal-only\nexit 0'), base.replace('exit 0', 'export A=1\nexport B=2\nupstream-only\nexit 0'), 1],
  ['upstream appends, local edits the top', base.replace('#!/bin/sh', '#!/bin/sh\n# mine'), base + 'trap "" TERM\n', 0],
  ['the user emptied the file', '', base.replace('exit 0', 'exit 1'), 1],
];

describe('merge3', () => {
  it.each(CASES)('%s — byte-identical to git merge-file', (_, ours, theirs, conflicts) => {
    const got = merge3(base, ours, theirs, L);
    const git = gitMerge(base, ours, theirs);
    expect(got.conflicts).toBe(conflicts);
    expect(git.conflicts).toBe(conflicts);
    expect(got.text).toBe(git.text);
  });

  it('keeps the user’s CRLF line endings and BOM while merging LF upstream changes', () => {
    const ours = '\uFEFF' + base.replace('PORT=22', 'PORT=2222').replace(/\n/g, '\r\n');
    const got = merge3(base, ours, base.replace('exit 0', 'exit 3'), L);
    expect(got.conflicts).toBe(0);
    expect(got.text).toBe('\uFEFF' + base.replace('PORT=22', 'PORT=2222').replace('exit 0', 'exit 3').replace(/\n/g, '\r\n'));
  });

  it('never drops a line the user changed (property)', () => {
    const word = fc.constantFrom('a', 'b', 'c', 'echo x', 'fi', '');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), fc.array(fc.tuple(fc.nat(12), fc.string({ minLength: 1, maxLength: 6 })), { maxLength: 4 }), fc.array(fc.tuple(fc.nat(12), word), { maxLength: 4 }), (o, mine, theirs) => {
        const a: string[] = [...o];
        for (const [i, s] of mine) a.splice(Math.min(i, a.length), 0, `USER:${s}`);
        const b = [...o];
        for (const [i, s] of theirs) b.splice(Math.min(i, b.length), 1, s);
        const out = merge3(o.join('\n'), a.join('\n'), b.join('\n'), L).text.split('\n');
        for (const line of a.filter((l) => l.startsWith('USER:'))) expect(out).toContain(line);
      }),
      { numRuns: 300 },
    );
  });

  it('merges edits to disjoint regions with both edits and no markers (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 30 }), fc.nat(), fc.nat(), (n, i, j) => {
        const o = Array.from({ length: n }, (_, k) => `line ${k}`);
        const x = i % Math.floor(n / 2);
        const y = Math.floor(n / 2) + 1 + (j % (n - Math.floor(n / 2) - 1));
        const a = o.map((l, k) => (k === x ? 'mine' : l));
        const b = o.map((l, k) => (k === y ? 'theirs' : l));
        const r = merge3(o.join('\n'), a.join('\n'), b.join('\n'), L);
        expect(r.conflicts).toBe(0);
        expect(r.text.split('\n')).toEqual(o.map((l, k) => (k === x ? 'mine' : k === y ? 'theirs' : l)));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with git merge-file on random small files (reported rate)', () => {
    const rnd = fc.sample(fc.tuple(...[0, 1, 2].map(() => fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 7 }))), { numRuns: 150, seed: 7 });
    let same = 0;
    for (const [o, a, b] of rnd) {
      const [bo, ba, bb] = [o, a, b].map((x) => x!.map((l) => l + '\n').join(''));
      if (merge3(bo!, ba!, bb!, L).text === gitMerge(bo!, ba!, bb!).text) same++;
    }
    // node-diff3 and git may pick different (equally valid) alignments on highly repetitive text.
    console.log(`merge parity with git merge-file: ${same}/${rnd.length} byte-identical`);
    expect(same / rnd.length).toBeGreaterThan(0.85);
  });
});

describe('text helpers', () => {
  it.each([
    ['a\r\nb\r\n', 'a\nb\n', true],
    ['\uFEFFa\n', 'a\n', true],
    ['a\n', 'a', false],
  ])('sameText(%j, %j) = %s', (x, y, same) => expect(sameText(x, y)).toBe(same));
  it('finds conflict markers and binary content', () => {
    expect(hasConflictMarkers('a\n<<<<<<< local\nb\n=======\nc\n>>>>>>> up\n')).toBe(2);
    expect(hasConflictMarkers('a\n# ======= not a marker\n')).toBeUndefined();
    expect(isBinary('ab\u0000c')).toBe(true);
  });
});
