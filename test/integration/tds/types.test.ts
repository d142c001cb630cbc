import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TYPES, type Connection } from 'tedious';
import { batch, callProcedure, closeConnection, connect, execSql, startTestServer, type TestServer } from './helpers.js';

type TypeName = keyof typeof TYPES;
interface Case {
  readonly label: string;
  readonly type: TypeName;
  readonly value: unknown;
  readonly options?: { length?: number; precision?: number; scale?: number };
  /** What tedious gives back, when not the value itself. */
  readonly expected?: unknown;
}

const unicode = 'Grüße, 漢字 and astral 𝄞😀 — “quotes”';
const longUnicode = 'ü€𝄞'.repeat(30_000);
const date7 = Object.assign(new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)), { nanosecondDelta: 0.0004567 });

const CASES: Case[] = [
  { label: 'int', type: 'Int', value: -2147483648 },
  { label: 'int max', type: 'Int', value: 2147483647 },
  { label: 'bigint', type: 'BigInt', value: '-9007199254740993', expected: '-9007199254740993' },
  { label: 'smallint', type: 'SmallInt', value: -32768 },
  { label: 'tinyint', type: 'TinyInt', value: 255 },
  { label: 'bit true', type: 'Bit', value: true },
  { label: 'bit false', type: 'Bit', value: false },
  { label: 'real', type: 'Real', value: 1.5 },
  { label: 'float', type: 'Float', value: -1.2345678901234e-300 },
  { label: 'decimal negative', type: 'Decimal', value: -12345.6789, options: { precision: 18, scale: 4 } },
  { label: 'decimal(38,10)', type: 'Decimal', value: -123456.0001, options: { precision: 38, scale: 10 } },
  { label: 'numeric negative fraction', type: 'Numeric', value: -0.05, options: { precision: 5, scale: 2 } },
  { label: 'nvarchar empty', type: 'NVarChar', value: '' },
  { label: 'nvarchar unicode incl. astral', type: 'NVarChar', value: unicode },
  { label: 'nvarchar(4000) full', type: 'NVarChar', value: 'x'.repeat(4000), options: { length: 4000 } },
  { label: 'nvarchar(max) 90 000 characters', type: 'NVarChar', value: longUnicode },
  { label: 'varchar', type: 'VarChar', value: 'café € naïve' },
  { label: 'varchar empty', type: 'VarChar', value: '' },
  { label: 'varchar(max)', type: 'VarChar', value: 'abc'.repeat(5000) },
  { label: 'varbinary empty', type: 'VarBinary', value: Buffer.alloc(0) },
  { label: 'varbinary', type: 'VarBinary', value: Buffer.from([0, 1, 2, 255]) },
  { label: 'varbinary(8000) full', type: 'VarBinary', value: randomBytes(8000), options: { length: 8000 } },
  { label: 'varbinary(max) 100 kB', type: 'VarBinary', value: randomBytes(100_000) },
  { label: 'date', type: 'Date', value: new Date(Date.UTC(1, 0, 1)) },
  { label: 'date 9999-12-31', type: 'Date', value: new Date(Date.UTC(9999, 11, 31)) },
  { label: 'datetime2(7)', type: 'DateTime2', value: date7, options: { scale: 7 } },
  { label: 'datetime2(0)', type: 'DateTime2', value: new Date(Date.UTC(2000, 0, 1, 12, 0, 1)), options: { scale: 0 } },
  { label: 'uniqueidentifier', type: 'UniqueIdentifier', value: '6F9619FF-8B86-D011-B42D-00C04FC964FF' },
];

