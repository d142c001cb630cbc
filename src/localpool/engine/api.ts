/**
 * The contract between the local pool's TDS server (`src/localpool/tds/`) and the T-SQL engine
 * that executes requests (`src/localpool/engine/`). The server owns the wire; the engine owns
 * SQL. Results stream: the server pulls events one at a time and writes them to the socket, so a
 * result set of any size passes through without being held in memory.
 */

/** T-SQL type names the local pool sends and receives on the wire. */
export type WireTypeName =
  | 'bit'
  | 'tinyint'
  | 'smallint'
  | 'int'
  | 'bigint'
  | 'real'
  | 'float'
  | 'decimal'
  | 'numeric'
  | 'char'
  | 'varchar'
  | 'nchar'
  | 'nvarchar'
  | 'binary'
  | 'varbinary'
  | 'date'
  | 'datetime'
  | 'datetime2'
  | 'uniqueidentifier';

/** A column's or parameter's declared type. `length` is in characters for (n)char/(n)varchar, bytes for (var)binary. */
export interface WireType {
  readonly name: WireTypeName;
  /** (n)varchar, (n)char, (var)binary: length, or 'max'. */
  readonly length?: number | 'max';
  /** decimal/numeric: precision (1-38). */
  readonly precision?: number;
  /** decimal/numeric: scale; datetime2: fractional-second digits (0-7). */
  readonly scale?: number;
}

/**
 * A value as it crosses the engine boundary.
 * - bit: boolean; tinyint/smallint/int/real/float: number; bigint: bigint
 * - decimal/numeric: string holding the exact decimal text (e.g. "-12.3400")
 * - (n)char/(n)varchar: string; (var)binary: Uint8Array
 * - date/datetime/datetime2: Date (UTC fields are the value; no time zone is implied)
 * - uniqueidentifier: string, canonical upper-case form
 */
export type SqlValue = null | boolean | number | bigint | string | Uint8Array | Date;

/**
 * A date/datetime2 value with sub-millisecond precision. `nanosecondDelta` (optional) is the part
 * of the second below the millisecond, in seconds (0 <= x < 0.001), the way tedious carries
 * datetime2(7) precision. The TDS server sets it on parameters it decodes and reads it on values
 * it encodes; an engine may ignore it (the value is then exact to the millisecond).
 */
export type PreciseDate = Date & { readonly nanosecondDelta?: number };

/**
 * A long binary or text parameter the server hands over while it is still arriving (PLP chunks),
 * so that a 200 MB varbinary(max) need not be buffered before the engine sees it.
 */
export interface StreamedValue {
  readonly kind: 'stream';
  /** Declared total length in bytes when the client sent one. */
  readonly length?: number;
  /** The bytes, in order. Iterate exactly once. For nvarchar(max) the bytes are UTF-16LE. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

export interface Parameter {
  /** With the leading '@'. */
  readonly name: string;
  readonly type: WireType;
  readonly value: SqlValue | StreamedValue;
  readonly output: boolean;
}

/** A column of a TDS bulk load as the client describes it (its COLMETADATA), in the order of the row values. */
export interface BulkColumn {
  readonly name: string;
  readonly type: WireType;
  readonly nullable: boolean;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: WireType;
  readonly nullable: boolean;
}

/** A message with SQL Server's fields. `line` is 1-based within the batch or procedure. */
export interface SqlMessage {
  readonly number: number;
  readonly state: number;
  /** Severity: 0-10 informational, 11-16 user errors, 17+ resource/system errors. */
  readonly class: number;
  readonly message: string;
  readonly line: number;
  readonly procName?: string;
}

/** What executing a request produces, in order. */
export type EngineEvent =
  /** A result set starts; rows events follow until the next 'done'. */
  | { readonly kind: 'columns'; readonly columns: readonly ResultColumn[] }
  /** Some rows of the current result set, each with one value per column. */
  | { readonly kind: 'rows'; readonly rows: readonly (readonly SqlValue[])[] }
  /**
   * Some rows of the current result set as columns (a DuckDB chunk), for the TDS server to encode
   * without building a value per cell. Valid only until the consumer asks for the next event.
   */
  | { readonly kind: 'block'; readonly block: RowBlock }
  /**
   * A statement finished. `rowCount` is set for statements that report one
   * (SELECT, INSERT, UPDATE, DELETE); `error` when the statement ended by an error.
   */
  | { readonly kind: 'done'; readonly rowCount?: number; readonly error?: boolean }
  /** PRINT and other informational messages (class ≤ 10). */
  | { readonly kind: 'info'; readonly message: SqlMessage }
  /** An error (class ≥ 11). The engine decides whether the batch goes on after it. */
  | { readonly kind: 'error'; readonly message: SqlMessage }
  /** A procedure's return status (EXEC / RPC). */
  | { readonly kind: 'returnStatus'; readonly value: number }
  /** An output parameter's value (RPC with OUTPUT parameters). */
  | { readonly kind: 'returnValue'; readonly name: string; readonly type: WireType; readonly value: SqlValue }
  /** The transaction state changed (BEGIN TRAN / COMMIT / ROLLBACK inside a batch). */
  | { readonly kind: 'transaction'; readonly state: 'begin' | 'commit' | 'rollback' }
  /** The current database changed (USE). */
  | { readonly kind: 'database'; readonly name: string };

