// Registry sources kept in git: gists, GitHub/GitLab repos (through degit 3.10), and any git URL
// (through the git binary). The ref is resolved to a commit SHA, and the lock records it with the
// address: `github:acme/qwex/registry#main@<sha>`, `gist:<id>#HEAD@<sha>`,
// `git+https://host/repo.git#main:path@<sha>`. diff and update read the installed version back
// from that commit (or any later one that still publishes it) and look for newer versions at the
// ref's head. A tree holds either a registry (index.json + <name>/<version>.json, as `qwex fork`
// and `qwex registry build` write) or, as in a gist, flat files with one `<name>.qwex.json` item.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError } from '../core/errors.js';
import { latestOf, sortVersions } from '../core/build-registry.js';
import type { TemplateAddress } from '../core/address.js';
import { redactUrl } from '../core/env-expand.js';
import type { RegistryIndex } from '../schema/index.js';
import { API_VERSION } from '../schema/constants.js';
import { boundedBody, folderRegistry, singleItem, type RegistrySource } from './registry.js';
import { qwexCacheDir } from './fs.js';

type Host = 'github' | 'gitlab' | 'gist' | 'git';

export interface GitSpec {
  host: Host;
  repo: string; // "owner/repo", a gist id, or a clone URL (without "git+")
  subdir: string; // "" or "path/inside/repo"
  file?: string; // gist: the item file to use, when the gist holds several
  ref: string; // "HEAD" unless given
  sha?: string; // the resolved commit, as the lock records it
}

interface Env {
  env: Record<string, string | undefined>;
}

const SHA_RE = /^[0-9a-f]{40}$/;
const MAX_TARBALL_BYTES = 256 * 1024 * 1024; // a whole repository's tarball, written to disk as it arrives

