// The local pool (startLocalPool: engine in memory + TDS server with its TLS certificate) in its own
// process, seeded with BENCH_ROWS customers (default 1 000). Reports { port, caCertPem } when
// listening; 'memory' answers { rss, peak } in bytes; 'stop' exits.
import { startLocalPool } from '../../src/localpool/index.js';
import { procStatus } from './memory.js';

async function main(): Promise<void> {
  const pool = await startLocalPool({
    password: process.env.BENCH_PASSWORD ?? 'Bench#Pool-1',
    seedCustomers: Number(process.env.BENCH_ROWS ?? 1000),
  });
  process.on('message', (m) => {
    if (m === 'memory') process.send?.({ rss: process.memoryUsage.rss(), peak: procStatus('VmHWM') ?? 0 });
    if (m === 'stop') void pool.close().then(() => process.exit(0));
  });
  process.send?.({ port: pool.port, caCertPem: pool.caCertPem });
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
