// Names and texts that break naive SQL handling — brackets with `]]`, double and single quotes,
// `--` and `/*` inside names, line breaks, dots, Unicode — through the engine's batch splitting,
// DDL, errors and PREDICT (streamed and through its temp table).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine, EngineSession } from '../../../src/localpool/engine/api.js';
import { buildNamedIoModel } from '../../../src/samples/models.js';
import { generateCustomers } from '../../../src/samples/customers.js';
import { insertModel, ok, open, run } from './helpers.js';

const ROWS = 200;
const model = buildNamedIoModel({
  inputs: [
    { name: 'a"b /*', type: 'float' },
    { name: 'c]d.e', type: 'int64' },
  ],
  outputs: [
    { name: "o'1\n--", type: 'int64' },
    { name: 'o"2 */', type: 'float' },
  ],
});
const DATA = `(SELECT CustomerKey AS [k.e y], CAST(Cost AS real) AS [a"b /*], CAST(GenderId AS bigint) AS [c]]d.e] FROM wwi_ml.CustomerTest) AS d`;
const PREDICT = `PREDICT(MODEL = (SELECT model FROM wwi_ml.AMLModel WHERE ID = N'it''s]:1 --'), DATA = ${DATA}, RUNTIME = ONNX) WITH ([o'1\n--] bigint, [o"2 */] real) AS p`;

describe('hostile names on the local pool engine', () => {
  let engine: Engine;
  let s: EngineSession;
  const expected = new Map<number, [bigint, number]>();

  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: ROWS, predictBatchSize: 64 });
    s = await open(engine);
    await insertModel(s, "it's]:1 --", model.onnx);
    for (const c of generateCustomers(ROWS)) {
      const [label, score] = model.predict([c.Cost, BigInt(c.GenderId)]);
      expected.set(c.CustomerKey, [label as bigint, score as number]);
    }
  });
  after(async () => {
    await s.close();
    await engine.close();
  });

  it('splits batches at GO lines only outside strings, names and comments', async () => {
    const o = await ok(s, "SELECT N'a\nGO\nb' AS [x\nGO\ny]\nGO\nSELECT 1 AS [a/*]\nGO\nSELECT 2 AS [--]\n/* GO\nGO */\nGO\nSELECT 3 AS z");
    assert.deepEqual(
      o.resultSets.map((r) => [r.columns.map((c) => c.name), r.rows]),
      [
        [['x\nGO\ny'], [['a\nGO\nb']]],
        [['a/*'], [[1]]],
        [['--'], [[2]]],
        [['z'], [[3]]],
      ],
    );
  });

  it('refuses GO 0 with a syntax error', async () => {
    const o = await run(s, 'SELECT 1\nGO 0\nSELECT 2');
    assert.deepEqual(
      o.errors.map((e) => [e.number, e.message]),
      [[102, "Incorrect syntax near 'GO'. Line 2: 'GO 0' must repeat the batch from 1 to 10000 times."]],
    );
  });

  it('creates tables, identity columns and views whose names hold quotes, dots and comment marks', async () => {
    await ok(s, 'CREATE SCHEMA [x.y]]z]');
    await ok(s, `CREATE TABLE [x.y]]z].[t"u'] ([i'd"] int IDENTITY(1,1), [v /*] int, [w\n--] nvarchar(4) NOT NULL)`);
    await ok(s, `INSERT INTO [x.y]]z].[t"u'] ([v /*], [w\n--]) VALUES (5, N'it''s'), (6, N'x]')`);
    await ok(s, `CREATE VIEW [x.y]]z].[v'w] AS SELECT [i'd"] AS [a]]b], [w\n--] FROM [x.y]]z].[t"u']`);
    const o = await ok(s, `SELECT * FROM [x.y]]z].[v'w] ORDER BY 1; SELECT OBJECT_ID(N'[x.y]]z].[v''w]', N'V') - OBJECT_ID(N'[x.y]]z].[t"u'']') AS d`);
    assert.deepEqual(
      o.resultSets[0]!.columns.map((c) => c.name),
      ['a]b', 'w\n--'],
    );
    assert.deepEqual(o.resultSets[0]!.rows, [
      [1, "it's"],
      [2, 'x]'],
    ]);
    assert.equal(o.resultSets[1]!.rows[0]![0], 1);
    const tooLong = await run(s, `INSERT INTO [x.y]]z].[t"u'] ([v /*], [w\n--]) VALUES (7, N'abcde')`);
    assert.deepEqual(
      tooLong.errors.map((e) => [e.number, e.message]),
      [[2628, `String or binary data would be truncated in column 'w\n--' (longer than 4 characters).`]],
    );
    await ok(s, `DROP VIEW [x.y]]z].[v'w]; DROP TABLE [x.y]]z].[t"u']`);
  });

  it('PREDICT feeds and returns hostile names, streamed and through its temp table, as onnxruntime scores them', async () => {
    const streamed = await ok(s, `SELECT * FROM ${PREDICT}`);
    assert.deepEqual(
      streamed.resultSets[0]!.columns.map((c) => c.name),
      ['k.e y', 'a"b /*', 'c]d.e', "o'1\n--", 'o"2 */'],
    );
    const all = streamed.resultSets[0]!.rows.map((r) => [r[0], r[3], r[4]]);
    assert.equal(all.length, ROWS);
    for (const [key, label, score] of all) assert.deepEqual([label, score], expected.get(key as number), `key ${String(key)}`);
    const median = [...expected.values()].map((e) => e[0]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[ROWS >> 1]!;
    const filtered = await ok(s, `SELECT p.[k.e y], p.[o'1\n--], "o""2 */" FROM ${PREDICT} WHERE p.[o'1\n--] >= ${median} ORDER BY p.[k.e y]`);
    const kept = all.filter((r) => (r[1] as bigint) >= median).sort((a, b) => (a[0] as number) - (b[0] as number));
    assert.ok(kept.length > 0 && kept.length < ROWS, 'the filter keeps some rows and drops others');
    assert.deepEqual(filtered.resultSets[0]!.rows, kept);
  });
});
