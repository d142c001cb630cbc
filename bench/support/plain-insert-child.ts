// The deploy benchmark's baseline, in a fresh process: read the ONNX file <argv[2]> and INSERT it
// with plain tedious as one varbinary(max) parameter into <argv[3]> (an existing table with
// [ID] nvarchar(1024) and [model] varbinary(max)), with the same connection settings as the
// product's client. Reports { readMs, insertMs, memory: MemoryReport, storedBytes }.
import { readFile } from 'node:fs/promises';
import { Connection, Request, TYPES } from 'tedious';
import { toTediousConfig } from '../../src/sql/client/connection.js';
import { memoryReport } from './memory.js';
import { poolConnectionConfig } from './pool-connection.js';

function run(conn: Connection, sql: string, setup?: (r: Request) => void): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    const rows: unknown[][] = [];
    const r = new Request(sql, (e) => (e ? reject(e) : resolve(rows)));
    r.on('row', (cols: { value: unknown }[]) => rows.push(cols.map((c) => c.value)));
    setup?.(r);
    if (setup) conn.execSql(r);
    else conn.execSqlBatch(r);
  });
}

async function main(): Promise<void> {
  const [file, table] = [process.argv[2], process.argv[3]];
  if (!file || !table) throw new Error('usage: plain-insert-child.ts <file.onnx> <table>');
  const conn = new Connection(toTediousConfig(poolConnectionConfig()));
  await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));

  const rssBefore = process.memoryUsage.rss();
  const t0 = performance.now();
  const bytes = await readFile(file);
  const t1 = performance.now();
  await run(conn, `INSERT INTO [wwi_ml].[${table}] ([ID], [model]) VALUES (@id, @model)`, (r) => {
    r.addParameter('id', TYPES.NVarChar, 'plain:1', { length: 1024 });
    r.addParameter('model', TYPES.VarBinary, bytes);
  });
  const t2 = performance.now();
  const memory = memoryReport(rssBefore);
  const rows = await run(conn, `SELECT DATALENGTH([model]) FROM [wwi_ml].[${table}] WHERE [ID] = N'plain:1'`);
  conn.close();
  process.send?.({ readMs: t1 - t0, insertMs: t2 - t1, memory, storedBytes: Number(rows[0]?.[0] ?? -1) });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
