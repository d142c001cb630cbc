// Builds every bundle: the extension host (Node, CommonJS), the local pool and CLI
// entry points, and the wizard's webview UI (browser, ESM).
// Native modules stay external: they are loaded lazily by the code that scores or stores.
//
// The extension host's code is split so that activation loads little: dist/extension.js holds what
// activate() needs, and each module of `lazyBundles` is a bundle of its own (dist/<name>.js). Any
// bundle that imports one of them gets `require('./<name>.js')` instead of a copy (and `import()`
// becomes a require on first use), so each module exists once. The code reaches the heavy ones
// only through `import()`, or from modules that are themselves loaded lazily; the build fails when
// activation would load one of them, or when dist/extension.js outgrows ACTIVATION_BUDGET.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// @duckdb/node-api is bundled (plain JavaScript); its native bindings package stays external.
const nodeExternal = ['vscode', 'onnxruntime-node', '@duckdb/node-bindings', 'azurite'];

/** Bundles loaded on first use, and what each brings. */
const lazyBundles = {
  'sql-client': 'src/sql/client/connection.ts', // tedious, and through it @azure/identity and MSAL
  'wizard-host': 'src/wizard-host/host.ts', // the wizard's panel, controller, model readers (yaml, onnx-proto), preview, deploy
  'models-local': 'src/models/sources/local.ts', // local registries (yaml)
  'models-mlflow': 'src/models/sources/mlflow.ts', // MLflow tracking servers
  'models-azureml': 'src/models/sources/azureml.ts', // the Azure SDKs (@azure/arm-machinelearning, @azure/storage-blob)
  'model-cache': 'src/models/cache.ts', // downloads, shared by the MLflow and Azure ML sources
  samples: 'src/samples/registry.ts', // the sample registry and the models it fits
  'load-data': 'src/load-host/flow.ts', // Load data…: DuckDB's file readers, bulk load
  'lifecycle-actions': 'src/lifecycle-host/actions.ts', // Models node: compare, delete, save, open script
  'lifecycle-edit': 'src/lifecycle-host/edit.ts', // Edit prediction: read back a deployed object into the wizard
  'lifecycle-repoint': 'src/lifecycle-host/repoint.ts', // Upgrade and Roll back
};
/** Small modules loaded at activation but kept in one copy: their error classes are checked with instanceof across bundles. */
const sharedBundles = {
  'model-source': 'src/models/source.ts',
  // One map of which connection each SQL document belongs to: the wizard fills it, Run Script reads it.
  'script-connections': 'src/results-host/script-connections.ts',
  // One ONNX Runtime process for previews, deploy checks and comparisons, so a deploy reuses the session a preview loaded.
  'onnx-worker': 'src/models/onnx-worker.ts',
  // The tree's node classes: commands loaded later (Load data…, the lifecycle) tell nodes apart with instanceof.
  explorer: 'src/tree/explorer.ts',
  'tree-models': 'src/tree/models.ts',
};
const ACTIVATION_BUDGET = 1024 * 1024;

const splitEntries = { ...lazyBundles, ...sharedBundles };
const bundleOf = new Map(Object.entries(splitEntries).map(([name, entry]) => [resolve(entry), name]));

/** Turns imports of another split bundle's entry module into `require('./<name>.js')`. */
function splitBundles(ownEntry) {
  return {
    name: 'split-bundles',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData?.split) return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { split: true } });
        const name = bundleOf.get(r.path);
        if (!name || r.path === ownEntry) return undefined;
        return { path: `./${name}.js`, external: true };
      });
    },
  };
}

/** Fails when activation would load a lazy bundle, or when the activation bundle is over budget. */
function checkActivation(result) {
  const { inputs, outputs } = result.metafile;
  const out = Object.entries(outputs).find(([file]) => file.endsWith('dist/extension.js'));
  if (!out) return;
  const lazy = new Set(Object.keys(lazyBundles).map((n) => `./${n}.js`));
  const from = new Map([['src/extension.ts', '']]);
  const queue = ['src/extension.ts'];
  while (queue.length) {
    const file = queue.shift();
    for (const i of inputs[file]?.imports ?? []) {
      if (i.kind === 'dynamic-import') continue;
      if (lazy.has(i.path)) throw new Error(`activation would load ${i.path}: ${chain(from, file)} imports it; import() it where it is used`);
      if (!i.external && !from.has(i.path)) {
        from.set(i.path, file);
        queue.push(i.path);
      }
    }
  }
  if (out[1].bytes > ACTIVATION_BUDGET) {
    throw new Error(`dist/extension.js is ${out[1].bytes} bytes, over its ${ACTIVATION_BUDGET}-byte budget: load what activation does not need with import()`);
  }
}

function chain(from, file) {
  const path = [];
  for (let f = file; f; f = from.get(f)) path.unshift(f);
  return path.join(' -> ');
}

/** @type {esbuild.BuildOptions[]} */
const builds = [];
const nodeEntries = {
  extension: 'src/extension.ts',
  cli: 'src/cli.ts',
  localpool: 'src/cli/localpool-main.ts',
  ...splitEntries,
};
for (const [name, entry] of Object.entries(nodeEntries)) {
  if (!existsSync(entry)) continue;
  // The extension host's bundles share the split modules; the CLI and the local pool are whole programs.
  const split = name === 'extension' || name in splitEntries;
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
    ...(split ? { plugins: [splitBundles(resolve(entry))], supported: { 'dynamic-import': false }, metafile: name === 'extension' } : {}),
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
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  for (const r of results) if (r.metafile) checkActivation(r);
  console.log(`built ${builds.length} bundles into dist/`);
}