/** Reads what follows `gist:`, `github:`, `gitlab:` or `git+` (a lock source or what the user typed). */
export function parseGitSpec(host: Host, rest: string): GitSpec {
  const bad = (why: string) =>
    new QwexError('USAGE', `cannot read "${host === 'git' ? 'git+' : `${host}:`}${rest}": ${why}`, {
      hint: 'gist:ID[/FILE][@REV], github:owner/repo[/path][#ref], gitlab:owner/repo[/path][#ref], git+https://host/repo.git[#ref[:path]]',
    });
  const hash = rest.indexOf('#');
  let head = hash < 0 ? rest : rest.slice(0, hash);
  let frag = hash < 0 ? '' : rest.slice(hash + 1);
  let sha: string | undefined;
  const pinned = /@([0-9a-f]{40})$/.exec(frag);
  if (pinned) [sha, frag] = [pinned[1], frag.slice(0, -41)];
  let ref = frag;
  let subdir = '';
  let repo: string;
  let file: string | undefined;
  if (host === 'git') {
    const colon = frag.indexOf(':');
    if (colon >= 0) [ref, subdir] = [frag.slice(0, colon), frag.slice(colon + 1)];
    repo = head;
  } else if (host === 'gist') {
    const rev = /@([^@/]+)$/.exec(head);
    if (rev && hash < 0) [head, ref] = [head.slice(0, rev.index), rev[1]!];
    const [id, f, ...more] = head.split('/');
    if (!id || !/^[0-9a-zA-Z]+$/.test(id) || more.length) throw bad('a gist id is letters and digits, optionally followed by /FILE');
    [repo, file] = [id, f || undefined];
  } else {
    const [owner, name, ...sub] = head.split('/').filter(Boolean);
    if (!owner || !name) throw bad('say owner/repo');
    [repo, subdir] = [`${owner}/${name.replace(/\.git$/, '')}`, sub.join('/')];
  }
  subdir = subdir.replace(/^\/+|\/+$/g, '');
  if (subdir.split('/').some((s) => s === '..' || s === '.')) throw bad('the path inside the repository must not hold . or ..');
  if (/[\s:~^?*[\\]|\.\.|@\{/.test(ref)) throw bad(`"${ref}" is not a git ref`);
  return { host, repo, subdir, file, ref: ref || 'HEAD', ...(sha ? { sha } : {}) };
}

/** The lock's `source` for a spec resolved to `sha`. */
export function formatGitSpec(spec: GitSpec, sha: string): string {
  if (spec.host === 'git') return `git+${spec.repo}#${spec.ref}${spec.subdir ? `:${spec.subdir}` : ''}@${sha}`;
  if (spec.host === 'gist') return `gist:${spec.repo}${spec.file ? `/${spec.file}` : ''}#${spec.ref}@${sha}`;
  return `${spec.host}:${spec.repo}${spec.subdir ? `/${spec.subdir}` : ''}#${spec.ref}@${sha}`;
}

export function isGitLockSource(source: string): boolean {
  return /^(gist|github|gitlab):|^git\+/.test(source);
}

export async function gitHostSource(address: Extract<TemplateAddress, { kind: 'git-host' }>, sc: Env): Promise<RegistrySource> {
  return openGitSource(parseGitSpec(address.host, address.ref), sc);
}

export async function gitHostSourceFromLock(source: string, sc: Env): Promise<RegistrySource> {
  const m = /^(gist|github|gitlab):(.*)$/.exec(source);
  const spec = m ? parseGitSpec(m[1] as Host, m[2]!) : parseGitSpec('git', source.slice(4));
  return openGitSource(spec, sc, source);
}

// ---------------------------------------------------------------------------------------------
// The source: the ref's head, the locked commit, and (git binary, flat layout) earlier commits.

async function openGitSource(spec: GitSpec, sc: Env, lockId?: string): Promise<RegistrySource> {
  const backend = spec.host === 'github' || spec.host === 'gitlab' ? await degitBackend(spec, sc) : gitBackend(spec, sc);
  const headSha = await backend.resolve(spec.ref);
  const id = lockId ?? formatGitSpec(spec, headSha);
  const label = backend.label;
  const head = await revision(backend, spec, headSha, id, label);
  const revisions: RegistrySource[] = [];
  if (spec.sha && spec.sha !== headSha) revisions.push(await revision(backend, spec, spec.sha, id, `${label} at ${spec.sha.slice(0, 12)}`));
  revisions.push(head);
  // A gist keeps one item file and replaces it on every revision: its history holds the older versions.
  if (head.single && backend.history) {
    for (const sha of await backend.history(headSha, itemFileOf(head)))
      if (sha !== headSha && sha !== spec.sha) revisions.push(await revision(backend, spec, sha, id, `${label} at ${sha.slice(0, 12)}`).catch(() => undefined as never));
  }
  return composite(id, label, revisions.filter(Boolean), head, (r) => formatGitSpec(spec, revisionSha.get(r)!));
}

const itemFiles = new WeakMap<RegistrySource, string>();
const revisionSha = new WeakMap<RegistrySource, string>();
const itemFileOf = (s: RegistrySource) => itemFiles.get(s)!;

async function revision(backend: Backend, spec: GitSpec, sha: string, id: string, label: string): Promise<RegistrySource> {
  const source = await revisionAt(backend, spec, sha, id, label);
  revisionSha.set(source, sha);
  return source;
}

async function revisionAt(backend: Backend, spec: GitSpec, sha: string, id: string, label: string): Promise<RegistrySource> {
  const dir = await backend.tree(sha);
  if (await exists(path.join(dir, 'index.json'))) return folderRegistry(dir, id);
  const names = (await fs.readdir(dir)).filter((f) => f.endsWith('.qwex.json')).sort();
  const wanted = spec.file ? [spec.file] : names;
  if (spec.file && !names.includes(spec.file))
    throw new QwexError('TEMPLATE_NOT_FOUND', `${label} has no ${spec.file}${names.length ? ` (it has ${names.join(', ')})` : ''}`, { hint: 'give the name of a *.qwex.json item file in it' });
  if (wanted.length !== 1)
    throw new QwexError(wanted.length ? 'USAGE' : 'REGISTRY_NOT_FOUND', wanted.length ? `${label} holds ${wanted.length} items (${wanted.join(', ')}); say which one` : `${label} holds no qwex registry (no index.json) and no <name>.qwex.json item`, {
      hint: wanted.length ? `qwex add ${spec.host === 'gist' ? `gist:${spec.repo}/${wanted[0]}` : '<address>'}` : 'publish a folder made by qwex fork or qwex registry build',
    });
  const source = singleItem(await fs.readFile(path.join(dir, wanted[0]!), 'utf8'), id, `${label}/${wanted[0]}`);
  itemFiles.set(source, path.posix.join(spec.subdir, wanted[0]!));
  return source;
}

/** One index over several commits; the earlier-listed commit wins for a version found in more than one. */
function composite(id: string, label: string, revisions: RegistrySource[], head: RegistrySource, lockIdOf: (r: RegistrySource) => string): RegistrySource {
  let index: Promise<{ merged: RegistryIndex; owner: Map<string, RegistrySource> }> | undefined;
  const load = () =>
    (index ??= (async () => {
      const merged: RegistryIndex = { apiVersion: API_VERSION, items: {} };
      const owner = new Map<string, RegistrySource>();
      const ordered = [head, ...revisions.filter((r) => r !== head)];
      const indexes = await Promise.all(ordered.map((r) => r.getIndex()));
      for (const [i, idx] of indexes.entries())
        for (const [name, entry] of Object.entries(idx.items)) {
          const into = (merged.items[name] ??= { ...entry, versions: [] });
          for (const v of entry.versions)
            if (!into.versions.some((x) => x.version === v.version)) {
              into.versions.push(v);
              owner.set(`${name}@${v.version}`, ordered[i]!);
            }
        }
      for (const entry of Object.values(merged.items)) {
        entry.versions = sortVersions(entry.versions);
        entry.latest = latestOf(entry.versions);
      }
      // The locked commit serves the version it was installed at, even if the head republished it.
      for (const r of revisions) {
        if (r === head) break;
        for (const [name, entry] of Object.entries((await r.getIndex()).items)) for (const v of entry.versions) owner.set(`${name}@${v.version}`, r);
      }
      return { merged, owner };
    })());
  return {
    id,
    label,
    single: head.single,
    getIndex: async () => (await load()).merged,
    async getItem(name, version) {
      return (await ownerOf(name, version)).getItem(name, version);
    },
    async lockIdFor(name, version) {
      return lockIdOf(await ownerOf(name, version));
    },
  };
  async function ownerOf(name: string, version: string): Promise<RegistrySource> {
    const from = (await load()).owner.get(`${name}@${version}`);
    if (!from) throw new QwexError('VERSION_NOT_FOUND', `${name}@${version} is not in ${label}`, { hint: `qwex view ${name} --registry <address>  # lists what it publishes` });
    return from;
  }
}

// ---------------------------------------------------------------------------------------------
// Transports. A tree is extracted once per commit into the cache (commits never change).

interface Backend {
  label: string;
  resolve(ref: string): Promise<string>;
  tree(sha: string): Promise<string>; // the folder of `subdir` at `sha`
  history?(head: string, file: string): Promise<string[]>; // commits that touched `file`, newest first
}

function cacheRoot(sc: Env): string {
  return qwexCacheDir(sc.env);
}

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Fills a fresh folder, then renames it into place, so a cache entry is whole or absent. */
async function cached(dir: string, fill: (tmp: string) => Promise<void>): Promise<string> {
  if (await exists(dir)) return dir;
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const tmp = await fs.mkdtemp(`${dir}.tmp-`);
  try {
    await fill(tmp);
    await fs.rename(tmp, dir).catch(async (e) => {
      if (!(await exists(dir))) throw e; // another qwex filled it first
    });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr).trim() }));
      else resolve(String(stdout));
    }),
  );
}

