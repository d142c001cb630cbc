// PREDICT inside INSERT ... SELECT (its temp-table path, written in column batches) over 50 000
// rows: the table receives exactly the rows the streamed PREDICT returns, with the labels the
// TypeScript twin of the model predicts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine, EngineSession, SqlValue } from '../../../src/localpool/engine/api.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { generateCustomers } from '../../../src/samples/customers.js';
import { insertModel, ok, open } from './helpers.js';
import { LAB_INPUT_SELECT } from '../../support/lab-sql.js';

const ROWS = 50_000;
const tree = buildSampleModel('tree-classifier');
const DATA = `(${LAB_INPUT_SELECT}) AS d`;
const PREDICT = `PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'aml-synapse-classifier:2'), DATA = ${DATA}, RUNTIME = ONNX)
  WITH ([label_out] [bigint], [probability_out] [real]) AS p`;

describe('PREDICT in INSERT ... SELECT', () => {
  let engine: Engine;
  let s: EngineSession;

  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: ROWS });
    s = await open(engine);
    await insertModel(s, 'aml-synapse-classifier:2', tree.onnx);
  });
  after(async () => {
    await s.close();
    await engine.close();
  });

  it(`writes the same ${ROWS.toLocaleString('en')} rows as the streamed PREDICT returns`, async () => {
    await ok(
      s,
      'CREATE TABLE [wwi_ml].[Scored] ([CustomerKey] [int] NOT NULL, [Cost] [real], [GenderId] [bigint], [label_out] [bigint], [probability_out] [real])',
    );
    const inserted = await ok(
      s,
      `INSERT INTO [wwi_ml].[Scored] SELECT p.[CustomerKey], p.[Cost], p.[GenderId], p.[label_out], p.[probability_out] FROM ${PREDICT}`,
    );
    assert.deepEqual(inserted.rowCounts, [ROWS]);
    const stored = (await ok(s, 'SELECT * FROM [wwi_ml].[Scored] ORDER BY [CustomerKey]')).resultSets[0]!.rows;
    const streamed = (await ok(s, `SELECT p.[CustomerKey], p.[Cost], p.[GenderId], p.[label_out], p.[probability_out] FROM ${PREDICT}`)).resultSets[0]!.rows;
    const byKey = (a: SqlValue[], b: SqlValue[]) => (a[0] as number) - (b[0] as number);
    assert.equal(stored.length, ROWS);
    assert.deepEqual(stored, [...streamed].sort(byKey));
    const labels = tree.predict!([...generateCustomers(ROWS)]).map((x) => BigInt(x.label));
    const wrong = stored.filter((r, i) => r[3] !== labels[i]).length;
    assert.equal(wrong, 0, `${wrong} stored labels differ from the model's`);
  });

  it('stores PREDICT rows with WITH InputData AS (...) INSERT INTO ... SELECT', async () => {
    await ok(s, 'CREATE TABLE [wwi_ml].[Scored2] ([CustomerKey] [int] NOT NULL, [label_out] [bigint])');
    const inserted = await ok(
      s,
      `WITH InputData AS (${LAB_INPUT_SELECT})
INSERT INTO [wwi_ml].[Scored2] ([CustomerKey], [label_out])
SELECT [CustomerKey], [label_out] FROM PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'aml-synapse-classifier:2'),
  DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p`,
    );
    assert.deepEqual(inserted.rowCounts, [ROWS]);
    const stored = (await ok(s, 'SELECT [label_out] FROM [wwi_ml].[Scored2] ORDER BY [CustomerKey]')).resultSets[0]!.rows.map((r) => r[0]);
    const labels = tree.predict!([...generateCustomers(ROWS)]).map((x) => BigInt(x.label));
    assert.deepEqual(stored, labels);
  });

  it('merges PREDICT rows into a scores table: changed labels updated, new customers inserted', async () => {
    await ok(s, 'CREATE TABLE [wwi_ml].[Latest] ([CustomerKey] [int] NOT NULL, [label_out] [bigint])');
    // Stale rows for the first 1 000 customers (a label no model gives), none for the rest.
    await ok(s, 'INSERT INTO [wwi_ml].[Latest] SELECT [CustomerKey], -1 FROM [wwi_ml].[CustomerTest] WHERE [CustomerKey] <= 1000');
    const merged = await ok(
      s,
      `MERGE [wwi_ml].[Latest] AS t
USING (SELECT p.[CustomerKey], p.[label_out] FROM ${PREDICT}) AS s
ON t.[CustomerKey] = s.[CustomerKey]
WHEN MATCHED AND t.[label_out] <> s.[label_out] THEN UPDATE SET [label_out] = s.[label_out]
WHEN NOT MATCHED THEN INSERT ([CustomerKey], [label_out]) VALUES (s.[CustomerKey], s.[label_out]);`,
    );
    assert.deepEqual(merged.rowCounts, [ROWS]);
    const stored = (await ok(s, 'SELECT [label_out] FROM [wwi_ml].[Latest] ORDER BY [CustomerKey]')).resultSets[0]!.rows.map((r) => r[0]);
    assert.deepEqual(
      stored,
      tree.predict!([...generateCustomers(ROWS)]).map((x) => BigInt(x.label)),
    );
  });

  it('stores PREDICT rows with SELECT ... INTO a new table', async () => {
    const created = await ok(s, `SELECT p.[CustomerKey], p.[label_out] INTO [wwi_ml].[Scored3] FROM ${PREDICT}`);
    assert.deepEqual(created.rowCounts, [ROWS]);
    const stored = (await ok(s, 'SELECT [label_out] FROM [wwi_ml].[Scored3] ORDER BY [CustomerKey]')).resultSets[0]!.rows.map((r) => r[0]);
    assert.deepEqual(
      stored,
      tree.predict!([...generateCustomers(ROWS)]).map((x) => BigInt(x.label)),
    );
  });
});
