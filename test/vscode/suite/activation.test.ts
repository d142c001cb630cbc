// Activation loads only dist/extension.js (and the small shared modules): the SQL client, the wizard's
// host, the model sources and the sample models are bundles of their own, loaded on first use.
// This file sorts first, so it runs before any other suite has used a feature.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension.js';
import { api, extensionId, repoRoot } from './extension-under-test.js';

const dist = join(repoRoot, 'dist');
const loadedFromDist = (): string[] =>
  Object.keys(require.cache)
    .filter((k) => k.startsWith(dist) && k.endsWith('.js'))
    .map((k) => k.slice(dist.length + 1))
    .sort();

describe('activation', () => {
  it('loads the activation bundle and no feature bundle, and the bundle stays under 1 MB', async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId)!;
    const wasActive = ext.isActive;
    const before = performance.now();
    const exports = await api();
    const total = performance.now() - before;
    const loaded = loadedFromDist();
    assert.ok(loaded.includes('extension.js'), `loaded from dist/: ${loaded.join(', ')}`);
    const features = ['sql-client.js', 'wizard-host.js', 'models-local.js', 'models-mlflow.js', 'models-azureml.js', 'model-cache.js', 'samples.js'];
    for (const f of features) assert.ok(existsSync(join(dist, f)), `dist/${f} is built`);
    assert.deepEqual(
      loaded.filter((f) => features.includes(f)),
      [],
      'feature bundles loaded at activation',
    );
    const size = statSync(join(dist, 'extension.js')).size;
    assert.ok(size <= 1024 * 1024, `dist/extension.js is ${size} bytes`);
    console.log(
      `activation: dist/extension.js ${size} bytes; activate() body ${exports.activationMs.toFixed(1)} ms; ` +
        (wasActive ? 'already active before this test' : `ext.activate() incl. loading the bundle ${total.toFixed(1)} ms`) +
        `; bundles in dist/: ${readdirSync(dist).filter((f) => f.endsWith('.js')).length}`,
    );
  });
});
