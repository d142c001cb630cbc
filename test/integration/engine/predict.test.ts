import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine, EngineSession, SqlValue } from '../../../src/localpool/engine/api.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { CUSTOMER_FEATURES, generateCustomers, FLOAT_FEATURES } from '../../../src/samples/customers.js';
import { insertModel, ok, open, run } from './helpers.js';
import { LAB_INPUT_CTE } from '../../support/lab-sql.js';
import { rowsIn } from '../../support/engine-events.js';

const ROWS = 3000;
const linear = buildSampleModel('linear-classifier');
const tree = buildSampleModel('tree-classifier');

/** Scores the seeded rows directly with onnxruntime-node, one row per run. */
async function directScores(onnx: Uint8Array, output: string): Promise<Map<number, bigint>> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnx);
  const out = new Map<number, bigint>();
  for (const c of generateCustomers(ROWS)) {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const f of CUSTOMER_FEATURES) {
      const v = c[f];
      feeds[f] = FLOAT_FEATURES.includes(f)
        ? new ort.Tensor('float32', Float32Array.of(v), [1, 1])
        : new ort.Tensor('int64', BigInt64Array.of(BigInt(v)), [1, 1]);
    }
    const r = await session.run(feeds, [output]);
    out.set(c.CustomerKey, r[output]!.data[0] as bigint);
  }
  await session.release();
  return out;
}

