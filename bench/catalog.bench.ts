// The SQL Pools explorer at scale: a schema with BENCH_TABLES tables (default 10 000) and a table
// with BENCH_COLUMNS columns (default 1 000) on the local pool (in its own process), read through
// the explorer's catalog queries (listObjects, listColumns over SqlConnection, as the tree does)
// and, as the baseline in the same run, a plain SELECT of the same rows from sys.tables /
// sys.columns. Each is the best of BENCH_ROUNDS (default 5), alternating which runs first.
// Targets: each catalog query ≤ 2 × its plain SELECT. Also printed: the explorer's first page
// (listObjectsPage / listColumnsPage, as the tree asks for it).
// Run: npm run bench -- catalog
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { listColumns, listColumnsPage, listObjects, listObjectsPage } from '../src/sql/catalog.js';
import { EXPLORER_PAGE_SIZE } from '../src/tree/page-size.js';
import { SqlConnection } from '../src/sql/client/connection.js';
import { poolConnectionConfig } from './support/pool-connection.js';

const TABLES = Number(process.env.BENCH_TABLES ?? 10_000);
const COLUMNS = Number(process.env.BENCH_COLUMNS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PASSWORD = 'Bench#Pool-1';
const now = (): number => performance.now();

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = now();
  const value = await work();
  return { ms: now() - t0, value };
}

async function main(): Promise<void> {
  const pool = fork(join(__dirname, 'support', 'pool-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PASSWORD: PASSWORD, BENCH_ROWS: '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port, caCertPem } = await new Promise<{ port: number; caCertPem?: string }>((resolve, reject) => {
    pool.once('message', (m) => resolve(m as { port: number; caCertPem?: string }));
    pool.once('exit', (code) => reject(new Error(`the pool exited (${code ?? 'signal'}) before listening`)));
  });
  Object.assign(process.env, { BENCH_PORT: String(port), BENCH_PASSWORD: PASSWORD, ...(caCertPem ? { BENCH_CA: caCertPem } : {}) });
  const conn = await SqlConnection.open(poolConnectionConfig());
  try {
    const t0 = now();
    await conn.execute('CREATE SCHEMA [wide]');
    for (let i = 0; i < TABLES; i += 500) {
      const batch: string[] = [];
      for (let k = i; k < Math.min(TABLES, i + 500); k++)
        batch.push(`CREATE TABLE [wide].[T${String(k).padStart(5, '0')}] ([id] int NOT NULL, [name] nvarchar(30) NULL)`);
      await conn.execute(batch.join(';\n'));
    }
    const cols = Array.from({ length: COLUMNS }, (_, k) => `[c${k}] ${['int', 'nvarchar(40)', 'decimal(18,4)', 'float', 'datetime2(3)'][k % 5]} NULL`);
    await conn.execute(`CREATE TABLE [dbo].[Wide] (${cols.join(', ')})`);
    console.log(
      `catalog: ${TABLES} tables in schema wide and a table of ${COLUMNS} columns created in ${((now() - t0) / 1000).toFixed(1)} s; best of ${ROUNDS}`,
    );

    const schemaId = Number((await conn.query(`SELECT schema_id FROM sys.schemas WHERE name = N'wide'`)).resultSets[0]!.rows[0]![0]);
    const objectId = Number((await conn.query(`SELECT object_id FROM sys.tables WHERE name = N'Wide'`)).resultSets[0]!.rows[0]![0]);
    const plainTables = () => conn.query(`SELECT name, type FROM sys.tables WHERE schema_id = ${schemaId} ORDER BY name`);
    const plainColumns = () =>
      conn.query(
        `SELECT name, column_id, system_type_id, max_length, precision, scale, is_nullable FROM sys.columns WHERE object_id = ${objectId} ORDER BY column_id`,
      );
    const best = { objects: Infinity, plainTables: Infinity, columns: Infinity, plainColumns: Infinity, firstObjects: Infinity, firstColumns: Infinity };
    for (let r = 0; r < ROUNDS; r++) {
      const pairs: [keyof typeof best, () => Promise<number>][] = [
        ['objects', async () => (await listObjects(conn, 'wide')).length],
        ['plainTables', async () => (await plainTables()).resultSets[0]!.rows.length],
        ['columns', async () => (await listColumns(conn, { schema: 'dbo', name: 'Wide' })).length],
        ['plainColumns', async () => (await plainColumns()).resultSets[0]!.rows.length],
        ['firstObjects', async () => (await listObjectsPage(conn, 'wide', { limit: EXPLORER_PAGE_SIZE })).objects.length],
        ['firstColumns', async () => (await listColumnsPage(conn, { schema: 'dbo', name: 'Wide' }, { limit: EXPLORER_PAGE_SIZE })).columns.length],
      ];
      if (r % 2) pairs.reverse();
      for (const [k, work] of pairs) {
        const { ms, value } = await timed(work);
        const expected = k.startsWith('first')
          ? Math.min(EXPLORER_PAGE_SIZE, k === 'firstObjects' ? TABLES : COLUMNS)
          : k === 'objects' || k === 'plainTables'
            ? TABLES
            : COLUMNS;
        if (value !== expected) throw new Error(`${k} returned ${value} rows, expected ${expected}`);
        best[k] = Math.min(best[k], ms);
      }
    }
    const verdict = (ratio: number): string => `${ratio.toFixed(2)} (target ≤ 2: ${ratio <= 2 ? 'met' : 'NOT met'})`;
    console.log(`  listObjects (the schema's ${TABLES} tables)   ${best.objects.toFixed(1).padStart(8)} ms`);
    console.log(`  SELECT … FROM sys.tables, same rows        ${best.plainTables.toFixed(1).padStart(8)} ms`);
    console.log(`  listColumns (the table's ${COLUMNS} columns)   ${best.columns.toFixed(1).padStart(8)} ms`);
    console.log(`  SELECT … FROM sys.columns, same rows       ${best.plainColumns.toFixed(1).padStart(8)} ms`);
    console.log(`  the explorer's first page of ${EXPLORER_PAGE_SIZE}: tables ${best.firstObjects.toFixed(1)} ms, columns ${best.firstColumns.toFixed(1)} ms`);
    console.log(`  ratio listObjects / sys.tables = ${verdict(best.objects / best.plainTables)}`);
    console.log(`  ratio listColumns / sys.columns = ${verdict(best.columns / best.plainColumns)}`);
  } finally {
    await conn.close();
    pool.send('stop');
    await new Promise((r) => pool.once('exit', r));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
