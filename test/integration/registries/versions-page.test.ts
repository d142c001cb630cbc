/**
 * listVersionsPage of the MLflow source (against the MLflow test server) and of the Azure ML source
 * (against the ARM test server, nextLink paging): page sizes, tokens, the last page, non-ONNX
 * versions with their reason, the search filter each sends, and what one page costs in requests.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ModelCache } from '../../../src/models/cache.js';
import { MlflowModelSource } from '../../../src/models/sources/mlflow.js';
import { AzureMlModelSource } from '../../../src/models/sources/azureml.js';
import { ModelSourceError } from '../../../src/models/source.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { MlflowTestServer } from '../../servers/mlflow-server.js';
import { ArmTestServer } from '../../servers/arm-server.js';
import { allVersionPages } from '../../support/pages.js';

const SKLEARN_MLMODEL =
  'flavors:\n  python_function: {loader_module: mlflow.sklearn, model_path: model.pkl}\n  sklearn: {pickled_model: model.pkl, sklearn_version: 1.3.2}\n';

describe('MLflow source: versions page by page', () => {
  const server = new MlflowTestServer();
  const onnx = buildSampleModel('linear-classifier');
  const MODEL = "o'brien";
  let cacheRoot: string;
  let urls: string[];
  let source: MlflowModelSource;

  before(async () => {
    await server.start();
    for (let v = 1; v <= 12; v++) {
      server.addVersion(
        MODEL,
        v % 4 === 0 ? { files: { MLmodel: SKLEARN_MLMODEL, 'model.pkl': 'x' } } : { files: { MLmodel: onnx.mlmodelYaml, 'model.onnx': onnx.onnx } },
      );
    }
    // A model whose name holds the other one's: the search must not return its versions.
    server.addVersion(`${MODEL}-2`, { files: { MLmodel: onnx.mlmodelYaml, 'model.onnx': onnx.onnx } });
    cacheRoot = await mkdtemp(join(tmpdir(), 'versions-page-mlflow-'));
  });
  after(async () => {
    await server.close();
    await rm(cacheRoot, { recursive: true, force: true });
  });
  const fresh = () => {
    urls = [];
    const f: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    source = new MlflowModelSource({ trackingUri: server.url, cache: new ModelCache(cacheRoot), fetch: f });
  };

  it('the first page is one search request with the name filter, then an MLmodel read per version of that page only', async () => {
    fresh();
    const page = await source.listVersionsPage(MODEL, { pageSize: 5 });
    assert.deepEqual(
      page.items.map((v) => v.version),
      ['12', '11', '10', '9', '8'],
    );
    assert.equal(page.continuationToken, '5');
    const searches = urls.filter((u) => u.includes('/model-versions/search'));
    assert.equal(searches.length, 1);
    assert.equal(new URL(searches[0]!).searchParams.get('filter'), `name="o'brien"`);
    assert.equal(urls.filter((u) => u.endsWith('/MLmodel')).length, 5);
    assert.ok(page.items.every((v) => v.modelName === MODEL));
  });

  it('pages through every version newest first, the last without a token, the same as listVersions; non-ONNX keep their reason', async () => {
    fresh();
    const pages = await allVersionPages(source, MODEL, 5);
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [5, 5, 2],
    );
    assert.equal(pages[2]!.continuationToken, undefined);
    // Later pages reuse the first page's search.
    assert.equal(urls.filter((u) => u.includes('/model-versions/search')).length, 1);
    const flat = pages.flatMap((p) => p.items);
    assert.deepEqual(
      flat.map((v) => v.version),
      ['12', '11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1'],
    );
    const sk = flat.filter((v) => !v.isOnnx);
    assert.deepEqual(
      sk.map((v) => v.version),
      ['12', '8', '4'],
    );
    assert.ok(sk.every((v) => v.notOnnxReason === 'its MLmodel has no onnx flavor (flavors: python_function, sklearn)' && v.framework === 'sklearn'));
    fresh();
    assert.deepEqual(flat, await source.listVersions(MODEL));
  });

  it('a later page read by a new source instance searches again and gives the same versions', async () => {
    fresh();
    const page = await source.listVersionsPage(MODEL, { pageSize: 4, pageToken: '8' });
    assert.deepEqual(
      page.items.map((v) => v.version),
      ['4', '3', '2', '1'],
    );
    assert.equal(page.continuationToken, undefined);
  });

  it('refuses a token it did not give out and names an unknown model', async () => {
    fresh();
    await assert.rejects(source.listVersionsPage(MODEL, { pageToken: 'x1' }), {
      message: `The page token "x1" is not one the MLflow server at ${server.url} gave out for model 'o'brien'. Refresh the version list.`,
    });
    await assert.rejects(source.listVersionsPage('missing'), (e: unknown) => e instanceof ModelSourceError && e.kind === 'not-found');
  });
});

describe('Azure ML source: versions page by page (nextLink)', () => {
  const SUB = '00000000-1111-2222-3333-444444444444';
  const arm = new ArmTestServer(SUB, 'arm-token');
  let source: AzureMlModelSource;
  let cacheRoot: string;
  const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: 'arm-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

  before(async () => {
    await arm.start();
    arm.pageSize = 100;
    const ws = arm.addWorkspace('aml-ws', 'rg-ml');
    for (let v = 1; v <= 7; v++) {
      arm.addModelVersion(ws, 'churn', {
        version: String(v),
        modelType: 'mlflow_model',
        modelUri: `azureml://datastores/workspaceblobstore/paths/churn/${v}`,
        flavors: v === 3 ? { sklearn: {}, python_function: {} } : { onnx: {}, python_function: {} },
        createdAt: new Date(Date.UTC(2024, 0, v)).toISOString(),
        isArchived: v === 5,
      });
    }
    arm.addModelVersion(ws, 'empty-then-gone', { version: '1', modelType: 'mlflow_model', modelUri: 'azureml://datastores/x/paths/y', isArchived: true });
    cacheRoot = await mkdtemp(join(tmpdir(), 'versions-page-aml-'));
    source = new AzureMlModelSource({
      credential,
      subscriptionId: SUB,
      resourceGroup: 'rg-ml',
      workspaceName: 'aml-ws',
      cache: new ModelCache(cacheRoot),
      armEndpoint: arm.url,
      clientOptions: { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } },
    });
  });
  after(async () => {
    await arm.close();
    await rm(cacheRoot, { recursive: true, force: true });
  });

  it('pages of 2 through nextLink: newest first, archived left out, the last page without a token', async () => {
    const pages = await allVersionPages(source, 'churn', 2);
    assert.deepEqual(
      pages.map((p) => p.items.map((v) => v.version)),
      [['7', '6'], ['4'], ['3', '2'], ['1']],
    );
    assert.ok(pages.slice(0, -1).every((p) => p.continuationToken?.startsWith(`${arm.url}/`)));
    assert.equal(pages.at(-1)!.continuationToken, undefined);
    const flat = pages.flatMap((p) => p.items);
    assert.deepEqual(flat, await source.listVersions('churn'));
    const sk = flat.find((v) => v.version === '3')!;
    assert.equal(sk.isOnnx, false);
    assert.equal(sk.notOnnxReason, 'its MLflow flavors are sklearn, python_function, with no onnx flavor');
  });

  it('a page size larger than the model is one page', async () => {
    const p = await source.listVersionsPage('churn', { pageSize: 50 });
    assert.equal(p.items.length, 6);
    assert.equal(p.continuationToken, undefined);
  });

  it('refuses a token that does not point at its ARM endpoint, and names an unknown model', async () => {
    await assert.rejects(source.listVersionsPage('churn', { pageToken: 'https://evil.example/next' }), {
      message: `The page token "https://evil.example/next" is not one workspace 'aml-ws' gave out for model 'churn'. Refresh the version list.`,
    });
    await assert.rejects(source.listVersionsPage('nope'), (e: unknown) => e instanceof ModelSourceError && e.kind === 'not-found');
    const onlyArchived = await source.listVersionsPage('empty-then-gone');
    assert.deepEqual(onlyArchived, { items: [], continuationToken: undefined });
  });
});
