import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ModelCache } from '../../../src/models/cache.js';
import { MlflowModelSource, mlflowSourceForAzureMlWorkspace } from '../../../src/models/sources/mlflow.js';
import { DownloadProgress, ModelSourceError, modelPages } from '../../../src/models/source.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { MlflowTestServer } from '../../servers/mlflow-server.js';

const SKLEARN_MLMODEL = `artifact_path: model
flavors:
  python_function: {loader_module: mlflow.sklearn, model_path: model.pkl, python_version: 3.9.16}
  sklearn: {pickled_model: model.pkl, serialization_format: cloudpickle, sklearn_version: 1.3.2}
run_id: 0123
`;

async function rejectsWith(p: Promise<unknown>, kind: string, message: string | RegExp): Promise<ModelSourceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ModelSourceError, `expected ModelSourceError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** Files under a folder whose names do not mark them as partial downloads. */
async function completeLookingFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !e.name.includes('.partial-')) out.push(e.name);
  }
  return out;
}

describe('MLflow tracking server source', () => {
  const server = new MlflowTestServer();
  let cacheRoot: string;
  const cacheRoots: string[] = [];
  let source: MlflowModelSource;
  const v1 = buildSampleModel('linear-classifier');
  const bigOnnx = randomBytes(3 * 1024 * 1024);

  before(async () => {
    await server.start();
    server.addVersion(
      'aml-synapse-classifier',
      { files: { MLmodel: v1.mlmodelYaml, 'model.onnx': v1.onnx }, description: 'logistic' },
      { description: 'Customer rating' },
    );
    server.addVersion('aml-synapse-classifier', {
      files: { MLmodel: v1.mlmodelYaml, 'model.onnx': bigOnnx },
      description: 'bigger',
      tags: { algorithm: 'trees' },
      aliases: ['champion'],
      current_stage: 'Production',
      user_id: 'ben@contoso.com',
    });
    server.addVersion('rating-sklearn', { files: { MLmodel: SKLEARN_MLMODEL, 'model.pkl': 'x' } });
    // Artifacts in storage the server does not proxy: read through model-versions/get-artifact.
    server.addVersion('remote-artifacts', { files: { MLmodel: v1.mlmodelYaml, 'model.onnx': v1.onnx }, artifactUri: 's3://bucket/models/remote' });
    for (let i = 0; i < 5; i++) server.addVersion(`other-model-${i}`, { files: { MLmodel: v1.mlmodelYaml, 'model.onnx': v1.onnx } });
  });
  after(() => server.close());
  beforeEach(async () => {
    server.faults.clear();
    cacheRoot = await mkdtemp(join(tmpdir(), 'mlflow-cache-'));
    cacheRoots.push(cacheRoot);
    source = new MlflowModelSource({ trackingUri: server.url, cache: new ModelCache(cacheRoot), retry: { baseDelayMs: 5 } });
  });

  it('lists models in pages and searches by name', async () => {
    const first = await source.listModels({ pageSize: 3 });
    assert.deepEqual(
      first.items.map((m) => m.name),
      ['aml-synapse-classifier', 'other-model-0', 'other-model-1'],
    );
    assert.ok(first.continuationToken);
    assert.equal(first.items[0]!.latestVersion, '2');
    assert.equal(first.items[0]!.description, 'Customer rating');
    const names: string[] = [];
    for await (const page of modelPages(source, { pageSize: 3 })) names.push(...page.items.map((m) => m.name));
    assert.equal(names.length, 8);
    assert.equal(new Set(names).size, 8);
    const found = await source.listModels({ nameContains: 'synapse' });
    assert.deepEqual(
      found.items.map((m) => m.name),
      ['aml-synapse-classifier'],
    );
    assert.equal(found.continuationToken, undefined);
  });

  it('lists versions newest first with who, when, flavor and whether PREDICT can use them', async () => {
    const versions = await source.listVersions('aml-synapse-classifier');
    assert.deepEqual(
      versions.map((v) => v.version),
      ['2', '1'],
    );
    const [two, one] = versions;
    assert.equal(two!.createdBy, 'ben@contoso.com');
    assert.equal(two!.framework, 'onnx');
    assert.deepEqual(two!.flavors, ['onnx', 'python_function']);
    assert.deepEqual(two!.tags, { algorithm: 'trees' });
    assert.deepEqual(two!.aliases, ['champion']);
    assert.equal(two!.stage, 'Production');
    assert.equal(two!.isOnnx, true);
    assert.ok(two!.createdAt! > one!.createdAt!);
    const [sk] = await source.listVersions('rating-sklearn');
    assert.equal(sk!.isOnnx, false);
    assert.equal(sk!.framework, 'sklearn');
    assert.equal(sk!.notOnnxReason, 'its MLmodel has no onnx flavor (flavors: python_function, sklearn)');
  });

  it('downloads a version through the artifact proxy with progress, then serves it from the cache', async () => {
    const progress: DownloadProgress[] = [];
    const got = await source.download('aml-synapse-classifier', '2', { onProgress: (p) => progress.push({ ...p }) });
    assert.equal(got.fromCache, false);
    assert.deepEqual(await readFile(got.onnxPath), bigOnnx);
    assert.equal(await readFile(got.mlmodelPath!, 'utf8'), v1.mlmodelYaml);
    const total = bigOnnx.byteLength + Buffer.byteLength(v1.mlmodelYaml);
    assert.equal(progress.at(-1)!.bytesDone, total);
    assert.ok(progress.every((p) => p.bytesTotal === total));
    assert.ok(progress.length > 3, 'progress is reported while the file arrives');
    const before = server.faults.log.filter((p) => p.includes('artifacts/')).length;
    const again = await source.download('aml-synapse-classifier', '2');
    assert.equal(again.fromCache, true);
    assert.equal(again.onnxPath, got.onnxPath);
    assert.equal(server.faults.log.filter((p) => p.includes('artifacts/')).length, before, 'no file was fetched again');
  });

  it('downloads artifacts the server does not proxy through model-versions/get-artifact', async () => {
    const got = await source.download('remote-artifacts', '1');
    assert.deepEqual(await readFile(got.onnxPath), Buffer.from(v1.onnx));
    assert.ok(server.faults.log.includes('/model-versions/get-artifact'));
  });

  it('refuses a non-ONNX version with the flavor and what to do', async () => {
    await rejectsWith(
      source.download('rating-sklearn', '1'),
      'not-onnx',
      `Model 'rating-sklearn' version 1 in the MLflow server at ${server.url} is a sklearn model; PREDICT runs ONNX models only. Convert it to ONNX (for example with skl2onnx or tf2onnx), register the ONNX model as a new version, and pick that version.`,
    );
  });

  it('says which model or version was not found', async () => {
    await rejectsWith(
      source.listVersions('no-such-model'),
      'not-found',
      `Model 'no-such-model' was not found in the MLflow server at ${server.url} (404). It may have been deleted or renamed: refresh the model list. The server said: Registered Model with name=no-such-model not found`,
    );
    await rejectsWith(
      source.download('aml-synapse-classifier', '9'),
      'not-found',
      /^Model 'aml-synapse-classifier' version 9 was not found in the MLflow server at/,
    );
  });

  it('retries a throttled request after the Retry-After the server asked for', async () => {
    server.faults.add({ path: '/api/2.0/mlflow/registered-models/search', status: 429, retryAfter: '1', times: 1 });
    const n = server.faults.log.length;
    const page = await source.listModels({ nameContains: 'synapse' });
    assert.equal(page.items.length, 1);
    assert.equal(server.faults.log.length - n, 2, 'one refused request, one retry');
  });

  it('gives up on persistent throttling with a message that says to wait', async () => {
    const s = new MlflowModelSource({ trackingUri: server.url, cache: new ModelCache(cacheRoot), retry: { maxRetries: 2, baseDelayMs: 1 } });
    server.faults.add({ path: '/api/2.0/mlflow/registered-models/search', status: 429, retryAfter: '0', times: Infinity });
    const n = server.faults.log.length;
    await rejectsWith(
      s.listModels(),
      'throttled',
      `the MLflow server at ${server.url} is throttling requests (it asked to wait 0 s) and kept refusing after several retries while reading the model list. Wait a minute and try again.`,
    );
    assert.equal(server.faults.log.length - n, 3);
  });

  it('reports a dropped connection as network-down and leaves no complete-looking file', async () => {
    server.faults.add({ path: /model\.onnx$/, drop: { afterBytes: 1024 * 1024 }, times: 1 });
    const dir = new ModelCache(cacheRoot).dirFor({ sourceId: source.id, model: 'aml-synapse-classifier', version: '2' });
    await rejectsWith(
      source.download('aml-synapse-classifier', '2'),
      'network-down',
      new RegExp(
        `^Could not reach the MLflow server at ${server.url.replace(/[.]/g, '\\.')} while reading model 'aml-synapse-classifier' version 2 \\(.+\\)\\. Check the network connection and the registry's address, then try again\\.$`,
      ),
    );
    const left = await completeLookingFiles(dir);
    assert.ok(!left.includes('model.onnx'), `left ${left.join(', ')}`);
    assert.ok(!left.includes('.complete.json'));
    const got = await source.download('aml-synapse-classifier', '2');
    assert.equal(got.fromCache, false);
    assert.deepEqual(await readFile(got.onnxPath), bigOnnx);
  });

  it('reports an unreachable server as network-down', async () => {
    const dead = new MlflowTestServer();
    const url = await dead.start();
    await dead.close();
    const s = new MlflowModelSource({ trackingUri: url, cache: new ModelCache(cacheRoot), retry: { maxRetries: 1, baseDelayMs: 1 } });
    await rejectsWith(
      s.listModels(),
      'network-down',
      `Could not reach the MLflow server at ${url} while reading the model list (ECONNREFUSED). Check the network connection and the registry's address, then try again.`,
    );
  });

  it('cancels a download: the error says so and nothing complete is left', async () => {
    const ac = new AbortController();
    const dir = new ModelCache(cacheRoot).dirFor({ sourceId: source.id, model: 'aml-synapse-classifier', version: '2' });
    await rejectsWith(
      source.download('aml-synapse-classifier', '2', {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.bytesDone > 1024 * 1024) ac.abort();
        },
      }),
      'cancelled',
      `Cancelled: model 'aml-synapse-classifier' version 2 from the MLflow server at ${server.url} was not read.`,
    );
    assert.ok(!(await completeLookingFiles(dir)).includes('model.onnx'));
    assert.ok(!(await completeLookingFiles(dir)).includes('.complete.json'));
    const got = await source.download('aml-synapse-classifier', '2');
    assert.deepEqual(await readFile(got.onnxPath), bigOnnx);
  });

  it('signs in with a bearer token and says what to do when it is refused', async () => {
    const secured = new MlflowTestServer({ bearerToken: 's3cret' });
    secured.addVersion('m', { files: { MLmodel: v1.mlmodelYaml, 'model.onnx': v1.onnx } });
    const url = await secured.start();
    try {
      const good = new MlflowModelSource({ trackingUri: url, auth: { kind: 'bearer', token: 's3cret' }, cache: new ModelCache(cacheRoot) });
      assert.equal((await good.listModels()).items.length, 1);
      const bad = new MlflowModelSource({ trackingUri: url, auth: { kind: 'bearer', token: 'old' }, cache: new ModelCache(cacheRoot) });
      await rejectsWith(
        bad.listVersions('m'),
        'not-signed-in',
        `Not signed in to the MLflow server at ${url}: could not read model 'm'. The server refused the access token: set a current token (MLFLOW_TRACKING_TOKEN) in this registry's settings.`,
      );
      const none = new MlflowModelSource({ trackingUri: url, cache: new ModelCache(cacheRoot) });
      await rejectsWith(none.listModels(), 'not-signed-in', /add a token or a user name and password to this registry's settings\.$/);
    } finally {
      await secured.close();
    }
  });

  it('signs in with basic authentication; a user without access gets 403 with what to do', async () => {
    const secured = new MlflowTestServer({ basic: { username: 'ana', password: 'pw' }, forbiddenBasicUsers: ['guest'] });
    secured.addVersion('m', { files: { MLmodel: v1.mlmodelYaml, 'model.onnx': v1.onnx } });
    const url = await secured.start();
    try {
      const good = new MlflowModelSource({ trackingUri: url, auth: { kind: 'basic', username: 'ana', password: 'pw' }, cache: new ModelCache(cacheRoot) });
      assert.equal((await good.download('m', '1')).fromCache, false);
      const guest = new MlflowModelSource({ trackingUri: url, auth: { kind: 'basic', username: 'guest', password: 'x' }, cache: new ModelCache(cacheRoot) });
      await rejectsWith(
        guest.getVersion('m', '1'),
        'forbidden',
        `Access denied to model 'm' version 1 in the MLflow server at ${url} (403). Ask the registry's owner for read access to its models, or sign in with an account that has it. The server said: Permission denied`,
      );
    } finally {
      await secured.close();
    }
  });

  it("reaches an Azure ML workspace's MLflow endpoint with the user's Entra token", async () => {
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async (scope): Promise<AccessToken> => {
        scopes.push(String(scope));
        return { token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const secured = new MlflowTestServer({ bearerToken: 'entra-token' });
    secured.addVersion('aml-synapse-classifier', { files: { MLmodel: v1.mlmodelYaml, 'model.onnx': v1.onnx } });
    const url = await secured.start();
    try {
      const s = mlflowSourceForAzureMlWorkspace({ mlFlowTrackingUri: url, workspaceName: 'aml-ws', credential, cache: new ModelCache(cacheRoot) });
      assert.equal(s.displayName, "Azure ML workspace 'aml-ws' (MLflow)");
      assert.deepEqual(
        (await s.listModels()).items.map((m) => m.name),
        ['aml-synapse-classifier'],
      );
      assert.deepEqual([...new Set(scopes)], ['https://management.azure.com/.default']);
      const signedOut = mlflowSourceForAzureMlWorkspace({
        mlFlowTrackingUri: url,
        workspaceName: 'aml-ws',
        credential: { getToken: async () => Promise.reject(new Error('No account is signed in.')) },
        cache: new ModelCache(cacheRoot),
      });
      await rejectsWith(
        signedOut.listModels(),
        'not-signed-in',
        "Not signed in to Azure for Azure ML workspace 'aml-ws' (MLflow): No account is signed in. Sign in to Azure again (Azure: Sign In) and retry.",
      );
    } finally {
      await secured.close();
    }
  });

  it('refuses an address that is not http(s)', () => {
    assert.throws(
      () => new MlflowModelSource({ trackingUri: 'databricks', cache: new ModelCache(cacheRoot) }),
      (e: unknown) =>
        e instanceof ModelSourceError &&
        e.message === '"databricks" is not a tracking server address. Enter an http:// or https:// URL, e.g. http://127.0.0.1:5000.',
    );
  });

  after(async () => {
    for (const d of cacheRoots) await rm(d, { recursive: true, force: true });
  });
});

describe('MLflow listing at scale', () => {
  const server = new MlflowTestServer();
  before(async () => {
    await server.start();
    for (let i = 0; i < 1000; i++) {
      const name = `model-${String(i).padStart(4, '0')}`;
      for (let v = 1; v <= 20; v++) server.addVersion(name, { files: v === 20 ? { MLmodel: SKLEARN_MLMODEL } : {} });
    }
  });
  after(() => server.close());

  it('pages through 1 000 models with 20 versions each', async () => {
    const source = new MlflowModelSource({ trackingUri: server.url, cache: new ModelCache(tmpdir()), pageSize: 200 });
    const pages: number[] = [];
    const names = new Set<string>();
    for await (const page of modelPages(source)) {
      pages.push(page.items.length);
      for (const m of page.items) {
        names.add(m.name);
        assert.equal(m.latestVersion, '20');
      }
    }
    assert.deepEqual(pages, [200, 200, 200, 200, 200]);
    assert.equal(names.size, 1000);
    const versions = await source.listVersions('model-0999');
    assert.equal(versions.length, 20);
    assert.deepEqual(
      versions.slice(0, 3).map((v) => v.version),
      ['20', '19', '18'],
    );
  });

  it('yields the first page while the server has answered only one request', async () => {
    const source = new MlflowModelSource({ trackingUri: server.url, cache: new ModelCache(tmpdir()), pageSize: 100 });
    server.faults.log.length = 0;
    server.faults.holdAfter(1);
    try {
      const pager = modelPages(source)[Symbol.asyncIterator]();
      const first = await pager.next();
      assert.equal(first.done, false);
      assert.equal(first.value!.items.length, 100);
      assert.equal(first.value!.items[0]!.name, 'model-0000');
      assert.equal(server.faults.answered, 1);
      const second = pager.next();
      server.faults.release();
      assert.equal((await second).value!.items[0]!.name, 'model-0100');
      await pager.return?.();
    } finally {
      server.faults.release();
    }
  });
});
