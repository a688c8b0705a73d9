// The site's only script: copy buttons, the home page filter and the version diff. Every page is
// complete without it; this only adds behaviour. No framework, no build step.
const root = document.documentElement.dataset.root ?? '';
const siteUrl = (rel) => new URL(root + rel, location.href).href;

// Copy buttons. The clipboard API needs a secure context (https or 127.0.0.1); elsewhere select
// the text and fall back to execCommand, which still works in every browser we target.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const text = button.dataset.copy;
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const code = button.previousElementSibling;
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      ok = document.execCommand('copy');
    }
    button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
    button.classList.toggle('done', ok);
    setTimeout(() => {
      button.textContent = 'Copy';
      button.classList.remove('done');
    }, 1800);
  });
}

// "Use this site as a registry": the real address is only known in the browser.
for (const code of document.querySelectorAll('[data-site-registry]')) {
  const cmd = `qwex add --registry ${siteUrl('r')} ssh`;
  code.textContent = cmd;
  const button = code.nextElementSibling;
  if (button) {
    button.dataset.copy = cmd;
    button.setAttribute('aria-label', `Copy: ${cmd}`);
  }
}

// Home page filter: every word must occur in the name, kind, tags, description or the docs.
// The docs' words come from search.json, fetched once on first use so the home page stays light.
const form = document.querySelector('form[data-search]');
if (form) {
  const q = form.querySelector('#q');
  const kind = form.querySelector('#kind');
  const count = document.getElementById('count');
  const empty = document.getElementById('empty');
  // What a card says is what it is searched by: name, kind, tags and description, read once.
  const cards = [...document.querySelectorAll('#list > li')].map((li) => ({
    li,
    name: li.dataset.name,
    kind: li.dataset.kind,
    text: [li.dataset.name, li.dataset.kind, ...[...li.querySelectorAll('.tags a, .desc')].map((e) => e.textContent)].join(' ').toLowerCase(),
  }));
  let docs = {};
  let loading;
  const loadDocs = () =>
    (loading ??= fetch(siteUrl('search.json'))
      .then((r) => (r.ok ? r.json() : {}))
      .then((d) => {
        docs = d;
        apply();
      })
      .catch(() => {}));

  function apply() {
    const words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    const k = kind.value;
    let shown = 0;
    for (const c of cards) {
      const hay = `${c.text} ${docs[c.name] ?? ''}`;
      const match = (!k || c.kind === k) && words.every((w) => hay.includes(w));
      c.li.hidden = !match;
      if (match) shown++;
    }
    count.textContent = shown === cards.length ? `${cards.length} templates` : `${shown} of ${cards.length} templates`;
    empty.hidden = shown > 0;
    // Keep the filter in the address, so it can be shared and survives going back.
    const params = new URLSearchParams();
    if (q.value) params.set('q', q.value);
    if (k) params.set('kind', k);
    history.replaceState(null, '', params.size ? `?${params}` : location.pathname);
  }

  const params = new URLSearchParams(location.search);
  q.value = params.get('q') ?? '';
  kind.value = [...kind.options].some((o) => o.value === params.get('kind')) ? params.get('kind') : '';
  form.hidden = false;
  form.addEventListener('submit', (e) => e.preventDefault());
  q.addEventListener('focus', loadDocs, { once: true });
  q.addEventListener('input', apply);
  kind.addEventListener('change', apply);
  // "/" jumps to the search box, as on most code sites.
  addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement?.tagName !== 'INPUT' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      q.focus();
    }
  });
  if (q.value || kind.value) {
    apply();
    if (q.value) loadDocs();
  }
}

// Version diff: fetch the two item files from the site's own registry copy and diff them here,
// with the same module the build used for the pre-rendered pair.
const diffForm = document.querySelector('form[data-diff]');
if (diffForm) {
  const out = document.getElementById('diff-out');
  const items = new Map();
  const item = (v) => {
    if (!items.has(v))
      items.set(
        v,
        fetch(siteUrl(`r/${diffForm.dataset.name}/${v}.json`)).then((r) => {
          if (!r.ok) throw new Error(`${v}.json: HTTP ${r.status}`);
          return r.json();
        }),
      );
    return items.get(v);
  };
  const show = async () => {
    const from = diffForm.elements.from.value;
    const to = diffForm.elements.to.value;
    out.setAttribute('aria-busy', 'true');
    try {
      if (from === to) {
        out.innerHTML = '<p>Pick two different versions to see what changed.</p>';
        return;
      }
      const [{ renderItemDiff }, a, b] = await Promise.all([import('./diff.js'), item(from), item(to)]);
      out.innerHTML = renderItemDiff(a, b);
    } catch (e) {
      out.textContent = `Could not load the versions: ${e.message}`;
    } finally {
      out.removeAttribute('aria-busy');
    }
  };
  diffForm.addEventListener('change', show);
  diffForm.addEventListener('submit', (e) => {
    e.preventDefault();
    show();
  });
}

// A link to a file opens its <details>, so #file-… links from the docs land on visible code.
const openTarget = () => {
  const el = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (el instanceof HTMLDetailsElement) el.open = true;
};
addEventListener('hashchange', openTarget);
openTarget();