describe('PREDICT on the local pool', () => {
  let engine: Engine;
  let s: EngineSession;
  let expectedLinear: Map<number, bigint>;
  let expectedTree: Map<number, bigint>;

  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: ROWS, predictBatchSize: 1000 });
    s = await open(engine);
    await insertModel(s, 'aml-synapse-classifier:1', linear.onnx);
    await insertModel(s, 'aml-synapse-classifier:2', tree.onnx);
    expectedLinear = await directScores(linear.onnx, 'label_out');
    expectedTree = await directScores(tree.onnx, 'label_out');
  });
  after(async () => {
    await s.close();
    await engine.close();
  });

  const checkScores = (rows: SqlValue[][], keyIdx: number, labelIdx: number, expected: Map<number, bigint>) => {
    assert.equal(rows.length, ROWS);
    let mismatches = 0;
    for (const r of rows) if (r[labelIdx] !== expected.get(r[keyIdx] as number)) mismatches++;
    assert.equal(mismatches, 0, `${mismatches} rows differ from direct onnxruntime scoring`);
  };

  it('returns every DATA column then the WITH outputs, equal to direct scoring (view, streamed)', async () => {
    await ok(
      s,
      `CREATE VIEW wwi_ml.CustomerPrediction AS ${LAB_INPUT_CTE}
SELECT * FROM PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = 'aml-synapse-classifier:1'),
  DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint])`,
    );
    const o = await ok(s, 'SELECT * FROM wwi_ml.CustomerPrediction');
    const rs = o.resultSets[0]!;
    assert.deepEqual(
      rs.columns.map((c) => `${c.name} ${c.type.name}`),
      [
        'CustomerKey int',
        'Cost real',
        'Size real',
        'Price real',
        'PrimaryBrandId bigint',
        'GenderId bigint',
        'MaritalStatus bigint',
        'LowerIncomeBound bigint',
        'UpperIncomeBound bigint',
        'label_out bigint',
      ],
    );
    checkScores(rs.rows, 0, 9, expectedLinear);
    assert.deepEqual(o.rowCounts, [ROWS]);
  });

  it('works in a procedure with the tree ensemble, with a data alias and a PREDICT alias', async () => {
    await ok(
      s,
      `CREATE PROCEDURE wwi_ml.ScoreCustomers AS
BEGIN
  DECLARE @m varbinary(max) = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = 'aml-synapse-classifier:2');
  ${LAB_INPUT_CTE}
  SELECT d.CustomerKey, p.label_out FROM PREDICT (MODEL = @m, DATA = InputData AS d, RUNTIME = ONNX) WITH (label_out bigint) AS p
END`,
    );
    const o = await ok(s, 'EXEC wwi_ml.ScoreCustomers');
    checkScores(o.resultSets[0]!.rows, 0, 1, expectedTree);
    assert.ok(o.events.some((e) => e.kind === 'returnStatus' && e.value === 0));
  });

  it('composes with COUNT(*), WHERE, GROUP BY, joins and INSERT ... SELECT', async () => {
    const count = await ok(s, 'SELECT COUNT(*) FROM wwi_ml.CustomerPrediction');
    assert.deepEqual(count.resultSets[0]!.rows, [[ROWS]]);
    const byLabel = new Map<bigint, number>();
    for (const v of expectedLinear.values()) byLabel.set(v, (byLabel.get(v) ?? 0) + 1);
    const grouped = await ok(s, 'SELECT label_out, COUNT(*) AS n FROM wwi_ml.CustomerPrediction GROUP BY label_out ORDER BY label_out');
    assert.deepEqual(
      grouped.resultSets[0]!.rows,
      [...byLabel.entries()].sort((a, b) => Number(a[0] - b[0])).map(([k, n]) => [k, n]),
    );
    const joined = await ok(
      s,
      `SELECT TOP 5 c.CustomerKey, c.Cost, p.label_out FROM wwi_ml.CustomerTest c JOIN wwi_ml.CustomerPrediction p ON p.CustomerKey = c.CustomerKey WHERE c.CustomerKey <= 5 ORDER BY c.CustomerKey`,
    );
    assert.deepEqual(
      joined.resultSets[0]!.rows.map((r) => [r[0], r[2]]),
      [1, 2, 3, 4, 5].map((k) => [k, expectedLinear.get(k)]),
    );
    await ok(s, 'CREATE TABLE dbo.Scores (CustomerKey int, label bigint)');
    const ins = await ok(s, 'INSERT INTO dbo.Scores (CustomerKey, label) SELECT CustomerKey, label_out FROM wwi_ml.CustomerPrediction WHERE CustomerKey > 100');
    assert.deepEqual(ins.rowCounts, [ROWS - 100]);
    const top = await ok(s, 'SELECT TOP 3 CustomerKey, label_out FROM wwi_ml.CustomerPrediction');
    assert.equal(top.resultSets[0]!.rows.length, 3);
  });

  it('names the problem: missing model, not ONNX, missing input, unknown output, ZipMap output, unconvertible types', async () => {
    const predict = (model: string, data: string, outputs: string) =>
      `${LAB_INPUT_CTE} SELECT * FROM PREDICT (MODEL = ${model}, DATA = ${data}, RUNTIME = ONNX) WITH (${outputs}) AS p`;
    const sel = (id: string) => `(SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = '${id}')`;
    const err = async (sql: string) => {
      const o = await run(s, sql);
      assert.equal(o.errors.length, 1, `expected one error for ${sql}`);
      return o.errors[0]!;
    };
    let e = await err(predict(sel('nope:1'), 'InputData', 'label_out bigint'));
    assert.match(e.message, /^Error occurred during execution of the function PREDICT\. The MODEL is NULL/);
    await insertModel(s, 'broken:1', buildSampleModel('truncated').onnx);
    e = await err(predict(sel('broken:1'), 'InputData', 'label_out bigint'));
    assert.equal(e.message, 'Error occurred during execution of the function PREDICT. Model is corrupt or invalid.');
    // Numeric columns convert to numeric inputs (float → tensor(float), int → tensor(int64)).
    const direct = await ok(
      s,
      `SELECT COUNT(*) FROM PREDICT (MODEL = ${sel('aml-synapse-classifier:1')}, DATA = wwi_ml.CustomerTest AS d, RUNTIME = ONNX) WITH (label_out bigint) AS p`,
    );
    assert.deepEqual(direct.resultSets[0]!.rows, [[ROWS]]);
    e = await err(
      `SELECT * FROM PREDICT (MODEL = ${sel('aml-synapse-classifier:1')}, DATA = (SELECT CustomerKey FROM wwi_ml.CustomerTest) AS d, RUNTIME = ONNX) WITH (label_out bigint) AS p`,
    );
    assert.match(e.message, /The model input 'Cost' has no column of that name in DATA \(columns: CustomerKey\)/);
    e = await err(predict(sel('aml-synapse-classifier:1'), 'InputData', 'score real'));
    assert.match(e.message, /The output 'score' named in WITH is not an output of the model \(outputs: label_out/);
    await insertModel(s, 'zipmap:1', buildSampleModel('zipmap-output').onnx);
    e = await err(predict(sel('zipmap:1'), 'InputData', 'output_label bigint, output_probability real'));
    assert.match(e.message, /The model output 'output_probability' is not a tensor/);
    const zip = await ok(s, predict(sel('zipmap:1'), 'InputData', 'output_label bigint'));
    assert.equal(zip.resultSets[0]!.rows.length, ROWS);
    e =
      await err(`WITH d AS (SELECT CustomerKey, CAST(Cost AS nvarchar(10)) AS Cost, Size, Price, PrimaryBrandId, GenderId, MaritalStatus, LowerIncomeBound, UpperIncomeBound FROM wwi_ml.CustomerTest)
      SELECT * FROM PREDICT (MODEL = ${sel('aml-synapse-classifier:1')}, DATA = d, RUNTIME = ONNX) WITH (label_out bigint) AS p`);
    assert.match(e.message, /The model input 'Cost' is tensor\(float\), but DATA column 'Cost' is nvarchar\(10\)/);
    e = await err(predict(sel('aml-synapse-classifier:1'), 'InputData', 'label_out varbinary(10)'));
    assert.match(e.message, /The model output 'label_out' is tensor\(int64\), which cannot be converted to varbinary\(10\)/);
    assert.equal(e.line, 6, 'the line of PREDICT in the batch');
  });

  it('scores a NULL float input as NaN and refuses a NULL integer input, naming the column', async () => {
    // One NULL in the middle of a DuckDB chunk and of a scoring batch: the other rows keep their scores.
    const data = (nullCost: string, nullGender: string) => `WITH d AS (
  SELECT [CustomerKey], ${nullCost} AS [Cost], CAST([Size] AS [real]) AS [Size], CAST([Price] AS [real]) AS [Price],
    CAST([PrimaryBrandId] AS [bigint]) AS [PrimaryBrandId], ${nullGender} AS [GenderId],
    CAST([MaritalStatus] AS [bigint]) AS [MaritalStatus], CAST([LowerIncomeBound] AS [bigint]) AS [LowerIncomeBound],
    CAST([UpperIncomeBound] AS [bigint]) AS [UpperIncomeBound]
  FROM [wwi_ml].[CustomerTest])
SELECT [CustomerKey], [Cost], [label_out] FROM PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = 'aml-synapse-classifier:2'),
  DATA = d, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p`;
    const o = await ok(s, data('CASE WHEN [CustomerKey] = 1500 THEN NULL ELSE CAST([Cost] AS [real]) END', 'CAST([GenderId] AS [bigint])'));
    const rows = o.resultSets[0]!.rows;
    assert.equal(rows.length, ROWS);
    const nullRow = rows.find((r) => r[0] === 1500)!;
    assert.equal(nullRow[1], null, 'the DATA column comes back as NULL');
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(tree.onnx);
    const c = [...generateCustomers(ROWS)].find((x) => x.CustomerKey === 1500)!;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const f of CUSTOMER_FEATURES) {
      const v = f === 'Cost' ? NaN : c[f];
      feeds[f] = FLOAT_FEATURES.includes(f)
        ? new ort.Tensor('float32', Float32Array.of(v), [1, 1])
        : new ort.Tensor('int64', BigInt64Array.of(BigInt(v)), [1, 1]);
    }
    const nan = (await session.run(feeds, ['label_out']))['label_out']!.data[0] as bigint;
    await session.release();
    assert.equal(nullRow[2], nan, 'the row with a NULL Cost is scored with NaN');
    let mismatches = 0;
    for (const r of rows) if (r[0] !== 1500 && r[2] !== expectedTree.get(r[0] as number)) mismatches++;
    assert.equal(mismatches, 0, `${mismatches} other rows differ from direct scoring`);

    const e = await run(s, data('CAST([Cost] AS [real])', 'CASE WHEN [CustomerKey] = 2500 THEN NULL ELSE CAST([GenderId] AS [bigint]) END'));
    assert.equal(e.errors.length, 1);
    assert.match(
      e.errors[0]!.message,
      /DATA column 'GenderId' has a NULL value, which cannot be passed to the model's tensor\(int64\) input 'GenderId'\. Filter NULLs out in DATA or replace them with ISNULL\./,
    );
  });

  it('scores a #temp table given as DATA', async () => {
    const o = await ok(
      s,
      `${LAB_INPUT_CTE}
SELECT TOP 100 * INTO #batch FROM InputData ORDER BY [CustomerKey]
SELECT p.[CustomerKey], p.[label_out] FROM PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = 'aml-synapse-classifier:2'),
  DATA = #batch AS d, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p`,
    );
    const rows = o.resultSets[0]!.rows;
    assert.equal(rows.length, 100);
    const wrong = rows.filter((r) => r[1] !== expectedTree.get(r[0] as number)).length;
    assert.equal(wrong, 0, `${wrong} rows differ from direct scoring`);
    await ok(s, 'DROP TABLE #batch');
  });

  it('stops a long PREDICT when the request is cancelled', async () => {
    const ac = new AbortController();
    let rows = 0;
    let ended = false;
    for await (const ev of s.execute('SELECT a.* FROM wwi_ml.CustomerPrediction a', [], ac.signal)) {
      if (rowsIn(ev)) {
        rows += rowsIn(ev);
        ac.abort();
      }
      if (ev.kind === 'done') ended = true;
    }
    assert.ok(rows < ROWS, `read ${rows} rows after cancelling`);
    assert.equal(ended, false);
    // The session still works.
    const o = await ok(s, 'SELECT COUNT(*) FROM wwi_ml.CustomerTest');
    assert.deepEqual(o.resultSets[0]!.rows, [[ROWS]]);
  });
});