const lastLine = (e: unknown) => ((e as { stderr?: string }).stderr || (e as Error).message).split('\n').filter(Boolean).pop() ?? '';

// ---- git binary: git+URL, git://, gists (a gist is a git repository at gist.github.com/<id>.git)

function gitBackend(spec: GitSpec, sc: Env): Backend {
  const gistBase = (sc.env.QWEX_GIST_URL || 'https://gist.github.com/').replace(/\/?$/, '/');
  const url = spec.host === 'gist' ? `${gistBase}${spec.repo}.git` : spec.repo;
  const label = spec.host === 'gist' ? `gist:${spec.repo}` : redactUrl(url) + (spec.subdir ? ` (${spec.subdir})` : '');
  const bare = path.join(cacheRoot(sc), 'git', `${short(url)}.git`);
  let ready: Promise<void> | undefined;
  const sync = () =>
    (ready ??= (async () => {
      try {
        if (await exists(path.join(bare, 'HEAD'))) await run('git', ['-C', bare, 'fetch', '--quiet', '--prune', '--force', '--tags', url, '+refs/heads/*:refs/heads/*']);
        else await cached(bare, (tmp) => run('git', ['clone', '--quiet', '--bare', '--', url, tmp]).then(() => undefined));
      } catch (e) {
        throw new QwexError('FETCH_FAILED', `cannot fetch ${label}: ${lastLine(e)}`, {
          hint: spec.host === 'gist' ? 'check the gist id (QWEX_GIST_URL sets the gist host)' : 'check the URL; a private repository needs git credentials (ssh key or credential helper)',
          cause: e,
        });
      }
    })());
  const git = (args: string[]) => run('git', ['-C', bare, ...args]);
  return {
    label,
    async resolve(ref) {
      await sync();
      const sha = (await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '')).trim();
      if (sha) return sha;
      const refs = (await git(['for-each-ref', '--format=%(refname:short)']).catch(() => '')).split('\n').filter(Boolean);
      throw new QwexError('REGISTRY_NOT_FOUND', `${label} has no ref "${ref}"`, { hint: refs.length ? `refs there: ${refs.slice(0, 8).join(', ')}` : 'the repository is empty: push a fork to it first' });
    },
    async tree(sha) {
      await sync();
      const has = await git(['cat-file', '-e', `${sha}^{commit}`]).then(() => true, () => false);
      if (!has) await git(['fetch', '--quiet', url, sha]).catch((e) => {
        throw new QwexError('FETCH_FAILED', `${label} no longer has commit ${sha} (recorded in .qwex/qwex.lock)`, { hint: 'the history was rewritten upstream; reinstall with qwex add <address> --overwrite', cause: e });
      });
      const dir = path.join(cacheRoot(sc), 'trees', `${sha}-${short(spec.subdir)}`);
      await cached(dir, async (tmp) => {
        const entries = (await git(['ls-tree', '-r', '-z', '--full-tree', sha, ...(spec.subdir ? ['--', spec.subdir] : [])])).split('\0').filter(Boolean);
        if (!entries.length) throw missingSubdir(label, spec, sha);
        for (const entry of entries) {
          const [meta, file] = [entry.slice(0, entry.indexOf('\t')), entry.slice(entry.indexOf('\t') + 1)];
          const [mode, type, oid] = meta.split(' ');
          if (type !== 'blob' || mode === '120000') continue; // submodules and symbolic links are not template files
          const rel = spec.subdir ? path.posix.relative(spec.subdir, file) : file;
          await fs.mkdir(path.join(tmp, path.dirname(rel)), { recursive: true });
          await fs.writeFile(path.join(tmp, rel), await gitBlob(bare, oid!), { mode: mode === '100755' ? 0o755 : 0o644 });
        }
      });
      return dir;
    },
    async history(head, file) {
      return (await git(['log', '--format=%H', head, '--', file])).split('\n').filter(Boolean);
    },
  };
}

