/**
 * The session's core: its state (transaction, @@ROWCOUNT, options, catalog, #temp tables), the
 * statement list runner with SQL Server's error rules, and what every statement family uses
 * (translation context, expression evaluation, DuckDB parameters). The families build on it in a
 * chain of classes (queries, DML, DDL, procedures, control flow); session.ts dispatches statements.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { SqlError, type EngineEvent, type SessionInfo, type SqlMessage, type SqlValue } from '../api.js';
import type { Expr, Statement, TypeSpec } from '../ast.js';
import { loadCatalog, type CatalogSnapshot, type ObjectInfo } from '../catalog.js';
import { BulkInserts } from '../bulk-insert.js';
import { UNSUPPORTED_ERROR } from '../parse/base.js';
import { literalOf, translateScalar, TranslateContext } from '../translate.js';
import { duckType, typeSpecForDuck, wireTypeForDuck, wireTypeOf } from '../types.js';
import type { StreamingConnection } from '../predict/operator.js';
import type { ImportPolicy } from '../statements/import-paths.js';
import { mapDuckError } from './errors.js';
import { materializePredicts } from './materialize.js';
import { AbortedSignal, ReturnSignal, toValue, uncommittable, type Frame } from './support.js';

/** What a session needs from its engine. */
export interface EngineHost {
  readonly database: string;
  readonly serverInfo: { readonly productVersion: string; readonly version: string; readonly engineEdition: number };
  catalogVersion: number;
  nextId(): number;
  /** PREDICT batch size (rows per session.run). */
  readonly predictBatchSize?: number;
  blobValue(bytes: Uint8Array): DuckDBValue;
  /** Another connection to the same database (the session's read connection). */
  connect(): Promise<DuckDBConnection>;
  /** Where COPY INTO may read files (the import folder). */
  readonly imports?: ImportPolicy;
}

export abstract class SessionBase {
  protected trancount = 0;
  /** An error has aborted the open transaction (DuckDB's rule): it can only be rolled back. */
  protected doomed = false;
  protected rowcount = 0;
  protected nocount = false;
  protected fmtonly = false;
  protected catalog?: { version: number; snap: CatalogSnapshot };
  /** What the DDL statement under way changed, applied to this session's catalog when it succeeds (see ddl()). */
  protected catalogPatch?: (snap: CatalogSnapshot) => void;

  /** The pending catalog patch, cleared. */
  protected takeCatalogPatch(): ((snap: CatalogSnapshot) => void) | undefined {
    const patch = this.catalogPatch;
    this.catalogPatch = undefined;
    return patch;
  }
  /**
   * The session's #temp tables by lower-cased name (DuckDB temp tables of this connection, gone with
   * it), and a copy taken when a transaction starts, restored if it rolls back.
   */
  protected temps = new Map<string, ObjectInfo>();
  protected tempsAtBegin?: Map<string, ObjectInfo>;
  protected closed = false;

  /**
   * A connection outside the transaction, for reads while the transaction is doomed: SQL Server
   * still runs reads in an uncommittable transaction (a CATCH block's `IF @@TRANCOUNT > 0 ROLLBACK`,
   * `SELECT ERROR_MESSAGE()`), where DuckDB refuses every statement until ROLLBACK. Those reads see
   * committed data; writes fail with 3930 as in SQL Server.
   */
  protected readConn?: DuckDBConnection;

  /** INSERT BULK and the bulk load of its rows (bulk-insert.ts). */
  protected readonly bulk = new BulkInserts(
    {
      database: () => this.host.database,
      spid: () => this.info.spid,
      catalog: () => this.getCatalog(),
      connection: () => this.txConn,
      inTransaction: () => this.trancount > 0,
      doomed: () => this.doomed,
    },
    () => import('@duckdb/node-api'),
  );

  constructor(
    protected readonly host: EngineHost,
    protected readonly txConn: DuckDBConnection,
    protected readonly info: SessionInfo,
  ) {}

  /** The connection statements run on: the session's own, or the read connection while the transaction is doomed. */
  protected get conn(): DuckDBConnection {
    return this.doomed && this.readConn ? this.readConn : this.txConn;
  }

  get database(): string {
    return this.host.database;
  }
  get inTransaction(): boolean {
    return this.trancount > 0;
  }

