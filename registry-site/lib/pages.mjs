// The site's HTML, as plain template strings: a shared layout, the home page and one page per
// template. Every value from the registry goes through esc(); links are relative, so the site
// works under any path prefix (a GitHub Pages project site, a subfolder of an org site).
import { esc, fileId } from './text.mjs';

const KIND_ABOUT = {
  transport: 'gets the script to another machine',
  scheduler: 'queues it on a cluster',
  container: 'runs it inside an image',
  env: 'prepares its environment',
};

const date = (iso) => esc(String(iso).slice(0, 10));
const time = (iso) => `<time datetime="${esc(iso)}">${date(iso)}</time>`;
const value = (v) => esc(JSON.stringify(v));
const plural = (n, one, many = one + 's') => `${n} ${n === 1 ? one : many}`;
const kb = (bytes) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

// A tiny inline mark: no request, and no 404 for /favicon.ico in the console.
const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f6f5c"/><path d="M4 5l4 3-4 3M9 11h3" stroke="#fff" stroke-width="1.6" fill="none" stroke-linecap="round"/></svg>')}`;

function layout({ title, description, root, body }) {
  return `<!doctype html>
<html lang="en" data-root="${root}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<meta name="description" content="${esc(description)}">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="${root}assets/site.css">
<script type="module" src="${root}assets/site.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<div class="wrap bar">
<a class="brand" href="${root}"><svg aria-hidden="true" width="22" height="22" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="currentColor"/><path d="M4 5l4 3-4 3M9 11h3" stroke="var(--bg)" stroke-width="1.6" fill="none" stroke-linecap="round"/></svg>qwex <span>registry</span></a>
<nav aria-label="Site"><a href="${root}">Templates</a> <a href="${root}r/index.json">index.json</a></nav>
</div>
</header>
<main id="main" class="wrap" tabindex="-1">
${body}
</main>
<footer class="wrap foot">
<p>Generated from the registry's <a href="${root}r/index.json"><code>index.json</code></a> and item files; JSON Schemas in <a href="${root}r/schema/item.json"><code>r/schema/</code></a>. Every page here is plain HTML: it works without JavaScript, except search, copy and version comparison.</p>
</footer>
</body>
</html>
`;
}

/** A shell command with a copy button (revealed by site.js: a button that does nothing is worse than none). */
function command(cmd, attrs = '') {
  return `<div class="cmd"><code${attrs}>${esc(cmd)}</code><button type="button" class="copy" data-copy="${esc(cmd)}" aria-label="Copy: ${esc(cmd)}" hidden>Copy</button></div>`;
}

function kindBadge(kind) {
  return `<span class="kind k-${esc(kind)}" title="${esc(KIND_ABOUT[kind] ?? '')}">${esc(kind)}</span>`;
}

function tagList(tags, root) {
  if (!tags?.length) return '';
  return `<ul class="tags" aria-label="Tags">${tags.map((t) => `<li><a href="${root}?q=${encodeURIComponent(t)}">${esc(t)}</a></li>`).join('')}</ul>`;
}

export function homePage({ templates }) {
  const kinds = [...new Set(templates.map((t) => t.latest.kind))].sort();
  const cards = templates
    .map((t) => {
      const newest = t.versions[0];
      return `<li class="card" data-name="${esc(t.name)}" data-kind="${esc(t.latest.kind)}">
<h2><a href="t/${esc(t.name)}/">${esc(t.name)}</a></h2>
<p class="meta">${kindBadge(t.latest.kind)} <span class="ver">v${esc(t.entry.latest)}</span>${newest ? ` <span class="date">${time(newest.created)}</span>` : ''}</p>
<p class="desc">${esc(t.entry.description ?? t.latest.description)}</p>
${tagList(t.latest.tags, '')}
</li>`;
    })
    .join('\n');
  const body = `<h1>Templates</h1>
<p class="lead">Layer templates for <strong>qwex</strong>, shadcn for shell runners. <code>qwex add &lt;name&gt;</code> copies one into your project's <code>.qwex/templates/</code>, where it is yours to read and edit; qwex composes the layers of a runner into one POSIX <code>sh</code> script.</p>
<form class="search" role="search" data-search hidden>
<div class="field grow"><label for="q">Search</label><input id="q" name="q" type="search" placeholder="name, kind, tag or a word from the docs" autocomplete="off" spellcheck="false"></div>
<div class="field"><label for="kind">Kind</label><select id="kind" name="kind"><option value="">all kinds</option>${kinds.map((k) => `<option value="${esc(k)}">${esc(k)}</option>`).join('')}</select></div>
</form>
<p class="count" id="count" aria-live="polite">${plural(templates.length, 'template')}</p>
<ul class="cards" id="list">
${cards}
</ul>
<p class="empty" id="empty" hidden>No template matches. Try fewer words, or another kind.</p>
<section class="panel" aria-labelledby="use-h">
<h2 id="use-h">Use this site as a registry</h2>
<p>The registry's JSON is published with the site under <a href="r/index.json"><code>r/</code></a>, so its address works with <code class="nw">--registry</code>:</p>
${command('qwex add --registry https://<this site>/r ssh', ' data-site-registry')}
</section>`;
  return layout({ title: 'qwex registry: layer templates for shell runners', description: `${templates.length} qwex layer templates: ${templates.map((t) => t.name).slice(0, 12).join(', ')}`, root: '', body });
}

