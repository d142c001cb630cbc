// Bundles the extension-host test runner (index.ts) and each mocha suite (suite/*.test.ts) into
// out/test/vscode/ — CommonJS for Node 20, `vscode` and `mocha` left to the host and node_modules.
// Usage: node test/vscode/build.mjs   (or import { buildVSCodeTests } from it)
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
export const outDir = join(root, 'out', 'test', 'vscode');
export const testsIndex = join(outDir, 'index.js');

/** Builds out/test/vscode/index.js and out/test/vscode/suite/*.test.js; returns the suite files. */
export async function buildVSCodeTests() {
  const suites = readdirSync(join(here, 'suite'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [join(here, 'index.ts'), ...suites.map((f) => join(here, 'suite', f))],
    outbase: here,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha', 'onnxruntime-node', '@duckdb/node-api', '@duckdb/node-bindings'],
    logLevel: 'warning',
  });
  return suites.map((f) => join(outDir, 'suite', f.replace(/\.ts$/, '.js')));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildVSCodeTests();
  console.log(`built the extension-host test runner and ${files.length} suites into ${outDir}`);
}
