// Where the time of `SELECT COUNT(*) FROM PREDICT(...)` goes, for the lab's v2 model over
// MEASURE_ROWS (default 1 000 000) seeded customers, measured in-process (no TDS): the eight cast
// inputs read out of DuckDB in several ways (node API, raw bindings, streamed or materialized,
// streaming buffer sizes), then the engine's own query. Each line is the best of a few runs, with
// the CPU time of all threads in that run.
// MEASURE_THREADS (scoring worker's intra-op threads), MEASURE_BATCH (rows per scored batch) and
// MEASURE_DUCK_THREADS (DuckDB threads) vary the engine's settings.
// Run: node --import tsx bench/tools/predict-read.measure.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalPoolEngine } from '../../src/localpool/engine/index.js';
import { blockRows } from '../../src/localpool/engine/values.js';
import { configurePredictRuntime } from '../../src/localpool/engine/predict/runtime.js';
import { buildSampleModel } from '../../src/samples/models.js';
import { LAB_INPUT_CTE } from '../../test/support/lab-sql.js';

const ROWS = Number(process.env.MEASURE_ROWS ?? 1_000_000);
const now = (): number => Number(process.hrtime.bigint()) / 1e9;
const CASTS = `CAST(Cost AS FLOAT) a, CAST(Size AS FLOAT) b, CAST(Price AS FLOAT) c, CAST(PrimaryBrandId AS BIGINT) d, CAST(GenderId AS BIGINT) e, CAST(MaritalStatus AS BIGINT) f, CAST(LowerIncomeBound AS BIGINT) g, CAST(UpperIncomeBound AS BIGINT) h`;

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Best wall time of n runs, and the CPU time (all threads) of that run. */
async function best(label: string, n: number, f: () => Promise<unknown>): Promise<void> {
  let b = Infinity;
  let bc = 0;
  for (let i = 0; i < n; i++) {
    const c0 = cpu();
    const t0 = now();
    await f();
    const t = now() - t0;
    if (t < b) {
      b = t;
      bc = cpu() - c0;
    }
  }
  console.log(`${label.padEnd(58)} ${(b * 1000).toFixed(1).padStart(7)} ms wall ${(bc * 1000).toFixed(0).padStart(5)} ms CPU`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'predict-read-'));
  try {
    const seed = await createLocalPoolEngine({ dataDir: dir, seedCustomers: ROWS });
    await seed.close();
    const duck = await import('@duckdb/node-api');
    const inst = await duck.DuckDBInstance.create(join(dir, 'localpool.duckdb'), { default_collation: 'nocase' });
    const c = await inst.connect();
    const sql = `SELECT ${CASTS} FROM wwi_ml.CustomerTest`;
    await best('duckdb count(*) in SQL', 5, () => c.runAndReadAll(`SELECT count(*) FROM (${sql})`));
    await best('stream + fetchChunk, read-ahead, touch vectors', 5, async () => {
      const r = await c.stream(sql);
      let rows = 0;
      let ahead = r.fetchChunk();
      for (;;) {
        const ch = await ahead;
        if (!ch || ch.rowCount === 0) break;
        ahead = r.fetchChunk();
        for (let j = 0; j < 8; j++) ch.getColumnVector(j);
        rows += ch.rowCount;
      }
      if (rows !== ROWS) throw new Error(String(rows));
    });
    await best('stream + fetchChunk, no read-ahead', 5, async () => {
      const r = await c.stream(sql);
      for (;;) {
        const ch = await r.fetchChunk();
        if (!ch || ch.rowCount === 0) break;
        for (let j = 0; j < 8; j++) ch.getColumnVector(j);
      }
    });
    await best('run (materialized) + fetchChunk', 5, async () => {
      const r = await c.run(sql);
      for (;;) {
        const ch = await r.fetchChunk();
        if (!ch || ch.rowCount === 0) break;
        for (let j = 0; j < 8; j++) ch.getColumnVector(j);
      }
    });
    await best('runAndReadAll', 3, () => c.runAndReadAll(sql));
    const b = (await import('@duckdb/node-bindings')).default;
    await best('stream + fetchChunk only (no vectors)', 5, async () => {
      const r = await c.stream(sql);
      for (;;) {
        const ch = await r.fetchChunk();
        if (!ch || ch.rowCount === 0) break;
      }
    });
    await best('bindings: fetch_chunk + get_data/validity', 5, async () => {
      const r = await c.stream(sql);
      const raw = (r as unknown as { result: never }).result;
      for (;;) {
        const ch = await b.fetch_chunk(raw);
        if (!ch) break;
        const n = b.data_chunk_get_size(ch);
        if (n === 0) break;
        for (let j = 0; j < 8; j++) {
          const v = b.data_chunk_get_vector(ch, j);
          b.vector_get_data(v, n * (j < 3 ? 4 : 8));
          b.vector_get_validity(v, Math.ceil(n / 64) * 8);
        }
      }
    });
    for (const size of ['976KB', '16MB', '128MB']) {
      await c.run(`SET streaming_buffer_size = '${size}'`);
      await best(`bindings: fetch_chunk only, streaming buffer ${size}`, 5, async () => {
        const r = await c.stream(sql);
        const raw = (r as unknown as { result: never }).result;
        for (;;) {
          const ch = await b.fetch_chunk(raw);
          if (!ch || b.data_chunk_get_size(ch) === 0) break;
        }
      });
    }
    await c.run('RESET streaming_buffer_size');
    await best('bindings: materialized, result_get_chunk sync', 5, async () => {
      const r = await c.run(sql);
      const raw = (r as unknown as { result: never }).result;
      const k = b.result_chunk_count(raw);
      for (let i = 0; i < k; i++) {
        const ch = b.result_get_chunk(raw, i);
        const n = b.data_chunk_get_size(ch);
        for (let j = 0; j < 8; j++) {
          const v = b.data_chunk_get_vector(ch, j);
          b.vector_get_data(v, n * (j < 3 ? 4 : 8));
        }
      }
    });
    await best('duckdb sum of casts (scan cost)', 5, () => c.runAndReadAll(`SELECT sum(a)+sum(b)+sum(c)+sum(d)+sum(e)+sum(f)+sum(g)+sum(h) FROM (${sql})`));
    c.closeSync();
    inst.closeSync();

    if (process.env.MEASURE_THREADS) configurePredictRuntime({ workerThreads: Number(process.env.MEASURE_THREADS) });
    const batch = process.env.MEASURE_BATCH ? Number(process.env.MEASURE_BATCH) : undefined;
    const engine = await createLocalPoolEngine({
      dataDir: dir,
      seedCustomers: 0,
      predictBatchSize: batch,
      threads: process.env.MEASURE_DUCK_THREADS ? Number(process.env.MEASURE_DUCK_THREADS) : undefined,
    });
    const session = await engine.openSession({ user: 'sa', database: '', spid: 51 });
    const exec = async (q: string, params: never[] = []): Promise<unknown[]> => {
      const rows: unknown[] = [];
      for await (const ev of session.execute(q, params, new AbortController().signal)) {
        if (ev.kind === 'rows') rows.push(...ev.rows);
        if (ev.kind === 'block') rows.push(...blockRows(ev.block));
        if (ev.kind === 'error') throw new Error(ev.message.message);
      }
      return rows;
    };
    const model = buildSampleModel('tree-classifier');
    await exec(`INSERT INTO wwi_ml.AMLModel (ID, name, version, model) VALUES (N'm:2', N'm', 2, @model)`, [
      { name: '@model', type: { name: 'varbinary', length: 'max' }, value: Buffer.from(model.onnx) } as never,
    ]);
    const predict = `PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'm:2'), DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint])`;
    await best('engine: SELECT COUNT(*) FROM PREDICT', 5, () => exec(`${LAB_INPUT_CTE} SELECT COUNT(*) FROM ${predict} AS p`));
    await best('engine: SELECT TOP 1 * FROM PREDICT (fixed cost)', 5, () => exec(`${LAB_INPUT_CTE} SELECT TOP 1 * FROM ${predict} AS p`));
    await best('engine: SELECT COUNT(*) FROM InputData', 5, () => exec(`${LAB_INPUT_CTE} SELECT COUNT(*) FROM InputData`));
    await session.close();
    await engine.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