function inputsTable(inputs) {
  if (!inputs.length) return '<p>This template takes no inputs.</p>';
  const rows = inputs
    .map((i) => {
      const notes = [];
      if (i.enum) notes.push(`one of ${i.enum.map((e) => `<code>${value(e)}</code>`).join(', ')}`);
      if (i.pattern) notes.push(`must match <code>${esc(i.pattern)}</code>`);
      if (i.key_pattern) notes.push(`keys must match <code>${esc(i.key_pattern)}</code>`);
      if (i.item_pattern) notes.push(`${i.type === 'map' ? 'values' : 'items'} must match <code>${esc(i.item_pattern)}</code>`);
      if (i.example !== undefined) notes.push(`e.g. <code>${value(i.example)}</code>`);
      const def = i.required ? '<strong class="req">required</strong>' : i.default === undefined ? '<span class="muted">none</span>' : `<code>${value(i.default)}</code>`;
      return `<tr id="input-${esc(i.name)}"><th scope="row"><code>${esc(i.name)}</code></th><td>${esc(i.type)}</td><td>${def}</td><td>${esc(i.description)}${notes.length ? `<br><span class="muted">${notes.join('; ')}</span>` : ''}</td></tr>`;
    })
    .join('\n');
  return `<div class="scroll" role="region" aria-label="Inputs" tabindex="0"><table class="inputs"><caption class="sr">Inputs of this template</caption><thead><tr><th scope="col">name</th><th scope="col">type</th><th scope="col">default</th><th scope="col">description</th></tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

function requiresList(item, names, templates) {
  const entries = Object.entries(item.requires ?? {});
  if (!entries.length) return '<p>Nothing: this template works on its own.</p>';
  return `<ul>${entries
    .map(([dep, range]) => {
      const known = names.has(dep);
      const t = templates.find((x) => x.name === dep);
      return `<li>${known ? `<a href="../${esc(dep)}/"><code>${esc(dep)}</code></a>` : `<code>${esc(dep)}</code>`} <code>${esc(range)}</code>${known ? ` <span class="muted">(latest ${esc(t.entry.latest)})</span>` : ' <span class="muted">(not in this registry)</span>'}</li>`;
    })
    .join('')}</ul><p class="muted">qwex add installs these too.</p>`;
}

function filesList(files, main) {
  return files
    .map((f) => {
      const lines = f.content === '' ? 0 : f.content.split('\n').length - (f.content.endsWith('\n') ? 1 : 0);
      const isMain = f.path === main;
      return `<details class="file" id="${fileId(f.path)}"${isMain ? ' open' : ''}>
<summary><code>${esc(f.path)}</code> <span class="muted">${isMain ? '<strong>main</strong> · ' : ''}${esc(f.mode)} · ${plural(lines, 'line')} · ${kb(f.bytes)}</span></summary>
<p class="filemeta muted">installs to <code>${esc(f.target)}</code> · <code class="sha" title="${esc(f.sha256)}">${esc(f.sha256)}</code></p>
<pre class="code" tabindex="0"><code class="hljs">${f.html}</code></pre>
</details>`;
    })
    .join('\n');
}

function versionsTable(t) {
  const rows = t.versions
    .map(
      (v) =>
        `<tr><th scope="row"><code>${esc(v.version)}</code>${v.version === t.entry.latest ? ' <span class="badge">latest</span>' : ''}</th><td>${time(v.created)}</td><td><code class="sha" title="${esc(v.integrity)}">${esc(v.integrity)}</code></td><td><a href="../../r/${esc(t.name)}/${esc(v.version)}.json">${esc(v.version)}.json</a></td></tr>`,
    )
    .join('\n');
  return `<div class="scroll" role="region" aria-label="Versions" tabindex="0"><table class="versions"><caption class="sr">Published versions, newest first</caption><thead><tr><th scope="col">version</th><th scope="col">published</th><th scope="col">integrity</th><th scope="col">item</th></tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

function diffSection(t, diffHtml) {
  if (t.versions.length < 2) return `<p>Only one version (${esc(t.versions[0].version)}) is published, so there is nothing to compare yet.</p>`;
  const opts = (selected) => t.versions.map((v) => `<option value="${esc(v.version)}"${v.version === selected ? ' selected' : ''}>${esc(v.version)}</option>`).join('');
  return `<form class="diffform" data-diff data-name="${esc(t.name)}">
<div class="field"><label for="diff-from">From</label><select id="diff-from" name="from">${opts(t.versions[1].version)}</select></div>
<div class="field"><label for="diff-to">To</label><select id="diff-to" name="to">${opts(t.versions[0].version)}</select></div>
<noscript><p class="muted">Comparing other versions needs JavaScript; shown: ${esc(t.versions[1].version)} → ${esc(t.versions[0].version)}.</p></noscript>
</form>
<div id="diff-out" class="diffout" aria-live="polite">${diffHtml}</div>`;
}

export function templatePage({ t, files, docsHtml, requiredBy, names, templates, diffHtml }) {
  const item = t.latest;
  const latest = t.entry.latest ?? item.version;
  const sections = [
    ['install', 'Install'],
    ['inputs', 'Inputs'],
    ['requires', 'Requires'],
    ...(docsHtml ? [['docs', 'Docs']] : []),
    ['files', 'Files'],
    ['versions', 'Versions'],
    ['diff', 'Compare versions'],
    ['fork', 'Fork'],
  ];
  const body = `<nav class="crumbs" aria-label="Breadcrumb"><a href="../../">Templates</a> <span aria-hidden="true">/</span> <span aria-current="page">${esc(t.name)}</span></nav>
<article>
<header class="thead">
<h1>${esc(t.name)} <span class="ver">${esc(latest)}</span></h1>
<p class="meta">${kindBadge(item.kind)} <span>runs on the <strong>${esc(item.runs_on)}</strong></span> <span>${plural(t.versions.length, 'version')}, latest ${time(t.versions[0].created)}</span></p>
<p class="lead">${esc(item.description)}</p>
${tagList(item.tags, '../../')}
</header>
<nav class="toc" aria-label="On this page"><ul>${sections.map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`).join('')}</ul></nav>

