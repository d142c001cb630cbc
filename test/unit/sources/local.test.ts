import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { openLocalSource } from '../../../src/models/sources/local.js';
import { ModelSourceError, modelPages } from '../../../src/models/source.js';
import { buildSampleModel, writeMlflowModelDir } from '../../../src/samples/models.js';
import { SampleRegistry, writeSampleRegistry } from '../../../src/samples/registry.js';

async function rejectsWith(p: Promise<unknown>, kind: string, message: string | RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ModelSourceError, `expected ModelSourceError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return;
  }
  assert.fail('expected the call to fail');
}

const MINIMAL_ONNX_MLMODEL = 'flavors:\n  onnx: {data: model.onnx, onnx_version: 1.14.0}\n';

describe('local MLflow models', () => {
  let work: string;
  let reg: SampleRegistry;
  const linear = buildSampleModel('linear-classifier');
  const tree = buildSampleModel('tree-classifier');

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'local-source-'));
    reg = await writeSampleRegistry(join(work, 'registry'));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('lists the sample registry, pages it and searches by name', async () => {
    const source = await openLocalSource(reg.root);
    const names: string[] = [];
    const sizes: number[] = [];
    for await (const page of modelPages(source, { pageSize: 3 })) {
      sizes.push(page.items.length);
      names.push(...page.items.map((m) => m.name));
    }
    assert.deepEqual(sizes, [3, 3]);
    assert.deepEqual(names, [...new Set(reg.versions.map((v) => v.name))].sort());
    const lab = (await source.listModels({ nameContains: 'SYNAPSE' })).items;
    assert.deepEqual(
      lab.map((m) => [m.name, m.latestVersion, m.tags.team]),
      [['aml-synapse-classifier', '2', 'customer-analytics']],
    );
  });

  it("lists the lab model's versions newest first, resolving file:// and runs:/ locations", async () => {
    const source = await openLocalSource(reg.root);
    const versions = await source.listVersions('aml-synapse-classifier');
    assert.deepEqual(
      versions.map((v) => [v.version, v.stage, v.aliases, v.isOnnx, v.framework, v.createdBy]),
      [
        ['2', 'Production', ['champion'], true, 'onnx', 'ana@contoso.com'],
        ['1', 'Archived', undefined, true, 'onnx', 'ana@contoso.com'],
      ],
    );
    assert.match(versions[1]!.location!, /^file:\/\//);
    assert.match(versions[0]!.location!, /^runs:\//);
    assert.ok(versions[0]!.createdAt! > versions[1]!.createdAt!);
    const v1 = await source.download('aml-synapse-classifier', '1');
    assert.deepEqual(new Uint8Array(await readFile(v1.onnxPath)), linear.onnx);
    const v2 = await source.download('aml-synapse-classifier', '2');
    assert.deepEqual(new Uint8Array(await readFile(v2.onnxPath)), tree.onnx);
    assert.equal(await readFile(v2.mlmodelPath!, 'utf8'), tree.mlmodelYaml);
  });

  it('marks the sklearn model as not ONNX and refuses to download it, naming the flavor', async () => {
    const source = await openLocalSource(reg.root);
    const [v] = await source.listVersions('rating-classifier-sklearn');
    assert.equal(v!.isOnnx, false);
    assert.equal(v!.framework, 'sklearn');
    await rejectsWith(
      source.download('rating-classifier-sklearn', '1'),
      'not-onnx',
      `Model 'rating-classifier-sklearn' version 1 in ${reg.root} is a sklearn model; PREDICT runs ONNX models only. Convert it to ONNX (for example with skl2onnx or tf2onnx), register the ONNX model as a new version, and pick that version.`,
    );
  });

  it('says which model or version does not exist', async () => {
    const source = await openLocalSource(reg.root);
    await rejectsWith(source.listVersions('nope'), 'not-found', `Model 'nope' was not found in ${reg.root}. Refresh the model list.`);
    await rejectsWith(
      source.getVersion('aml-synapse-classifier', '3'),
      'not-found',
      `Model 'aml-synapse-classifier' version 3 was not found in ${reg.root}. Refresh the model list.`,
    );
    await rejectsWith(source.getVersion('../models', '1'), 'not-found', /^Model '\.\.\/models' was not found/);
  });

  it('explains locations it cannot resolve on this disk', async () => {
    const root = join(work, 'remote-refs');
    const cases: [string, Record<string, unknown>][] = [
      ['from-run', { source: 'runs:/0123456789abcdef/model' }],
      ['proxied', { source: 'mlflow-artifacts:/1/abc/artifacts/model' }],
      ['on-s3', { source: 's3://bucket/models/m' }],
      ['missing', { storage_location: 'file:///nonexistent/model' }],
    ];
    for (const [name, loc] of cases) {
      await mkdir(join(root, 'models', name, 'version-1'), { recursive: true });
      await writeFile(join(root, 'models', name, 'meta.yaml'), stringify({ name, creation_timestamp: 1 }));
      await writeFile(join(root, 'models', name, 'version-1', 'meta.yaml'), stringify({ name, version: 1, status: 'READY', ...loc }));
    }
    const source = await openLocalSource(root);
    const reason = async (n: string) => (await source.listVersions(n))[0]!.notOnnxReason;
    assert.equal(
      await reason('from-run'),
      `its source runs:/0123456789abcdef/model names a run whose artifacts are not in this folder (looked for <experiment>/0123456789abcdef/artifacts under ${root}). Open the MLflow tracking server that holds the run instead, or register the model from a folder on this disk`,
    );
    assert.equal(
      await reason('proxied'),
      `its location mlflow-artifacts:/1/abc/artifacts/model is served by an MLflow tracking server (mlflow-artifacts), and no local copy was found under ${join(root, 'mlartifacts')}. Add the tracking server as a registry instead`,
    );
    assert.equal(
      await reason('on-s3'),
      'its location s3://bucket/models/m is remote (s3:), which a local folder registry cannot read. Add the registry that owns that storage instead',
    );
    assert.equal(await reason('missing'), 'its files are missing: /nonexistent/model does not exist');
    await rejectsWith(
      source.download('on-s3', '1'),
      'unreachable-location',
      `Model 'on-s3' version 1 in ${root}: its location s3://bucket/models/m is remote (s3:), which a local folder registry cannot read. Add the registry that owns that storage instead.`,
    );
  });

  it('reads a folder of MLflow model folders, including one without a signature', async () => {
    const root = join(work, 'folders');
    await writeMlflowModelDir(join(root, 'classifier'), linear);
    await mkdir(join(root, 'bare'), { recursive: true });
    await writeFile(join(root, 'bare', 'MLmodel'), MINIMAL_ONNX_MLMODEL);
    await writeFile(join(root, 'bare', 'model.onnx'), linear.onnx);
    await mkdir(join(root, 'not-a-model'), { recursive: true });
    const source = await openLocalSource(root);
    assert.deepEqual(
      (await source.listModels()).items.map((m) => m.name),
      ['bare', 'classifier'],
    );
    const bare = await source.download('bare', '1');
    assert.equal(bare.version.isOnnx, true);
    assert.equal(bare.version.frameworkVersion, '1.14.0');
    assert.equal(bare.onnxPath, join(root, 'bare', 'model.onnx'));
  });

  it('reports an MLmodel that names a missing ONNX file', async () => {
    const root = join(work, 'missing-onnx');
    await mkdir(join(root, 'm'), { recursive: true });
    await writeFile(join(root, 'm', 'MLmodel'), MINIMAL_ONNX_MLMODEL);
    const source = await openLocalSource(root);
    const [v] = await source.listVersions('m');
    assert.equal(v!.isOnnx, false);
    await rejectsWith(
      source.download('m', '1'),
      'corrupt',
      `Model 'm' version 1 in ${root}: the ONNX file model.onnx named by its MLmodel is missing from ${join(root, 'm')}.`,
    );
  });

  it('opens a single .onnx file chosen by the user', async () => {
    const file = join(work, 'chosen.onnx');
    await writeFile(file, linear.onnx);
    const source = await openLocalSource(file);
    assert.deepEqual(
      (await source.listModels()).items.map((m) => m.name),
      ['chosen'],
    );
    const got = await source.download('chosen', '1');
    assert.equal(got.onnxPath, file);
    assert.equal(got.mlmodelPath, undefined);
    assert.equal(got.version.isOnnx, true);
  });

  it('refuses a path that is missing or not an ONNX file', async () => {
    const missing = join(work, 'nowhere');
    await rejectsWith(openLocalSource(missing), 'not-found', `The model folder ${missing} does not exist. Choose an existing folder or .onnx file.`);
    const pkl = join(work, 'model.pkl');
    await writeFile(pkl, 'x');
    await rejectsWith(
      openLocalSource(pkl),
      'not-onnx',
      `${pkl} is not an .onnx file. Choose an ONNX model file, an MLflow model folder, or an MLflow registry folder.`,
    );
  });
});
