import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { predictOutputColumns } from '../../../src/results/predict-columns.js';
import { renderResultsHtml, type ScriptRun } from '../../../src/results/html.js';

const SCRIPT = `CREATE VIEW [wwi_ml].[CustomerPrediction]
AS
WITH InputData AS (SELECT CAST([Cost] AS [real]) AS [Cost] FROM [wwi_ml].[CustomerTest])
SELECT * FROM PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'm:2'), DATA = InputData, RUNTIME = ONNX)
WITH ([label_out] [bigint], [probability out]] x] [real])
GO
SELECT * FROM [wwi_ml].[CustomerPrediction]
GO`;

function run(columns: string[], predictColumns?: string[]): ScriptRun {
  return {
    title: 't',
    connectionName: 'c',
    database: 'd',
    startedAt: new Date(0),
    elapsedMs: 1,
    batches: 1,
    resultSets: [
      { batch: 1, columns: columns.map((name) => ({ name, type: 'int', nullable: true })), rows: [columns.map(() => 1)], rowCount: 1, truncated: false },
    ],
    messages: [],
    rowCounts: [],
    maxRows: 10,
    cancelled: false,
    ...(predictColumns ? { predictColumns } : {}),
  } as ScriptRun;
}

describe('results: PREDICT output columns', () => {
  test('are read from the WITH clause of each PREDICT, not from CTEs or table options', () => {
    assert.deepEqual(predictOutputColumns(SCRIPT), ['label_out', 'probability out] x']);
    assert.deepEqual(predictOutputColumns('CREATE TABLE t (a int) WITH (DISTRIBUTION = ROUND_ROBIN)'), []);
    assert.deepEqual(predictOutputColumns('SELECT * FROM PREDICT(MODEL = @m, DATA = d AS x) WITH (score float, label varchar(10)) AS p'), ['score', 'label']);
  });

  test('a result set holding them opens at its right end with the key column pinned, others as before', () => {
    const html = renderResultsHtml(run(['CustomerKey', 'Cost', 'label_out'], ['label_out']), { cspSource: 'x', stylesUri: 'y' });
    assert.match(html, /<section class="result-set predict"/);
    assert.match(html, /<th class="key" title="CustomerKey/);
    assert.match(html, /<th class="predicted" title="label_out/);
    const plain = renderResultsHtml(run(['CustomerKey', 'Cost']), { cspSource: 'x', stylesUri: 'y' });
    assert.match(plain, /<section class="result-set"/);
    assert.doesNotMatch(plain, /class="key"|predicted/);
  });
});
