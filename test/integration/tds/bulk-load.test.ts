import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TYPES, type Connection } from 'tedious';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { freebcp, hasFreebcp, tediousBulkLoad, type BulkColumnSpec } from './bulk-helpers.js';
import { batch, closeConnection, connect, PASSWORD } from './helpers.js';

async function rows(conn: Connection, sql: string): Promise<unknown[][]> {
  return (await batch(conn, sql)).sets[0] ?? [];
}
async function count(conn: Connection, table: string): Promise<number> {
  return Number((await rows(conn, `SELECT COUNT(*) FROM ${table}`))[0]![0]);
}

const STRICT: BulkColumnSpec[] = [
  { name: 'id', type: TYPES.Int },
  { name: 'small', type: TYPES.Int },
  { name: 'label', type: TYPES.NVarChar, length: 20 },
];

describe('TDS bulk load into the local pool: tedious execBulkLoad', () => {
  let pool: LocalPool;
  let conn: Connection;
  before(async () => {
    pool = await startLocalPool({ password: PASSWORD, seedCustomers: 0 });
    conn = await connect(pool);
    await batch(
      conn,
      `CREATE TABLE dbo.typed (id int NOT NULL, big bigint, name nvarchar(30), code varchar(10), amount decimal(10,2), score float, ratio real,
         flag bit, born date, seen datetime2, ref uniqueidentifier, raw varbinary(16));
       CREATE TABLE dbo.strict (id int NOT NULL, small tinyint, label nvarchar(5));
       INSERT INTO dbo.strict VALUES (1, 1, N'one'), (2, 2, N'two');`,
    );
  });
  after(async () => {
    await closeConnection(conn);
    await pool.close();
  });

  it('stores typed rows and NULLs and reports the row count', async () => {
    const columns: BulkColumnSpec[] = [
      { name: 'id', type: TYPES.Int, nullable: false },
      { name: 'big', type: TYPES.BigInt },
      { name: 'name', type: TYPES.NVarChar, length: 30 },
      { name: 'code', type: TYPES.VarChar, length: 10 },
      { name: 'amount', type: TYPES.Decimal, precision: 10, scale: 2 },
      { name: 'score', type: TYPES.Float },
      { name: 'ratio', type: TYPES.Real },
      { name: 'flag', type: TYPES.Bit },
      { name: 'born', type: TYPES.Date },
      { name: 'seen', type: TYPES.DateTime2, scale: 3 },
      { name: 'ref', type: TYPES.UniqueIdentifier },
      { name: 'raw', type: TYPES.VarBinary, length: 16 },
    ];
    const data = [
      [
        1,
        1234567890123,
        'Ünïcode ☃ name',
        'abc',
        12.5,
        1.25,
        0.5,
        true,
        new Date('2024-02-29T00:00:00Z'),
        new Date('2024-03-01T12:34:56.789Z'),
        'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
        Buffer.from([1, 2, 3]),
      ],
      [2, null, null, null, null, null, null, null, null, null, null, null],
      [
        3,
        -5,
        '',
        'x',
        -0.01,
        -1e10,
        3,
        false,
        new Date('0001-01-01T00:00:00Z'),
        new Date('9999-12-31T23:59:59.999Z'),
        '00000000-0000-0000-0000-000000000000',
        Buffer.alloc(0),
      ],
    ];
    const n = await tediousBulkLoad(conn, 'dbo.typed', columns, data);
    assert.equal(n, 3);
    const back = await rows(conn, 'SELECT * FROM dbo.typed ORDER BY id');
    assert.equal(back.length, 3);
    const [a, b, c] = back as unknown[][];
    assert.deepEqual(a!.slice(0, 8), [1, '1234567890123', 'Ünïcode ☃ name', 'abc', 12.5, 1.25, 0.5, true]);
    assert.equal((a![8] as Date).toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal((a![9] as Date).toISOString(), '2024-03-01T12:34:56.789Z');
    assert.equal(a![10], 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11');
    assert.deepEqual([...(a![11] as Buffer)], [1, 2, 3]);
    assert.deepEqual(b, [2, null, null, null, null, null, null, null, null, null, null, null]);
    assert.deepEqual(c!.slice(0, 8), [3, '-5', '', 'x', -0.01, -1e10, 3, false]);
    assert.equal((c![8] as Date).toISOString(), '0001-01-01T00:00:00.000Z');
    assert.equal((c![9] as Date).toISOString(), '9999-12-31T23:59:59.999Z');
    assert.deepEqual([...(c![11] as Buffer)], []);
  });

  it('refuses a value of the wrong type, naming its row and column, and leaves the table unchanged', async () => {
    const columns: BulkColumnSpec[] = [STRICT[0]!, { name: 'small', type: TYPES.NVarChar, length: 10 }, STRICT[2]!];
    const data = [
      [10, '1', 'a'],
      [11, '2', 'b'],
      [12, 'abc', 'c'],
      [13, '4', 'd'],
    ];
    await assert.rejects(tediousBulkLoad(conn, 'dbo.strict', columns, data), (e: Error & { number?: number }) => {
      assert.equal(e.number, 4864);
      assert.match(e.message, /row 3, column 2 \(small\)/);
      assert.match(e.message, /'abc' is not an integer/);
      assert.match(e.message, /No rows were loaded into dbo\.strict/);
      return true;
    });
    assert.equal(await count(conn, 'dbo.strict'), 2);
  });

  it('refuses an overflow, a NULL in a NOT NULL column and a value too long, each naming row and column', async () => {
    await assert.rejects(
      tediousBulkLoad(conn, 'dbo.strict', STRICT, [
        [10, 5, 'a'],
        [11, 300, 'b'],
      ]),
      (e: Error & { number?: number }) => {
        assert.equal(e.number, 4867);
        assert.match(e.message, /overflow\) for row 2, column 2 \(small\): 300 is outside the range of tinyint/);
        return true;
      },
    );
    const withNull = [
      [10, 5, 'a'],
      [11, 6, 'b'],
      [12, 7, 'c'],
      [null, 8, 'd'],
    ];
    await assert.rejects(tediousBulkLoad(conn, 'dbo.strict', STRICT, withNull), (e: Error & { number?: number }) => {
      assert.equal(e.number, 515);
      assert.match(e.message, /column 'id', table 'dbo\.strict'.*Row 4 of the bulk load, column 1/);
      return true;
    });
    await assert.rejects(tediousBulkLoad(conn, 'dbo.strict', STRICT, [[10, 5, 'too long']]), (e: Error & { number?: number }) => {
      assert.equal(e.number, 4863);
      assert.match(e.message, /truncation\) for row 1, column 3 \(label\): 8 characters do not fit in 5/);
      return true;
    });
    assert.equal(await count(conn, 'dbo.strict'), 2);
    assert.deepEqual(await rows(conn, 'SELECT id, small, label FROM dbo.strict ORDER BY id'), [
      [1, 1, 'one'],
      [2, 2, 'two'],
    ]);
  });

  it('refuses a column whose type cannot go into the table, a missing table and a missing column', async () => {
    const binary: BulkColumnSpec[] = [STRICT[0]!, { name: 'small', type: TYPES.VarBinary, length: 4 }, STRICT[2]!];
    await assert.rejects(
      tediousBulkLoad(conn, 'dbo.strict', binary, [[10, Buffer.from([1]), 'a']]),
      /colid 2: column 'small' of dbo\.strict is tinyint and cannot take varbinary\(4\)/,
    );
    await assert.rejects(tediousBulkLoad(conn, 'dbo.nothere', STRICT, [[1, 1, 'a']]), /Invalid object name 'dbo\.nothere'.*create it first/);
    await assert.rejects(tediousBulkLoad(conn, 'dbo.strict', [...STRICT, { name: 'extra', type: TYPES.Int }], [[1, 1, 'a', 1]]), /Invalid column name 'extra'/);
    assert.equal(await count(conn, 'dbo.strict'), 2);
  });

  it('accepts the options tedious sends, and loads into #temp tables, a subset of columns, and a client transaction', async () => {
    const opts = { keepNulls: true, lockTable: true, checkConstraints: true, fireTriggers: true, order: { id: 'ASC' as const } };
    assert.equal(await tediousBulkLoad(conn, '[dbo].[strict]', STRICT, [[3, 3, 'three']], opts), 1);
    await batch(conn, 'CREATE TABLE #stage (id int, label nvarchar(20))');
    assert.equal(
      await tediousBulkLoad(
        conn,
        '#stage',
        [STRICT[0]!, STRICT[2]!],
        [
          [1, 'a'],
          [2, 'b'],
        ],
      ),
      2,
    );
    assert.deepEqual(await rows(conn, 'SELECT id, label FROM #stage ORDER BY id'), [
      [1, 'a'],
      [2, 'b'],
    ]);
    await batch(conn, 'CREATE TABLE dbo.ident (id int IDENTITY(1,1) NOT NULL, label nvarchar(20), note nvarchar(20))');
    assert.equal(await tediousBulkLoad(conn, 'dbo.ident', [{ name: 'label', type: TYPES.NVarChar, length: 20 }], [['x'], ['y']]), 2);
    assert.deepEqual(await rows(conn, 'SELECT id, label, note FROM dbo.ident ORDER BY id'), [
      [1, 'x', null],
      [2, 'y', null],
    ]);

    await new Promise<void>((resolve, reject) => conn.beginTransaction((e) => (e ? reject(e) : resolve())));
    assert.equal(await tediousBulkLoad(conn, 'dbo.strict', STRICT, [[4, 4, 'four']]), 1);
    assert.equal(await count(conn, 'dbo.strict'), 4);
    await assert.rejects(
      tediousBulkLoad(conn, 'dbo.strict', STRICT, [
        [5, 5, 'five'],
        [6, 600, 'six'],
      ]),
      /row 2, column 2/,
    );
    assert.equal(await count(conn, 'dbo.strict'), 4, 'a failed load inside a transaction adds nothing');
    await new Promise<void>((resolve, reject) => conn.rollbackTransaction((e) => (e ? reject(e) : resolve())));
    assert.equal(await count(conn, 'dbo.strict'), 3);
    await batch(conn, 'DELETE FROM dbo.strict WHERE id = 3');
  });

  it('leaves the table unchanged when the client cancels a load, and the connection goes on', async () => {
    let cancel: (() => void) | undefined;
    async function* slowRows(): AsyncGenerator<unknown[]> {
      for (let i = 0; i < 200_000; i++) {
        if (i === 20_000) {
          cancel!();
          await new Promise((r) => setTimeout(r, 50));
        }
        yield [100 + i, i % 200, 'r'];
      }
    }
    await assert.rejects(
      tediousBulkLoad(conn, 'dbo.strict', STRICT, slowRows(), {}, (c) => (cancel = c)),
      /Canceled/,
    );
    assert.equal(await count(conn, 'dbo.strict'), 2);
    assert.equal(await tediousBulkLoad(conn, 'dbo.strict', STRICT, [[3, 3, 'three']]), 1);
    await batch(conn, 'DELETE FROM dbo.strict WHERE id = 3');
  });
});

