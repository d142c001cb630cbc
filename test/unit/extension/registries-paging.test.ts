// The extension's registries (the predictWizard.modelRegistries setting) page versions like their
// sources do, so the wizard shows the newest versions before the rest are read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleRegistry } from '../../../src/samples/registry.js';

type Registries = typeof import('../../../src/connections/registries.js');
let reg: Registries;
let root: string;

before(async () => {
  // registries.ts imports 'vscode' (for the Microsoft sign-in); the local source never uses it.
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const resolve = M._resolveFilename;
  M._resolveFilename = (request, ...rest) => (request === 'vscode' ? 'vscode-stub-registries' : resolve(request, ...rest));
  M._cache['vscode-stub-registries'] = { id: 'vscode-stub-registries', filename: 'vscode-stub-registries', loaded: true, exports: {} };
  reg = await import('../../../src/connections/registries.js');
  root = mkdtempSync(join(tmpdir(), 'registries-paging-'));
  await writeSampleRegistry(root);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('a configured local registry lists one page of versions at a time, newest first', async () => {
  const secrets = { get: async () => undefined } as never;
  const [r] = reg.buildRegistries([{ name: 'Samples', kind: 'local', path: root }], secrets, async () => {
    throw new Error('a local registry needs no download cache');
  });
  assert.ok(r!.source.listVersionsPage, 'the wrapper offers paging');
  const first = await r!.source.listVersionsPage!('aml-synapse-classifier', { pageSize: 1 });
  assert.deepEqual(
    first.items.map((v) => v.version),
    ['2'],
  );
  assert.ok(first.continuationToken, 'a second page is announced');
  const second = await r!.source.listVersionsPage!('aml-synapse-classifier', { pageSize: 1, pageToken: first.continuationToken });
  assert.deepEqual(
    second.items.map((v) => v.version),
    ['1'],
  );
  assert.equal(second.continuationToken, undefined, 'the last page says so');
});
