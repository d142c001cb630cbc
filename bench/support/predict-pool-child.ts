// The local pool for the PREDICT benchmark, in a process of its own.
// BENCH_MODE=seed: creates a database in BENCH_DATA seeded with BENCH_ROWS customers, closes it,
//   reports { seedSeconds } and exits — so the seeding's memory is not the measured pool's.
// BENCH_BATCH, BENCH_PREDICT_INLINE, BENCH_PREDICT_THREADS: see below.
// BENCH_MODE=serve (default): opens the existing database in BENCH_DATA (no seeding) with a TDS
//   server, reports { port, startSeconds }; 'memory' answers { rss, peak } in bytes and cpu in seconds, the peak being
//   this process's own high-water mark (VmHWM; maxRSS where /proc is absent); 'inline' switches
//   PREDICT to scoring on the JavaScript thread (the comparison); { encode: sql } runs the query on
//   an engine session of its own and encodes its rows as the TDS server does (Reply over the packet
//   writer) into a sink that drops them, with no client and no socket, answering { seconds, cpu,
//   rows }; 'stop' exits.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLocalPoolEngine } from '../../src/localpool/engine/index.js';
import { configurePredictRuntime } from '../../src/localpool/engine/predict/runtime.js';
import { startTdsServer } from '../../src/localpool/tds/server.js';
import { ResponseWriter } from '../../src/localpool/tds/outgoing.js';
import { Reply } from '../../src/localpool/tds/reply.js';
import type { Engine } from '../../src/localpool/engine/api.js';

/** Runs `sql` and encodes every row as the TDS server would for a client, dropping the bytes. */
async function encodeWithoutClient(engine: Engine, sql: string): Promise<{ seconds: number; cpu: number; rows: number }> {
  const session = await engine.openSession({ user: 'sa', database: '', spid: 99 });
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const reply = new Reply(new ResponseWriter(sink, 32767), 'batch', () => false);
  let rows = 0;
  const c0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  for await (const e of session.execute(sql, [], new AbortController().signal)) {
    if (e.kind === 'columns') reply.columnsStart(e.columns);
    else if (e.kind === 'rows') {
      await reply.rows(e.rows);
      rows += e.rows.length;
    } else if (e.kind === 'block') {
      await reply.block(e.block);
      rows += e.block.rowCount;
    } else if (e.kind === 'done') reply.statementDone(e.rowCount, e.error);
  }
  await reply.finish();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds() - c0;
  await session.close();
  return { seconds, cpu, rows };
}

/** CPU time of every thread of this process (JavaScript, scoring worker, DuckDB, onnxruntime), in seconds. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA;
  if (!dataDir) throw new Error('BENCH_DATA (the data directory) is not set.');
  const t0 = Date.now();
  if (process.env.BENCH_MODE === 'seed') {
    const engine = await createLocalPoolEngine({ dataDir, seedCustomers: Number(process.env.BENCH_ROWS ?? 1_000_000) });
    await engine.close();
    process.send?.({ seedSeconds: (Date.now() - t0) / 1000 }, () => process.exit(0));
    return;
  }
  const batch = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
  // BENCH_PREDICT_INLINE=1 scores on the JavaScript thread (as before the scoring worker);
  // BENCH_PREDICT_THREADS sets the worker's intra-op threads.
  if (process.env.BENCH_PREDICT_INLINE === '1') configurePredictRuntime({ worker: false });
  if (process.env.BENCH_PREDICT_THREADS) configurePredictRuntime({ workerThreads: Number(process.env.BENCH_PREDICT_THREADS) });
  const engine = await createLocalPoolEngine({ dataDir, seedCustomers: 0, predictBatchSize: batch });
  const server = await startTdsServer({ engine, password: process.env.BENCH_PASSWORD ?? 'Bench#Pool-1' });
  process.on('message', (m) => {
    if (m === 'memory') process.send?.({ rss: process.memoryUsage.rss(), peak: peakRss(), cpu: cpuSeconds() });
    if (m === 'inline') process.send?.(configurePredictRuntime({ worker: false }));
    if (typeof m === 'object' && m !== null && 'encode' in m) {
      void encodeWithoutClient(engine, String((m as { encode: string }).encode)).then(
        (r) => process.send?.(r),
        (e: unknown) => process.send?.({ error: String(e) }),
      );
    }
    if (m === 'stop')
      void server
        .close()
        .then(() => engine.close())
        .then(() => process.exit(0));
  });
  process.send?.({ port: server.port, startSeconds: (Date.now() - t0) / 1000 });
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
