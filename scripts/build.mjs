// Bundles cli/ into dist/ with code splitting, so `qwex --help` loads only the small entry chunk
// and each command pulls its heavy modules (zod, yaml, nunjucks, diff) when it runs.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: 'cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  chunkNames: '[name]-[hash]',
  define: { __QWEX_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS packages call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __qwexRequire } from 'node:module'; const require = __qwexRequire(import.meta.url);" },
  logLevel: 'warning',
});
