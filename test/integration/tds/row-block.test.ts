/**
 * Rows encoded from DuckDB's vectors are the rows the value-by-value writer produces, for every
 * type that has a fast path, edge values and NULLs, in TDS 7.4 (NBCROW) and 7.1 (NULLs inline,
 * dates as text); and tedious reads them back exactly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection, Request } from 'tedious';
import type { Engine, EngineSession, ResultColumn, RowBlock } from '../../../src/localpool/engine/api.js';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import { blockRows } from '../../../src/localpool/engine/values.js';
import { writeColMetadata } from '../../../src/localpool/tds/tokens/colmetadata.js';
import { writeRow } from '../../../src/localpool/tds/tokens/row.js';
import { RowBlockWriter } from '../../../src/localpool/tds/tokens/row-block.js';
import { startTdsServer, type TdsServer } from '../../../src/localpool/tds/server.js';
import { negotiateVersion, TdsVersionNumber, type TdsVersion } from '../../../src/localpool/tds/version.js';
import { WireWriter } from '../../../src/localpool/tds/wire-writer.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { ok, open } from '../engine/helpers.js';
import { PASSWORD } from './helpers.js';

const TABLE = `CREATE TABLE dbo.Edge (k int NOT NULL, i int NULL, b bigint NULL, s smallint NULL, t tinyint NULL, bt bit NULL, r real NULL, f float NULL,
  d4 decimal(4,2) NULL, d9 decimal(9,3) NULL, d18 decimal(18,4) NULL, d28 decimal(28,6) NULL, d38 decimal(38,0) NULL,
  dt date NULL, t7 datetime2(7) NULL, t0 datetime2(0) NULL, t3 datetime2(3) NULL, nv nvarchar(40) NULL, vc varchar(40) NULL, vb varbinary(40) NULL)`;

const ROWS = [
  `(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '2024-01-02', '2024-01-02 03:04:05.123', '2024-01-02 03:04:05', '2024-01-02 23:59:59.999', N'', '', 0x)`,
  `(2, -2147483647, -9223372036854775807, -32768, 255, 1, -1.5, -2.25e-300, -99.99, -999999.999, -99999999999999.9999, -1234567890123456789012.345678,
    -99999999999999999999999999999999999999, '0001-01-01', '1900-01-01 00:00:00', '1969-12-31 23:59:59', '1969-12-31 23:59:59.999',
    N'short', 'short', 0x000102)`,
  `(3, 2147483647, 9223372036854775807, 32767, 1, 0, 3.4e38, 1.7e308, 99.99, 999999.999, 99999999999999.9999, 1234567890123456789012.345678,
    99999999999999999999999999999999999999, '9999-12-31', '9999-12-31 23:59:59.999', '2500-06-15 12:00:00', '2262-04-11 23:47:16.854',
    N'a longer text than twelve bytes', 'a longer text than twelve bytes', 0x000102030405060708090A0B0C0D0E0F)`,
  `(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(5, 7, NULL, 1, NULL, 1, NULL, 0.5, NULL, 1.5, NULL, 2.5, NULL, '2024-02-29', NULL, '2024-02-29 00:00:01', NULL, N'Grüße, 東京', 'café', NULL)`,
];

async function blocksOf(
  s: EngineSession,
  sql: string,
): Promise<{ columns: ResultColumn[]; blocks: { block: RowBlock; bytes: Map<TdsVersion, [Buffer, Buffer]> }[] }> {
  let columns: ResultColumn[] = [];
  const blocks: { block: RowBlock; bytes: Map<TdsVersion, [Buffer, Buffer]> }[] = [];
  for await (const ev of s.execute(sql, [], new AbortController().signal)) {
    if (ev.kind === 'error') throw new Error(ev.message.message);
    if (ev.kind === 'columns') columns = [...ev.columns];
    if (ev.kind === 'block') {
      // Encoded now: the block is valid only until the next event.
      const bytes = new Map<TdsVersion, [Buffer, Buffer]>();
      for (const version of [negotiateVersion(TdsVersionNumber.V7_4)!, negotiateVersion(TdsVersionNumber.V7_1)!]) {
        const encoders = writeColMetadata(new WireWriter(), columns, version);
        const fast = new WireWriter();
        const writer = new RowBlockWriter(encoders, ev.block, version.nbcRow);
        for (let i = 0; i < writer.rowCount;) i = writer.write(fast, i, 1024);
        const slow = new WireWriter();
        for (const row of blockRows(ev.block)) writeRow(slow, encoders, row, version.nbcRow);
        bytes.set(version, [fast.toBuffer(), slow.toBuffer()]);
      }
      blocks.push({ block: ev.block, bytes });
    }
  }
  return { columns, blocks };
}

describe('TDS server: rows encoded from DuckDB vectors', () => {
  let engine: Engine;
  let s: EngineSession;
  let server: TdsServer;
  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: 3000 });
    s = await open(engine);
    await ok(s, TABLE);
    await ok(s, `INSERT INTO dbo.Edge VALUES ${ROWS.join(',\n')}`);
    server = await startTdsServer({ engine, password: PASSWORD });
  });
  after(async () => {
    await server.close();
    await s.close();
    await engine.close();
  });

  it('writes the same bytes as the value-by-value writer, in TDS 7.4 and 7.1, for edge values and NULLs', async () => {
    const { blocks } = await blocksOf(s, 'SELECT * FROM dbo.Edge ORDER BY k');
    assert.equal(blocks.length, 1);
    const block = blocks[0]!.block;
    // The fast paths are in use: fixed-width columns as memory, text and binary as string_t.
    assert.deepEqual(
      block.columns.map((c) => c.kind),
      [...Array<string>(17).fill('raw'), 'strings', 'strings', 'strings'],
    );
    for (const [version, [fast, slow]] of blocks[0]!.bytes) {
      assert.ok(fast.length > 100);
      assert.ok(fast.equals(slow), `TDS ${version.label}: the rows differ from the value-by-value encoding`);
    }
  });

  it('streams several chunks of customers the same way, and with NULLs where the rows have them', async () => {
    const { blocks } = await blocksOf(
      s,
      `SELECT CustomerKey, CASE WHEN CustomerKey % 3 = 0 THEN NULL ELSE CAST(Cost AS real) END AS c, CAST(Price AS decimal(18,4)) AS p,
        CASE WHEN CustomerKey % 4 = 0 THEN NULL ELSE CONCAT(N'customer number ', CustomerKey) END AS n FROM wwi_ml.CustomerTest`,
    );
    assert.ok(blocks.length >= 2, `${blocks.length} blocks`);
    for (const b of blocks) for (const [version, [fast, slow]] of b.bytes) assert.ok(fast.equals(slow), `TDS ${version.label}`);
  });

  it("encodes PREDICT batches from their columns: DATA copied out of DuckDB's vectors, outputs from the scorer's arrays", async () => {
    await ok(
      s,
      `INSERT INTO wwi_ml.AMLModel (ID, name, version, model) VALUES ('blocks:1', 'blocks', 1, 0x${Buffer.from(buildSampleModel('tree-classifier').onnx).toString('hex')})`,
    );
    const predict = (output: string) => `WITH InputData AS (SELECT CustomerKey, CASE WHEN CustomerKey % 5 = 0 THEN NULL ELSE CAST(Cost AS float) END AS maybe,
        CONCAT(N'c', CustomerKey) AS tag, CAST(Cost AS real) AS Cost, CAST(Size AS real) AS Size, CAST(Price AS real) AS Price,
        CAST(PrimaryBrandId AS bigint) AS PrimaryBrandId, CAST(GenderId AS bigint) AS GenderId, CAST(MaritalStatus AS bigint) AS MaritalStatus,
        CAST(LowerIncomeBound AS bigint) AS LowerIncomeBound, CAST(UpperIncomeBound AS bigint) AS UpperIncomeBound FROM wwi_ml.CustomerTest)
      SELECT p.CustomerKey, p.maybe, p.tag, p.Price, p.label_out
      FROM PREDICT (MODEL = (SELECT model FROM wwi_ml.AMLModel WHERE ID = 'blocks:1'), DATA = InputData, RUNTIME = ONNX) WITH (label_out ${output}) AS p`;
    // bigint: the scorer's int64 array as it is; int: converted values.
    const asBigint = await blocksOf(s, predict('bigint'));
    const asInt = await blocksOf(s, predict('int'));
    for (const [blocks, outputKind] of [
      [asBigint.blocks, 'raw'],
      [asInt.blocks, 'values'],
    ] as const) {
      // 3 000 customers: a batch spans two DuckDB chunks (2 048 rows each at most).
      assert.equal(
        blocks.reduce((n, b) => n + b.block.rowCount, 0),
        3000,
      );
      assert.deepEqual(
        blocks[0]!.block.columns.map((c) => c.kind),
        ['raw', 'raw', 'values', 'raw', outputKind],
      );
      for (const b of blocks)
        for (const [version, [fast, slow]] of b.bytes) assert.ok(fast.equals(slow), `TDS ${version.label}: the rows differ from the value-by-value encoding`);
    }
    const rows = asBigint.blocks.flatMap((b) => blockRows(b.block));
    const ints = asInt.blocks.flatMap((b) => blockRows(b.block));
    assert.equal(rows.filter((r) => r[1] === null).length, 600);
    assert.deepEqual(
      rows.slice(0, 7).map((r) => r[2]),
      ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'],
    );
    assert.deepEqual(
      rows.map((r) => Number(r[4])),
      ints.map((r) => r[4]),
    );
    assert.ok(new Set(ints.map((r) => r[4])).size > 1, 'the model predicts more than one class');
  });

  it('sends what tedious reads back exactly', async () => {
    const conn = new Connection({
      server: '127.0.0.1',
      authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
      options: { port: server.port, encrypt: false, database: 'SQLPool01' },
    });
    await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    try {
      const rows: Record<string, unknown>[] = [];
      await new Promise<void>((resolve, reject) => {
        const r = new Request(
          `SELECT d38, t7, nv, vb, CAST('2024-01-02 03:04:05.123456' AS datetime2(7)) AS us FROM dbo.Edge WHERE k IN (3, 5) ORDER BY k`,
          (e) => (e ? reject(e) : resolve()),
        );
        r.on('row', (cols: { metadata: { colName: string }; value: unknown }[]) =>
          rows.push(Object.fromEntries(cols.map((c) => [c.metadata.colName, c.value]))),
        );
        conn.execSqlBatch(r);
      });
      assert.equal(rows[0]!.d38, 1e38 - 1);
      assert.equal((rows[0]!.t7 as Date).toISOString(), '9999-12-31T23:59:59.999Z');
      assert.equal(rows[0]!.nv, 'a longer text than twelve bytes');
      assert.deepEqual(rows[0]!.vb, Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
      assert.equal((rows[0]!.us as Date).toISOString(), '2024-01-02T03:04:05.123Z');
      assert.equal(rows[1]!.nv, 'Grüße, 東京');
      assert.equal(rows[1]!.vb, null);
    } finally {
      conn.close();
    }
  });
});
