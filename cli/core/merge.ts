// Three-way merge of text files, line by line, with node-diff3 and git's "zealous" trimming of
// conflict regions, so the result matches `git merge-file -p` (reference/update.md §6). Line
// endings and a UTF-8 BOM are normalised for the merge and restored from the user's side: an
// editor's CRLF conversion is not an edit.
import { diff3Merge } from 'node-diff3';

export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

export interface MergeResult {
  text: string;
  conflicts: number; // conflict regions left as markers
}

const BOM = '\uFEFF';

export function normalizeText(text: string): string {
  return (text.startsWith(BOM) ? text.slice(1) : text).replace(/\r\n/g, '\n');
}

/** Same content once line endings and a BOM are set aside. */
export function sameText(a: string, b: string): boolean {
  return a === b || normalizeText(a) === normalizeText(b);
}

/** git's heuristic: a NUL byte in the first 8000 characters makes a file binary. */
export function isBinary(text: string): boolean {
  return text.slice(0, 8000).includes('\u0000');
}

type Region = { ok: string[] } | { mine: string[]; yours: string[] };

// git folds two conflicts separated by 3 lines or fewer into one (xdiff's XDL_MERGE_ZEALOUS), so
// the user resolves one block instead of two halves of the same edit.
function joinNearConflicts(regions: { ok?: string[]; conflict?: { a: string[]; b: string[] } }[]): Region[] {
  const out: Region[] = [];
  for (const r of regions) {
    const region: Region = r.ok ? { ok: r.ok } : { mine: r.conflict!.a, yours: r.conflict!.b };
    const prev = out[out.length - 1];
    const before = out[out.length - 2];
    if ('mine' in region && prev && 'ok' in prev && prev.ok.length <= 3 && before && 'mine' in before) {
      out.pop();
      before.mine = [...before.mine, ...prev.ok, ...region.mine];
      before.yours = [...before.yours, ...prev.ok, ...region.yours];
      continue;
    }
    out.push(region);
  }
  return out;
}

export function merge3(base: string, ours: string, theirs: string, labels: MergeLabels): MergeResult {
  const crlf = /\r\n/.test(ours) && !/(^|[^\r])\n/.test(ours.replace(/\r\n$/, ''));
  const bom = ours.startsWith(BOM) || (!ours && theirs.startsWith(BOM));
  const [o, a, b] = [base, ours, theirs].map((t) => normalizeText(t).split('\n'));
  const out: string[] = [];
  let conflicts = 0;
  for (const region of joinNearConflicts(diff3Merge(a!, o!, b!, { excludeFalseConflicts: true }))) {
    if ('ok' in region) {
      out.push(...region.ok);
      continue;
    }
    const { mine, yours } = region;
    // Zealous trim: lines both sides agree on at the edges are not part of the conflict.
    let head = 0;
    while (head < mine.length && head < yours.length && mine[head] === yours[head]) head++;
    let tail = 0;
    while (tail < mine.length - head && tail < yours.length - head && mine[mine.length - 1 - tail] === yours[yours.length - 1 - tail]) tail++;
    out.push(...mine.slice(0, head));
    const [m, y] = [mine.slice(head, mine.length - tail), yours.slice(head, yours.length - tail)];
    if (m.length || y.length) {
      conflicts++;
      out.push(`<<<<<<< ${labels.ours}`, ...m, '=======', ...y, `>>>>>>> ${labels.theirs}`);
    }
    out.push(...mine.slice(mine.length - tail));
  }
  let text = out.join('\n');
  if (crlf) text = text.replace(/\n/g, '\r\n');
  return { text: (bom ? BOM : '') + text, conflicts };
}
