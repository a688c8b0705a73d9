// Bundles cli/ into dist/ with code splitting, so `qwex --help` loads only the small entry chunk
// and each command pulls its heavy modules (zod, yaml, nunjucks, diff) when it runs.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

// commander requires node:child_process at load time, only to spawn executable subcommands
// (`program.command('x', 'desc')`), which qwex does not use. Loading it pulls in net, dgram and
// streams: several ms of every command's start-up. Give commander a stand-in that loads it on use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'qwex-lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'qwex-lazy' }, () => ({
      contents: "let m; module.exports = { spawn: (...a) => (m ??= require('node:child_process')).spawn(...a) };",
      loader: 'js',
    }));
  },
};

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
  plugins: [lazyChildProcess],
});