/**
 * The memory layout of a fixed-width column of a RowBlock, little-endian: integers of 1 (unsigned),
 * 2, 4 or 8 bytes, floats of 4 or 8, a boolean byte, DuckDB's DECIMAL (a scaled two's-complement
 * integer of 2, 4, 8 or 16 bytes with the column's own precision and scale), DATE (4-byte days since
 * 1970-01-01) and TIMESTAMP (8-byte microseconds since 1970-01-01).
 */
export type RawLayout = 'u8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'bool' | 'dec16' | 'dec32' | 'dec64' | 'dec128' | 'date' | 'timestamp';

export type BlockColumn =
  /** Fixed-width items straight from the engine's memory; `validity` bit i (byte i >> 3, bit i & 7) set = not NULL, null = none NULL. */
  | { readonly kind: 'raw'; readonly layout: RawLayout; readonly bytes: Uint8Array; readonly validity: Uint8Array | null }
  /**
   * Text (UTF-8) or binary items in DuckDB's string_t form, 16 bytes each in `data`: a 4-byte
   * length, then the bytes inline when there are at most 12; `long(i)` returns a longer item's
   * bytes. No string or buffer object is built per short value. `validity` as for 'raw'.
   */
  | { readonly kind: 'strings'; readonly data: Uint8Array; readonly long: (i: number) => Uint8Array; readonly validity: Uint8Array | null }
  /** Values as they cross the engine boundary (text, binary, other types). */
  | { readonly kind: 'values'; readonly values: readonly SqlValue[] };

/** Rows of a result set, column by column. */
export interface RowBlock {
  readonly rowCount: number;
  readonly columns: readonly BlockColumn[];
  /** Column j as values (for consumers that want values rather than memory). */
  values(j: number): readonly SqlValue[];
}

export interface SessionInfo {
  readonly user: string;
  /**
   * The database the client named at login, or '' when it named none: the engine then opens its
   * default database. The TDS server reports `EngineSession.database` to the client either way.
   */
  readonly database: string;
  readonly spid: number;
  readonly appName?: string;
  readonly hostName?: string;
}

export interface EngineSession {
  /** The current database's name. */
  readonly database: string;
  /** True while a transaction is open. */
  readonly inTransaction: boolean;
  /**
   * A SQL batch, or sp_executesql's statement with its parameters.
   * Aborting `signal` (ATTENTION) stops the work; the iterator then ends.
   */
  execute(sql: string, params: readonly Parameter[], signal: AbortSignal): AsyncIterable<EngineEvent>;
  /** An RPC naming a stored procedure (other than sp_executesql, which arrives as `execute`). */
  callProcedure(name: string, params: readonly Parameter[], signal: AbortSignal): AsyncIterable<EngineEvent>;
  /** Transaction manager requests. */
  beginTransaction(name?: string): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  /**
   * The rows of a TDS bulk load (a BulkLoadBCP message) for the `INSERT BULK` statement this session
   * ran last. `columns` is the client's COLMETADATA; `rows` yields batches of rows, one value per
   * column. Resolves with the number of rows stored; on any failure (a value that does not fit its
   * column, a cancel through `signal`) the table is left as it was. An engine without it refuses bulk loads.
   */
  bulkLoad?(columns: readonly BulkColumn[], rows: AsyncIterable<readonly (readonly SqlValue[])[]>, signal: AbortSignal): Promise<number>;
  /** Called once when the connection closes; rolls back an open transaction. */
  close(): Promise<void>;
}

export interface Engine {
  /** Server-level facts tools ask for on connect. */
  readonly serverInfo: { readonly productVersion: string; readonly version: string; readonly engineEdition: number };
  openSession(info: SessionInfo): Promise<EngineSession>;
  /** Stops the engine and releases its storage. */
  close(): Promise<void>;
}

/** Thrown by an engine for an error it reports with SQL Server's fields. */
export class SqlError extends Error {
  constructor(
    readonly number: number,
    message: string,
    readonly line = 1,
    readonly severity = 16,
    readonly state = 1,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}
