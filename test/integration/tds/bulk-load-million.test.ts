// A million rows bulk loaded through tedious and through freebcp into a local pool running in its own
// process: every row arrives exactly, and the pool's peak memory stays far below what holding the
// rows would take.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TYPES, type Connection } from 'tedious';
import type { TdsServer } from '../../../src/localpool/tds/server.js';
import { LOCAL_POOL_NODE_FLAGS } from '../../../src/localpool/node-flags.js';
import { freebcp, hasFreebcp, tediousBulkLoad, type BulkColumnSpec } from './bulk-helpers.js';
import { batch, closeConnection, connect, PASSWORD } from './helpers.js';

const ROWS = 1_000_000;
const MB = 1024 * 1024;
/**
 * What the pool may grow by while it loads a million rows. Gathered as JS values before storing, the
 * rows alone would take at least 150 MB (about 150 bytes a row for the row arrays, the strings and the
 * numbers); a streaming load holds one 2048-row vector, the packets in flight and DuckDB's own copy
 * of the data (about 40 MB for these columns, the pool keeping its database in memory here).
 * Measured: 52 MB with tedious, 80 MB with freebcp.
 */
const GROWTH_LIMIT = 150 * MB;

const COLUMNS: BulkColumnSpec[] = [
  { name: 'id', type: TYPES.Int, nullable: false },
  { name: 'name', type: TYPES.NVarChar, length: 20 },
  { name: 'amount', type: TYPES.Decimal, precision: 12, scale: 2 },
  { name: 'score', type: TYPES.Float },
];

/** Row i: a NULL name every 7th row, an amount of i/100 with a sign that alternates. */
function row(i: number): [number, string | null, string, number] {
  return [i, i % 7 === 0 ? null : `name ${i % 1000}`, `${i % 2 ? '-' : ''}${Math.floor(i / 100)}.${String(i % 100).padStart(2, '0')}`, i / 4];
}

function* rows(): Generator<unknown[]> {
  for (let i = 1; i <= ROWS; i++) {
    const [id, name, amount, score] = row(i);
    yield [id, name, Number(amount), score];
  }
}

/** The aggregates a million rows from row() must give. */
function expected(): unknown[] {
  let ids = 0;
  let nulls = 0;
  let cents = 0n;
  let score = 0;
  for (let i = 1; i <= ROWS; i++) {
    const [, name, amount, s] = row(i);
    ids += i;
    if (name === null) nulls++;
    cents += BigInt(amount.replace('.', ''));
    score += s;
  }
  // The last figure: rows whose name is what row() made of their id.
  return [ROWS, String(ids), nulls, (Number(cents) / 100).toFixed(2), score, ROWS - nulls];
}

const CHECK = (table: string): string =>
  `SELECT COUNT(*), SUM(CAST(id AS bigint)), SUM(CASE WHEN name IS NULL THEN 1 ELSE 0 END), CAST(SUM(amount) AS varchar(30)), SUM(score),
     SUM(CASE WHEN name = N'name ' + CAST(id % 1000 AS nvarchar(10)) THEN 1 ELSE 0 END) FROM ${table}`;

interface Memory {
  rss: number;
  peak: number;
}

describe('TDS bulk load: a million rows, memory bounded', () => {
  let child: ChildProcess;
  let conn: Connection;
  let port: number;
  let dir: string;
  const ask = <T>(m: string): Promise<T> => new Promise((resolve) => child.once('message', (r) => resolve(r as T)) && child.send(m));
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulk-million-'));
    child = fork(join(__dirname, 'pool-process.ts'), [], {
      execArgv: ['--import', 'tsx', ...LOCAL_POOL_NODE_FLAGS],
      env: { ...process.env, POOL_PASSWORD: PASSWORD },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    port = (await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })))).port;
    conn = await connect({ port } as TdsServer, { requestTimeout: 0 });
    await batch(conn, 'CREATE TABLE dbo.warm (id int NOT NULL, name nvarchar(20), amount decimal(12,2), score float)');
    await tediousBulkLoad(conn, 'dbo.warm', COLUMNS, [...rows()].slice(0, 20_000));
  });
  after(async () => {
    await closeConnection(conn);
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  async function loadMeasured(table: string, load: () => Promise<void>): Promise<number> {
    await batch(conn, `CREATE TABLE ${table} (id int NOT NULL, name nvarchar(20), amount decimal(12,2), score float)`);
    await ask('reset');
    const before = await ask<Memory>('memory');
    await load();
    const after = await ask<Memory>('memory');
    return after.peak - before.rss;
  }

  it('through tedious execBulkLoad: every row arrives, the pool grows by a bounded amount', async (t) => {
    let count = 0;
    const growth = await loadMeasured('dbo.million', async () => {
      count = await tediousBulkLoad(conn, 'dbo.million', COLUMNS, rows());
    });
    t.diagnostic(`pool peak RSS growth while loading ${ROWS} rows with tedious: ${(growth / MB).toFixed(1)} MB`);
    assert.equal(count, ROWS);
    const got = (await batch(conn, CHECK('dbo.million'))).sets[0]![0]!;
    assert.deepEqual(got, expected());
    assert.ok(growth < GROWTH_LIMIT, `the pool grew by ${(growth / MB).toFixed(1)} MB`);
  });

  it('through freebcp: every row arrives, the pool grows by a bounded amount', { skip: hasFreebcp ? false : 'freebcp is not installed' }, async (t) => {
    const file = join(dir, 'million.csv');
    const out = createWriteStream(file);
    for (let i = 1; i <= ROWS; i++) {
      const [id, name, amount, score] = row(i);
      if (!out.write(`${id},${name ?? ''},${amount},${score}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    let output = '';
    const growth = await loadMeasured('dbo.million_bcp', async () => {
      const r = await freebcp(port, 'SQLPool01.dbo.million_bcp', file);
      output = r.out;
    });
    t.diagnostic(`pool peak RSS growth while loading ${ROWS} rows with freebcp: ${(growth / MB).toFixed(1)} MB`);
    assert.match(output, new RegExp(`${ROWS} rows copied`));
    assert.doesNotMatch(output, /Msg \d+/);
    const got = (await batch(conn, CHECK('dbo.million_bcp'))).sets[0]![0]!;
    assert.deepEqual(got, expected());
    assert.ok(growth < GROWTH_LIMIT, `the pool grew by ${(growth / MB).toFixed(1)} MB`);
  });
});