describe('TDS server: every parameter type round-trips through sp_executesql', () => {
  let t: TestServer;
  let conn: Connection;
  before(async () => {
    t = await startTestServer();
    conn = await connect(t.server, { useUTC: true });
  });
  after(async () => {
    await closeConnection(conn);
    await t.server.close();
  });

  for (const c of CASES) {
    it(`${c.label} comes back equal`, async () => {
      const r = await execSql(conn, 'ECHO', (req) => req.addParameter('v', TYPES[c.type], c.value, c.options));
      assert.equal(r.sets.length, 1);
      const got = r.sets[0]![0]![0];
      const want = c.expected ?? c.value;
      if (Buffer.isBuffer(want)) assert.ok(Buffer.isBuffer(got) && want.equals(got), `${c.label}: bytes differ`);
      else if (want instanceof Date) {
        assert.ok(got instanceof Date);
        assert.equal(got.toISOString(), want.toISOString());
        const wantNs = (want as Date & { nanosecondDelta?: number }).nanosecondDelta ?? 0;
        const gotNs = (got as Date & { nanosecondsDelta?: number }).nanosecondsDelta ?? 0;
        assert.ok(Math.abs(gotNs - wantNs) < 1e-9, `sub-millisecond part: sent ${wantNs}, got ${gotNs}`);
      } else assert.equal(got, want);
    });
    it(`${c.label} NULL comes back NULL`, async () => {
      const r = await execSql(conn, 'ECHO', (req) => req.addParameter('v', TYPES[c.type], null, c.options));
      assert.deepEqual(r.sets, [[[null]]]);
    });
  }

  it('carries many parameters of mixed types, some NULL, in one row (NBCROW)', async () => {
    const r = await execSql(conn, 'ECHO', (req) => {
      req.addParameter('a', TYPES.Int, 1);
      req.addParameter('b', TYPES.NVarChar, null);
      req.addParameter('c', TYPES.Float, 2.5);
      for (let i = 0; i < 9; i++) req.addParameter(`n${i}`, TYPES.Int, i % 2 ? null : i);
    });
    assert.deepEqual(r.columns[0]!.slice(0, 3), ['a', 'b', 'c']);
    assert.deepEqual(r.sets[0]![0], [1, null, 2.5, 0, null, 2, null, 4, null, 6, null, 8]);
  });

  it('streams a 10 MB varbinary(max) parameter to the engine and back', async () => {
    const big = randomBytes(10 * 1024 * 1024);
    const r = await execSql(conn, 'ECHO', (req) => req.addParameter('blob', TYPES.VarBinary, big));
    const got = r.sets[0]![0]![0] as Buffer;
    assert.equal(got.length, big.length);
    assert.ok(got.equals(big));
  });

  it('hands a large varbinary(max) to the engine in pieces while it arrives', async () => {
    const big = randomBytes(5 * 1024 * 1024);
    const r = await execSql(conn, 'COUNT_STREAM', (req) => req.addParameter('blob', TYPES.VarBinary, big));
    assert.deepEqual(r.sets, [[[String(big.length)]]]);
    assert.equal(t.engine.stats.streamedBytes, big.length);
    assert.ok(t.engine.stats.largestChunk < 1024 * 1024, `largest piece ${t.engine.stats.largestChunk} bytes`);
  });

  it('takes a large varbinary(max) before other parameters (spilled to a file, read back whole)', async () => {
    const r = await execSql(conn, 'COUNT_STREAM', (req) => {
      req.addParameter('blob', TYPES.VarBinary, randomBytes(3 * 1024 * 1024));
      req.addParameter('after', TYPES.Int, 1);
    });
    assert.deepEqual(r.sets, [[[String(3 * 1024 * 1024)]]]);
    assert.deepEqual((await batch(conn, 'SELECT 1')).sets, [[[1]]]);
  });

  it('returns multiple result sets from one batch, with row counts and NULLs', async () => {
    const r = await batch(conn, 'ROWS 25\nSELECT 1\nROWS 3');
    assert.equal(r.sets.length, 3);
    assert.equal(r.sets[0]!.length, 25);
    assert.deepEqual(r.sets[0]![9], [10, null]);
    assert.deepEqual(r.sets[0]![10], [11, 'row 11']);
    assert.deepEqual(r.sets[2], [
      [1, 'row 1'],
      [2, 'row 2'],
      [3, 'row 3'],
    ]);
    assert.equal(r.rowCount, 29);
  });

  it('streams a large result split into small packets', async () => {
    const small = await connect(t.server, { packetSize: 512 });
    const r = await batch(small, 'ROWS 50000');
    assert.equal(r.sets[0]!.length, 50000);
    assert.deepEqual(r.sets[0]![49998], [49999, 'row 49999']);
    await closeConnection(small);
  });

  it('calls a stored procedure by name with OUTPUT parameters and a return status', async () => {
    const r = await callProcedure(conn, 'sp_echo', (req) => {
      req.addParameter('x', TYPES.NVarChar, 'hello');
      req.addOutputParameter('out', TYPES.Int, 42);
    });
    assert.deepEqual(r.sets, [[['hello']]]);
    assert.deepEqual(r.returnValues, { out: 42 });
    assert.equal(r.returnStatus, 7);
  });
});
