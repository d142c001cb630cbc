// The local pool in a process of its own (started with the flags the extension uses), so a test can
// read that process's peak memory. Reports { port } when listening; 'reset' starts a new peak
// (Linux: /proc/self/clear_refs); 'memory' answers { rss, peak } in bytes (peak: VmHWM); 'stop' exits.
import { readFileSync, writeFileSync } from 'node:fs';
import { startLocalPool } from '../../../src/localpool/index.js';

function status(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function main(): Promise<void> {
  const pool = await startLocalPool({ password: process.env.POOL_PASSWORD!, seedCustomers: 0, dataDir: process.env.POOL_DATA || undefined });
  process.on('message', (m) => {
    if (m === 'reset') {
      writeFileSync('/proc/self/clear_refs', '5');
      process.send?.({ ok: true });
    }
    if (m === 'memory') process.send?.({ rss: status('VmRSS'), peak: status('VmHWM') });
    if (m === 'stop') void pool.close().then(() => process.exit(0));
  });
  process.send?.({ port: pool.port });
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
