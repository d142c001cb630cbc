/**
 * PREDICT's batches grow from 8 192 rows to 65 536 as a query goes on: rows keep DATA's order, TOP
 * stops inside a batch, and every score equals onnxruntime's on the whole table at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Engine, EngineSession } from '../../../src/localpool/engine/api.js';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from '../../../src/localpool/engine/predict/operator.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { CUSTOMER_FEATURES, FLOAT_FEATURES, generateCustomers } from '../../../src/samples/customers.js';
import { LAB_INPUT_CTE } from '../../support/lab-sql.js';
import { insertModel, ok, open } from './helpers.js';

// Batches of 8 192, 16 384, 32 768 and 65 536 rows, then a last partial one.
const ROWS = 140_000;
const tree = buildSampleModel('tree-classifier');

async function scoresAtOnce(): Promise<bigint[]> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(tree.onnx);
  const customers = [...generateCustomers(ROWS)];
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const f of CUSTOMER_FEATURES) {
    feeds[f] = FLOAT_FEATURES.includes(f)
      ? new ort.Tensor(
          'float32',
          Float32Array.from(customers, (c) => c[f]),
          [ROWS, 1],
        )
      : new ort.Tensor(
          'int64',
          BigInt64Array.from(customers, (c) => BigInt(c[f])),
          [ROWS, 1],
        );
  }
  const r = await session.run(feeds, ['label_out']);
  await session.release();
  return [...(r.label_out!.data as BigInt64Array)];
}

describe('PREDICT batches of growing size', () => {
  let engine: Engine;
  let s: EngineSession;
  let expected: bigint[];
  const predict = `PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = 'tree:1'), DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p`;

  before(async () => {
    assert.ok(ROWS > DEFAULT_BATCH_SIZE * 2 + MAX_BATCH_SIZE);
    engine = await createLocalPoolEngine({ seedCustomers: ROWS });
    s = await open(engine);
    await insertModel(s, 'tree:1', tree.onnx);
    expected = await scoresAtOnce();
  });
  after(async () => {
    await s.close();
    await engine.close();
  });

  it("streams every row in DATA's order with the scores of one run over the whole table", async () => {
    const o = await ok(s, `${LAB_INPUT_CTE} SELECT p.CustomerKey, p.label_out FROM ${predict}`);
    const rows = o.resultSets[0]!.rows;
    assert.equal(rows.length, ROWS);
    assert.deepEqual(
      rows.map((r) => r[0]),
      Array.from({ length: ROWS }, (_, i) => i + 1),
    );
    const wrong = rows.filter((r, i) => r[1] !== expected[i]).length;
    assert.equal(wrong, 0, `${wrong} rows differ from scoring the whole table at once`);
  });

  it('stops at TOP inside a grown batch, and counts every row', async () => {
    const top = await ok(s, `${LAB_INPUT_CTE} SELECT TOP 50000 p.CustomerKey, p.label_out FROM ${predict}`);
    assert.equal(top.resultSets[0]!.rows.length, 50_000);
    assert.deepEqual(top.resultSets[0]!.rows.at(-1), [50_000, expected[49_999]]);
    const count = await ok(s, `${LAB_INPUT_CTE} SELECT COUNT(*) FROM ${predict}`);
    assert.deepEqual(count.resultSets[0]!.rows, [[ROWS]]);
  });

  it('writes the same scores through a temporary table when PREDICT is filtered', async () => {
    const o = await ok(s, `${LAB_INPUT_CTE} SELECT p.CustomerKey, p.label_out FROM ${predict} WHERE p.CustomerKey % 1000 = 0 ORDER BY p.CustomerKey`);
    const rows = o.resultSets[0]!.rows;
    assert.equal(rows.length, ROWS / 1000);
    assert.deepEqual(
      rows.map((r) => r[1]),
      rows.map((r) => expected[(r[0] as number) - 1]),
    );
  });
});
