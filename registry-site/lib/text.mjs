// Text → HTML at build time: escaping, syntax highlighting (highlight.js, a few languages only)
// and README Markdown (marked). Registry content is treated as untrusted: raw HTML in a README is
// shown as text, links may only go to http(s)/mailto or to the template's own files.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import yaml from 'highlight.js/lib/languages/yaml';
import python from 'highlight.js/lib/languages/python';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import { Marked, Renderer } from 'marked';

for (const [name, lang] of Object.entries({ bash, json, markdown, yaml, python, dockerfile })) hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'shell', 'console'], { languageName: 'bash' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });
hljs.registerAliases(['md'], { languageName: 'markdown' });

export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** The highlight.js language for a template file; ".j2" is looked through to the file it renders. */
export function languageOf(file) {
  const base = file.replace(/\.j2$/, '').toLowerCase();
  if (/\.(sh|bash|sbatch)$/.test(base)) return 'bash';
  if (base.endsWith('.json')) return 'json';
  if (base.endsWith('.md')) return 'markdown';
  if (/\.ya?ml$/.test(base)) return 'yaml';
  if (base.endsWith('.py')) return 'python';
  if (/(^|\/)(dockerfile|containerfile)$/.test(base)) return 'dockerfile';
  return undefined;
}

function highlight(code, lang) {
  if (lang && hljs.getLanguage(lang)) return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  return esc(code);
}

export const highlightFile = (file, content) => highlight(content, languageOf(file));

/** Fragment id of a file section on a template page: stable, and safe in a URL. */
export const fileId = (p) => 'file-' + p.replace(/[^A-Za-z0-9_-]+/g, '-');

/** Heading ids from their text, deduplicated per document. */
function slugger(prefix) {
  const seen = new Map();
  return (text) => {
    const base = prefix + (text.toLowerCase().replace(/<[^>]*>/g, '').replace(/&[a-z#0-9]+;/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'section');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n ? `${base}-${n}` : base;
  };
}

/**
 * README Markdown → HTML. Headings move one level down (the page's h1 is the template name, and
 * a leading "# name" is dropped as a repeat); raw HTML is escaped; a relative link to one of the
 * template's files points at that file's section; any other relative link becomes plain text,
 * because the README's neighbours are not pages of this site.
 */
export function renderMarkdown(src, { name, filePaths }) {
  const slug = slugger('doc-');
  const files = new Set(filePaths);
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth }) {
        const text = this.parser.parseInline(tokens);
        const level = Math.min(6, depth + 1);
        return `<h${level} id="${slug(text)}">${text}</h${level}>\n`;
      },
      html({ text }) {
        return esc(text);
      },
      code({ text, lang }) {
        const language = (lang || '').trim().split(/\s+/)[0];
        return `<pre class="code"><code class="hljs${language ? ` language-${esc(language)}` : ''}">${highlight(text, language && hljs.getLanguage(language) ? language : undefined)}</code></pre>\n`;
      },
      link({ href, title, tokens }) {
        const text = this.parser.parseInline(tokens);
        const t = title ? ` title="${esc(title)}"` : '';
        if (/^(https?:|mailto:)/i.test(href)) return `<a href="${esc(href)}"${t} rel="noopener">${text}</a>`;
        if (href.startsWith('#')) return `<a href="${esc(href.replace(/^#/, '#doc-'))}"${t}>${text}</a>`;
        const rel = href.replace(/^\.\//, '').replace(/[?#].*$/, '');
        if (files.has(rel)) return `<a href="#${fileId(rel)}"${t}>${text}</a>`;
        return `<span class="deadlink">${text}</span>`;
      },
      image({ href, title, text }) {
        // Images would load from wherever the README points; show the alt text and the address instead.
        return `<span class="img-alt">[image: ${esc(text || title || href)}]</span>`;
      },
      table(token) {
        // Wide tables scroll inside their own box on a phone instead of widening the page.
        return `<div class="scroll" role="region" aria-label="table" tabindex="0">${Renderer.prototype.table.call(this, token)}</div>`;
      },
    },
  });
  const tokens = marked.lexer(src);
  const first = tokens.find((tk) => tk.type !== 'space');
  if (first && first.type === 'heading' && first.depth === 1 && first.text.trim().toLowerCase() === name.toLowerCase()) tokens.splice(tokens.indexOf(first), 1);
  return marked.parser(tokens);
}

/** The distinct words of a README, for the home page's search: lower case, 3+ letters. */
export function docsWords(text) {
  const words = new Set(text.toLowerCase().match(/[a-z0-9][a-z0-9_.-]{2,}/g) ?? []);
  return [...words].map((w) => w.replace(/[.-]+$/, '')).filter((w) => w.length > 2).join(' ');
}
