import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';
import { ModelCache } from '../../../src/models/cache.js';
import { AzureMlModelSource, AzureMlSourceOptions, listAzureMlWorkspaces, parseModelUri } from '../../../src/models/sources/azureml.js';
import { DownloadProgress, ModelSourceError, modelPages } from '../../../src/models/source.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { ArmTestServer } from '../../servers/arm-server.js';
import { AZURITE_ACCOUNT, AZURITE_KEY, AzuriteHandle, startAzurite } from '../../servers/azurite.js';

const SUB = '00000000-1111-2222-3333-444444444444';
const TOKEN = 'arm-token';
const WS = 'aml-ws';
const RG = 'rg-ml';

function credential(token = TOKEN): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

async function rejectsWith(p: Promise<unknown>, kind: string, message: string | RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ModelSourceError, `expected ModelSourceError, got ${String((e as Error).stack ?? e)}`);
    assert.equal(e.kind, kind, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return;
  }
  assert.fail('expected the call to fail');
}

async function completeLookingFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile() && !e.name.includes('.partial-')).map((e) => e.name);
}

const SKLEARN_MLMODEL = 'flavors:\n  python_function: {loader_module: mlflow.sklearn}\n  sklearn: {pickled_model: model.pkl, sklearn_version: 1.3.2}\n';

