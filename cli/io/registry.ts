// Registry sources: where index.json and <name>/<version>.json come from. One interface, three
// transports (a folder, the folder embedded in the package, HTTP), plus a single item read from a
// file or URL. Every item is schema-checked and verified against the index before it is returned.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QwexError } from '../core/errors.js';
import { itemIntegrity } from '../core/integrity.js';
import { parseWith } from '../core/schema-errors.js';
import { redactUrl } from '../core/env-expand.js';
import { registryIndexSchema, type RegistryIndex } from '../schema/index.js';
import { registryItemSchema, type RegistryItem } from '../schema/item.js';
import { API_VERSION } from '../schema/constants.js';

export interface RegistrySource {
  /** What the lock records: "embedded", "@ns", "./relative/folder", or a URL with ${VARS} unexpanded. */
  id: string;
  /** For messages: a folder path or a URL without credentials. */
  label: string;
  /** A lone item file or URL, rather than a registry with an index of its own. */
  single?: boolean;
  getIndex(): Promise<RegistryIndex>;
  getItem(name: string, version: string): Promise<RegistryItem>;
  /** What the lock records for `name@version` when that differs from `id`: a git source pins the commit that serves it. */
  lockIdFor?(name: string, version: string): Promise<string>;
}

type Reader = (rel: string) => Promise<string | undefined>; // undefined = not found

export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export function embeddedRegistryDir(): string {
  // dist/main.js and its chunks sit in dist/; the registry ships beside it in the package.
  return fileURLToPath(new URL('../registry/', import.meta.url));
}

export function folderRegistry(dir: string, id: string): RegistrySource {
  return indexedRegistry(id, dir, folderReader(dir));
}

export function httpRegistry(baseUrl: string, headers: Record<string, string>, id: string): RegistrySource {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  return indexedRegistry(id, redactUrl(baseUrl), (rel) => httpGet(new URL(rel, base).href, headers));
}

/** A lone item (a file or URL): its own one-version index, integrity computed from its content. */
export function singleItem(raw: string, id: string, label: string): RegistrySource {
  const item = parseItem(raw, label);
  const index: RegistryIndex = {
    apiVersion: API_VERSION,
    items: { [item.name]: { description: item.description, kind: item.kind, latest: item.version, tags: item.tags, versions: [{ version: item.version, created: '1970-01-01T00:00:00Z', integrity: itemIntegrity(item) }] } },
  };
  return {
    id,
    label,
    single: true,
    getIndex: async () => index,
    getItem: async (name, version) => {
      if (name !== item.name || version !== item.version) throw new QwexError('TEMPLATE_NOT_FOUND', `${label} holds ${item.name}@${item.version}, not ${name}@${version}`);
      return item;
    },
  };
}

function indexedRegistry(id: string, label: string, read: Reader): RegistrySource {
  let index: Promise<RegistryIndex> | undefined;
  const getIndex = () =>
    (index ??= read('index.json').then((raw) => {
      if (raw === undefined)
        throw new QwexError('REGISTRY_NOT_FOUND', `no registry at ${label} (index.json not found)`, { hint: 'a qwex registry is a folder or URL holding index.json; build one with qwex registry build' });
      return parseWith(registryIndexSchema, parseJson(raw, `${label}/index.json`), 'REGISTRY_INVALID', `${label}/index.json`);
    }));
  return {
    id,
    label,
    getIndex,
    async getItem(name, version) {
      const entry = (await getIndex()).items[name]?.versions.find((v) => v.version === version);
      if (!entry) throw new QwexError('VERSION_NOT_FOUND', `${name}@${version} is not in ${label}/index.json`);
      const where = `${label}/${name}/${version}.json`;
      const raw = await read(`${name}/${version}.json`);
      if (raw === undefined) throw new QwexError('REGISTRY_INVALID', `${where} is listed in index.json but missing`, { hint: 'the registry is incomplete; tell its maintainer' });
      const item = parseItem(raw, where);
      if (item.name !== name || item.version !== version) throw new QwexError('REGISTRY_INVALID', `${where} holds ${item.name}@${item.version}`);
      if (itemIntegrity(item) !== entry.integrity)
        throw new QwexError('INTEGRITY_MISMATCH', `${where} does not match the integrity in index.json (expected ${entry.integrity}, got ${itemIntegrity(item)})`, {
          hint: 'the registry was changed after publishing or the download was tampered with; nothing was written',
        });
      return item;
    },
  };
}

export function parseItem(raw: string, where: string): RegistryItem {
  return parseWith(registryItemSchema, parseJson(raw, where), 'REGISTRY_INVALID', where);
}

export function parseJson(raw: string, where: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new QwexError('REGISTRY_INVALID', `${where} is not valid JSON: ${(e as Error).message}`, { hint: 'the file is corrupt or the download was cut short', cause: e });
  }
}

function folderReader(dir: string): Reader {
  return async (rel) => {
    try {
      return await readRegistryFile(path.join(dir, rel));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw e instanceof QwexError ? e : new QwexError('FETCH_FAILED', `cannot read ${path.join(dir, rel)}: ${(e as Error).message}`, { cause: e });
    }
  };
}