  async beginTransaction(): Promise<void> {
    if (this.trancount === 0) {
      await this.txConn.run('BEGIN TRANSACTION');
      this.doomed = false;
      this.tempsAtBegin = new Map(this.temps);
    }
    this.trancount++;
  }
  /** `line`: the COMMIT statement's line in its batch (1 for a transaction manager request). */
  async commitTransaction(line = 1): Promise<void> {
    if (this.trancount === 0) throw new SqlError(3902, 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.', line);
    if (this.doomed) throw uncommittable(line);
    this.trancount--;
    if (this.trancount === 0) {
      await this.txConn.run('COMMIT');
      this.tempsAtBegin = undefined;
      this.host.catalogVersion++;
    }
  }
  async rollbackTransaction(line = 1): Promise<void> {
    if (this.trancount === 0) throw new SqlError(3903, 'The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.', line);
    this.trancount = 0;
    this.doomed = false;
    await this.txConn.run('ROLLBACK');
    // DuckDB rolls back the transaction's temp-table DDL too.
    if (this.tempsAtBegin) this.temps = this.tempsAtBegin;
    this.tempsAtBegin = undefined;
    this.host.catalogVersion++;
    this.catalog = undefined;
  }

  protected *errorEvents(e: unknown, line: number, procName: string | undefined): Generator<EngineEvent> {
    const err = this.toSqlError(e, line);
    const message: SqlMessage = {
      number: err.number,
      state: err.state,
      class: err.severity,
      message: err.message,
      line: err.line,
      procName: (e as { procName?: string }).procName ?? procName,
    };
    yield { kind: 'error', message };
    yield { kind: 'done', error: true };
  }

  protected toSqlError(e: unknown, line: number): SqlError {
    if (e instanceof SqlError) {
      if (e.line === 0) {
        const msg = e.number === UNSUPPORTED_ERROR ? e.message.replace('(line 0)', `(line ${line})`) : e.message;
        const out = new SqlError(e.number, msg, line, e.severity, e.state);
        return Object.assign(out, { procName: (e as { procName?: string }).procName });
      }
      return e;
    }
    return mapDuckError(e, line);
  }

  protected async *execList(stmts: readonly Statement[], frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    for (const st of stmts) {
      if (signal.aborted) throw new AbortedSignal();
      try {
        yield* this.exec(st, frame, signal);
      } catch (e) {
        if (e instanceof ReturnSignal || e instanceof AbortedSignal) throw e;
        if (signal.aborted) throw new AbortedSignal();
        const err = this.toSqlError(e, st.line);
        if (frame.procName && !(e as { procName?: string }).procName) Object.assign(err, { procName: frame.procName });
        if (this.trancount > 0 && !this.doomed && (await this.transactionAborted())) {
          this.readConn ??= await this.host.connect();
          this.doomed = true;
        }
        throw err;
      }
    }
  }

  /** Whether DuckDB has aborted the open transaction after an error (it then refuses every statement). */
  protected async transactionAborted(): Promise<boolean> {
    try {
      await this.txConn.run('SELECT 1');
      return false;
    } catch {
      return true;
    }
  }

  protected ctx(frame: Frame, mode: 'execute' | 'describe', catalog: CatalogSnapshot): TranslateContext {
    return new TranslateContext(
      catalog,
      frame.vars,
      {
        database: this.host.database,
        user: this.info.user,
        spid: this.info.spid,
        rowcount: this.rowcount,
        trancount: this.trancount,
        version: this.host.serverInfo.version,
        productVersion: this.host.serverInfo.productVersion,
        appName: this.info.appName,
        hostName: this.info.hostName,
        now: new Date(),
        xactState: this.trancount === 0 ? 0 : this.doomed ? -1 : 1,
        error: frame.caught && {
          number: frame.caught.number,
          severity: frame.caught.severity,
          state: frame.caught.state,
          line: frame.caught.line,
          message: frame.caught.message,
          procedure: (frame.caught as { procName?: string }).procName,
        },
      },
      mode,
      () => this.host.nextId(),
    );
  }

  /** The database's catalog, with this session's #temp tables under their own names. */
  protected async getCatalog(): Promise<CatalogSnapshot> {
    if (!this.catalog || this.catalog.version !== this.host.catalogVersion) {
      const version = this.host.catalogVersion;
      const snap = await loadCatalog(async (sql) => (await this.conn.runAndReadAll(sql)).getRows() as unknown[][]);
      this.catalog = { version, snap };
    }
    const snap = this.catalog.snap;
    return this.temps.size ? { ...snap, objects: new Map([...snap.objects, ...this.temps]) } : snap;
  }

  protected done(rowCount?: number): EngineEvent {
    return rowCount === undefined || this.nocount ? { kind: 'done' } : { kind: 'done', rowCount };
  }

  /** Runs one statement (session.ts dispatches it to its family). */
  protected abstract exec(st: Statement, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent>;

  /** Writes every PREDICT of a statement into a temp table (for queries DuckDB runs over it). */
  protected materialize(ctx: TranslateContext, signal: AbortSignal): Promise<() => Promise<void>> {
    const host = {
      conn: () => this.conn,
      batchSize: this.host.predictBatchSize,
      blobValue: this.host.blobValue,
      scalar: this.scalar.bind(this),
      streamConn: this.streamConn.bind(this),
    };
    return materializePredicts(host, ctx, signal);
  }

  protected streamConn(): StreamingConnection {
    const conn = this.conn;
    const toParams = (v: readonly unknown[] | undefined) => this.duckParams((v ?? []) as SqlValue[]);
    return {
      stream: async (sql: string, values?: never[]) => conn.stream(sql, toParams(values)),
      run: async (sql: string, values?: never[]) => conn.run(sql, toParams(values)),
    } as StreamingConnection;
  }

  protected duckParams(params: readonly SqlValue[]): DuckDBValue[] | undefined {
    if (!params.length) return undefined;
    return params.map((p) => (p instanceof Uint8Array ? this.host.blobValue(p) : (p as DuckDBValue)));
  }

  protected async describeTypes(sql: string, params: readonly SqlValue[]): Promise<string[]> {
    const r = await this.conn.runAndReadAll(`SELECT * FROM (${sql}) AS __d LIMIT 0`, this.duckParams(params));
    return r.columnTypes().map((t) => t.toString());
  }

  protected async scalar(sql: string, params: readonly SqlValue[]): Promise<SqlValue> {
    const r = await this.conn.runAndReadAll(sql, this.duckParams(params));
    const rows = r.getRows();
    if (rows.length > 1)
      throw new SqlError(
        512,
        'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.',
        0,
      );
    const type = r.columnTypes()[0]!.toString();
    return rows.length ? toValue(rows[0]![0], wireTypeForDuck(type), type) : null;
  }

  /** Evaluates a scalar expression (converted to `type` when given). */
  protected async evaluate(e: Expr, frame: Frame, type?: TypeSpec): Promise<{ value: SqlValue; type: TypeSpec }> {
    const cat = await this.getCatalog();
    const ctx = this.ctx(frame, 'execute', cat);
    const t = translateScalar(ctx, e);
    let sql = type ? `CAST(${t.sql} AS ${duckType(type)})` : t.sql;
    if (type && typeof type.length === 'number' && ['char', 'varchar', 'nchar', 'nvarchar'].includes(type.name)) sql = `left(${sql}, ${type.length})`;
    const cleanup = await this.materialize(ctx, new AbortController().signal);
    try {
      const r = await this.conn.runAndReadAll(`SELECT ${sql}`, this.duckParams(ctx.params));
      const duck = r.columnTypes()[0]!.toString();
      const rt = type ?? t.type ?? typeSpecForDuck(duck);
      const wire = type || (t.type && duckType(t.type) === duck) ? wireTypeOf(rt) : wireTypeForDuck(duck);
      return { value: toValue(r.getRows()[0]![0], wire, duck), type: rt };
    } finally {
      await cleanup();
    }
  }

  protected async condition(e: Expr, frame: Frame): Promise<boolean> {
    const cat = await this.getCatalog();
    const ctx = this.ctx(frame, 'execute', cat);
    const t = translateScalar(ctx, e);
    const cleanup = await this.materialize(ctx, new AbortController().signal);
    try {
      const r = await this.conn.runAndReadAll(`SELECT CASE WHEN ${t.sql} THEN 1 ELSE 0 END`, this.duckParams(ctx.params));
      return Number(r.getRows()[0]![0]) === 1;
    } finally {
      await cleanup();
    }
  }

  protected async convert(value: SqlValue, from: TypeSpec, to: TypeSpec): Promise<SqlValue> {
    if (value === null) return null;
    if (from.name === to.name && (from.length === to.length || to.length === 'max' || to.length === undefined)) return value;
    const cat = await this.getCatalog();
    const ctx = this.ctx({ vars: new Map() }, 'execute', cat);
    const lit = literalOf(ctx, value, from);
    const r = await this.conn.runAndReadAll(`SELECT CAST(${lit} AS ${duckType(to)})`, this.duckParams(ctx.params));
    return toValue(r.getRows()[0]![0], wireTypeOf(to), duckType(to));
  }

  protected assign(frame: Frame, name: string, value: SqlValue, line: number): void {
    const v = frame.vars.get(name.toLowerCase());
    if (!v) throw new SqlError(137, `Must declare the scalar variable "${name}".`, line);
    v.value = value;
  }
}
