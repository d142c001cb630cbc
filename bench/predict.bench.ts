// PREDICT on the local pool against raw onnxruntime-node, for BENCH_ROWS (default 1 000 000) seeded
// customers and the lab's tree-ensemble classifier (aml-synapse-classifier v2), in one run:
//  (a) raw onnxruntime-node scoring of the same rows already in memory (typed arrays, best batch size);
//  (b) SELECT COUNT(*) FROM PREDICT(...) on the pool, through tedious;
//  (c) every predicted row streamed to a tedious client;
//  (d) a plain SELECT of the same columns, without PREDICT, through tedious.
// Targets: (b) ≤ 1.5 × (a); (c) ≤ 1.3 × (d); the pool's peak memory under 1 GB.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Connection, Request, TYPES } from 'tedious';
import { buildSampleModel } from '../src/samples/models.js';
import { CUSTOMER_FEATURES, FLOAT_FEATURES, generateCustomers } from '../src/samples/customers.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PASSWORD = 'Bench#Pool-1';
const MB = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;
const now = (): number => Number(process.hrtime.bigint()) / 1e9;

const INPUT_CTE = `WITH InputData AS (
  SELECT [CustomerKey], CAST([Cost] AS [real]) AS [Cost], CAST([Size] AS [real]) AS [Size], CAST([Price] AS [real]) AS [Price],
    CAST([PrimaryBrandId] AS [bigint]) AS [PrimaryBrandId], CAST([GenderId] AS [bigint]) AS [GenderId],
    CAST([MaritalStatus] AS [bigint]) AS [MaritalStatus], CAST([LowerIncomeBound] AS [bigint]) AS [LowerIncomeBound],
    CAST([UpperIncomeBound] AS [bigint]) AS [UpperIncomeBound]
  FROM [wwi_ml].[CustomerTest])`;
const PREDICT = `PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'aml-synapse-classifier:2'), DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint])`;

async function rawScoring(onnx: Uint8Array): Promise<{ seconds: number; batch: number; threads: number; sweep: string[] }> {
  const ort = await import('onnxruntime-node');
  const cols: Record<string, Float32Array | BigInt64Array> = {};
  for (const f of CUSTOMER_FEATURES) cols[f] = FLOAT_FEATURES.includes(f) ? new Float32Array(ROWS) : new BigInt64Array(ROWS);
  let i = 0;
  for (const c of generateCustomers(ROWS)) {
    for (const f of CUSTOMER_FEATURES) {
      const a = cols[f]!;
      if (a instanceof Float32Array) a[i] = c[f];
      else a[i] = BigInt(c[f]);
    }
    i++;
  }
  let best = { seconds: Infinity, batch: 0, threads: 0 };
  const sweep: string[] = [];
  for (const threads of [1, 2]) {
    const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
    for (const batch of [1024, 4096, 8192, 16384, 65536]) {
      const t0 = now();
      for (let off = 0; off < ROWS; off += batch) {
        const n = Math.min(batch, ROWS - off);
        const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
        for (const f of CUSTOMER_FEATURES) {
          const a = cols[f]!;
          feeds[f] = a instanceof Float32Array ? new ort.Tensor('float32', a.subarray(off, off + n), [n, 1]) : new ort.Tensor('int64', a.subarray(off, off + n), [n, 1]);
        }
        await session.run(feeds, ['label_out']);
      }
      const seconds = now() - t0;
      sweep.push(`threads ${threads} batch ${batch}: ${(ROWS / seconds / 1e6).toFixed(2)} M rows/s`);
      if (seconds < best.seconds) best = { seconds, batch, threads };
    }
    await session.release();
  }
  return { ...best, sweep };
}

function query(conn: Connection, sql: string, setup?: (r: Request) => void): Promise<{ rows: number; first?: unknown[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    let first: unknown[] | undefined;
    const t0 = now();
    const r = new Request(sql, (e) => (e ? reject(e) : resolve({ rows, first, seconds: now() - t0 })));
    r.on('row', (cols) => {
      if (!first) first = (cols as { value: unknown }[]).map((c) => c.value);
      rows++;
    });
    setup?.(r);
    conn.execSql(r);
  });
}

async function main(): Promise<void> {
  const model = buildSampleModel('tree-classifier');
  console.log(`predict: ${ROWS.toLocaleString('en')} customers, tree-ensemble classifier (${model.onnx.length} bytes)`);
  const a = await rawScoring(model.onnx);
  console.log(`(a) raw onnxruntime-node, data in memory: ${a.seconds.toFixed(3)} s (${(ROWS / a.seconds / 1e6).toFixed(2)} M rows/s; best of: ${a.sweep.join('; ')})`);

  const child = fork(join(__dirname, 'support', 'predict-pool-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PASSWORD: PASSWORD, BENCH_ROWS: String(ROWS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(m: string): Promise<T> => new Promise((resolve) => child.once('message', (r) => resolve(r as T)) && child.send(m));
  const { port, seedSeconds } = await new Promise<{ port: number; seedSeconds: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number; seedSeconds: number })));
  console.log(`pool seeded with ${ROWS.toLocaleString('en')} rows in ${seedSeconds.toFixed(1)} s`);
  const conn = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
    options: { port, encrypt: false, packetSize: 32767, requestTimeout: 0, rowCollectionOnRequestCompletion: false },
  });
  await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
  try {
    await query(conn, `INSERT INTO wwi_ml.AMLModel (ID, name, version, model) VALUES (@id, N'aml-synapse-classifier', 2, @model)`, (r) => {
      r.addParameter('id', TYPES.NVarChar, 'aml-synapse-classifier:2');
      r.addParameter('model', TYPES.VarBinary, Buffer.from(model.onnx));
    });
    // Warm up: the model session is created and cached by the first PREDICT.
    await query(conn, `${INPUT_CTE} SELECT TOP 10 * FROM ${PREDICT} AS p`);
    await ask('reset');
    const b = await query(conn, `${INPUT_CTE} SELECT COUNT(*) FROM ${PREDICT} AS p`);
    if (Number(b.first?.[0]) !== ROWS) throw new Error(`COUNT(*) returned ${String(b.first?.[0])}`);
    const d = await query(conn, `${INPUT_CTE} SELECT * FROM InputData`);
    const c = await query(conn, `${INPUT_CTE} SELECT * FROM ${PREDICT} AS p`);
    if (c.rows !== ROWS || d.rows !== ROWS) throw new Error(`streamed ${c.rows} / ${d.rows} rows`);
    const mem = await ask<{ rss: number; peak: number }>('memory');
    console.log(`(b) SELECT COUNT(*) FROM PREDICT(...):      ${b.seconds.toFixed(3)} s (${(ROWS / b.seconds / 1e6).toFixed(2)} M rows/s)`);
    console.log(`(c) SELECT * FROM PREDICT(...) to tedious:  ${c.seconds.toFixed(3)} s (${(ROWS / c.seconds / 1e6).toFixed(2)} M rows/s)`);
    console.log(`(d) SELECT * without PREDICT to tedious:    ${d.seconds.toFixed(3)} s (${(ROWS / d.seconds / 1e6).toFixed(2)} M rows/s)`);
    console.log(`ratio (b)/(a) = ${(b.seconds / a.seconds).toFixed(2)} (target ≤ 1.5)`);
    console.log(`ratio (c)/(d) = ${(c.seconds / d.seconds).toFixed(2)} (target ≤ 1.3)`);
    console.log(`pool peak memory during (b)-(d): ${MB(mem.peak)} (target < 1024 MB)`);
  } finally {
    conn.close();
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
}
void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
