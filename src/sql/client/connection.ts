/**
 * The product's SQL client: one connection to a Synapse dedicated SQL pool, an Azure SQL Managed
 * Instance or the local pool, over tedious 19.
 *
 * - `SqlConnection.open(config)` signs in with a SQL login or a Microsoft Entra access token (the
 *   host acquires the token; this module never sees refresh tokens or prompts).
 * - `query` collects result sets, `stream` hands rows over one at a time with backpressure,
 *   `runBatch` never throws for server errors (scripts show every message), `execute` does.
 * - Errors are translated into messages a user can act on; the password never appears in them.
 */
import { Connection, Request } from 'tedious';
import type { BatchOutcome, ExecuteResult, QueryResult, ResultColumn, RunOptions, SqlMessage, SqlParameter, SqlPort, SqlRow } from '../port.js';
import { messageOf } from '../../common/errors.js';
import { BatchCollector } from './batch.js';
import { describeConnection, endpointText, toTediousConfig, type SqlAuthentication, type SqlConnectionConfig } from './config.js';
import { translateConnectError, type ConnectTarget } from './connect-errors.js';
import { SqlCancelledError, SqlConnectionError, SqlRequestError } from './errors.js';
import { addParameters, prepareParameters } from './parameters.js';

// The client's whole surface, importable from this one module (the entry of its lazily loaded bundle,
// so each error class exists once).
export * from './config.js';
export * from './errors.js';
export * from './connect-errors.js';
export { tediousParameterType } from './parameters.js';
export { columnTypeText } from './metadata.js';
export type {
  BatchOutcome,
  ExecuteResult,
  ParameterSqlType,
  ParameterValue,
  QueryResult,
  ResultColumn,
  ResultSet,
  RunOptions,
  SqlCell,
  SqlMessage,
  SqlParameter,
  SqlPort,
  SqlRow,
} from '../port.js';

export interface OpenOptions {
  /** Receives a line per event (connect, request, error); never secrets. */
  readonly log?: (line: string) => void;
}

export class SqlConnection implements SqlPort {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private current: Request | undefined;
  private lost: SqlConnectionError | undefined;

  private constructor(
    private readonly conn: Connection,
    readonly config: Readonly<Omit<SqlConnectionConfig, 'authentication'>> & { readonly authKind: SqlAuthentication['kind'] },
    private readonly log: (line: string) => void,
  ) {
    conn.on('error', (err: Error) => {
      this.lost = new SqlConnectionError('closed', `The connection to ${endpointText(config)} was lost: ${err.message}`, undefined, { cause: err });
      this.log(this.lost.message);
    });
    conn.on('end', () => {
      this.closed = true;
    });
  }

