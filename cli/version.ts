// Replaced at build time by esbuild (scripts/build.mjs) with package.json's version.
declare const __QWEX_VERSION__: string | undefined;
export const VERSION: string = typeof __QWEX_VERSION__ === 'string' ? __QWEX_VERSION__ : '0.0.0-dev';
