/**
 * Preview predictions and the deploy check as the wizard runs them never load ONNX Runtime into
 * the calling process: its native library is not mapped here afterwards. (A file of its own: the
 * other tests load ONNX Runtime here to compare.)
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleModel } from '../../../src/samples/models.js';
import { generateCustomers, CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { previewPredictions } from '../../../src/models/preview.js';
import { shutdownOnnxWorker } from '../../../src/models/onnx-worker.js';
import { checkInChildProcess } from '../../../src/wizard/deploy.js';

const mapsOnnxRuntime = () => /onnxruntime/i.test(readFileSync('/proc/self/maps', 'utf8'));
let dir: string | undefined;
after(async () => {
  await shutdownOnnxWorker();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a preview and a deploy check leave no ONNX Runtime in this process', { skip: process.platform !== 'linux' && 'reads /proc/self/maps' }, async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-isolation-'));
  const m = buildSampleModel('tree-classifier', { rows: 300 });
  const path = join(dir, 'model.onnx');
  await writeFile(path, m.onnx);
  const customers = [...generateCustomers(20, 3)];
  const columns = CUSTOMER_TEST_COLUMNS.map((c) => c.name);
  const ints = new Set(['PrimaryBrandId', 'GenderId', 'MaritalStatus', 'LowerIncomeBound', 'UpperIncomeBound']);
  const r = await previewPredictions({
    onnx: path,
    columns,
    rows: customers.map((c) => columns.map((k) => c[k as keyof typeof c] as number)),
    inputs: CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, modelInput: f, inputType: { name: ints.has(f) ? 'bigint' : 'real' } })),
    outputs: ['label_out'],
  });
  assert.deepEqual(
    r.rows.map((row) => row[row.length - 1]),
    m.predict!(customers).map((p) => String(p.label)),
  );
  const info = await checkInChildProcess(path);
  assert.deepEqual(info.inputNames, CUSTOMER_FEATURES);
  assert.equal(mapsOnnxRuntime(), false, 'libonnxruntime is mapped into this process');
});
