// File-level diffs between two versions of a template (pristine → upstream, or pristine → local),
// as data (for --json) and as unified text. Whitespace and quotes are never normalised: in shell
// they matter. jsdiff only prints here; it never merges.
import { structuredPatch } from 'diff';
import type { FileState } from './update-plan.js';

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export interface FileDiff {
  path: string;
  status: 'modified' | 'added' | 'removed' | 'mode';
  oldMode?: string;
  newMode?: string;
  hunks: Hunk[];
}

export function diffFiles(from: Map<string, FileState>, to: Map<string, FileState>): FileDiff[] {
  const out: FileDiff[] = [];
  for (const path of [...new Set([...from.keys(), ...to.keys()])].sort()) {
    const a = from.get(path);
    const b = to.get(path);
    if (a && b && a.content === b.content && a.mode === b.mode) continue;
    const status = !a ? 'added' : !b ? 'removed' : a.content === b.content ? 'mode' : 'modified';
    const patch = structuredPatch(path, path, a?.content ?? '', b?.content ?? '', undefined, undefined, { context: 3 });
    out.push({ path, status, oldMode: a?.mode, newMode: b?.mode, hunks: patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({ oldStart, oldLines, newStart, newLines, lines })) });
  }
  return out;
}

export interface Painter {
  add: (s: string) => string;
  del: (s: string) => string;
  meta: (s: string) => string;
}

/** git-style unified text; `dir` is the folder shown in the ---/+++ names. */
export function formatDiff(d: FileDiff, dir: string, fromLabel: string, toLabel: string, paint: Painter): string {
  const lines: string[] = [];
  const name = `${dir}/${d.path}`;
  lines.push(paint.meta(`--- ${d.status === 'added' ? '/dev/null' : `a/${name}`}\t(${fromLabel})`));
  lines.push(paint.meta(`+++ ${d.status === 'removed' ? '/dev/null' : `b/${name}`}\t(${toLabel})`));
  if (d.oldMode && d.newMode && d.oldMode !== d.newMode) lines.push(paint.meta(`mode ${d.oldMode} → ${d.newMode}`));
  for (const h of d.hunks) {
    lines.push(paint.meta(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`));
    for (const l of h.lines) lines.push(l.startsWith('+') ? paint.add(l) : l.startsWith('-') ? paint.del(l) : l);
  }
  return lines.join('\n') + '\n';
}
