/**
 * listVersionsPage of the local source: pages newest first, tokens, the last page, non-ONNX versions
 * with their reason, models found by their meta.yaml name, and the fallback for sources without it.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { openLocalSource, type LocalModelSource } from '../../../src/models/sources/local.js';
import { ModelSourceError, versionPage } from '../../../src/models/source.js';
import { allVersionPages } from '../../support/pages.js';

const ONNX_MLMODEL = 'flavors:\n  onnx: {data: model.onnx, onnx_version: 1.14.0}\n  python_function: {loader_module: mlflow.onnx, data: model.onnx}\n';
const SKLEARN_MLMODEL =
  'flavors:\n  python_function: {loader_module: mlflow.sklearn, model_path: model.pkl}\n  sklearn: {pickled_model: model.pkl, sklearn_version: 1.3.2}\n';
const COUNT = 23;

/** A file-store registry: `name` stored in folder `folder`, versions 1..count, every fifth sklearn. */
async function writeModel(root: string, folder: string, name: string, count: number): Promise<void> {
  const modelDir = join(root, 'models', folder);
  await mkdir(join(modelDir, 'aliases'), { recursive: true });
  const t0 = Date.UTC(2024, 0, 1);
  await writeFile(join(modelDir, 'meta.yaml'), stringify({ creation_timestamp: t0, last_updated_timestamp: t0, name }));
  await writeFile(join(modelDir, 'aliases', 'champion'), '7');
  for (let v = 1; v <= count; v++) {
    const dir = join(root, 'artifacts', folder, String(v));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'MLmodel'), v % 5 === 0 ? SKLEARN_MLMODEL : ONNX_MLMODEL);
    await writeFile(join(dir, v % 5 === 0 ? 'model.pkl' : 'model.onnx'), 'x');
    await mkdir(join(modelDir, `version-${v}`), { recursive: true });
    await writeFile(
      join(modelDir, `version-${v}`, 'meta.yaml'),
      stringify({ creation_timestamp: t0 + v * 60_000, name, version: v, status: 'READY', storage_location: pathToFileURL(dir).href, user_id: 'ana' }),
    );
  }
}

describe('local source: versions page by page', () => {
  let root: string;
  let source: LocalModelSource;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'versions-page-'));
    await writeModel(join(root, 'reg'), 'many', 'many', COUNT);
    await writeModel(join(root, 'reg'), 'renamed-folder', "Ana's model", 3);
    source = await openLocalSource(join(root, 'reg'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('pages of 10: newest first, a token per page, none on the last, the same versions as listVersions', async () => {
    const pages = await allVersionPages(source, 'many', 10);
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [10, 10, 3],
    );
    assert.deepEqual(
      pages.map((p) => p.continuationToken === undefined),
      [false, false, true],
    );
    assert.deepEqual(
      pages[0]!.items.map((v) => v.version),
      ['23', '22', '21', '20', '19', '18', '17', '16', '15', '14'],
    );
    assert.deepEqual(
      pages[2]!.items.map((v) => v.version),
      ['3', '2', '1'],
    );
    const all = await source.listVersions('many');
    assert.deepEqual(
      pages.flatMap((p) => p.items),
      all,
    );
  });

  it('a page size that divides the count ends without an empty page; one larger than the count is one page', async () => {
    const ofOne = await allVersionPages(source, 'many', 1);
    assert.equal(ofOne.length, COUNT);
    assert.ok(ofOne.every((p) => p.items.length === 1));
    const whole = await source.listVersionsPage('many', { pageSize: 1000 });
    assert.equal(whole.items.length, COUNT);
    assert.equal(whole.continuationToken, undefined);
  });

  it('non-ONNX versions keep their reason and aliases stay on their version', async () => {
    const page = await source.listVersionsPage('many', { pageSize: 5, pageToken: '15' });
    assert.deepEqual(
      page.items.map((v) => [v.version, v.isOnnx]),
      [
        ['8', true],
        ['7', true],
        ['6', true],
        ['5', false],
        ['4', true],
      ],
    );
    assert.equal(page.items[3]!.framework, 'sklearn');
    assert.equal(page.items[3]!.notOnnxReason, 'its MLmodel has no onnx flavor (flavors: python_function, sklearn)');
    assert.deepEqual(page.items[1]!.aliases, ['champion']);
  });

  it('finds a model by the name in its meta.yaml when its folder is named otherwise', async () => {
    const page = await source.listVersionsPage("Ana's model", { pageSize: 2 });
    assert.deepEqual(
      page.items.map((v) => [v.modelName, v.version]),
      [
        ["Ana's model", '3'],
        ["Ana's model", '2'],
      ],
    );
    assert.equal(page.continuationToken, '2');
  });

  it('refuses a token it did not give out, an unknown model, and a cancelled request', async () => {
    for (const token of ['-1', 'abc', '1e3']) {
      await assert.rejects(source.listVersionsPage('many', { pageToken: token }), {
        name: 'ModelSourceError',
        message: `The page token ${JSON.stringify(token)} is not one this folder gave out for model 'many'. Refresh the version list.`,
      });
    }
    await assert.rejects(source.listVersionsPage('nope'), { message: `Model 'nope' was not found in ${join(root, 'reg')}. Refresh the model list.` });
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(source.listVersionsPage('many', {}, abort.signal), (e: unknown) => e instanceof ModelSourceError && e.kind === 'cancelled');
  });

  it('versionPage: a source without listVersionsPage gives all its versions as one page', async () => {
    const plain = { displayName: 'plain', listVersions: (m: string) => source.listVersions(m) };
    const p = await versionPage(plain, 'many', { pageSize: 5 });
    assert.equal(p.items.length, COUNT);
    assert.equal(p.continuationToken, undefined);
    await assert.rejects(versionPage(plain, 'many', { pageToken: '5' }), {
      message: `The page token "5" is not one plain gave out for model 'many'. Refresh the version list.`,
    });
    const paged = await versionPage(source, 'many', { pageSize: 5 });
    assert.equal(paged.items.length, 5);
  });
});