<section id="install" aria-labelledby="install-h">
<h2 id="install-h">Install</h2>
<p>In a git project with <code>qwex init</code> done:</p>
${command(`qwex add ${t.name}`)}
<p>Pinned to this version, for a reproducible setup:</p>
${command(`qwex add ${t.name}@${latest}`)}
${item.docs ? `<p class="muted">${esc(item.docs)}</p>` : ''}
</section>

<section id="inputs" aria-labelledby="inputs-h">
<h2 id="inputs-h">Inputs</h2>
<p class="muted">Set them where the layer is listed in <code>.qwex/config.yaml</code>, e.g. <code>- ${esc(t.name)}: { … }</code>.</p>
${inputsTable(item.inputs)}
</section>

<section id="requires" aria-labelledby="requires-h">
<h2 id="requires-h">Requires</h2>
${requiresList(item, names, templates)}
${requiredBy.length ? `<p>Required by ${requiredBy.map((n) => `<a href="../${esc(n)}/"><code>${esc(n)}</code></a>`).join(', ')}.</p>` : ''}
</section>

${docsHtml ? `<section id="docs" aria-labelledby="docs-h" class="prose">\n<h2 id="docs-h">Docs</h2>\n${docsHtml}\n</section>\n` : ''}
<section id="files" aria-labelledby="files-h">
<h2 id="files-h">Files <span class="muted small">(${esc(latest)})</span></h2>
<p class="muted">What <code>qwex add</code> copies into <code>.qwex/templates/${esc(t.name)}/</code>. <code>.j2</code> files are nunjucks templates rendered into POSIX <code>sh</code>.</p>
${filesList(files, item.main)}
</section>

<section id="versions" aria-labelledby="versions-h">
<h2 id="versions-h">Versions</h2>
${versionsTable(t)}
</section>

<section id="diff" aria-labelledby="diff-h">
<h2 id="diff-h">Compare versions</h2>
${diffSection(t, diffHtml)}
</section>

<section id="fork" aria-labelledby="fork-h" class="panel">
<h2 id="fork-h">Fork this template</h2>
<p>Once installed, <code>.qwex/templates/${esc(t.name)}/</code> is yours: edit it in place, and <code>qwex diff ${esc(t.name)} --local</code> shows your changes while <code>qwex update ${esc(t.name)}</code> merges upstream ones without losing them.</p>
<p>To share your edited copy with a team, <code>qwex fork ${esc(t.name)}</code> packages it as a registry item that remembers it came from <code>${esc(t.name)}@${esc(latest)}</code>. Put that in an org gist or repository, and others install it with:</p>
${command('qwex add gist:<ID>')}
${command(`qwex add github:<org>/<repo>/${t.name}`)}
<p class="muted"><span class="badge">coming</span> <code>qwex fork</code>, <code>gist:</code> and <code>github:</code> sources arrive with the sharing feature; today a team can already serve a registry folder or URL (<code class="nw">qwex add --registry</code>).</p>
</section>
</article>`;
  return layout({ title: `${t.name} ${latest} · qwex registry`, description: item.description, root: '../../', body });
}