  /** Connects and signs in. Throws SqlConnectionError with a message that says what to do. */
  static async open(config: SqlConnectionConfig, options: OpenOptions = {}): Promise<SqlConnection> {
    const log = options.log ?? (() => {});
    const tediousConfig = toTediousConfig(config);
    const target: ConnectTarget = {
      server: config.server,
      port: config.port,
      database: config.database,
      user: config.authentication.kind === 'sql-login' ? config.authentication.user : config.authentication.user,
      authKind: config.authentication.kind,
      connectTimeoutMs: config.connectTimeoutMs,
      encrypt: config.encrypt,
    };
    log(`Connecting to ${describeConnection(config)}`);
    const conn = new Connection(tediousConfig);
    let loginErrorNumber: number | undefined;
    const onLoginError = (token: { number: number }) => {
      loginErrorNumber = token.number;
    };
    conn.on('errorMessage', onLoginError);
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const onEarlyError = (err: Error) => reject(err);
      conn.once('error', onEarlyError);
      conn.connect((err) => {
        conn.removeListener('error', onEarlyError);
        if (err) reject(err);
        else resolve();
      });
    }).catch((err: unknown) => {
      conn.removeListener('errorMessage', onLoginError);
      try {
        conn.close();
      } catch {
        // already closed
      }
      const translated = translateConnectError(err, target, loginErrorNumber);
      log(`Connect failed: ${translated.message}`);
      throw translated;
    });
    conn.removeListener('errorMessage', onLoginError);
    log(`Connected to ${endpointText(config)} in ${Date.now() - started} ms`);
    const { authentication, ...rest } = config;
    return new SqlConnection(conn, { ...rest, authKind: authentication.kind }, log);
  }

  get isOpen(): boolean {
    return !this.closed && !this.lost;
  }

  /**
   * Runs one batch (no GO) and reports everything it produced. Server errors are returned in
   * `errors`; connection problems and cancellation by a rejected `onRow` throw.
   */
  runBatch(sql: string, options: RunOptions = {}): Promise<BatchOutcome> {
    return this.enqueue(() => this.runNow(sql, options));
  }

  /** Runs a statement and collects its result sets. Throws SqlRequestError when the server reports an error. */
  async query(sql: string, params?: readonly SqlParameter[]): Promise<QueryResult> {
    const out = await this.runBatch(sql, { params });
    if (out.cancelled) throw new SqlCancelledError();
    if (out.errors.length) throw new SqlRequestError(out.errors, out.messages);
    return { resultSets: out.resultSets, messages: out.messages, rowCounts: out.rowCounts };
  }

  /**
   * Streams rows to `onRow`, one at a time. When `onRow` returns a promise, reading from the
   * server pauses until it settles. Throws SqlRequestError when the server reports an error.
   */
  async stream(
    sql: string,
    params: readonly SqlParameter[] | undefined,
    onRow: (row: SqlRow, columns: readonly ResultColumn[]) => void | Promise<void>,
    onResultSet?: (columns: readonly ResultColumn[]) => void,
  ): Promise<{ rowCount: number; messages: SqlMessage[] }> {
    let rowCount = 0;
    const out = await this.runBatch(sql, {
      params,
      onResultSet,
      onRow: (row, cols) => {
        rowCount++;
        return onRow(row, cols);
      },
    });
    if (out.cancelled) throw new SqlCancelledError();
    if (out.errors.length) throw new SqlRequestError(out.errors, out.messages);
    return { rowCount, messages: out.messages };
  }

  /** Runs statements that change things. Returns row counts and PRINT messages; throws SqlRequestError on a server error. */
  async execute(sql: string, params?: readonly SqlParameter[]): Promise<ExecuteResult> {
    const out = await this.runBatch(sql, { params });
    if (out.cancelled) throw new SqlCancelledError();
    if (out.errors.length) throw new SqlRequestError(out.errors, out.messages);
    return { rowCounts: out.rowCounts, rowsAffected: out.affectedCounts.reduce((a, b) => a + b, 0), messages: out.messages };
  }

  /**
   * Runs `work` inside a transaction: commits when it resolves, rolls back when it throws (and
   * rethrows). `work` receives this connection.
   */
  async transaction<T>(work: (tx: SqlConnection) => Promise<T>): Promise<T> {
    await this.execute('BEGIN TRANSACTION');
    let result: T;
    try {
      result = await work(this);
    } catch (err) {
      try {
        // The server may have rolled back already (a batch-aborting error): 3903 is expected then.
        if (this.isOpen) await this.execute('ROLLBACK TRANSACTION');
      } catch (rollbackErr) {
        if (!(rollbackErr instanceof SqlRequestError && rollbackErr.number === 3903)) {
          this.log(`Rollback failed: ${messageOf(rollbackErr)}`);
        }
      }
      throw err;
    }
    await this.execute('COMMIT TRANSACTION');
    return result;
  }

  /**
   * Runs `work` with the tedious connection itself, queued after this connection's other requests:
   * for what has no method here (bulk load, src/load/bulk.ts).
   */
  withDriver<T>(work: (driver: Connection) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      if (this.lost) throw this.lost;
      if (this.closed) throw new SqlConnectionError('closed', `The connection to ${endpointText(this.config)} is closed.`);
      return work(this.conn);
    });
  }

  /** Cancels the running request, if any. The request ends with `cancelled: true` (or SqlCancelledError). */
  cancel(): void {
    if (this.current && !this.closed) {
      this.log('Cancelling the running request');
      this.conn.cancel();
    }
  }

  /** Closes the connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.conn.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      this.conn.close();
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runNow(sql: string, options: RunOptions): Promise<BatchOutcome> {
    if (this.lost) throw this.lost;
    if (this.closed) throw new SqlConnectionError('closed', `The connection to ${endpointText(this.config)} is closed.`);
    const params = await prepareParameters(options.params ?? []);
    const started = Date.now();
    const conn = this.conn;
    const batch = new BatchCollector(options, () => this.conn.cancel());
    conn.on('infoMessage', batch.onInfo);
    conn.on('errorMessage', batch.onError);

    let cancelled = false;
    try {
      await new Promise<void>((resolve, reject) => {
        const request = new Request(sql, (err) => {
          if (!err) return resolve();
          const code = (err as { code?: string }).code;
          if (code === 'ECANCEL') {
            cancelled = true;
            return resolve();
          }
          if (code === 'EREQUEST' || (err instanceof AggregateError && batch.errors.length)) {
            // The server's ERROR tokens are already in `errors`.
            if (!batch.errors.length) batch.errors.push({ kind: 'error', number: 0, state: 0, severity: 16, message: err.message, line: 0 });
            return resolve();
          }
          reject(this.requestFailure(err, code));
        });
        addParameters(request, params);
        batch.attach(request);
        this.current = request;
        if (params.length) conn.execSql(request);
        else conn.execSqlBatch(request);
      });
    } finally {
      this.current = undefined;
      conn.removeListener('infoMessage', batch.onInfo);
      conn.removeListener('errorMessage', batch.onError);
    }
    if (batch.rowFailure) throw batch.rowFailure;
    return batch.outcome(Date.now() - started, cancelled);
  }

  /** The error a request that failed without the server's ERROR tokens rejects with. */
  private requestFailure(err: Error, code: string | undefined): SqlConnectionError {
    if (code === 'ETIMEOUT') {
      return new SqlConnectionError(
        'timeout',
        `The request to ${endpointText(this.config)} timed out after ${this.config.requestTimeoutMs ?? 0} ms.`,
        undefined,
        { cause: err },
      );
    }
    return this.lost ?? new SqlConnectionError('closed', `The request to ${endpointText(this.config)} failed: ${err.message}`, undefined, { cause: err });
  }
}
