// The local pool (engine + TDS server) in its own process, seeded with BENCH_ROWS customers, so
// that the PREDICT benchmark reads the pool's own peak memory. Reports { port, seedSeconds } when
// listening; 'reset' starts a new peak; 'memory' answers { rss, peak } in bytes; 'stop' exits.
import { readFileSync, writeFileSync } from 'node:fs';
import { createLocalPoolEngine } from '../../src/localpool/engine/index.js';
import { startTdsServer } from '../../src/localpool/tds/server.js';

function vmHwm(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const batch = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
  const engine = await createLocalPoolEngine({ seedCustomers: Number(process.env.BENCH_ROWS ?? 1_000_000), predictBatchSize: batch });
  const seedSeconds = (Date.now() - t0) / 1000;
  const server = await startTdsServer({ engine, password: process.env.BENCH_PASSWORD ?? 'Bench#Pool-1' });
  let sampled = process.memoryUsage.rss();
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 5);
  process.on('message', (m) => {
    if (m === 'reset') {
      try {
        writeFileSync('/proc/self/clear_refs', '5');
      } catch {
        // Not Linux: the sampled peak is all there is.
      }
      sampled = process.memoryUsage.rss();
      process.send?.({ ok: true });
    }
    if (m === 'memory') {
      const rss = process.memoryUsage.rss();
      process.send?.({ rss, peak: Math.max(vmHwm() ?? 0, sampled, rss) });
    }
    if (m === 'stop') {
      clearInterval(timer);
      void server.close().then(() => engine.close()).then(() => process.exit(0));
    }
  });
  process.send?.({ port: server.port, seedSeconds });
}
void main();
