/** Bulk load through the clients users have: tedious's execBulkLoad and FreeTDS's freebcp. */
import { spawn, spawnSync } from 'node:child_process';
import type { Connection } from 'tedious';
import type { Options as BulkLoadOptions } from 'tedious/lib/bulk-load.js';
import type { DataType } from 'tedious/lib/data-type.js';
import { PASSWORD } from './helpers.js';

export interface BulkColumnSpec {
  readonly name: string;
  readonly type: DataType;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly nullable?: boolean;
}

/** Runs one tedious bulk load; resolves with the row count the server reports. */
export function tediousBulkLoad(
  conn: Connection,
  table: string,
  columns: readonly BulkColumnSpec[],
  rows: Iterable<unknown[]> | AsyncIterable<unknown[]>,
  options: BulkLoadOptions = {},
  onCreated?: (cancel: () => void) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const load = conn.newBulkLoad(table, options, (err, rowCount) => (err ? reject(err) : resolve(rowCount ?? -1)));
    for (const c of columns) {
      load.addColumn(c.name, c.type, { nullable: c.nullable ?? true, length: c.length, precision: c.precision, scale: c.scale });
    }
    onCreated?.(() => load.cancel());
    conn.execBulkLoad(load, rows);
  });
}

export const hasFreebcp = spawnSync('freebcp', ['-v'], { encoding: 'utf8' }).status !== null;

/** Runs FreeTDS's freebcp `table in file` (character mode, comma-separated) at TDS 7.4. */
export function freebcp(port: number, table: string, file: string, extra: readonly string[] = []): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('freebcp', [table, 'in', file, '-S', `127.0.0.1:${port}`, '-U', 'sa', '-P', PASSWORD, '-c', '-t', ',', ...extra], {
      env: { ...process.env, TDSVER: '7.4', FREETDSCONF: '/dev/null' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill(), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
}