describe('Azure Machine Learning source (ARM server + Azurite)', () => {
  const arm = new ArmTestServer(SUB, TOKEN);
  let azurite: AzuriteHandle;
  const sample = buildSampleModel('linear-classifier');
  const big = randomBytes(100 * 1024 * 1024);
  const cacheRoots: string[] = [];
  let cache: ModelCache;
  let options: AzureMlSourceOptions;
  let source: AzureMlModelSource;

  before(async () => {
    azurite = await startAzurite();
    await arm.start();
    const service = new BlobServiceClient(azurite.accountUrl, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
    const put = async (container: string, path: string, data: Uint8Array | string) => {
      const c = service.getContainerClient(container);
      await c.createIfNotExists();
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      await c.getBlockBlobClient(path).uploadData(bytes, { maxSingleShotSize: 256 * 1024 * 1024 });
    };
    await put('azureml', 'ExperimentRun/dcid.run-v1/outputs/model/MLmodel', sample.mlmodelYaml);
    await put('azureml', 'ExperimentRun/dcid.run-v1/outputs/model/model.onnx', sample.onnx);
    await put('azureml', 'ExperimentRun/dcid.run-v3/model/MLmodel', sample.mlmodelYaml);
    await put('azureml', 'ExperimentRun/dcid.run-v3/model/model.onnx', sample.onnx);
    await put('azureml-blobstore', 'models/v2/MLmodel', sample.mlmodelYaml);
    await put('azureml-blobstore', 'models/v2/model.onnx', sample.onnx);
    await put('azureml-blobstore', 'models/sk/MLmodel', SKLEARN_MLMODEL);
    await put('azureml-blobstore', 'models/corrupt/model.onnx', sample.onnx);
    await put('azureml-blobstore', 'big/model.onnx', big);
    await put('sas-container', 'custom/model.onnx', sample.onnx);
    // A blob whose stored MD5 does not match its bytes.
    await service
      .getContainerClient('azureml-blobstore')
      .getBlobClient('models/corrupt/model.onnx')
      .setHTTPHeaders({ blobContentMD5: createHash('md5').update('other').digest() });
    const sas = generateBlobSASQueryParameters(
      { containerName: 'sas-container', permissions: ContainerSASPermissions.parse('rl'), expiresOn: new Date(Date.now() + 3_600_000) },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();

    const ws = arm.addWorkspace(WS, RG);
    arm.addWorkspace('aml-ws-dev', 'rg-dev');
    arm.addWorkspace('aml-ws-prod', 'rg-prod', 'eastus');
    ws.datastores.set('workspaceartifactstore', {
      name: 'workspaceartifactstore',
      accountName: AZURITE_ACCOUNT,
      containerName: 'azureml',
      credentials: { credentialsType: 'AccountKey', key: AZURITE_KEY },
    });
    ws.datastores.set('workspaceblobstore', {
      name: 'workspaceblobstore',
      accountName: AZURITE_ACCOUNT,
      containerName: 'azureml-blobstore',
      credentials: { credentialsType: 'AccountKey', key: AZURITE_KEY },
    });
    ws.datastores.set('sasstore', {
      name: 'sasstore',
      accountName: AZURITE_ACCOUNT,
      containerName: 'sas-container',
      credentials: { credentialsType: 'Sas', sasToken: sas },
    });
    const onnxFlavor = { onnx: { onnx_version: '1.14.0' }, python_function: { loader_module: 'mlflow.onnx' } };
    const wsPath = `azureml://subscriptions/${SUB}/resourceGroups/${RG}/workspaces/${WS}`;
    arm.addModelVersion(
      ws,
      'aml-synapse-classifier',
      {
        version: '1',
        modelType: 'mlflow_model',
        flavors: onnxFlavor,
        modelUri: `${wsPath}/datastores/workspaceartifactstore/paths/ExperimentRun/dcid.run-v1/outputs/model`,
        jobName: 'run-v1',
        description: 'logistic regression',
      },
      { description: 'Customer rating classifier', tags: { team: 'analytics' } },
    );
    arm.addModelVersion(ws, 'aml-synapse-classifier', {
      version: '2',
      modelType: 'mlflow_model',
      flavors: onnxFlavor,
      modelUri: 'azureml://datastores/workspaceblobstore/paths/models/v2',
      createdBy: 'ben@contoso.com',
      tags: { algorithm: 'tree-ensemble' },
    });
    arm.addModelVersion(ws, 'aml-synapse-classifier', { version: '3', modelType: 'mlflow_model', flavors: onnxFlavor, modelUri: 'runs:/run-v3/model' });
    arm.addModelVersion(ws, 'custom-onnx', { version: '1', modelType: 'custom_model', modelUri: 'azureml://datastores/sasstore/paths/custom/model.onnx' });
    arm.addModelVersion(ws, 'rating-sklearn', {
      version: '1',
      modelType: 'mlflow_model',
      flavors: { sklearn: {}, python_function: {} },
      modelUri: 'azureml://datastores/workspaceblobstore/paths/models/sk',
    });
    arm.addModelVersion(ws, 'corrupt-onnx', {
      version: '1',
      modelType: 'custom_model',
      modelUri: 'azureml://datastores/workspaceblobstore/paths/models/corrupt/model.onnx',
    });
    arm.addModelVersion(ws, 'big-model', { version: '1', modelType: 'custom_model', modelUri: 'azureml://datastores/workspaceblobstore/paths/big/model.onnx' });
    arm.addModelVersion(ws, 'job-output', {
      version: '1',
      modelType: 'custom_model',
      modelUri: 'azureml://jobs/job-42/outputs/trained_model/paths/model.onnx',
    });
    arm.addModelVersion(ws, 'missing-store', { version: '1', modelType: 'custom_model', modelUri: 'azureml://datastores/gone/paths/model.onnx' });
  });

  after(async () => {
    await arm.close();
    await azurite?.stop();
    for (const d of cacheRoots) await rm(d, { recursive: true, force: true });
  });

  beforeEach(async () => {
    arm.faults.clear();
    const root = await mkdtemp(join(tmpdir(), 'aml-cache-'));
    cacheRoots.push(root);
    cache = new ModelCache(root);
    options = {
      credential: credential(),
      subscriptionId: SUB,
      resourceGroup: RG,
      workspaceName: WS,
      cache,
      armEndpoint: arm.url,
      clientOptions: { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
      blobEndpoint: (account) => `${azurite.host}/${account}`,
      blobOptions: { retryOptions: { maxTries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
    };
    source = new AzureMlModelSource(options);
  });

  it('lists the workspaces of a subscription across nextLink pages', async () => {
    const list = await listAzureMlWorkspaces(options);
    assert.deepEqual(
      list.map((w) => [w.name, w.resourceGroup]),
      [
        ['aml-ws', RG],
        ['aml-ws-dev', 'rg-dev'],
        ['aml-ws-prod', 'rg-prod'],
      ],
    );
    assert.match(list[0]!.mlFlowTrackingUri!, /^azureml:\/\/westeurope\.api\.azureml\.ms\/mlflow\/v1\.0\/subscriptions\//);
  });

  it('lists models a page at a time (nextLink as the continuation token) and searches by name', async () => {
    const first = await source.listModels();
    assert.deepEqual(
      first.items.map((m) => m.name),
      ['aml-synapse-classifier', 'big-model'],
    );
    assert.ok(first.continuationToken);
    assert.equal(first.items[0]!.latestVersion, '3');
    assert.equal(first.items[0]!.description, 'Customer rating classifier');
    assert.deepEqual(first.items[0]!.tags, { team: 'analytics' });
    const all: string[] = [];
    for await (const page of modelPages(source)) all.push(...page.items.map((m) => m.name));
    assert.deepEqual(all, [...arm.workspaces[0]!.models.keys()].sort());
    assert.equal(all.length, 7);
    const found: string[] = [];
    for await (const page of modelPages(source, { nameContains: 'ONNX' })) found.push(...page.items.map((m) => m.name));
    assert.deepEqual(found, ['corrupt-onnx', 'custom-onnx']);
  });

  it('lists versions newest first with creator, flavor and ONNX status', async () => {
    const versions = await source.listVersions('aml-synapse-classifier');
    assert.deepEqual(
      versions.map((v) => v.version),
      ['3', '2', '1'],
    );
    assert.equal(versions[1]!.createdBy, 'ben@contoso.com');
    assert.deepEqual(versions[1]!.tags, { algorithm: 'tree-ensemble' });
    assert.equal(versions[2]!.runId, 'run-v1');
    assert.ok(versions.every((v) => v.isOnnx && v.framework === 'onnx'));
    const [sk] = await source.listVersions('rating-sklearn');
    assert.equal(sk!.isOnnx, false);
    assert.equal(sk!.framework, 'sklearn');
    assert.equal(sk!.notOnnxReason, 'its MLflow flavors are sklearn, python_function, with no onnx flavor');
    const [custom] = await source.listVersions('custom-onnx');
    assert.equal(custom!.isOnnx, true);
  });

  it('downloads through the long and short datastore URIs, runs:/ and a SAS datastore', async () => {
    for (const [name, version] of [
      ['aml-synapse-classifier', '1'],
      ['aml-synapse-classifier', '2'],
      ['aml-synapse-classifier', '3'],
      ['custom-onnx', '1'],
    ] as const) {
      const got = await source.download(name, version);
      assert.deepEqual(await readFile(got.onnxPath), Buffer.from(sample.onnx), `${name} ${version}`);
      if (name !== 'custom-onnx') assert.equal(await readFile(got.mlmodelPath!, 'utf8'), sample.mlmodelYaml);
      else assert.equal(got.mlmodelPath, undefined);
    }
    const again = await source.download('aml-synapse-classifier', '2');
    assert.equal(again.fromCache, true);
  });

  it('parses long and short modelUri forms and job outputs', () => {
    const ctx = { model: 'm', version: '1', where: "workspace 'w'" };
    assert.deepEqual(parseModelUri(`azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/ds1/paths/a/b/`, ctx), {
      kind: 'datastore',
      datastore: 'ds1',
      path: 'a/b',
    });
    assert.deepEqual(parseModelUri('azureml://datastores/ds2/paths/x.onnx', ctx), { kind: 'datastore', datastore: 'ds2', path: 'x.onnx' });
    assert.deepEqual(parseModelUri('azureml://jobs/j1/outputs/artifacts/paths/outputs/model', ctx), {
      kind: 'datastore',
      datastore: 'workspaceartifactstore',
      path: 'ExperimentRun/dcid.j1/outputs/model',
    });
    assert.throws(
      () => parseModelUri('s3://bucket/model', ctx),
      /Model 'm' version 1 in workspace 'w' is stored at s3:\/\/bucket\/model, which this product cannot read\./,
    );
  });

  it('explains a job output it cannot resolve', async () => {
    await rejectsWith(
      source.download('job-output', '1'),
      'unreachable-location',
      "Model 'job-output' version 1 in workspace 'aml-ws' points at the named output 'trained_model' of job 'job-42' (azureml://jobs/job-42/outputs/trained_model/paths/model.onnx), which can only be resolved from the job's output settings. Register the model from the output's datastore path (azureml://datastores/<datastore>/paths/<path>) instead.",
    );
  });

  it('says when the datastore is gone', async () => {
    await rejectsWith(
      source.download('missing-store', '1'),
      'not-found',
      "Model 'missing-store' version 1 is stored in datastore 'gone', which workspace 'aml-ws' does not have (404). Register the model again from an existing datastore.",
    );
  });

  it('refuses a blob whose MD5 does not match and leaves nothing that looks complete', async () => {
    await rejectsWith(
      source.download('corrupt-onnx', '1'),
      'corrupt',
      "Download of model.onnx for model 'corrupt-onnx' version 1 from workspace 'aml-ws' is corrupt: its MD5 hash does not match the registry's. Try again; if it persists, the stored file is damaged.",
    );
    assert.deepEqual(await completeLookingFiles(cache.dirFor({ sourceId: source.id, model: 'corrupt-onnx', version: '1' })), []);
  });

  it('refuses a non-ONNX version with its flavor and what to do', async () => {
    await rejectsWith(
      source.download('rating-sklearn', '1'),
      'not-onnx',
      "Model 'rating-sklearn' version 1 in workspace 'aml-ws' is a sklearn model; PREDICT runs ONNX models only. Convert it to ONNX (for example with skl2onnx or tf2onnx), register the ONNX model as a new version, and pick that version.",
    );
  });

  it('says not signed in when ARM refuses the token', async () => {
    const s = new AzureMlModelSource({ ...options, credential: credential('expired') });
    await rejectsWith(
      s.listModels(),
      'not-signed-in',
      "Not signed in to workspace 'aml-ws': could not read the model list. Sign in to Azure again (Azure: Sign In) and retry.",
    );
  });

  it('says not signed in when there is no Azure account', async () => {
    const noAccount: TokenCredential = {
      getToken: async () => {
        const e = new Error('Please run az login to set up an account');
        e.name = 'CredentialUnavailableError';
        throw e;
      },
    };
    const s = new AzureMlModelSource({ ...options, credential: noAccount });
    await rejectsWith(
      s.listVersions('aml-synapse-classifier'),
      'not-signed-in',
      "Not signed in to Azure: could not read model 'aml-synapse-classifier' in workspace 'aml-ws'. Sign in to Azure again (Azure: Sign In) and retry.",
    );
  });

  it('explains a 403 from ARM', async () => {
    arm.faults.add({ path: /\/models$/, status: 403 });
    await rejectsWith(
      source.listModels(),
      'forbidden',
      /^Access denied to the model list in workspace 'aml-ws' \(403\)\. Ask the registry's owner for read access to its models, or sign in with an account that has it\. The server said: The client 'ana@contoso\.com' with object id .* does not have authorization to perform action 'Microsoft\.MachineLearningServices\/workspaces\/models\/read'/,
    );
  });

  it('says which model or version is missing (404)', async () => {
    await rejectsWith(
      source.getVersion('aml-synapse-classifier', '7'),
      'not-found',
      "Model 'aml-synapse-classifier' version 7 was not found in workspace 'aml-ws' (404). It may have been deleted or renamed: refresh the model list. The server said: The specified resource was not found.",
    );
    await rejectsWith(source.listVersions('nope'), 'not-found', /^Model 'nope' was not found in workspace 'aml-ws' \(404\)\./);
  });

  it('retries throttled ARM requests after Retry-After, and says so when throttling persists', async () => {
    let n = arm.faults.log.length;
    await source.listVersions('aml-synapse-classifier');
    const unthrottled = arm.faults.log.length - n;
    arm.faults.add({ path: /\/versions$/, status: 429, retryAfter: '1', times: 1 });
    n = arm.faults.log.length;
    assert.equal((await source.listVersions('aml-synapse-classifier')).length, 3);
    assert.equal(arm.faults.log.length - n, unthrottled + 1, 'one refused request, retried');
    arm.faults.add({ path: /\/versions$/, status: 429, retryAfter: '0', times: Infinity });
    await rejectsWith(
      source.listVersions('aml-synapse-classifier'),
      'throttled',
      "workspace 'aml-ws' is throttling requests (it asked to wait 0 s) and kept refusing after several retries while reading model 'aml-synapse-classifier'. Wait a minute and try again.",
    );
  });

  it('reports dropped connections as network-down', async () => {
    arm.faults.add({ path: /\/models$/, drop: true, times: Infinity });
    await rejectsWith(
      source.listModels(),
      'network-down',
      /^Could not reach workspace 'aml-ws' while reading the model list \(.+\)\. Check the network connection and the registry's address, then try again\.$/,
    );
  });

  it('downloads 100 MB with progress, cancels halfway leaving nothing complete-looking, then downloads cleanly', async () => {
    const dir = cache.dirFor({ sourceId: source.id, model: 'big-model', version: '1' });
    const ac = new AbortController();
    const seen: DownloadProgress[] = [];
    await rejectsWith(
      source.download('big-model', '1', {
        signal: ac.signal,
        onProgress: (p) => {
          seen.push({ ...p });
          if (p.bytesDone >= big.byteLength / 2) ac.abort();
        },
      }),
      'cancelled',
      "Cancelled: model 'big-model' version 1 from workspace 'aml-ws' was not read.",
    );
    assert.ok(seen.length > 10, 'progress while downloading');
    assert.ok(seen.every((p) => p.bytesTotal === big.byteLength));
    const half = seen.at(-1)!.bytesDone;
    assert.ok(half >= big.byteLength / 2 && half < big.byteLength, `stopped at ${half}`);
    assert.deepEqual(await completeLookingFiles(dir), []);
    assert.equal(await cache.lookup({ sourceId: source.id, model: 'big-model', version: '1' }), undefined);

    const progress: DownloadProgress[] = [];
    const got = await source.download('big-model', '1', { onProgress: (p) => progress.push({ ...p }) });
    assert.equal(got.fromCache, false);
    assert.equal(progress.at(-1)!.bytesDone, big.byteLength);
    const bytes = await readFile(got.onnxPath);
    assert.equal(bytes.byteLength, big.byteLength);
    assert.ok(bytes.equals(big));
    assert.deepEqual((await readdir(dir)).sort(), ['.complete.json', 'model.onnx']);
  });
});
