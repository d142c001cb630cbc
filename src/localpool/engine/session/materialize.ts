/** PREDICT's rows written into a temp table of the session's connection, for queries DuckDB runs over them. */
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { SqlValue, WireType } from '../api.js';
import type { TranslateContext } from '../translate.js';
import { q } from '../translate.js';
import { duckType } from '../types.js';
import { modelBytes, runPredict, type StreamingConnection } from '../predict/operator.js';
import { AbortedSignal, specOfWire } from './support.js';

/** What writing PREDICT's rows needs from the session. */
export interface MaterializeHost {
  /** The connection statements run on now (it changes while a transaction is doomed). */
  conn(): DuckDBConnection;
  readonly batchSize?: number;
  blobValue(bytes: Uint8Array): DuckDBValue;
  scalar(sql: string, params: readonly SqlValue[]): Promise<SqlValue>;
  streamConn(): StreamingConnection;
}

/** Writes every PREDICT of a statement into a temp table; returns what drops them again. */
export async function materializePredicts(host: MaterializeHost, ctx: TranslateContext, signal: AbortSignal): Promise<() => Promise<void>> {
  const created: string[] = [];
  const cleanup = async () => {
    for (const c of created.reverse())
      await host
        .conn()
        .run(c)
        .catch(() => undefined);
  };
  try {
    for (const j of ctx.jobs) {
      const bytes = await modelBytes(j, (sql) => host.scalar(sql, ctx.params));
      const all = j.cols.map((_, i) => i);
      let appender: Awaited<ReturnType<DuckDBConnection['createAppender']>> | undefined;
      let columnTypes: DuckDBType[] = [];
      let toDuck: ((v: SqlValue) => DuckDBValue)[] = [];
      for await (const b of runPredict(host.streamConn(), j, bytes, { signal, columns: all, batchSize: host.batchSize, materializeData: true })) {
        if (!appender) {
          const wires = b.wires!;
          const raw = `${j.tempTable}_raw`;
          const rawTypes = wires.map(rawDuckType);
          await host.conn().run(`CREATE TEMP TABLE ${q(raw)} (${j.cols.map((c, i) => `${q(c.name)} ${rawTypes[i]}`).join(', ')})`);
          created.push(`DROP TABLE IF EXISTS temp.main.${q(raw)}`);
          await host
            .conn()
            .run(
              `CREATE TEMP VIEW ${q(j.tempTable)} AS SELECT ${j.cols.map((c, i) => (rawTypes[i] === 'VARCHAR' && wires[i]!.name !== 'nvarchar' && wires[i]!.name !== 'varchar' && wires[i]!.name !== 'char' && wires[i]!.name !== 'nchar' ? `CAST(${q(c.name)} AS ${duckType(specOfWire(wires[i]!))}) AS ${q(c.name)}` : q(c.name))).join(', ')} FROM temp.main.${q(raw)}`,
            );
          created.unshift(`DROP VIEW IF EXISTS temp.main.${q(j.tempTable)}`);
          appender = await host.conn().createAppender(raw, 'main', 'temp');
          const duck = await import('@duckdb/node-api');
          columnTypes = rawTypes.map((t) => rawDuckDBType(duck, t));
          toDuck = rawTypes.map((t) => duckValueFunction(t, host.blobValue));
        }
        if (signal.aborted) throw new AbortedSignal();
        // Column batches: a data chunk of up to 2048 rows at a time (numeric columns are written
        // into the chunk's typed arrays and copied once), instead of one appender call per value.
        const rows = b.rows ?? [];
        const { DuckDBDataChunk } = await import('@duckdb/node-api');
        for (let from = 0; from < rows.length; from += APPEND_CHUNK_ROWS) {
          const n = Math.min(APPEND_CHUNK_ROWS, rows.length - from);
          const chunk = DuckDBDataChunk.create(columnTypes, n);
          for (let c = 0; c < columnTypes.length; c++) {
            const convert = toDuck[c]!;
            const values = new Array<DuckDBValue>(n);
            for (let i = 0; i < n; i++) values[i] = convert(rows[from + i]![c]!);
            chunk.setColumnValues(c, values);
          }
          appender.appendDataChunk(chunk);
        }
      }
      appender?.flushSync();
      appender?.closeSync();
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  return cleanup;
}

/** DuckDB types the appender writes directly; a PREDICT temp table stores every other column as text. */
const APPENDER_TYPES = new Set(['BOOLEAN', 'UTINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'BLOB']);

/** How a PREDICT temp table stores a column of this wire type. */
function rawDuckType(w: WireType): string {
  const t = duckType(w);
  return APPENDER_TYPES.has(t) ? t : 'VARCHAR';
}

/** Rows per data chunk appended to a PREDICT temp table (DuckDB's vector size). */
const APPEND_CHUNK_ROWS = 2048;

type DuckModule = typeof import('@duckdb/node-api');

/** The DuckDB type object of a raw temp-table column type. */
function rawDuckDBType(duck: DuckModule, raw: string): DuckDBType {
  switch (raw) {
    case 'BOOLEAN':
      return duck.BOOLEAN;
    case 'UTINYINT':
      return duck.UTINYINT;
    case 'SMALLINT':
      return duck.SMALLINT;
    case 'INTEGER':
      return duck.INTEGER;
    case 'BIGINT':
      return duck.BIGINT;
    case 'FLOAT':
      return duck.FLOAT;
    case 'DOUBLE':
      return duck.DOUBLE;
    case 'BLOB':
      return duck.BLOB;
    default:
      return duck.VARCHAR;
  }
}

/** Converts a PREDICT value to what a data chunk column of the raw type takes. */
function duckValueFunction(raw: string, blob: (bytes: Uint8Array) => DuckDBValue): (v: SqlValue) => DuckDBValue {
  const nul =
    (f: (v: never) => DuckDBValue) =>
    (v: SqlValue): DuckDBValue =>
      v === null ? null : f(v as never);
  switch (raw) {
    case 'BOOLEAN':
      return nul((v: boolean) => Boolean(v));
    case 'UTINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'FLOAT':
    case 'DOUBLE':
      return nul((v: number) => Number(v));
    case 'BIGINT':
      return nul((v: bigint | number) => (typeof v === 'bigint' ? v : BigInt(v)));
    case 'BLOB':
      return nul((v: Uint8Array) => blob(v));
    default:
      return nul((v: SqlValue) => (v instanceof Date ? v.toISOString().replace('T', ' ').replace('Z', '') : String(v)));
  }
}
