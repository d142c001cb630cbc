// Bulk load speed: BENCH_BULK_ROWS rows (default 1 000 000: int, nvarchar(20), decimal(12,2), float)
// sent with tedious's execBulkLoad into a local pool in its own process, against the baseline of a
// plain SELECT streaming the same rows back to tedious in the same run. Also the pool's peak memory.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Connection, Request, TYPES } from 'tedious';
import { LOCAL_POOL_NODE_FLAGS } from '../src/localpool/node-flags.js';

const ROWS = Number(process.env.BENCH_BULK_ROWS ?? 1_000_000);
const PASSWORD = 'Bench#Pool-1';

function* rows(): Generator<unknown[]> {
  for (let i = 1; i <= ROWS; i++) yield [i, i % 7 === 0 ? null : `name ${i % 1000}`, (i % 100_000) / 100, i / 4];
}

function exec(conn: Connection, sql: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const r = new Request(sql, (e) => (e ? reject(e) : resolve(n)));
    r.on('row', () => n++);
    conn.execSqlBatch(r);
  });
}

function bulk(conn: Connection): Promise<number> {
  return new Promise((resolve, reject) => {
    const load = conn.newBulkLoad('dbo.bulk', (e, n) => (e ? reject(e) : resolve(n ?? 0)));
    load.addColumn('id', TYPES.Int, { nullable: false });
    load.addColumn('name', TYPES.NVarChar, { length: 20, nullable: true });
    load.addColumn('amount', TYPES.Decimal, { precision: 12, scale: 2, nullable: true });
    load.addColumn('score', TYPES.Float, { nullable: true });
    conn.execBulkLoad(load, rows());
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function main(): Promise<void> {
  const child = fork(join(__dirname, 'support', 'pool-child.ts'), [], {
    execArgv: ['--import', 'tsx', ...LOCAL_POOL_NODE_FLAGS],
    env: { ...process.env, BENCH_PASSWORD: PASSWORD, BENCH_ROWS: '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
  const conn = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
    options: { port, encrypt: false, requestTimeout: 0 },
  });
  await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
  await exec(conn, 'CREATE TABLE dbo.bulk (id int NOT NULL, name nvarchar(20), amount decimal(12,2), score float)');
  const cpu0 = process.cpuUsage();
  const load = await timed(() => bulk(conn));
  const clientCpu = process.cpuUsage(cpu0);
  if (load.value !== ROWS) throw new Error(`The pool reported ${load.value} rows of ${ROWS}.`);
  const select = await timed(() => exec(conn, 'SELECT id, name, amount, score FROM dbo.bulk'));
  if (select.value !== ROWS) throw new Error(`The SELECT read ${select.value} rows of ${ROWS}.`);
  const memory = await new Promise<{ peak: number }>((resolve) => child.once('message', (m) => resolve(m as { peak: number })) && child.send('memory'));
  conn.close();
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  const rate = (s: number): string => `${Math.round(ROWS / s).toLocaleString('en-US')} rows/s`;
  console.log(`bulk-load: ${ROWS} rows (int, nvarchar(20), decimal(12,2), float), tedious 19, pool in its own process`);
  console.log(
    `  bulk load (tedious execBulkLoad):     ${load.seconds.toFixed(2)} s  ${rate(load.seconds)}  (tedious's own CPU ` +
      `${((clientCpu.user + clientCpu.system) / 1e6).toFixed(2)} s)`,
  );
  console.log(`  baseline: SELECT of the same rows:    ${select.seconds.toFixed(2)} s  ${rate(select.seconds)}`);
  console.log(`  ratio bulk load / SELECT:             ${(load.seconds / select.seconds).toFixed(2)}x`);
  console.log(`  pool peak RSS:                        ${(memory.peak / 1024 / 1024).toFixed(0)} MB`);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
