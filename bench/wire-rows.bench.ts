// Rows on the wire: the local pool's CPU per row streamed against tedious's CPU per row decoded,
// for BENCH_ROWS (default 1 000 000) rows of
//  (d) the lab's plain SELECT * of the customers (the key and eight features, as predict's line (d));
//  (w) a wide table of every common type: int, bigint, real, float, decimal(18,4), nvarchar(40),
//      varbinary(16), datetime2(7), with NULLs in three of them.
// The pool runs in a process of its own (all its threads counted: JavaScript, DuckDB); the client's
// CPU is this process's. Each query runs BENCH_WIRE_RUNS times (default 3); the verdict uses the
// median ratio. Target: pool CPU per row ≤ client CPU per row (ratio ≤ 1).
// BENCH_CPU_PROF=<dir> writes a CPU profile of the pool process there.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Request } from 'tedious';
import { LOCAL_POOL_NODE_FLAGS } from '../src/localpool/node-flags.js';
import { LAB_INPUT_CTE } from '../test/support/lab-sql.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_WIRE_RUNS ?? 3);
const PASSWORD = 'Bench#Pool-1';

const WIDE_DDL = `CREATE TABLE dbo.Wide (i int NULL, b bigint NULL, r real NULL, f float NULL, d decimal(18,4) NULL, s nvarchar(40) NULL,
  v varbinary(16) NULL, t datetime2(7) NULL)`;
const WIDE_FILL = `INSERT INTO dbo.Wide SELECT CASE WHEN CustomerKey % 7 = 0 THEN NULL ELSE CustomerKey END, CAST(CustomerKey AS bigint) * 1000003,
  CAST(Cost AS real), CAST(Price AS float) / 3, CAST(Price AS decimal(18,4)), CASE WHEN CustomerKey % 5 = 0 THEN NULL ELSE CONCAT(N'customer ', CustomerKey) END,
  CAST(CONCAT('key', CustomerKey) AS varbinary(16)), CASE WHEN CustomerKey % 11 = 0 THEN NULL ELSE DATEADD(second, CustomerKey, CAST('2024-01-01' AS datetime2(7))) END
  FROM wwi_ml.CustomerTest`;

const LINES = [
  { key: '(d)', label: 'plain SELECT * of the customers (9 columns)', sql: `${LAB_INPUT_CTE} SELECT * FROM InputData` },
  { key: '(w)', label: 'wide table: int, bigint, real, float, decimal, nvarchar, varbinary, datetime2, NULLs', sql: 'SELECT * FROM dbo.Wide' },
];

function startChild(env: Record<string, string>): ChildProcess {
  const prof = process.env.BENCH_CPU_PROF;
  return fork(join(__dirname, 'support', 'predict-pool-child.ts'), [], {
    execArgv: [...LOCAL_POOL_NODE_FLAGS, '--import', 'tsx', ...(prof && env.BENCH_MODE !== 'seed' ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])],
    env: { ...process.env, BENCH_PASSWORD: PASSWORD, BENCH_ROWS: String(ROWS), ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`the pool process exited (${code ?? 'signal'}) before answering`));
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
    child.once('exit', onExit);
  });
}

function run(conn: Connection, sql: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    const r = new Request(sql, (e) => (e ? reject(e) : resolve(rows)));
    r.on('row', () => rows++);
    conn.execSql(r);
  });
}

const clientCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wire-bench-'));
  let child: ChildProcess | undefined;
  try {
    const seeder = startChild({ BENCH_MODE: 'seed', BENCH_DATA: dataDir });
    await firstMessage(seeder);
    await new Promise((r) => seeder.once('exit', r));
    child = startChild({ BENCH_MODE: 'serve', BENCH_DATA: dataDir });
    const pool = child;
    const { port } = await firstMessage<{ port: number }>(pool);
    const poolCpu = async (): Promise<number> => {
      const p = firstMessage<{ cpu: number }>(pool);
      pool.send('memory');
      return (await p).cpu;
    };
    const conn = new Connection({
      server: '127.0.0.1',
      authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
      options: { port, encrypt: false, packetSize: 32767, requestTimeout: 0, rowCollectionOnRequestCompletion: false },
    });
    await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
    await run(conn, WIDE_DDL);
    await run(conn, WIDE_FILL);
    console.log(`wire-rows: ${ROWS.toLocaleString('en')} rows per query to tedious (packet size 32767), ${RUNS} runs each, pool in its own process`);
    const verdicts: string[] = [];
    for (const line of LINES) {
      // Warm up: the table read into DuckDB's buffers, the code paths compiled.
      await run(conn, line.sql.replace('SELECT *', 'SELECT TOP 20000 *'));
      const ratios: number[] = [];
      const texts: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const p0 = await poolCpu();
        const c0 = clientCpu();
        const t0 = process.hrtime.bigint();
        const rows = await run(conn, line.sql);
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const client = clientCpu() - c0;
        const poolUsed = (await poolCpu()) - p0;
        if (rows !== ROWS) throw new Error(`${line.key} streamed ${rows} rows, not ${ROWS}`);
        ratios.push(poolUsed / client);
        texts.push(
          `${seconds.toFixed(2)} s, pool ${poolUsed.toFixed(2)} s CPU (${((poolUsed / rows) * 1e6).toFixed(2)} µs/row), tedious ${client.toFixed(2)} s CPU (${((client / rows) * 1e6).toFixed(2)} µs/row), ratio ${(poolUsed / client).toFixed(2)}`,
        );
      }
      const m = median(ratios);
      console.log(`${line.key} ${line.label}:\n    ${texts.join('\n    ')}`);
      console.log(
        `    pool CPU per row / tedious CPU per row: median ${m.toFixed(2)}, range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)} (target ≤ 1: ${m <= 1 ? 'met' : 'NOT met'})`,
      );
      verdicts.push(`${line.key} pool/tedious CPU per row ${m.toFixed(2)} ${m <= 1 ? 'met' : 'NOT met'}`);
    }
    conn.close();
    console.log(`\nsummary: ${verdicts.join('; ')}`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.send('stop');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
