import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as ort from 'onnxruntime-node';
import { buildSampleModel, writeMlflowModelDir, SAMPLE_MODEL_KINDS, MARITAL_STATUS_CODES, type SampleModel } from '../../../src/samples/models.js';
import { generateCustomers, CUSTOMER_FEATURES, FLOAT_FEATURES, type Customer } from '../../../src/samples/customers.js';

/** Rows the models were not trained on. */
const holdout = [...generateCustomers(400, 4242)];

function featureFeeds(rows: readonly Customer[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const f of CUSTOMER_FEATURES) {
    feeds[f] = FLOAT_FEATURES.includes(f)
      ? new ort.Tensor('float32', Float32Array.from(rows.map((r) => r[f])), [rows.length, 1])
      : new ort.Tensor('int64', BigInt64Array.from(rows.map((r) => BigInt(r[f]))), [rows.length, 1]);
  }
  return feeds;
}

async function scoreLabels(
  sample: SampleModel,
  feeds: Record<string, ort.Tensor>,
  labelName: string,
): Promise<{ labels: number[]; probabilities?: Float32Array }> {
  const session = await ort.InferenceSession.create(sample.onnx);
  const fetches = session.outputNames.includes('probability_out') ? [labelName, 'probability_out'] : [labelName];
  const out = await session.run(feeds, fetches);
  return {
    labels: Array.from(out[labelName]!.data as BigInt64Array, Number),
    probabilities: out.probability_out?.data as Float32Array | undefined,
  };
}

function assertSamePredictions(sample: SampleModel, got: { labels: number[]; probabilities?: Float32Array }, rows: readonly Customer[]) {
  const expected = sample.predict!(rows);
  const differing = expected.filter((p, i) => p.label !== got.labels[i]).length;
  assert.equal(differing, 0, `${differing} of ${rows.length} labels differ between onnxruntime and the TypeScript model`);
  if (got.probabilities) {
    const worst = Math.max(...expected.map((p, i) => Math.abs(p.probability - got.probabilities![i]!)));
    assert.ok(worst < 1e-5, `probabilities differ by up to ${worst}`);
  }
}

function holdoutAccuracy(labels: number[]): number {
  return labels.filter((l, i) => l === holdout[i]!.Rating).length / holdout.length;
}

for (const kind of ['linear-classifier', 'tree-classifier'] as const) {
  test(`${kind}: fitted clearly better than the majority class, and onnxruntime agrees with the TypeScript model`, async () => {
    const sample = buildSampleModel(kind);
    assert.equal(sample.name, 'aml-synapse-classifier');
    assert.equal(sample.version, kind === 'linear-classifier' ? 1 : 2);
    const t = sample.training!;
    assert.ok(t.accuracy > t.majorityRate + 0.1, `training accuracy ${t.accuracy} vs majority ${t.majorityRate}`);
    const got = await scoreLabels(sample, featureFeeds(holdout), 'label_out');
    assertSamePredictions(sample, got, holdout);
    const majority = Math.max(...[1, 2, 3, 4, 5].map((r) => holdout.filter((c) => c.Rating === r).length)) / holdout.length;
    assert.ok(holdoutAccuracy(got.labels) > majority + 0.05, `holdout accuracy ${holdoutAccuracy(got.labels)} vs majority ${majority}`);
    assert.ok(got.labels.every((l) => l >= 1 && l <= 5));
  });
}

test('tree-classifier with several trees (a small forest) still agrees with the TypeScript model', async () => {
  const sample = buildSampleModel('tree-classifier', { trees: 5, maxDepth: 5 });
  const got = await scoreLabels(sample, featureFeeds(holdout.slice(0, 200)), 'label_out');
  assertSamePredictions(sample, got, holdout.slice(0, 200));
});

test('zipmap-output loads; output_label scores when output_probability is left out', async () => {
  const sample = buildSampleModel('zipmap-output');
  const session = await ort.InferenceSession.create(sample.onnx);
  assert.deepEqual(session.outputNames, ['output_label', 'output_probability']);
  const got = await scoreLabels(sample, featureFeeds(holdout), 'output_label');
  assertSamePredictions(sample, got, holdout);
});

