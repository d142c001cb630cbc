// Peak memory of the TDS server process while a client sends a 200 MB varbinary(max) parameter:
// an engine that reads the value as it streams, against the same server with an engine that
// gathers the whole value first (the baseline). Each runs in a fresh server process.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Connection, Request, TYPES } from 'tedious';

const SIZE = Number(process.env.BENCH_TDS_MB ?? 200) * 1024 * 1024;
const PASSWORD = 'Bench#Pool-1';
const MB = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

interface Memory {
  rss: number;
  peak: number;
}

async function measure(
  command: 'COUNT_STREAM' | 'COUNT_BUFFERED',
  payload: Buffer,
  valueFirst = false,
): Promise<{ before: Memory; after: Memory; seconds: number }> {
  const child = fork(join(__dirname, 'support', 'tds-server-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PASSWORD: PASSWORD },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(m: string): Promise<T> => new Promise((resolve) => child.once('message', (r) => resolve(r as T)) && child.send(m));
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
  const conn = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
    options: { port, encrypt: false, packetSize: 32767, requestTimeout: 0 },
  });
  await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
  const run = (value: Buffer): Promise<string> =>
    new Promise((resolve, reject) => {
      let got = '';
      const r = new Request(command, (e) => (e ? reject(e) : resolve(got)));
      r.addParameter('blob', TYPES.VarBinary, value);
      // The value first, a small parameter after it: the server spills the value to a file.
      if (valueFirst) r.addParameter('tag', TYPES.Int, 1);
      r.on('row', (cols) => (got = String((cols as { value: unknown }[])[0]!.value)));
      conn.execSql(r);
    });
  await run(randomBytes(2 * 1024 * 1024)); // warm up every code path
  global.gc?.();
  await ask('reset');
  const before = await ask<Memory>('memory');
  const t0 = process.hrtime.bigint();
  const count = await run(payload);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (count !== String(payload.length)) throw new Error(`The engine counted ${count} bytes of ${payload.length}.`);
  const after = await ask<Memory>('memory');
  conn.close();
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  return { before, after, seconds };
}

async function main(): Promise<void> {
  const payload = randomBytes(SIZE);
  console.log(`tds-stream: one ${MB(SIZE)} varbinary(max) parameter through sp_executesql, server in its own process`);
  const streamed = await measure('COUNT_STREAM', payload);
  const buffered = await measure('COUNT_BUFFERED', payload);
  const first = await measure('COUNT_STREAM', payload, true);
  const growth = (m: { before: Memory; after: Memory }): number => m.after.peak - m.before.rss;
  for (const [label, m] of [
    ['streaming engine', streamed],
    ['buffering engine (baseline)', buffered],
    ['value first, then an int', first],
  ] as const) {
    console.log(
      `  ${label.padEnd(28)} peak RSS ${MB(m.after.peak)} (RSS before ${MB(m.before.rss)}), growth ${MB(growth(m))}, ${(SIZE / 1024 / 1024 / m.seconds).toFixed(0)} MB/s`,
    );
  }
  const ratio = growth(streamed) / Math.max(growth(buffered), 1);
  console.log(`  streaming growth / baseline growth = ${ratio.toFixed(3)}; streaming growth / value size = ${(growth(streamed) / SIZE).toFixed(3)}`);
  console.log(`  value-first growth / value size = ${(growth(first) / SIZE).toFixed(3)} (spilled to a file, read back by the engine)`);
  if (growth(first) > SIZE / 4) {
    console.error('  FAIL: the server held a large part of the value given first in memory.');
    process.exitCode = 1;
  }
  if (growth(streamed) > SIZE / 4) {
    console.error('  FAIL: the server held a large part of the streamed value in memory.');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
