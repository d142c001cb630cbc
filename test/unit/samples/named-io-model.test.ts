import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { buildNamedIoModel } from '../../../src/samples/models.js';

const HOSTILE = {
  inputs: [
    { name: 'cost"input', type: 'float' as const },
    { name: 'Größe\r\nzwei', type: 'int64' as const },
    { name: '名前;', type: 'string' as const, categories: ["O'Brien", 'x]]y', 'Müller'] },
  ],
  outputs: [
    { name: "label]'--", type: 'int64' as const },
    { name: 'score\n/*', type: 'float' as const },
  ],
};

test('the named-I/O model carries exactly the given input and output names', async () => {
  const m = buildNamedIoModel(HOSTILE);
  const session = await ort.InferenceSession.create(m.onnx);
  assert.deepEqual(
    session.inputNames,
    HOSTILE.inputs.map((i) => i.name),
  );
  assert.deepEqual(
    session.outputNames,
    HOSTILE.outputs.map((o) => o.name),
  );
});

test('onnxruntime scores the named-I/O model as its TypeScript predict does', async () => {
  const m = buildNamedIoModel(HOSTILE);
  const session = await ort.InferenceSession.create(m.onnx);
  const rows: [number, bigint, string][] = [
    [1.5, 3n, "O'Brien"],
    [-2.25, 0n, 'x]]y'],
    [0.1, -7n, 'Müller'],
    [1e6, 123456n, 'unknown'],
    [-0.3, 2n, ''],
  ];
  const out = await session.run({
    'cost"input': new ort.Tensor('float32', Float32Array.from(rows.map((r) => r[0])), [rows.length, 1]),
    'Größe\r\nzwei': new ort.Tensor('int64', BigInt64Array.from(rows.map((r) => r[1])), [rows.length, 1]),
    '名前;': new ort.Tensor(
      'string',
      rows.map((r) => r[2]),
      [rows.length, 1],
    ),
  });
  const labels = Array.from(out["label]'--"]!.data as BigInt64Array);
  const scores = Array.from(out['score\n/*']!.data as Float32Array);
  assert.deepEqual(
    labels,
    rows.map((r) => m.predict(r)[0]),
  );
  assert.deepEqual(
    scores,
    rows.map((r) => m.predict(r)[1]),
  );
  // The string input counts: a known text maps to its index, any other text to -1.
  assert.notEqual(m.predict([1.5, 3n, "O'Brien"])[1], m.predict([1.5, 3n, 'unknown'])[1]);
});

test('the named-I/O model refuses duplicate names', () => {
  assert.throws(
    () => buildNamedIoModel({ inputs: [{ name: 'a', type: 'float' }], outputs: [{ name: 'a', type: 'float' }] }),
    /input and output names must all differ/,
  );
});
