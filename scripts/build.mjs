// Builds every bundle: the extension host (Node, CommonJS), the local pool and CLI
// entry points, and the wizard's webview UI (browser, ESM).
// Native modules stay external: they are loaded lazily by the code that scores or stores.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeExternal = ['vscode', 'onnxruntime-node', '@duckdb/node-api', '@duckdb/node-bindings', 'azurite'];

/** @type {esbuild.BuildOptions[]} */
const builds = [];
const nodeEntries = {
  extension: 'src/extension.ts',
  cli: 'src/cli.ts',
  localpool: 'src/localpool/main.ts',
};
for (const [name, entry] of Object.entries(nodeEntries)) {
  if (!existsSync(entry)) continue;
  builds.push({
    entryPoints: { [name]: entry },
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    minify: production,
    external: nodeExternal,
    logLevel: 'warning',
    // The CLI is the package's bin: runnable as ./dist/cli.js.
    ...(name === 'cli' ? { banner: { js: '#!/usr/bin/env node' } } : {}),
  });
}
if (existsSync('webview-ui/src/main.ts')) {
  builds.push({
    entryPoints: { wizard: 'webview-ui/src/main.ts' },
    outdir: 'dist/webview',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    minify: production,
    logLevel: 'warning',
  });
}

if (existsSync('webview-ui/src/compare/main.ts')) {
  builds.push({
    entryPoints: { compare: 'webview-ui/src/compare/main.ts' },
    outdir: 'dist/webview',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    minify: production,
    logLevel: 'warning',
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${builds.length} bundles`);
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.length} bundles into dist/`);
}
