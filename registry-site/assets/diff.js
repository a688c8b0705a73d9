// Line diff between two versions of a registry item, rendered as HTML tables.
// Shared by the build (Node pre-renders the newest pair) and the page (any pair, on demand), so
// both show the same thing. No DOM and no Node APIs here: plain strings in, an HTML string out.

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const NO_EOL = '\n\\ No newline at end of file';

/** "a\nb\n" → ["a", "b"]. A last line without its newline carries git's marker, so that it
 * differs from the same line with one. */
function splitLines(text) {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** One line as HTML; `span` = [start, end) of the part that changed, marked for the eye. */
function lineHtml(text, span) {
  const eol = text.endsWith(NO_EOL);
  const body = eol ? text.slice(0, -NO_EOL.length) : text;
  const html = span && span[1] > span[0] ? `${esc(body.slice(0, span[0]))}<mark>${esc(body.slice(span[0], span[1]))}</mark>${esc(body.slice(span[1]))}` : esc(body);
  return eol ? `${html}<br><span class="nonl">${esc(NO_EOL.slice(1))}</span>` : html;
}

/**
 * For a run of k removed lines followed by k added ones (a line edited in place), the span of
 * each line between the common prefix and suffix of its pair: what changed inside the line.
 */
function changedSpans(lines) {
  const spans = new Map();
  for (let i = 0; i < lines.length; ) {
    let d = i;
    while (d < lines.length && lines[d].t === '-') d++;
    let a = d;
    while (a < lines.length && lines[a].t === '+') a++;
    const k = d - i;
    if (k > 0 && a - d === k) {
      for (let j = 0; j < k; j++) {
        const x = lines[i + j].text;
        const y = lines[d + j].text;
        let pre = 0;
        while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
        let suf = 0;
        while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
        spans.set(lines[i + j], [pre, x.length - suf]);
        spans.set(lines[d + j], [pre, y.length - suf]);
      }
    }
    i = Math.max(a, i + 1);
  }
  return spans;
}

/**
 * Myers' O(ND) shortest edit script over lines. Returns ops in order, each
 * { t: ' ' | '-' | '+', text, a, b } with 1-based line numbers (0 where the side has none).
 * Above `limit` edits the result degrades to "delete all, add all": still correct, just coarse,
 * so a huge rewrite cannot stall the page.
 */
export function diffLines(oldText, newText, limit = 4000) {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, limit); d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) {
    return [...a.map((text, i) => ({ t: '-', text, a: i + 1, b: 0 })), ...b.map((text, i) => ({ t: '+', text, a: 0, b: i + 1 }))];
  }
  // Walk the saved frontiers backwards to recover the path.
  const ops = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[max + k - 1] < vd[max + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[max + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ t: ' ', text: a[--x], a: x + 1, b: --y + 1 });
    if (x === prevX) ops.push({ t: '+', text: b[--y], a: 0, b: y + 1 });
    else ops.push({ t: '-', text: a[--x], a: x + 1, b: 0 });
  }
  while (x > 0 && y > 0) ops.push({ t: ' ', text: a[--x], a: x + 1, b: --y + 1 });
  return ops.reverse();
}

/** Groups ops into unified-diff hunks with `context` unchanged lines around each change. */
export function hunks(ops, context = 3) {
  const out = [];
  let cur = null;
  let lastChange = -Infinity;
  ops.forEach((op, i) => {
    if (op.t === ' ') return;
    const start = Math.max(0, i - context);
    if (cur && start <= lastChange + context + 1) {
      for (let j = lastChange + 1; j <= i; j++) cur.push(ops[j]);
    } else {
      if (cur) out.push(closeHunk(cur, ops, lastChange, context));
      cur = ops.slice(start, i + 1);
    }
    lastChange = i;
  });
  if (cur) out.push(closeHunk(cur, ops, lastChange, context));
  return out;
}

function closeHunk(lines, ops, lastChange, context) {
  const all = lines.concat(ops.slice(lastChange + 1, lastChange + 1 + context));
  const first = all[0];
  // Line numbers where the hunk starts on each side, even when that side has no line there.
  const idx = ops.indexOf(first);
  const before = ops.slice(0, idx);
  const oldStart = before.filter((o) => o.t !== '+').length + 1;
  const newStart = before.filter((o) => o.t !== '-').length + 1;
  const oldLines = all.filter((o) => o.t !== '+').length;
  const newLines = all.filter((o) => o.t !== '-').length;
  return { header: `@@ -${oldLines ? oldStart : oldStart - 1},${oldLines} +${newLines ? newStart : newStart - 1},${newLines} @@`, lines: all };
}

/**
 * Compares two registry items file by file (matched by path) and returns HTML: a summary line,
 * then one table per changed file. `from`/`to` are the parsed <name>/<version>.json items.
 */
export function renderItemDiff(from, to) {
  const oldFiles = new Map(from.files.map((f) => [f.path, f]));
  const newFiles = new Map(to.files.map((f) => [f.path, f]));
  const paths = [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort();
  const parts = [];
  let unchanged = 0;
  for (const p of paths) {
    const o = oldFiles.get(p);
    const n = newFiles.get(p);
    if (o && n && o.content === n.content && o.mode === n.mode) {
      unchanged++;
      continue;
    }
    const status = !o ? 'added' : !n ? 'removed' : o.content === n.content ? 'mode changed' : 'modified';
    const ops = diffLines(o ? o.content : '', n ? n.content : '');
    const hs = hunks(ops);
    const adds = ops.filter((x) => x.t === '+').length;
    const dels = ops.filter((x) => x.t === '-').length;
    let rows = '';
    for (const h of hs) {
      rows += `<tr class="dh"><td colspan="3">${esc(h.header)}</td></tr>`;
      const spans = changedSpans(h.lines);
      for (const l of h.lines) {
        const cls = l.t === '+' ? 'da' : l.t === '-' ? 'dd' : 'dc';
        const label = l.t === '+' ? 'added' : l.t === '-' ? 'removed' : '';
        rows += `<tr class="${cls}"><td class="ln">${l.a || ''}</td><td class="ln">${l.b || ''}</td><td class="dl"${label ? ` aria-label="${label}"` : ''}><span class="ds" aria-hidden="true">${l.t}</span>${lineHtml(l.text, spans.get(l))}</td></tr>`;
      }
    }
    const modes = o && n && o.mode !== n.mode ? ` <span class="dm">mode ${esc(o.mode)} → ${esc(n.mode)}</span>` : '';
    parts.push(
      `<section class="dfile"><h4><code>${esc(p)}</code> <span class="dst">${status}</span> <span class="dcount"><span class="plus">+${adds}</span> <span class="minus">−${dels}</span></span>${modes}</h4>` +
        (rows ? `<div class="scroll"><table class="diff"><tbody>${rows}</tbody></table></div>` : '') +
        `</section>`,
    );
  }
  const changed = parts.length;
  const summary = `<p class="dsum">${esc(from.version)} → ${esc(to.version)}: ${changed} file${changed === 1 ? '' : 's'} changed${unchanged ? `, ${unchanged} unchanged` : ''}.</p>`;
  return summary + (changed ? parts.join('') : '<p>The files are identical.</p>');
}
