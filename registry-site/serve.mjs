#!/usr/bin/env node
// Serves the built site on 127.0.0.1 for local viewing and for the site tests: static files with
// the right content types, index.html for folders, nothing outside the folder.
//
//   node registry-site/serve.mjs [--dir registry-site/dist] [--port 4173 | PORT=…]   (--port 0: any free port)
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Resolves a request path inside `root`, or undefined when it would leave it. */
function inside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = path.join(root, decoded);
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

export function createServer(root) {
  return http.createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file = inside(root, url.pathname);
    if (!file) return send(403, 'forbidden\n');
    let stat = await fs.stat(file).catch(() => undefined);
    if (stat?.isDirectory()) {
      // Pages link relatively ("../ssh/"), so a folder must be addressed with its slash.
      if (!url.pathname.endsWith('/')) return send(301, 'moved\n', { location: url.pathname + '/' + url.search });
      file = path.join(file, 'index.html');
      stat = await fs.stat(file).catch(() => undefined);
    }
    if (!stat?.isFile()) return send(404, `not found: ${url.pathname}\n`);
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    let body = await fs.readFile(file);
    const headers = {
      'content-type': type,
      // A local preview: always revalidate, so a rebuild shows at once.
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    };
    // Compress text as any real static host does, so the page weight the tests report is honest.
    if (/^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024 && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: path.join(HERE, 'dist') },
      port: { type: 'string', default: process.env.PORT ?? '4173' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node registry-site/serve.mjs [--dir DIR] [--port N]  (PORT=N works too; 0 picks a free port)\n');
    return;
  }
  const root = path.resolve(values.dir);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (!(await fs.stat(path.join(root, 'index.html')).catch(() => undefined))) {
    throw new Error(`${root} has no index.html; build the site first: npm run site:build`);
  }
  const server = createServer(root);
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address();
  // Tests read this line to learn the port; keep its shape.
  process.stdout.write(`serving ${root} at http://127.0.0.1:${actual}/\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 1;
  });
}
