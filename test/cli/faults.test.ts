// Disk faults, injected for real: the project sits on a private tmpfs (in a mount namespace of its
// own, made with unshare, so nothing outside the test sees it) that is filled to the last few
// pages, or remounted read-only. qwex must say which file it could not write and why, exit 3, and
// leave the project exactly as it was: no half-installed template, no lock that lies, no edit lost.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../support/process.js';
import { BIN, consistent, project, readJson, snapshot, tempDir } from './helpers.js';
import { installed, lines, versionedRegistry } from './update-helpers.js';

const SIX = ['ssh', 'slurm', 'singularity', 'uv-cache', 'docker', 'k8s'];

/**
 * Copies `seed` onto a fresh tmpfs once per `setups` entry, prepares it (fills it, or makes it
 * read-only), runs qwex there, and copies the result out before the namespace (and its mount) ends.
 */
async function onTmpfs(seed: string, setups: string[], args: string[]): Promise<{ code: number; stderr: string; dir: string }[]> {
  const work = tempDir('qwex-faults-');
  const mnt = path.join(work, 'mnt');
  await fs.mkdir(mnt);
  const home = path.join(work, 'home');
  const script = setups
    .map((setup, i) => `
rm -rf "$MNT/p" "$MNT/fill"; cp -a "$SEED" "$MNT/p"
${setup}
rc=0; (cd "$MNT/p" && exec "$NODE" "$BIN" "$@" >/dev/null 2>"$OUT/${i}.err") || rc=$?; echo $rc >"$OUT/${i}.code"
mount -o remount,rw "$MNT"; rm -f "$MNT/fill"; cp -a "$MNT/p" "$OUT/${i}"`)
    .join('\n');
  const r = await runProcess('unshare', ['--mount', '--map-root-user', 'sh', '-ec', `mount -t tmpfs -o size=4m tmpfs "$MNT"\n${script}`, 'faults', ...args], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), NO_COLOR: '1', LANG: 'C.UTF-8', MNT: mnt, SEED: seed, OUT: work, NODE: process.execPath, BIN },
  });
  expect(r.code, r.stderr).toBe(0);
  return Promise.all(setups.map(async (_, i) => ({
    code: Number(await fs.readFile(path.join(work, `${i}.code`), 'utf8')),
    stderr: await fs.readFile(path.join(work, `${i}.err`), 'utf8'),
    dir: path.join(work, String(i)),
  })));
}

// Fills the tmpfs, then frees `pages` pages of 4 KiB: the write after those fails with ENOSPC.
const fullBut = (pages: number) => `dd if=/dev/zero of="$MNT/fill" bs=4096 2>/dev/null || :\n${pages ? `truncate -s -${pages * 4096} "$MNT/fill"` : ''}`;
const readOnly = 'mount -o remount,ro "$MNT"';

describe('disk faults on a private tmpfs (real ENOSPC and EROFS)', () => {
  it('qwex add of six templates with the disk full at every point of the write: as before or fully installed', async () => {
    const seed = await project();
    const before = await snapshot(seed.dir);
    const free = Array.from({ length: 60 }, (_, pages) => pages);
    const results = await onTmpfs(seed.dir, free.map(fullBut), ['add', ...SIX]);
    const outcome = { full: 0, installed: 0 };
    for (const [pages, r] of results.entries()) {
      const now = await snapshot(r.dir);
      if (r.code === 0) {
        expect(Object.keys((await readJson(path.join(r.dir, '.qwex/qwex.lock'))).templates).sort(), `${pages} pages free`).toEqual([...SIX].sort());
        expect(await consistent(r.dir)).toBe(true);
        outcome.installed++;
      } else {
        expect(r.code, `${pages} pages free: ${r.stderr}`).toBe(3);
        expect(r.stderr).toMatch(/^error: cannot write \/\S+: the disk is full\nhint: fix the folder’s permissions or free space, then run the command again; nothing was changed\n$/);
        expect(now, `${pages} pages free`).toEqual(before);
        outcome.full++;
      }
    }
    // The sweep must cover both sides: failures at many points, and enough room to succeed.
    expect(outcome.full).toBeGreaterThan(5);
    expect(outcome.installed).toBeGreaterThan(0);
    console.log(`add with the disk full: ${outcome.full} of ${free.length} fill levels refused with nothing changed, ${outcome.installed} fully installed`);
  }, 120_000);

  it('qwex add and qwex update on a read-only .qwex: exit 3, named file, nothing changed, the edit kept', async () => {
    const V1 = lines('#!/bin/sh', 'A=1', 'B=2');
    const registry = await versionedRegistry('t', [
      { version: '1.0.0', files: { 't.sh.j2': V1 } },
      { version: '1.1.0', files: { 't.sh.j2': V1.replace('B=2', 'B=3') } },
    ]);
    const seed = await installed(registry);
    await fs.writeFile(seed.file('t.sh.j2'), V1.replace('A=1', 'A=mine'));
    const before = await snapshot(seed.dir);

    for (const args of [['add', 'ssh'], ['update', '--registry', registry]]) {
      const r = (await onTmpfs(seed.dir, [readOnly], args))[0]!;
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/^error: cannot write \/\S+\/\.qwex\/\.lock: the file system is read-only\nhint: .*nothing was changed/);
      expect(await snapshot(r.dir)).toEqual(before);
    }
    // Reading still works on a read-only project.
    const diff = (await onTmpfs(seed.dir, [readOnly], ['diff', '--local', '--exit-code']))[0]!;
    expect(diff.code, diff.stderr).toBe(1);
  }, 60_000);
});
