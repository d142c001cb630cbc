// Load data… core through real tedious bulk load against the whole local pool: a CSV into a new
// table, a Parquet file into an existing one, a value the table refuses (the table keeps its rows),
// a cancel (a new table is removed again), and the lab's customers into a table PREDICT can read.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { LoadCancelledError, LoadError, loadData, type LoadProgress } from '../../../src/load/bulk.js';
import { inspectDataFile } from '../../../src/load/file.js';
import { planExistingTable, planNewTable } from '../../../src/load/plan.js';
import { listColumns, objectExists } from '../../../src/sql/catalog.js';
import { SqlConnection } from '../../../src/sql/client/connection.js';
import { writeCustomersCsv } from '../../support/customers-csv.js';

const PASSWORD = 'Load#Data-2026';

describe('Load data through bulk load', () => {
  let pool: LocalPool;
  let conn: SqlConnection;
  let dir: string;
  const scalar = async (sql: string): Promise<unknown> => (await conn.query(sql)).resultSets[0]!.rows[0]![0];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-data-'));
    pool = await startLocalPool({ port: 0, password: PASSWORD, seedCustomers: 0 });
    conn = await SqlConnection.open({
      server: pool.host,
      port: pool.port,
      database: 'SQLPool01',
      authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
      encrypt: 'optional',
    });
    await conn.execute('CREATE SCHEMA ld');
  });
  after(async () => {
    await conn?.close();
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a CSV into a new table: created with the inferred types, every row loaded, progress reported', async () => {
    const lines = ['Id,Name,Score,Day'];
    for (let i = 1; i <= 12_345; i++) lines.push(`${i},name ${i},${i / 4},2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
    await writeFile(join(dir, 'people.csv'), lines.join('\n') + '\n');
    const file = await inspectDataFile(join(dir, 'people.csv'));
    const plan = planNewTable(file, { schema: 'ld', name: 'People' });
    const progress: LoadProgress[] = [];
    const rows = await loadData(conn, plan, { onProgress: (p) => progress.push(p) });
    assert.equal(rows, 12_345);
    assert.deepEqual(
      (await listColumns(conn, { schema: 'ld', name: 'People' })).map((c) => `${c.name} ${c.typeText}`),
      ['Id bigint', 'Name nvarchar(10)', 'Score float', 'Day date'],
    );
    const r = (await conn.query('SELECT COUNT(*), SUM(CAST(Id AS float)), MAX(Score), MIN(Name) FROM ld.People')).resultSets[0]!.rows[0]!;
    assert.deepEqual(r, [12_345, (12_345 * 12_346) / 2, 12_345 / 4, 'name 1']);
    assert.equal(progress[0]!.step, 'create');
    assert.ok(progress.some((p) => p.step === 'load' && p.rows === 12_345));
    assert.equal(progress.at(-1)!.step, 'commit');
  });

  it('a Parquet file into an existing table: columns matched by name, the others left NULL', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const duck = await DuckDBInstance.create(':memory:');
    const c = await duck.connect();
    await c.run(`COPY (SELECT i AS id, 'x' || i AS LABEL, i * 1.5 AS ignored FROM range(1, 501) t(i)) TO '${join(dir, 'more.parquet')}' (FORMAT parquet)`);
    c.closeSync();
    duck.closeSync();
    await conn.execute('CREATE TABLE ld.Existing (Id int NOT NULL, Label nvarchar(10), Note varchar(5))');
    await conn.execute(`INSERT INTO ld.Existing VALUES (0, 'kept', 'n')`);
    const file = await inspectDataFile(join(dir, 'more.parquet'));
    const matched = planExistingTable(file, { schema: 'ld', name: 'Existing' }, await listColumns(conn, { schema: 'ld', name: 'Existing' }));
    assert.deepEqual(matched.unmatchedFile, ['ignored']);
    assert.deepEqual(matched.unmatchedTable, ['Note']);
    assert.equal(await loadData(conn, matched.plan), 500);
    assert.deepEqual((await conn.query('SELECT COUNT(*), MAX(Label), COUNT(Note) FROM ld.Existing')).resultSets[0]!.rows[0], [501, 'x99', 1]);
  });

  it('a value the table refuses: the load fails naming it and the existing table keeps exactly its rows', async () => {
    await writeFile(join(dir, 'bad.csv'), 'Id,Label\n1,fine\n2,this label is far too long\n');
    const file = await inspectDataFile(join(dir, 'bad.csv'));
    const matched = planExistingTable(file, { schema: 'ld', name: 'Existing' }, await listColumns(conn, { schema: 'ld', name: 'Existing' }));
    await assert.rejects(loadData(conn, matched.plan), (e: Error) => {
      assert.ok(e instanceof LoadError, String(e));
      assert.match(e.message, /Loading .*bad\.csv into \[ld\]\.\[Existing\] failed.*the table is unchanged/s);
      return true;
    });
    assert.equal(await scalar('SELECT COUNT(*) FROM ld.Existing'), 501);
    // The connection is still usable.
    assert.equal(await scalar('SELECT 1'), 1);
  });

  it('a cancel while rows are sent removes the new table', async () => {
    const file = await inspectDataFile(join(dir, 'people.csv'));
    const plan = planNewTable(file, { schema: 'ld', name: 'Cancelled' });
    const abort = new AbortController();
    await assert.rejects(
      loadData(conn, plan, { signal: abort.signal, progressEvery: 1000, onProgress: (p) => p.step === 'load' && p.rows >= 3000 && abort.abort() }),
      (e: Error) => e instanceof LoadCancelledError && /the new table was removed/.test(e.message),
    );
    assert.equal(await objectExists(conn, { schema: 'ld', name: 'Cancelled' }), undefined);
    assert.equal(await scalar('SELECT 1'), 1);
  });

  it("the lab's 10 000 customers into a new table, with the columns of wwi_ml.CustomerTest", async () => {
    await writeCustomersCsv(join(dir, 'customers.csv'), 10_000);
    const file = await inspectDataFile(join(dir, 'customers.csv'));
    assert.equal(await loadData(conn, planNewTable(file, { schema: 'ld', name: 'Customers' })), 10_000);
    assert.equal(await scalar('SELECT COUNT(DISTINCT CustomerKey) FROM ld.Customers'), 10_000);
  });
});
