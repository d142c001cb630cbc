/**
 * What the core asks of a SQL connection, and the shapes of what comes back. The wizard, deploy, the
 * lifecycle, the catalog queries and the model table depend on this port, never on the tedious client
 * (`src/sql/client/`), which implements it; tests implement it with fakes.
 */
import type { Readable } from 'node:stream';
import type { SqlType } from './types.js';

/** A parameter's declared type (lower-case base name, as `parseSqlType` returns it). */
export type ParameterSqlType = Readonly<SqlType>;

export type SqlCell = null | boolean | number | string | bigint | Date | Buffer;

/** A value for a parameter. A Readable is read to its end before the request is sent (tedious 19 sends parameter values from memory). */
export type ParameterValue = SqlCell | Uint8Array | Readable;

export interface SqlParameter {
  /** Without or with the leading '@'. */
  readonly name: string;
  readonly type: ParameterSqlType;
  readonly value: ParameterValue;
}

/** A message from the server: PRINT/info (severity ≤ 10) or an error. `line` is 1-based within the batch. */
export interface SqlMessage {
  readonly kind: 'info' | 'error';
  readonly number: number;
  readonly state: number;
  readonly severity: number;
  readonly message: string;
  readonly line: number;
  readonly procName?: string;
}

export interface ResultColumn {
  readonly name: string;
  /** The column's SQL type as text: `int`, `nvarchar(30)`, `decimal(18,4)`, `varbinary(max)`. */
  readonly type: string;
  readonly nullable: boolean;
}

export type SqlRow = readonly SqlCell[];

export interface ResultSet {
  readonly columns: readonly ResultColumn[];
  readonly rows: SqlRow[];
  /** True when the set had more rows than `maxRows` and the rest were dropped. */
  truncated: boolean;
  /** Rows the server sent (including dropped ones). */
  rowCount: number;
}

/** What one batch did. Server errors are in `errors`, not thrown. */
export interface BatchOutcome {
  readonly resultSets: ResultSet[];
  readonly messages: SqlMessage[];
  readonly errors: SqlMessage[];
  /** One entry per statement that reported a row count (INSERT/UPDATE/DELETE/SELECT). */
  readonly rowCounts: number[];
  /** The counts of statements that returned no result set: rows inserted, updated or deleted. */
  readonly affectedCounts: number[];
  readonly elapsedMs: number;
  readonly cancelled: boolean;
}

export interface QueryResult {
  readonly resultSets: ResultSet[];
  readonly messages: SqlMessage[];
  readonly rowCounts: number[];
}

export interface ExecuteResult {
  readonly rowCounts: number[];
  /** Rows affected in total. */
  readonly rowsAffected: number;
  readonly messages: SqlMessage[];
}

export interface RunOptions {
  readonly params?: readonly SqlParameter[];
  /** Keep at most this many rows of each result set (the rest are counted, not kept). Default: all. */
  readonly maxRows?: number;
  /** Called when a result set starts. */
  readonly onResultSet?: (columns: readonly ResultColumn[]) => void;
  /**
   * Called for each row instead of keeping it. When it returns a promise, reading pauses until it
   * settles (backpressure); a rejection cancels the request and is rethrown.
   */
  readonly onRow?: (row: SqlRow, columns: readonly ResultColumn[]) => void | Promise<void>;
}

/**
 * The statements the core runs. `SqlConnection` (src/sql/client/connection.ts) implements it.
 * `query` and `execute` throw when the server reports an error; `transaction` commits when `work`
 * resolves and rolls back (and rethrows) when it throws; `cancel` stops the running request.
 */
export interface SqlPort {
  query(sql: string, params?: readonly SqlParameter[]): Promise<QueryResult>;
  execute(sql: string, params?: readonly SqlParameter[]): Promise<ExecuteResult>;
  transaction<T>(work: (tx: SqlPort) => Promise<T>): Promise<T>;
  cancel(): void;
}