test('multi-dim-input takes one [N,8] float tensor and predicts like the linear classifier', async () => {
  const sample = buildSampleModel('multi-dim-input');
  const rows = holdout.slice(0, 300);
  const data = Float32Array.from(rows.flatMap((r) => CUSTOMER_FEATURES.map((f) => r[f])));
  const got = await scoreLabels(sample, { float_input: new ort.Tensor('float32', data, [rows.length, 8]) }, 'label_out');
  assertSamePredictions(sample, got, rows);
});

test('string-input maps marital status texts to codes, -1 for unknown ones', async () => {
  const sample = buildSampleModel('string-input');
  const session = await ort.InferenceSession.create(sample.onnx);
  const texts = ['Married', 'Single', 'Widowed', 'Divorced'];
  const out = await session.run({ MaritalStatusText: new ort.Tensor('string', texts, [4, 1]) });
  assert.deepEqual(Array.from(out.marital_status_code!.data as BigInt64Array, Number), [MARITAL_STATUS_CODES.Married, 1, -1, 3]);
});

test('truncated: onnxruntime refuses it', async () => {
  await assert.rejects(ort.InferenceSession.create(buildSampleModel('truncated').onnx));
});

test('signature-mismatch: the graph still loads (only its MLmodel is wrong)', async () => {
  const sample = buildSampleModel('signature-mismatch');
  await ort.InferenceSession.create(sample.onnx);
  const sig = parse(sample.mlmodelYaml).signature;
  assert.equal(JSON.parse(sig.inputs).length, 7);
});

test('large-tree-ensemble grows to the requested size and loads', async () => {
  const target = 3 * 1024 * 1024;
  const sample = buildSampleModel('large-tree-ensemble', { targetBytes: target, rows: 3000 });
  assert.ok(sample.onnx.length > target * 0.7 && sample.onnx.length < target * 1.5, `size ${sample.onnx.length} for target ${target}`);
  const rows = holdout.slice(0, 100);
  const got = await scoreLabels(sample, featureFeeds(rows), 'label_out');
  // Forest scores are sums of many float32 weights: allow a rare near-tie to resolve differently.
  const expected = sample.predict!(rows);
  const differing = expected.filter((p, i) => p.label !== got.labels[i]).length;
  assert.ok(differing <= 2, `${differing} labels differ`);
});

test('every sample kind has a parseable MLmodel with onnx and python_function flavors', () => {
  for (const kind of SAMPLE_MODEL_KINDS) {
    if (kind === 'large-tree-ensemble') continue;
    const doc = parse(buildSampleModel(kind).mlmodelYaml);
    assert.equal(doc.flavors.onnx.data, 'model.onnx', kind);
    assert.equal(doc.flavors.python_function.loader_module, 'mlflow.onnx', kind);
    assert.equal(typeof doc.signature.inputs, 'string', kind);
  }
});

test("the lab classifier's MLmodel signature matches the lab: float/long column specs, nameless int64 output", () => {
  const doc = parse(buildSampleModel('linear-classifier').mlmodelYaml);
  const inputs = JSON.parse(doc.signature.inputs);
  assert.deepEqual(
    inputs.map((i: { name: string; type: string }) => `${i.name}:${i.type}`),
    ['Cost:float', 'Size:float', 'Price:float', 'PrimaryBrandId:long', 'GenderId:long', 'MaritalStatus:long', 'LowerIncomeBound:long', 'UpperIncomeBound:long'],
  );
  assert.deepEqual(JSON.parse(doc.signature.outputs), [{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }]);
});

test('writeMlflowModelDir writes an MLflow model folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-model-'));
  try {
    const sample = buildSampleModel('linear-classifier');
    await writeMlflowModelDir(dir, sample);
    assert.deepEqual((await readdir(dir)).sort(), ['MLmodel', 'conda.yaml', 'input_example.json', 'model.onnx', 'python_env.yaml', 'requirements.txt']);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, 'model.onnx'))), sample.onnx);
    const example = JSON.parse(await readFile(join(dir, 'input_example.json'), 'utf8'));
    assert.deepEqual(example.columns, [...CUSTOMER_FEATURES]);
    assert.equal(example.data.length, 5);
    const doc = parse(await readFile(join(dir, 'MLmodel'), 'utf8'));
    assert.deepEqual(doc.saved_input_example_info, { artifact_path: 'input_example.json', pandas_orient: 'split', type: 'dataframe' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