describe(
  'TDS bulk load into the local pool: FreeTDS freebcp',
  { skip: hasFreebcp ? false : 'FreeTDS freebcp is not installed (Debian ' + 'package freetds-bin)' },
  () => {
    let pool: LocalPool;
    let conn: Connection;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bulk-freebcp-'));
      pool = await startLocalPool({ password: PASSWORD, seedCustomers: 0 });
      conn = await connect(pool);
      await batch(
        conn,
        `CREATE TABLE dbo.people (id int NOT NULL, name nvarchar(30), amount decimal(10,2), born date, seen datetime2, score float, flag bit);
       CREATE TABLE dbo.visits (id int NOT NULL, at smalldatetime);
       INSERT INTO dbo.visits VALUES (1, '2024-01-01 10:00');`,
      );
    });
    after(async () => {
      await closeConnection(conn);
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('stores typed rows and NULLs (empty fields) at TDS 7.4', async () => {
      const file = join(dir, 'people.csv');
      writeFileSync(file, '1,Ann Example,12.50,2024-02-29,2024-03-01 12:34:56.789,1.5,1\n2,,,,,,\n3,Ünïcode,-0.01,1999-12-31,2000-01-01 00:00:00,-2.25,0\n');
      const r = await freebcp(pool.port, 'SQLPool01.dbo.people', file);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /3 rows copied/);
      const back = await rows(conn, 'SELECT id, name, amount, CONVERT(varchar(10), born, 23), seen, score, flag FROM dbo.people ORDER BY id');
      const shown = back.map((r) => r.map((v) => (v instanceof Date ? v.toISOString() : v)));
      assert.deepEqual(shown, [
        [1, 'Ann Example', 12.5, '2024-02-29', '2024-03-01T12:34:56.789Z', 1.5, true],
        [2, null, null, null, null, null, null],
        [3, 'Ünïcode', -0.01, '1999-12-31', '2000-01-01T00:00:00.000Z', -2.25, false],
      ]);
    });

    it('reports a value the column cannot hold with its row and column, and leaves the table unchanged', async () => {
      const file = join(dir, 'visits.csv');
      writeFileSync(file, '2,2024-05-01 08:00:00\n3,2090-01-01 00:00:00\n');
      // freebcp prints the server's error (and still exits 0, counting the rows it sent).
      const r = await freebcp(pool.port, 'SQLPool01.dbo.visits', file);
      assert.match(r.out, /Msg 4867/);
      assert.match(r.out, /overflow\) for row 2, column 2 \(at\): 2090-01-01T00:00:00.000Z is outside the range of smalldatetime/);
      assert.match(r.out, /No rows were loaded into dbo\.visits/);
      assert.equal(await count(conn, 'dbo.visits'), 1);
    });
  },
);
