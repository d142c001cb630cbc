// A local pool TDS server in its own process, so a benchmark can read that process's peak memory.
// Reports { port } when listening; 'reset' starts a new peak; 'memory' answers { rss, peak } in bytes.
// The peak is Linux's VmHWM (reset through /proc/self/clear_refs) where there is one, else the
// highest RSS sampled every 5 ms. (getrusage's maxRSS is no good here: a child starts with its
// parent's.)
import { readFileSync, writeFileSync } from 'node:fs';
import { startTdsServer } from '../../src/localpool/tds/server.js';
import { MemoryEngine } from '../../test/support/memory-engine.js';

function vmHwm(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const server = await startTdsServer({ engine: new MemoryEngine(), password: process.env.BENCH_PASSWORD ?? 'Bench#Pool-1' });
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
      void server.close().then(() => process.exit(0));
    }
  });
  process.send?.({ port: server.port });
}

void main();
