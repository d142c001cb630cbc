import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildSampleModel } from '../../../src/samples/models.js';
import { generateCustomers, CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { previewPredictions, PreviewError } from '../../../src/models/preview.js';

const linear = buildSampleModel('linear-classifier', { rows: 300 });
const customers = [...generateCustomers(20, 7)];
const columns = CUSTOMER_TEST_COLUMNS.map((c) => c.name);
const rows = customers.map((c) => columns.map((k) => c[k as keyof typeof c]));
let inputs: { sourceColumn: string; modelInput: string; inputType: { name: string } }[] = [];
let outputs: string[] = [];

describe('preview predictions (onnxruntime-node)', () => {
  before(async () => {
    const ort = await import('onnxruntime-node');
    const s = await ort.InferenceSession.create(linear.onnx);
    outputs = [...s.outputNames];
    // The SQL type that feeds each input's tensor type, as the wizard suggests it.
    inputs = CUSTOMER_FEATURES.map((f) => {
      const meta = s.inputMetadata.find((m) => m.name === f)!;
      const type = meta.isTensor && meta.type === 'int64' ? 'bigint' : 'real';
      return { sourceColumn: f, modelInput: f, inputType: { name: type } };
    });
    assert.ok(inputs.some((i) => i.inputType.name === 'bigint') && inputs.some((i) => i.inputType.name === 'real'));
    await s.release();
  });

  test('scores the rows with the chosen input types and agrees with the fitted model', async () => {
    const r = await previewPredictions({ onnx: linear.onnx, columns, rows, inputs, outputs: [outputs[0]!], passThrough: ['CustomerKey'] });
    assert.deepEqual(r.columns, ['CustomerKey', ...CUSTOMER_FEATURES, outputs[0]]);
    assert.equal(r.rows.length, 20);
    const expected = linear.predict!(customers).map((p) => String(p.label));
    assert.deepEqual(
      r.rows.map((row) => row[row.length - 1]),
      expected,
    );
    assert.equal(r.rows[0]![0], String(customers[0]!.CustomerKey));
  });

  test('a wrong input type fails the way PREDICT would, naming the cause', async () => {
    await assert.rejects(
      previewPredictions({ onnx: linear.onnx, columns, rows, inputs: inputs.map((i) => ({ ...i, inputType: { name: 'float' } })), outputs: [outputs[0]!] }),
      (e: unknown) => e instanceof PreviewError && /^Scoring failed: .*Check the input types: PREDICT would fail the same way\.$/s.test(e.message),
    );
  });

  test('text where a number is expected names the row and column', async () => {
    const bad = rows.map((r, i) => (i === 2 ? r.map((v, k) => (columns[k] === 'Cost' ? 'abc' : v)) : r));
    await assert.rejects(previewPredictions({ onnx: linear.onnx, columns, rows: bad, inputs, outputs: [outputs[0]!] }), {
      message: "Row 3, column Cost holds 'abc', which is not a number.",
    });
  });

  test('an unknown output and an empty table are refused with their reason', async () => {
    await assert.rejects(previewPredictions({ onnx: linear.onnx, columns, rows, inputs, outputs: ['score'] }), {
      message: `The model has no output 'score'; its outputs are: ${outputs.join(', ')}.`,
    });
    await assert.rejects(previewPredictions({ onnx: linear.onnx, columns, rows: [], inputs, outputs }), { message: 'The table has no rows to preview.' });
  });

  test('a broken model file says ONNX Runtime cannot load it', async () => {
    const truncated = buildSampleModel('truncated', { rows: 300 });
    await assert.rejects(
      previewPredictions({ onnx: truncated.onnx, columns, rows, inputs, outputs }),
      (e: unknown) => e instanceof PreviewError && e.message.startsWith('ONNX Runtime cannot load the model: '),
    );
  });
});
