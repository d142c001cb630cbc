// The connection settings of the benchmarks' local pool, shared by their child processes through
// the environment: BENCH_PORT, BENCH_PASSWORD and BENCH_CA (the pool's CA certificate, PEM).
import type { SqlConnectionConfig } from '../../src/sql/client/connection.js';

export function poolConnectionConfig(): SqlConnectionConfig {
  const port = Number(process.env.BENCH_PORT);
  if (!port) throw new Error('BENCH_PORT is not set: start this through the benchmark.');
  const ca = process.env.BENCH_CA;
  return {
    server: '127.0.0.1',
    port,
    database: 'SQLPool01',
    authentication: { kind: 'sql-login', user: 'sa', password: process.env.BENCH_PASSWORD ?? 'Bench#Pool-1' },
    ...(ca ? { encrypt: 'strict' as const, caCertPem: ca } : { encrypt: 'optional' as const }),
  };
}
