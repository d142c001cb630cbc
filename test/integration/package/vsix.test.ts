// The linux-x64 package as `npm run package` builds it: within its size budget, holding this
// platform's native modules and nothing of another platform, no source maps, sources or tests.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { testVsix } from '../../support/vsix.js';

const repoRoot = resolve(dirname(__filename), '..', '..', '..');
const BUDGET = 50 * 1024 * 1024;

interface VsixEntry {
  name: string;
  size: number;
  compressed: number;
}
const script = async <T>(name: string): Promise<T> => (await import(pathToFileURL(join(repoRoot, 'scripts', name)).href)) as T;

describe('the linux-x64 VSIX', () => {
  let vsix: string;
  let names: string[];

  before(async () => {
    vsix = testVsix();
    const { vsixEntries } = await script<{ vsixEntries(file: string): VsixEntry[] }>('vsix-contents.mjs');
    names = vsixEntries(vsix).map((e) => e.name);
  });

  it(`is at most ${BUDGET / 1024 / 1024} MB`, () => {
    const size = statSync(vsix).size;
    console.log(`# ${vsix}: ${(size / 1024 / 1024).toFixed(1)} MB, ${names.length} files`);
    assert.ok(size <= BUDGET, `${(size / 1024 / 1024).toFixed(1)} MB`);
  });

  it('holds the bundles, the icon, the README screenshots and linux-x64 native modules', () => {
    for (const f of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/localpool.js',
      'extension/dist/wizard-host.js',
      'extension/dist/sql-client.js',
      'extension/dist/webview/wizard.js',
      'extension/media/icon.png',
      'extension/docs/screenshots/wizard-1-choose-model.png',
      'extension/LICENSE.txt',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'extension/node_modules/@duckdb/node-bindings-linux-x64/duckdb.node',
    ]) {
      assert.ok(names.includes(f), `${f} is missing`);
    }
  });

  it('holds no file of another platform, no source map, source, test or cache', () => {
    const foreign = names.filter(
      (n) =>
        (/\/napi-v6\//.test(n) && !/\/napi-v6\/linux\/x64\//.test(n)) ||
        (/\/node-bindings-/.test(n) && !/\/node-bindings-linux-x64\//.test(n)) ||
        /\.(map|ts)$/.test(n) ||
        /\.(dll|dylib)$/.test(n) ||
        /^extension\/(src|test|\.cache|out|scripts|bench|webview-ui)\//.test(n) ||
        n === 'extension/dist/cli.js',
    );
    assert.deepEqual(foreign, []);
  });

  it('says which targets cannot be packaged: darwin-x64, for want of onnxruntime-node binaries', async () => {
    const { missingNatives } = await script<{ missingNatives(target: string): string | undefined }>('package.mjs');
    assert.match(missingNatives('darwin-x64') ?? '', /onnxruntime-node 1\.30\.\d+ ships no binaries for darwin\/x64/);
    for (const t of ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64']) assert.equal(missingNatives(t), undefined, t);
  });
});