function gitBlob(bare: string, oid: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', bare, 'cat-file', 'blob', oid], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git cat-file ${oid} failed`))));
  });
}

function missingSubdir(label: string, spec: GitSpec, sha: string): QwexError {
  return new QwexError('REGISTRY_NOT_FOUND', `${label}: no folder "${spec.subdir || '.'}" at ${sha.slice(0, 12)}`, { hint: 'check the path after the repository name' });
}

// ---- degit 3.10: GitHub and GitLab. Its transport goes through qwex's own fetch and git client,
// so QWEX_GITHUB_URL / QWEX_GITLAB_URL can point it at a mirror (tests: 127.0.0.1).

interface DegitRepo {
  url: string;
  [k: string]: unknown;
}
interface DegitGit {
  fetchRefs(repo: DegitRepo): Promise<{ hash: string; name?: string; type?: string }[]>;
  clone(repo: DegitRepo, dest: string, ref?: string, transport?: 'https' | 'ssh'): Promise<void>;
}

async function degitBackend(spec: GitSpec, sc: Env): Promise<Backend> {
  const site = spec.host as 'github' | 'gitlab';
  const official = site === 'github' ? 'https://github.com' : 'https://gitlab.com';
  const mirror = (site === 'github' ? sc.env.QWEX_GITHUB_URL : sc.env.QWEX_GITLAB_URL)?.replace(/\/+$/, '');
  const rewrite = (u: string) => (mirror && u.startsWith(official + '/') ? mirror + u.slice(official.length) : u);
  const src = `${site}:${spec.repo}${spec.subdir ? `/${spec.subdir}` : ''}`;
  const label = `${src}${spec.ref === 'HEAD' ? '' : `#${spec.ref}`}`;
  const { default: degit } = await import('degit');
  const probe = degit(src, {});
  const inner = (await probe.getGitClient()) as unknown as DegitGit;
  const repo = (probe as unknown as { repo: DegitRepo }).repo;
  // degit selects a commit by ref name; a locked commit is offered as a ref of its own name.
  const client = (extra?: string): DegitGit => ({
    fetchRefs: async (r) => [...(await inner.fetchRefs({ ...r, url: rewrite(r.url) })), ...(extra ? [{ hash: extra, name: extra, type: 'commit' }] : [])],
    clone: (r, dest, ref, transport) => inner.clone({ ...r, url: rewrite(r.url) }, dest, ref, transport),
  });
  const download = async (url: string, dest: string) => {
    const res = await fetch(rewrite(url), { redirect: 'follow', signal: AbortSignal.timeout(Number(sc.env.QWEX_HTTP_TIMEOUT_MS) || 60_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} from ${redactUrl(rewrite(url))}`);
    const shown = redactUrl(rewrite(url));
    // degit keeps tarballs as a cache: only a whole one may ever sit at `dest`.
    const part = `${dest}.${process.pid}.part`;
    try {
      await fs.writeFile(part, boundedBody(res, shown, MAX_TARBALL_BYTES, 'a template repository should be small; use a path inside it (github:owner/repo/path)'));
      await fs.rename(part, dest);
    } finally {
      await fs.rm(part, { force: true });
    }
  };
  const fail = (e: unknown, what: string): never => {
    const code = (e as { code?: string }).code;
    const original = (e as { original?: Error }).original;
    const why = `${(e as Error).message}${original ? ` (${original.message})` : ''}`;
    if (code === 'MISSING_SUBDIR') throw new QwexError('REGISTRY_NOT_FOUND', `${label}: ${why}`, { hint: 'check the path after owner/repo', cause: e });
    if (code === 'MISSING_REF' || code === 'BAD_REF') throw new QwexError('REGISTRY_NOT_FOUND', `${label}: no ref "${spec.ref}"`, { hint: 'give a branch, tag or commit that exists', cause: e });
    throw new QwexError('FETCH_FAILED', `cannot ${what} ${label}: ${why}`, { hint: `check the address and your network${mirror ? ` (QWEX_${site.toUpperCase()}_URL=${mirror})` : ''}`, cause: e });
  };
  return {
    label,
    async resolve(ref) {
      if (SHA_RE.test(ref)) return ref;
      let refs: Awaited<ReturnType<DegitGit['fetchRefs']>>;
      try {
        refs = await client().fetchRefs(repo);
      } catch (e) {
        return fail(e, 'read the refs of');
      }
      const sha = ref === 'HEAD' ? probe.selectHead(refs) : probe.selectRef(refs, ref);
      if (!sha) throw new QwexError('REGISTRY_NOT_FOUND', `${label}: no ref "${ref}"`, { hint: `refs there: ${refs.map((r) => r.name).filter(Boolean).slice(0, 8).join(', ')}` });
      return sha;
    },
    async tree(sha) {
      const dir = path.join(cacheRoot(sc), 'trees', `${site}-${short(spec.repo)}-${sha}-${short(spec.subdir)}`);
      return cached(dir, async (tmp) => {
        const out = path.join(tmp, 'x');
        try {
          await degit(`${src}#${sha}`, { force: true, fetch: download, git: client(sha) as never }).clone(out);
        } catch (e) {
          fail(e, 'download');
        }
        for (const f of await fs.readdir(out)) await fs.rename(path.join(out, f), path.join(tmp, f));
        await fs.rmdir(out);
      });
    },
  };
}