/** A registry file from disk, with the same size cap as one from the network. */
export async function readRegistryFile(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    if ((await handle.stat()).size > MAX_RESPONSE_BYTES)
      throw new QwexError('REGISTRY_INVALID', `${file} is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; refusing to read it`, { hint: 'a registry file should be a few KiB; check the path' });
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

const RETRY_STATUS = new Set([502, 503, 504]);
// Failures where the request may not have reached the server, or the answer not us: worth one more try.
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const MAX_REDIRECTS = 5;

/**
 * GET with a deadline for the whole answer (a slow drip cannot hold us), a size cap, at most
 * MAX_REDIRECTS redirects, and two retries for transient failures only (GETs are safe to repeat;
 * a 500, a 404 or a redirect loop would only fail again).
 */
export async function httpGet(url: string, headers: Record<string, string>, attempt = 0): Promise<string | undefined> {
  const shown = redactUrl(url);
  const timeoutMs = Number(process.env.QWEX_HTTP_TIMEOUT_MS) || 30_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (why: string, hint: string, cause?: unknown) => new QwexError('FETCH_FAILED', `cannot fetch ${shown}: ${why}`, { hint, cause });
  const timedOut = () => failed(`no complete answer within ${timeoutMs / 1000} s`, 'the server is slow or stuck: try again later, or allow more time with QWEX_HTTP_TIMEOUT_MS');
  let res: Response;
  try {
    res = await fetchFollowingRedirects(url, headers, signal, shown);
  } catch (e) {
    if (e instanceof QwexError) throw e;
    if (signal.aborted) throw timedOut();
    if (attempt < 2 && TRANSIENT.has(errorCode(e))) return retry(url, headers, attempt);
    throw failed(causeText(e), 'check the URL and your network, then try again', e);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) {
    await res.body?.cancel();
    if (attempt < 2 && RETRY_STATUS.has(res.status)) return retry(url, headers, attempt);
    const hint = res.status === 401 || res.status === 403 ? 'the registry wants credentials: set its headers in .qwex/config.yaml registries (values may use ${ENV_VARS})' : 'the registry server failed; try again later or tell its maintainer';
    throw failed(`HTTP ${res.status} ${res.statusText}`, hint);
  }
  try {
    return await readBounded(res, shown);
  } catch (e) {
    if (e instanceof QwexError) throw e;
    if (signal.aborted) throw timedOut();
    throw failed('the connection closed before the whole response arrived', 'try again; nothing was written', e);
  }
}

// Redirects are followed by hand: the registry's headers (tokens) go only to its own origin, and an
// https registry may not send us to plain http.
async function fetchFollowingRedirects(url: string, headers: Record<string, string>, signal: AbortSignal, shown: string): Promise<Response> {
  const origin = new URL(url).origin;
  for (let current = new URL(url), hops = 0; ; hops++) {
    const res = await fetch(current, { headers: { accept: 'application/json', ...(current.origin === origin ? headers : {}) }, signal, redirect: 'manual' });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location === null) return res;
    await res.body?.cancel();
    const next = new URL(location, current);
    if (hops === MAX_REDIRECTS) throw new QwexError('FETCH_FAILED', `cannot fetch ${shown}: more than ${MAX_REDIRECTS} redirects (a redirect loop?)`, { hint: 'check the URL, or tell the registry’s maintainer that it keeps redirecting' });
    if (next.protocol !== 'https:' && (current.protocol === 'https:' || next.protocol !== 'http:'))
      throw new QwexError('FETCH_FAILED', `cannot fetch ${shown}: it redirects to ${redactUrl(next.href)}`, { hint: 'qwex follows redirects only to http(s), and from https only to https; use the final address directly if you trust it' });
    current = next;
  }
}

function errorCode(e: unknown): string {
  const cause = (e as { cause?: { code?: string } }).cause;
  return cause?.code ?? (e as NodeJS.ErrnoException).code ?? '';
}

async function retry(url: string, headers: Record<string, string>, attempt: number) {
  await new Promise((r) => setTimeout(r, 150 * (attempt + 1)));
  return httpGet(url, headers, attempt + 1);
}

async function readBounded(res: Response, shown: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of boundedBody(res, shown, MAX_RESPONSE_BYTES, 'a registry file should be a few KiB; check the URL')) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A response body chunk by chunk, refused (and the connection dropped) once it passes `limit` bytes. */
export async function* boundedBody(res: Response, shown: string, limit: number, hint: string): AsyncGenerator<Uint8Array> {
  const tooBig = () => new QwexError('FETCH_FAILED', `${shown} is larger than ${limit / 1024 / 1024} MiB; refusing to read it`, { hint });
  if (Number(res.headers.get('content-length')) > limit) {
    await res.body?.cancel();
    throw tooBig();
  }
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw tooBig();
    yield chunk;
  }
}

function causeText(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  if (cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET') return 'the connection closed before the whole response arrived';
  return cause?.message ?? (e as Error).message;
}
