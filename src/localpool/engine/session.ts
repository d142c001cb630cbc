/**
 * One connection's T-SQL session: runs batches statement by statement (variables, control flow,
 * transactions, DDL through the catalog, queries through DuckDB, PREDICT through predict/), and
 * turns everything into EngineEvents. Errors carry SQL Server's number, text and line; an error
 * ends the batch (later GO batches still run).
 */
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { SqlError, type BulkColumn, type EngineEvent, type EngineSession, type Parameter, type ResultColumn, type SessionInfo, type SqlMessage, type SqlValue, type StreamedValue, type WireType } from './api.js';
import type { ColumnDef, Expr, NameRef, ProcParam, Query, Statement, TypeSpec } from './ast.js';
import { columnFacts, loadCatalog, type CatalogSnapshot, type ObjectInfo, type ObjectType } from './catalog.js';
import { BulkInserts, isInsertBulk } from './bulk-insert.js';
import { splitGoBatches } from './lexer.js';
import { parseBatch, UNSUPPORTED_ERROR, unsupported } from './parser.js';
import {
  duckTableName,
  literalOf,
  parseNameText,
  q,
  resolveObject,
  sqlString,
  translateDelete,
  translateInsert,
  translateMerge,
  translateQuery,
  translateScalar,
  translateUpdate,
  TranslateContext,
  type OutCol,
  type Translated,
  type Variable,
} from './translate.js';
import { checkType, duckType, formatType, toSqlValue, typeSpecForDuck, wireTypeForDuck, wireTypeOf } from './types.js';
import { readBlock, type ChunkLike } from './values.js';
import { modelBytes, runPredict, type PredictBatch, type StreamingConnection } from '../predict/operator.js';
import { executeCopyInto } from './statements/copy-into.js';
import type { ImportPolicy } from './statements/import-paths.js';

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

class ReturnSignal {
  constructor(readonly value: number) {}
}
class AbortedSignal {}

interface Frame {
  readonly vars: Map<string, Variable>;
  readonly procName?: string;
  /** Inside a TRY block: RAISERROR of severity 11 to 19 goes to its CATCH block. */
  readonly inTry?: boolean;
  /** Inside a CATCH block: the error it handles. */
  readonly caught?: SqlError;
}

/**
 * Errors SQL Server raises while compiling a statement (deferred name resolution): a TRY block does
 * not catch them at its own level, only when they come from a procedure or dynamic SQL it runs.
 */
const COMPILE_ERRORS = new Set([207, 208, 4104]);

/** SQL Server's error for COMMIT of a transaction an error has made uncommittable. */
function uncommittable(line: number): SqlError {
  return new SqlError(3930, 'The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction.', line);
}

/** Statements that write: refused in a transaction an error has made uncommittable. */
const WRITES = new Set<Statement['k']>(['insert', 'update', 'delete', 'merge', 'truncate', 'createSchema', 'createTable', 'createView', 'createProc', 'drop', 'copyInto']);

/** Marks an error raised by dynamic SQL (EXEC of a string), a level below the statement that ran it. */
const FROM_DYNAMIC_SQL = Symbol('fromDynamicSql');

export class LocalPoolSession implements EngineSession {
  private trancount = 0;
  /** An error has aborted the open transaction (DuckDB's rule): it can only be rolled back. */
  private doomed = false;
  private rowcount = 0;
  private nocount = false;
  private fmtonly = false;
  private catalog?: { version: number; snap: CatalogSnapshot };
  /**
   * The session's #temp tables by lower-cased name (DuckDB temp tables of this connection, gone with
   * it), and a copy taken when a transaction starts, restored if it rolls back.
   */
  private temps = new Map<string, ObjectInfo>();
  private tempsAtBegin?: Map<string, ObjectInfo>;
  private closed = false;

  /**
   * A connection outside the transaction, for reads while the transaction is doomed: SQL Server
   * still runs reads in an uncommittable transaction (a CATCH block's `IF @@TRANCOUNT > 0 ROLLBACK`,
   * `SELECT ERROR_MESSAGE()`), where DuckDB refuses every statement until ROLLBACK. Those reads see
   * committed data; writes fail with 3930 as in SQL Server.
   */
  private readConn?: DuckDBConnection;

  /** INSERT BULK and the bulk load of its rows (bulk-insert.ts). */
  private readonly bulk = new BulkInserts(
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
    private readonly host: EngineHost,
    private readonly txConn: DuckDBConnection,
    private readonly info: SessionInfo,
  ) {}

  /** The connection statements run on: the session's own, or the read connection while the transaction is doomed. */
  private get conn(): DuckDBConnection {
    return this.doomed && this.readConn ? this.readConn : this.txConn;
  }

  get database(): string {
    return this.host.database;
  }
  get inTransaction(): boolean {
    return this.trancount > 0;
  }

  // ---- EngineSession ----

  execute(sql: string, params: readonly Parameter[], signal: AbortSignal): AsyncIterable<EngineEvent> {
    if (isInsertBulk(sql)) return this.bulk.prepare(sql);
    this.bulk.clear();
    return this.runRequest(sql, params, signal);
  }

  callProcedure(name: string, params: readonly Parameter[], signal: AbortSignal): AsyncIterable<EngineEvent> {
    this.bulk.clear();
    return this.runRpc(name, params, signal);
  }

  bulkLoad(columns: readonly BulkColumn[], rows: AsyncIterable<readonly (readonly SqlValue[])[]>, signal: AbortSignal): Promise<number> {
    return this.bulk.load(columns, rows, signal);
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
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.trancount > 0) {
      this.trancount = 0;
      this.doomed = false;
      await this.txConn.run('ROLLBACK').catch(() => undefined);
    }
    this.readConn?.closeSync();
    this.txConn.closeSync();
  }

  // ---- requests ----

  private async *runRequest(sql: string, params: readonly Parameter[], signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const onAbort = () => this.conn.interrupt();
    signal.addEventListener('abort', onAbort);
    try {
      const vars = new Map<string, Variable>();
      for (const p of params) vars.set(p.name.toLowerCase(), { name: p.name, type: specOfWire(p.type), value: await collect(p.value, p.type) });
      let batches: ReturnType<typeof splitGoBatches>;
      try {
        batches = splitGoBatches(sql);
      } catch (e) {
        yield* this.errorEvents(e, 1, undefined);
        return;
      }
      for (const batch of batches) {
        if (signal.aborted) return;
        const frame: Frame = { vars: new Map(vars) };
        let stmts: Statement[];
        try {
          stmts = parseBatch(batch.text);
        } catch (e) {
          yield* this.errorEvents(e, 1, undefined);
          continue;
        }
        try {
          yield* this.execList(stmts, frame, signal);
        } catch (e) {
          if (e instanceof AbortedSignal || signal.aborted) return;
          if (e instanceof ReturnSignal) continue;
          yield* this.errorEvents(e, 1, undefined);
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async *runRpc(name: string, params: readonly Parameter[], signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const onAbort = () => this.conn.interrupt();
    signal.addEventListener('abort', onAbort);
    try {
      const ref: NameRef = { parts: splitName(name), line: 1, text: name };
      const args: { name?: string; value: SqlValue; type: TypeSpec; output: boolean }[] = [];
      for (const p of params) args.push({ name: p.name, value: await collect(p.value, p.type), type: specOfWire(p.type), output: p.output });
      const outputs: Record<string, SqlValue> = {};
      try {
        yield* this.callProc(ref, args, signal, outputs);
      } catch (e) {
        if (e instanceof AbortedSignal || signal.aborted) return;
        yield* this.errorEvents(e, 1, undefined);
        return;
      }
      for (const p of params) {
        if (p.output && p.name in outputs) yield { kind: 'returnValue', name: p.name, type: p.type, value: outputs[p.name] ?? null };
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private *errorEvents(e: unknown, line: number, procName: string | undefined): Generator<EngineEvent> {
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

  private toSqlError(e: unknown, line: number): SqlError {
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

  // ---- statements ----

  private async *execList(stmts: readonly Statement[], frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
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
  private async transactionAborted(): Promise<boolean> {
    try {
      await this.txConn.run('SELECT 1');
      return false;
    } catch {
      return true;
    }
  }

  private ctx(frame: Frame, mode: 'execute' | 'describe', catalog: CatalogSnapshot): TranslateContext {
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
  private async getCatalog(): Promise<CatalogSnapshot> {
    if (!this.catalog || this.catalog.version !== this.host.catalogVersion) {
      const version = this.host.catalogVersion;
      const snap = await loadCatalog(async (sql) => (await this.conn.runAndReadAll(sql)).getRows() as unknown[][]);
      this.catalog = { version, snap };
    }
    const snap = this.catalog.snap;
    return this.temps.size ? { ...snap, objects: new Map([...snap.objects, ...this.temps]) } : snap;
  }

  private done(rowCount?: number): EngineEvent {
    return rowCount === undefined || this.nocount ? { kind: 'done' } : { kind: 'done', rowCount };
  }

  private async *exec(st: Statement, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    if (this.doomed && WRITES.has(st.k)) throw uncommittable(st.line);
    switch (st.k) {
      case 'empty':
        return;
      case 'query':
        yield* this.query(st.query, frame, signal);
        return;
      case 'insert':
      case 'update':
      case 'delete':
      case 'merge': {
        const cat = await this.getCatalog();
        const ctx = this.ctx(frame, 'execute', cat);
        const t: { sql: string; manyMatches?: string } =
          st.k === 'insert' ? translateInsert(ctx, st) : st.k === 'update' ? translateUpdate(ctx, st) : st.k === 'merge' ? translateMerge(ctx, st) : translateDelete(ctx, st);
        const cleanup = await this.materialize(ctx, signal);
        try {
          if (t.manyMatches && (await this.conn.runAndReadAll(t.manyMatches, this.duckParams(ctx.params))).currentRowCount > 0) {
            throw new SqlError(
              8672,
              'The MERGE statement attempted to UPDATE or DELETE the same row more than once. This happens when a target row matches more than one source row. A MERGE statement cannot UPDATE/DELETE the same row of the target table multiple times. Refine the ON clause to ensure a target row matches at most one source row, or use the GROUP BY clause to group the source rows.',
              st.line,
            );
          }
          const r = await this.conn.run(t.sql, this.duckParams(ctx.params));
          this.rowcount = Number(r.rowsChanged);
        } finally {
          await cleanup();
        }
        yield this.done(this.rowcount);
        return;
      }
      case 'copyInto':
        yield* this.copyInto(st, frame, signal);
        return;
      case 'truncate': {
        const cat = await this.getCatalog();
        const r = resolveObject(this.ctx(frame, 'execute', cat), st.table);
        if (!r || r.kind !== 'object' || r.object.type !== 'U') throw new SqlError(4701, `Cannot find the object "${st.table.text}" because it does not exist or you do not have permissions.`, st.line);
        await this.conn.run(`DELETE FROM ${duckTableName(r.object)}`);
        yield this.done();
        return;
      }
      case 'createSchema':
        yield* this.ddl(async () => {
          const cat = await this.getCatalog();
          if (cat.schemas.has(st.name.toLowerCase())) throw new SqlError(2714, `There is already an object named '${st.name}' in the database.`, st.line);
          const id = Math.max(4, ...[...cat.schemas.values()].map((s) => s.id)) + 1;
          await this.conn.run(`CREATE SCHEMA ${q(st.name)}`);
          await this.conn.run(`INSERT INTO __lp.schemas VALUES (${id}, ${sqlString(st.name)})`);
        });
        return;
      case 'createTable':
        yield* this.ddl(() => this.createTable(st, frame, signal), st.asQuery ? () => this.rowcount : undefined);
        return;
      case 'createView':
        yield* this.ddl(() => this.createView(st, frame));
        return;
      case 'createProc':
        yield* this.ddl(() => this.createProc(st));
        return;
      case 'drop':
        yield* this.ddl(() => this.drop(st));
        return;
      case 'exec': {
        if (st.proc.parts[st.proc.parts.length - 1]!.toLowerCase() === 'sp_executesql') {
          yield* this.spExecuteSql(st, frame, signal);
          return;
        }
        const args: { name?: string; value: SqlValue; type: TypeSpec; output: boolean; expr: Expr }[] = [];
        for (const a of st.args) {
          const isDefault = a.expr.k === 'lit' && a.expr.type === 'null' && a.expr.value === 'DEFAULT';
          const v = isDefault ? { value: DEFAULT_MARK as unknown as SqlValue, type: { name: 'int' } } : await this.evaluate(a.expr, frame);
          args.push({ name: a.name, value: v.value, type: v.type, output: a.output, expr: a.expr });
        }
        const outputs: Record<string, SqlValue> = {};
        let status = 0;
        for await (const ev of this.callProc(st.proc, args, signal, outputs, frame)) {
          if (ev.kind === 'returnStatus') status = ev.value;
          yield ev;
        }
        if (st.returnVar) this.assign(frame, st.returnVar, status, st.line);
        for (const a of args) {
          if (a.output && a.expr.k === 'var' && a.name && a.name in outputs) this.assign(frame, a.expr.name, outputs[a.name]!, st.line);
        }
        return;
      }
      case 'execSql': {
        const v = await this.evaluate(st.sql, frame);
        try {
          const stmts = parseBatch(String(v.value ?? ''));
          // Dynamic SQL runs inside the caller's TRY or CATCH block.
          yield* this.execList(stmts, { vars: new Map(), inTry: frame.inTry, caught: frame.caught }, signal);
        } catch (e) {
          if (e instanceof SqlError) Object.assign(e, { [FROM_DYNAMIC_SQL]: true });
          throw e;
        }
        return;
      }
      case 'declare':
        for (const d of st.vars) {
          checkType(d.type, st.line);
          const key = d.name.toLowerCase();
          if (frame.vars.has(key)) {
            throw new SqlError(134, `The variable name '${d.name}' has already been declared. Variable names must be unique within a query batch or stored procedure.`, st.line);
          }
          const type = withVarLength(d.type);
          const value = d.init ? (await this.evaluate(d.init, frame, type)).value : null;
          frame.vars.set(key, { name: d.name, type, value });
        }
        return;
      case 'setVar': {
        const v = frame.vars.get(st.name.toLowerCase());
        if (!v) throw new SqlError(137, `Must declare the scalar variable "${st.name}".`, st.line);
        const e: Expr = st.op === '=' ? st.expr : { k: 'bin', op: st.op[0]!, left: { k: 'var', name: st.name, line: st.line }, right: st.expr };
        v.value = (await this.evaluate(e, frame, v.type)).value;
        return;
      }
      case 'setOption': {
        const opt = st.option.toUpperCase();
        if (opt === 'NOCOUNT') this.nocount = st.on ?? false;
        else if (opt === 'FMTONLY') this.fmtonly = st.on ?? false;
        else if (opt === 'XACT_ABORT' || opt.startsWith('IDENTITY_INSERT')) {
          /* accepted */
        } else if (opt === 'PARSEONLY' || opt === 'NOEXEC' || opt === 'SHOWPLAN_ALL' || opt === 'SHOWPLAN_XML' || opt === 'STATISTICS XML') {
          if (st.on) throw unsupported(`SET ${opt}`, st.line);
        }
        return;
      }
      case 'if': {
        const cond = await this.condition(st.cond, frame);
        if (cond) yield* this.execList([st.then], frame, signal);
        else if (st.else) yield* this.execList([st.else], frame, signal);
        return;
      }
      case 'while': {
        let guard = 0;
        while (await this.condition(st.cond, frame)) {
          if (signal.aborted) throw new AbortedSignal();
          if (++guard > 1_000_000) throw unsupported('WHILE loops of more than 1,000,000 iterations', st.line);
          yield* this.execList([st.body], frame, signal);
        }
        return;
      }
      case 'block':
        yield* this.execList(st.body, frame, signal);
        return;
      case 'try': {
        let caught: SqlError;
        try {
          yield* this.execList(st.body, { ...frame, inTry: true }, signal);
          return;
        } catch (e) {
          if (e instanceof ReturnSignal || e instanceof AbortedSignal || signal.aborted) throw e;
          caught = this.toSqlError(e, st.line);
          const fromBelow = (caught as { procName?: string }).procName !== frame.procName || (caught as { [FROM_DYNAMIC_SQL]?: boolean })[FROM_DYNAMIC_SQL] === true;
          if (COMPILE_ERRORS.has(caught.number) && !fromBelow) throw caught;
        }
        yield* this.execList(st.handler, { vars: frame.vars, procName: frame.procName, inTry: frame.inTry, caught }, signal);
        return;
      }
      case 'statistics': {
        const cat = await this.getCatalog();
        const ctx = this.ctx(frame, 'execute', cat);
        for (const table of st.tables) {
          const r = resolveObject(ctx, table);
          if (!r || r.kind !== 'object' || r.object.type !== 'U') {
            throw new SqlError(1088, `Cannot find the object "${table.text}" because it does not exist or you do not have permissions.`, st.line);
          }
          for (const c of st.columns ?? []) {
            if (!r.object.columns.some((x) => x.name.toLowerCase() === c.toLowerCase())) {
              throw new SqlError(1911, `Column name '${c}' does not exist in the target table or view.`, st.line);
            }
          }
        }
        yield this.done();
        return;
      }
      case 'rename':
        yield* this.ddl(() => this.renameTable(st.table, st.newName, st.line, 'rename'));
        return;
      case 'rethrow': {
        if (!frame.caught) {
          throw new SqlError(10704, 'To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement.', st.line, 15);
        }
        const c = frame.caught;
        throw Object.assign(new SqlError(c.number, c.message, c.line, c.severity, c.state), { procName: (c as { procName?: string }).procName });
      }
      case 'print': {
        const v = await this.evaluate(st.expr, frame, { name: 'nvarchar', length: 4000 });
        yield { kind: 'info', message: { number: 0, state: 1, class: 0, message: v.value === null ? '' : String(v.value), line: st.line, procName: frame.procName } };
        return;
      }
      case 'tran':
        if (st.action === 'begin') {
          await this.beginTransaction();
          yield { kind: 'transaction', state: 'begin' };
        } else if (st.action === 'commit') {
          await this.commitTransaction(st.line);
          if (this.trancount === 0) yield { kind: 'transaction', state: 'commit' };
        } else {
          await this.rollbackTransaction(st.line);
          yield { kind: 'transaction', state: 'rollback' };
        }
        return;
      case 'use':
        if (st.database.toLowerCase() !== this.host.database.toLowerCase() && st.database.toLowerCase() !== 'master') {
          throw new SqlError(911, `Database '${st.database}' does not exist. Make sure that the name is entered correctly.`, st.line, 16);
        }
        yield { kind: 'database', name: this.host.database };
        return;
      case 'return': {
        const v = st.expr ? await this.evaluate(st.expr, frame, { name: 'int' }) : { value: 0 };
        throw new ReturnSignal(Number(v.value ?? 0));
      }
      case 'raiserror': {
        const msg = await this.evaluate(st.message, frame, { name: 'nvarchar', length: 2047 });
        const sev = Number((await this.evaluate(st.severity, frame, { name: 'int' })).value ?? 16);
        const state = Number((await this.evaluate(st.state, frame, { name: 'int' })).value ?? 1);
        const message: SqlMessage = { number: 50000, state, class: sev, message: String(msg.value ?? ''), line: st.line, procName: frame.procName };
        // In a TRY block an error of severity 11 to 19 goes to the CATCH block instead of the client.
        if (frame.inTry && sev >= 11 && sev <= 19) throw new SqlError(50000, message.message, st.line, sev, state);
        if (sev <= 10) yield { kind: 'info', message };
        else yield { kind: 'error', message };
        return;
      }
      case 'throw': {
        const num = Number((await this.evaluate(st.number, frame, { name: 'int' })).value);
        const msg = String((await this.evaluate(st.message, frame, { name: 'nvarchar', length: 2048 })).value ?? '');
        const state = Number((await this.evaluate(st.state, frame, { name: 'int' })).value ?? 1);
        throw new SqlError(num, msg, st.line, 16, state);
      }
    }
  }

  /** COPY INTO (statements/copy-into.ts): loads files from the import folder into a table. */
  private async *copyInto(st: Extract<Statement, { k: 'copyInto' }>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const r = resolveObject(this.ctx(frame, 'execute', cat), st.copy.table);
    const result = await executeCopyInto(st.copy, st.line, {
      conn: this.conn,
      policy: this.host.imports ?? { allowUrls: false },
      resolveTable: () => (r?.kind === 'object' ? r.object : undefined),
      identityColumns: async (t) => {
        if (t.duckName) return new Set();
        const rows = await this.conn.runAndReadAll(`SELECT lower(name) FROM __lp.columns WHERE object_id = ${t.id} AND is_identity`);
        return new Set(rows.getRows().map((row) => String(row[0])));
      },
      duckName: (t) => duckTableName(t),
      inTransaction: this.trancount > 0,
      signal,
      queryId: `QID${this.info.spid}_${Date.now()}`,
    });
    for (const message of result.messages) yield { kind: 'info', message: { number: 0, state: 1, class: 0, message, line: st.line } };
    this.rowcount = result.rows;
    yield this.done(result.rows);
  }

  /** DDL: runs in a DuckDB transaction of its own unless one is open; then the catalog is reloaded. */
  private async *ddl(work: () => Promise<void>, rowCount?: () => number): AsyncGenerator<EngineEvent> {
    const own = this.trancount === 0;
    const temps = new Map(this.temps);
    if (own) await this.conn.run('BEGIN TRANSACTION');
    try {
      await work();
      if (own) await this.conn.run('COMMIT');
    } catch (e) {
      if (own) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        // The rollback undid any #temp table the statement made or dropped.
        this.temps = temps;
      }
      throw e;
    } finally {
      this.host.catalogVersion++;
      this.catalog = undefined;
    }
    yield rowCount ? this.done(rowCount()) : { kind: 'done' };
  }

  private async checkNewObject(ref: NameRef, kind: string): Promise<{ schema: string; name: string; schemaId: number; existing?: ObjectInfo }> {
    const cat = await this.getCatalog();
    const parts = ref.parts;
    if (parts.length > 3 || (parts.length === 3 && parts[0]!.toLowerCase() !== this.host.database.toLowerCase())) {
      throw new SqlError(2760, `The specified schema name "${parts.slice(0, -1).join('.')}" either does not exist or you do not have permission to use it.`, ref.line);
    }
    const name = parts[parts.length - 1]!;
    if (name.startsWith('#')) throw unsupported(`temporary ${kind}s (#name)`, ref.line);
    const schemaName = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2]! : 'dbo';
    const schema = cat.schemas.get(schemaName.toLowerCase());
    if (!schema || schema.id === 3 || schema.id === 4) {
      throw new SqlError(2760, `The specified schema name "${schemaName}" either does not exist or you do not have permission to use it.`, ref.line);
    }
    if (name.length > 128) throw new SqlError(103, `The identifier that starts with '${name.slice(0, 128)}' is too long. Maximum length is 128.`, ref.line);
    return { schema: schema.name, name, schemaId: schema.id, existing: cat.objects.get(`${schema.name}.${name}`.toLowerCase()) };
  }

  private async insertObject(id: number, schemaId: number, name: string, type: ObjectType, definition: string | null, options: string | null): Promise<void> {
    await this.conn.run(
      `INSERT INTO __lp.objects VALUES (${id}, ${schemaId}, ${sqlString(name)}, '${type}', ${definition === null ? 'NULL' : sqlString(definition)}, ${options === null ? 'NULL' : sqlString(options)}, now()::TIMESTAMP, now()::TIMESTAMP)`,
    );
  }

  private async insertColumns(id: number, cols: readonly { name: string; type: TypeSpec; nullable: boolean; identity?: boolean }[]): Promise<void> {
    if (!cols.length) return;
    const rows = cols.map((c, i) => {
      const f = columnFacts(c.type);
      return `(${id}, ${i + 1}, ${sqlString(c.name)}, ${sqlString(formatType(c.type))}, ${sqlString(c.type.name)}, ${f.charLength ?? 'NULL'}, ${f.maxLength}, ${f.precision}, ${f.scale}, ${c.nullable}, ${!!c.identity})`;
    });
    await this.conn.run(`INSERT INTO __lp.columns VALUES ${rows.join(', ')}`);
  }

  private async createTable(st: Extract<Statement, { k: 'createTable' }>, frame: Frame, signal: AbortSignal): Promise<void> {
    const temp = st.name.parts[st.name.parts.length - 1]!.startsWith('#');
    const o = temp ? this.checkNewTempTable(st.name) : await this.checkNewObject(st.name, 'table');
    if (o.existing) throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    const id = this.host.nextId();
    // A #temp table is a DuckDB temp table of this session's connection; the session keeps its
    // declared types itself (it is not in the database's catalog, as SQL Server keeps it in tempdb).
    const target = temp ? `temp.main.${q(o.name)}` : duckTableName(o);
    const create = temp ? 'CREATE TEMP TABLE' : 'CREATE TABLE';
    const record = async (columns: { name: string; type: TypeSpec; nullable: boolean; identity?: boolean }[]): Promise<void> => {
      if (temp) {
        this.temps.set(o.name.toLowerCase(), { id, schema: 'dbo', name: o.name, type: 'U', columns, duckName: target });
        return;
      }
      await this.insertObject(id, o.schemaId, o.name, 'U', null, st.options || null);
      await this.insertColumns(id, columns);
    };
    if (st.asQuery) {
      const cat = await this.getCatalog();
      const ctx = this.ctx(frame, 'execute', cat);
      const t = translateQuery(ctx, st.asQuery);
      checkColumnNames(t.cols, o.name, st.line);
      const cleanup = await this.materialize(ctx, signal);
      try {
        await this.conn.run(`${create} ${target} AS SELECT * FROM (${t.sql}) AS __q(${t.cols.map((c) => q(c.name)).join(', ')})`, this.duckParams(ctx.params));
      } finally {
        await cleanup();
      }
      const types = await this.describeTypes(`SELECT * FROM ${target}`, []);
      await record(t.cols.map((c, i) => ({ name: c.name, type: c.type ?? typeSpecForDuck(types[i]!), nullable: true })));
      // CTAS and SELECT ... INTO report the rows they wrote.
      this.rowcount = Number((await this.conn.runAndReadAll(`SELECT count(*) FROM ${target}`)).getRows()[0]![0]);
      return;
    }
    const seen = new Set<string>();
    const defs: string[] = [];
    for (const [ordinal, c] of st.columns.entries()) {
      checkType(c.type, st.line, c.name);
      const key = c.name.toLowerCase();
      if (seen.has(key)) throw new SqlError(2705, `Column names in each table must be unique. Column name '${c.name}' in table '${st.name.text}' is specified more than once.`, st.line);
      seen.add(key);
      defs.push(await this.columnSql(c, id, ordinal + 1, frame, temp));
    }
    await this.conn.run(`${create} ${target} (${defs.join(', ')})`);
    await record(
      st.columns.map((c) => ({ name: c.name, type: c.type.length === undefined ? withDdlLength(c.type) : c.type, nullable: !c.notNull && !c.identity, identity: !!c.identity })),
    );
  }

  /** `sp_rename @objname, @newname [, @objtype]` for tables, with SQL Server's caution message. */
  private async *spRename(args: readonly { name?: string; value: SqlValue }[], line: number): AsyncGenerator<EngineEvent> {
    const arg = (name: string, position: number): SqlValue | undefined => {
      const named = args.find((a) => a.name?.toLowerCase() === name);
      return named ? named.value : args[position] && !args[position]!.name ? args[position]!.value : undefined;
    };
    const objname = arg('@objname', 0);
    const newname = arg('@newname', 1);
    const objtype = arg('@objtype', 2);
    if (objname === undefined || objname === null || newname === undefined || newname === null) {
      throw new SqlError(201, `Procedure or function 'sp_rename' expects parameter '${objname == null ? '@objname' : '@newname'}', which was not supplied.`, line, 16, 4);
    }
    if (objtype !== undefined && objtype !== null && String(objtype).toUpperCase() !== 'OBJECT') {
      throw unsupported(`sp_rename of a ${String(objtype).toUpperCase()} (tables only)`, line);
    }
    const text = String(objname);
    let parts: string[];
    try {
      parts = parseNameText(text);
    } catch {
      throw new SqlError(15253, `Syntax error parsing SQL identifier '${text}'.`, line, 11);
    }
    yield* this.ddl(() => this.renameTable({ parts, line, text }, String(newname), line, 'sp_rename'));
    yield { kind: 'info', message: { number: 15477, state: 1, class: 10, message: 'Caution: Changing any part of an object name could break scripts and stored procedures.', line } };
    yield { kind: 'returnStatus', value: 0 };
  }

  /**
   * RENAME OBJECT (Synapse) and sp_rename (SQL Server) of a user table: DuckDB renames the table and
   * the catalog its row. Views and procedures that name the old table break, as in SQL Server.
   */
  private async renameTable(ref: NameRef, newName: string, line: number, how: 'rename' | 'sp_rename'): Promise<void> {
    const cat = await this.getCatalog();
    const r = resolveObject(this.ctx({ vars: new Map() }, 'execute', cat), ref);
    if (!r || r.kind !== 'object') {
      if (how === 'sp_rename') {
        throw new SqlError(15225, `No item by the name of '${ref.text}' could be found in the current database '${this.host.database}', given that @itemtype was input as '(null)'.`, line, 11);
      }
      throw new SqlError(208, `Invalid object name '${ref.text}'.`, line);
    }
    const o = r.object;
    if (o.duckName) throw unsupported('renaming a #temp table', line);
    if (o.type !== 'U') throw unsupported(`renaming a ${o.type === 'V' ? 'view' : 'procedure'} (only tables can be renamed)`, line);
    if (!newName || newName.startsWith('#')) throw new SqlError(15070, `The new name '${newName}' is not a valid name for a table.`, line, 11);
    if (newName.length > 128) throw new SqlError(103, `The identifier that starts with '${newName.slice(0, 128)}' is too long. Maximum length is 128.`, line, 15);
    if (cat.objects.has(`${o.schema}.${newName}`.toLowerCase()) && newName.toLowerCase() !== o.name.toLowerCase()) {
      throw new SqlError(2714, `There is already an object named '${newName}' in the database.`, line);
    }
    await this.conn.run(`ALTER TABLE ${duckTableName(o)} RENAME TO ${q(newName)}`);
    await this.conn.run(`UPDATE __lp.objects SET name = ${sqlString(newName)}, modify_date = now()::TIMESTAMP WHERE object_id = ${o.id}`);
  }

  /** Checks a new #temp table's name (local temporary tables only, as in Synapse). */
  private checkNewTempTable(ref: NameRef): { schema: string; name: string; schemaId: number; existing?: ObjectInfo } {
    const name = ref.parts[ref.parts.length - 1]!;
    if (name.startsWith('##')) throw unsupported('global temporary tables (##name)', ref.line);
    if (name.length > 116) throw new SqlError(193, `The object or column name starting with '${name.slice(0, 116)}' is too long. The maximum length is 116 characters.`, ref.line, 15);
    return { schema: 'dbo', name, schemaId: 1, existing: this.temps.get(name.toLowerCase()) };
  }

  private async columnSql(c: ColumnDef, tableId: number, ordinal: number, frame: Frame, temp = false): Promise<string> {
    const t = withDdlLength(c.type);
    let sql = `${q(c.name)} ${duckType(t)}`;
    if (c.identity) {
      // Named by the column's position: DuckDB's nextval('...') cannot name a sequence whose name holds a double quote.
      // A #temp table's sequence is temporary too.
      const seq = temp ? `temp.main.seq_${tableId}_${ordinal}` : `__lp.seq_${tableId}_${ordinal}`;
      await this.conn.run(`CREATE ${temp ? 'TEMP ' : ''}SEQUENCE ${seq} START ${c.identity.seed} INCREMENT ${c.identity.increment}`);
      sql += ` DEFAULT nextval('${seq}')`;
    } else if (c.default) {
      const v = await this.evaluate(c.default, frame, t);
      sql += ` DEFAULT ${literalOf(this.ctx(frame, 'execute', await this.getCatalog()), v.value, t)}`;
    }
    if (c.notNull || c.identity) sql += ' NOT NULL';
    if (typeof t.length === 'number' && ['char', 'varchar', 'nchar', 'nvarchar'].includes(t.name)) {
      sql += ` CHECK (length(${q(c.name)}) <= ${t.length})`;
    }
    return sql;
  }

  private async createView(st: Extract<Statement, { k: 'createView' }>, frame: Frame): Promise<void> {
    const o = await this.checkNewObject(st.name, 'view');
    if (st.mode === 'create' && o.existing) throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    if (st.mode === 'alter' && (!o.existing || o.existing.type !== 'V')) throw new SqlError(208, `Invalid object name '${st.name.text}'.`, st.line);
    if (o.existing && o.existing.type !== 'V') throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    const cat = await this.getCatalog();
    const ctx = this.ctx({ vars: new Map() }, 'describe', cat);
    let t: Translated;
    try {
      t = translateQuery(ctx, st.query);
    } catch (e) {
      if (e instanceof SqlError && e.number === 137) throw new SqlError(137, e.message, e.line || st.line);
      throw e;
    }
    void frame;
    let cols = t.cols;
    if (st.columns) {
      if (st.columns.length !== cols.length) throw new SqlError(8159, `'${o.name}' has fewer columns than were specified in the column list.`, st.line);
      cols = cols.map((c, i) => ({ ...c, name: st.columns![i]! }));
    }
    checkColumnNames(cols, o.name, st.line);
    const types = await this.describeTypes(t.sql, ctx.params);
    const id = o.existing?.id ?? this.host.nextId();
    if (o.existing) {
      await this.conn.run(`DELETE FROM __lp.columns WHERE object_id = ${id}`);
      await this.conn.run(`UPDATE __lp.objects SET definition = ${sqlString(st.text)}, modify_date = now()::TIMESTAMP WHERE object_id = ${id}`);
    } else await this.insertObject(id, o.schemaId, o.name, 'V', st.text, null);
    await this.insertColumns(id, cols.map((c, i) => ({ name: c.name, type: declaredOrDuck(c.type, types[i]), nullable: c.nullable })));
  }

  private async createProc(st: Extract<Statement, { k: 'createProc' }>): Promise<void> {
    const o = await this.checkNewObject(st.name, 'procedure');
    if (st.mode === 'create' && o.existing) throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    if (st.mode === 'alter' && (!o.existing || o.existing.type !== 'P')) throw new SqlError(208, `Invalid object name '${st.name.text}'.`, st.line);
    if (o.existing && o.existing.type !== 'P') throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    for (const p of st.params) checkType(p.type, st.line, p.name);
    if (o.existing) await this.conn.run(`UPDATE __lp.objects SET definition = ${sqlString(st.text)}, modify_date = now()::TIMESTAMP WHERE object_id = ${o.existing.id}`);
    else await this.insertObject(this.host.nextId(), o.schemaId, o.name, 'P', st.text, null);
  }

  private async drop(st: Extract<Statement, { k: 'drop' }>): Promise<void> {
    const cat = await this.getCatalog();
    const word = st.what === 'PROCEDURE' ? 'procedure' : st.what.toLowerCase();
    for (const ref of st.names) {
      if (st.what === 'SCHEMA') {
        const name = ref.parts[ref.parts.length - 1]!;
        const s = cat.schemas.get(name.toLowerCase());
        if (!s) {
          if (st.ifExists) continue;
          throw new SqlError(3701, `Cannot drop the schema '${name}', because it does not exist or you do not have permission.`, ref.line);
        }
        if (s.id <= 4) throw new SqlError(15150, `Cannot drop the schema '${s.name}'.`, ref.line);
        const user = [...cat.objects.values()].find((o) => o.schema.toLowerCase() === s.name.toLowerCase());
        if (user) throw new SqlError(3729, `Cannot drop schema '${s.name}' because it is being referenced by object '${user.name}'.`, ref.line);
        await this.conn.run(`DROP SCHEMA ${q(s.name)}`);
        await this.conn.run(`DELETE FROM __lp.schemas WHERE schema_id = ${s.id}`);
        continue;
      }
      const r = resolveObject(this.ctx({ vars: new Map() }, 'execute', cat), ref);
      const want: ObjectType = st.what === 'TABLE' ? 'U' : st.what === 'VIEW' ? 'V' : 'P';
      if (!r || r.kind !== 'object') {
        if (st.ifExists) continue;
        throw new SqlError(3701, `Cannot drop the ${word} '${ref.text}', because it does not exist or you do not have permission.`, ref.line);
      }
      const o = r.object;
      if (o.type !== want) {
        const actual = o.type === 'U' ? 'table' : o.type === 'V' ? 'view' : 'procedure';
        throw new SqlError(3705, `Cannot use DROP ${st.what} with '${ref.text}' because '${ref.text}' is a ${actual}. Use DROP ${actual.toUpperCase()}.`, ref.line);
      }
      if (o.type === 'U' && o.duckName) {
        // A #temp table: the session's own.
        await this.conn.run(`DROP TABLE ${o.duckName}`);
        const seqs = await this.conn.runAndReadAll(`SELECT sequence_name FROM duckdb_sequences() WHERE temporary AND sequence_name LIKE 'seq_${o.id}_%'`);
        for (const [name] of seqs.getRows()) await this.conn.run(`DROP SEQUENCE temp.main.${q(String(name))}`);
        this.temps.delete(o.name.toLowerCase());
        continue;
      }
      if (o.type === 'U') {
        await this.conn.run(`DROP TABLE ${duckTableName(o)}`);
        const seqs = await this.conn.runAndReadAll(`SELECT sequence_name FROM duckdb_sequences() WHERE schema_name = '__lp' AND sequence_name LIKE 'seq_${o.id}_%'`);
        for (const [name] of seqs.getRows()) await this.conn.run(`DROP SEQUENCE __lp.${q(String(name))}`);
      }
      await this.conn.run(`DELETE FROM __lp.columns WHERE object_id = ${o.id}`);
      await this.conn.run(`DELETE FROM __lp.objects WHERE object_id = ${o.id}`);
    }
  }

  // ---- procedures ----

  private async *callProc(
    ref: NameRef,
    args: readonly { name?: string; value: SqlValue; type: TypeSpec; output: boolean }[],
    signal: AbortSignal,
    outputs: Record<string, SqlValue>,
    caller?: Frame,
  ): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const r = resolveObject(this.ctx({ vars: new Map() }, 'execute', cat), ref);
    if (!r || r.kind !== 'object' || r.object.type !== 'P') {
      const proc = ref.parts[ref.parts.length - 1]!;
      if (proc.toLowerCase() === 'sp_rename') {
        yield* this.spRename(args, ref.line);
        return;
      }
      if (proc.toLowerCase().startsWith('sp_')) throw unsupported(`the system procedure ${proc}`, ref.line);
      throw new SqlError(2812, `Could not find stored procedure '${ref.text}'.`, ref.line);
    }
    const o = r.object;
    const def = parseBatch(o.definition ?? '')[0];
    if (!def || def.k !== 'createProc') throw new SqlError(2812, `Could not find stored procedure '${ref.text}'.`, ref.line);
    const vars = new Map<string, Variable>();
    const bound = new Set<number>();
    const params: readonly ProcParam[] = def.params;
    let position = 0;
    for (const a of args) {
      let idx: number;
      if (a.name) {
        idx = params.findIndex((p) => p.name.toLowerCase() === a.name!.toLowerCase());
        if (idx < 0) throw new SqlError(8145, `${a.name} is not a parameter for procedure ${o.name}.`, ref.line);
      } else {
        idx = position++;
        if (idx >= params.length) throw new SqlError(8144, `Procedure or function ${o.name} has too many arguments specified.`, ref.line);
      }
      bound.add(idx);
      const p = params[idx]!;
      const value = (a.value as unknown) === DEFAULT_MARK ? await this.defaultValue(p) : await this.convert(a.value, a.type, p.type);
      vars.set(p.name.toLowerCase(), { name: p.name, type: withVarLength(p.type), value });
    }
    for (let i = 0; i < params.length; i++) {
      if (bound.has(i)) continue;
      const p = params[i]!;
      if (!p.default && !p.output) {
        throw new SqlError(201, `Procedure or function '${o.name}' expects parameter '${p.name}', which was not supplied.`, ref.line, 16, 4);
      }
      vars.set(p.name.toLowerCase(), { name: p.name, type: withVarLength(p.type), value: await this.defaultValue(p) });
    }
    let status = 0;
    try {
      // A procedure runs inside its caller's TRY block (its errors go to the caller's CATCH) and CATCH
      // block (ERROR_MESSAGE() and the like still answer), as in SQL Server.
      yield* this.execList(def.body, { vars, procName: o.name, inTry: caller?.inTry, caught: caller?.caught }, signal);
    } catch (e) {
      if (e instanceof ReturnSignal) status = e.value;
      else throw e;
    }
    for (const p of params) {
      if (!p.output) continue;
      const a = args.find((x, i) => (x.name ? x.name.toLowerCase() === p.name.toLowerCase() : params[i] === p));
      if (a?.output) outputs[a.name ?? p.name] = vars.get(p.name.toLowerCase())?.value ?? null;
    }
    yield { kind: 'returnStatus', value: status };
    yield { kind: 'done' };
  }

  private async defaultValue(p: ProcParam): Promise<SqlValue> {
    if (!p.default) return null;
    return (await this.evaluate(p.default, { vars: new Map() }, p.type)).value;
  }

  private async *spExecuteSql(st: Extract<Statement, { k: 'exec' }>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const [stmtArg, declArg, ...rest] = st.args;
    if (!stmtArg) throw new SqlError(201, `Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied.`, st.line);
    const sql = String((await this.evaluate(stmtArg.expr, frame)).value ?? '');
    const vars = new Map<string, Variable>();
    if (declArg) {
      const decl = String((await this.evaluate(declArg.expr, frame)).value ?? '');
      const declared = parseBatch(`DECLARE ${decl}`)[0];
      if (declared?.k !== 'declare') throw new SqlError(102, `Incorrect syntax near '${decl}'.`, st.line, 15);
      for (const d of declared.vars) vars.set(d.name.toLowerCase(), { name: d.name, type: withVarLength(d.type), value: null });
      let pos = 0;
      for (const a of rest) {
        const target = a.name ? vars.get(a.name.toLowerCase()) : [...vars.values()][pos++];
        if (!target) throw new SqlError(8145, `${a.name ?? '?'} is not a parameter for procedure sp_executesql.`, st.line);
        target.value = (await this.evaluate(a.expr, frame, target.type)).value;
      }
    }
    yield* this.execList(parseBatch(sql), { vars }, signal);
  }

  // ---- queries ----

  private async *query(query: Query, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const ctx = this.ctx(frame, 'execute', cat);
    const t = translateQuery(ctx, query);
    if (t.assign) {
      const cleanup = await this.materialize(ctx, signal);
      try {
        const reader = await this.conn.runAndReadAll(t.sql, this.duckParams(ctx.params));
        const rows = reader.getRows();
        const types = reader.columnTypes().map((x) => x.toString());
        if (rows.length) {
          const last = rows[rows.length - 1]!;
          t.assign.forEach((name, i) => {
            const v = frame.vars.get(name.toLowerCase());
            if (!v) throw new SqlError(137, `Must declare the scalar variable "${name}".`, 0);
            v.value = toValue(last[i], wireTypeOf(v.type), types[i]!);
          });
        }
        this.rowcount = rows.length;
      } finally {
        await cleanup();
      }
      yield this.done(this.rowcount);
      return;
    }
    const job = (id: number) => ctx.jobs.find((j) => j.id === id)!;
    if (t.countOf) {
      const j = job(t.countOf.jobId);
      const bytes = await modelBytes(j, (sql) => this.scalar(sql, ctx.params));
      let count = 0;
      for await (const b of runPredict(this.streamConn(), j, bytes, { signal, batchSize: this.host.predictBatchSize })) count += b.count;
      if (signal.aborted) throw new AbortedSignal();
      yield { kind: 'columns', columns: [{ name: t.countOf.name, type: { name: t.countOf.big ? 'bigint' : 'int' }, nullable: true }] };
      yield { kind: 'rows', rows: [[t.countOf.big ? BigInt(count) : count]] };
      this.rowcount = 1;
      yield this.done(1);
      return;
    }
    if (t.passthrough) {
      const j = job(t.passthrough.jobId);
      const bytes = await modelBytes(j, (sql) => this.scalar(sql, ctx.params));
      let started = false;
      let count = 0;
      const gen = runPredict(this.streamConn(), j, bytes, { signal, columns: t.passthrough.colMap, limit: t.passthrough.limit, batchSize: this.host.predictBatchSize, form: 'block' });
      for await (const b of gen) {
        if (!started) {
          started = true;
          yield { kind: 'columns', columns: resultColumns(t.cols, b) };
        }
        // The batch's columns go to the client as they are (the block lives until the next batch).
        if (b.block && b.count) {
          count += b.count;
          yield { kind: 'block', block: b.block };
        }
      }
      if (signal.aborted) throw new AbortedSignal();
      if (!started) yield { kind: 'columns', columns: resultColumns(t.cols, undefined) };
      this.rowcount = count;
      yield this.done(count);
      return;
    }
    const cleanup = await this.materialize(ctx, signal);
    try {
      // SET FMTONLY ON (FreeTDS's freebcp asks for a table's columns so): the columns, no rows.
      const res = await this.conn.stream(this.fmtonly ? `SELECT * FROM (${t.sql}) AS __fmtonly LIMIT 0` : t.sql, this.duckParams(ctx.params));
      const types = res.columnTypes().map((x) => x.toString());
      const wires = t.cols.map((c, i) => (c.type && duckType(c.type) === types[i] ? wireTypeOf(c.type) : wireTypeForDuck(types[i]!)));
      yield { kind: 'columns', columns: t.cols.map((c, i) => ({ name: c.name, type: wires[i]!, nullable: c.nullable })) };
      let count = 0;
      for (;;) {
        if (signal.aborted) throw new AbortedSignal();
        const chunk = (await res.fetchChunk()) as ChunkLike | null;
        if (!chunk || chunk.rowCount === 0) break;
        count += chunk.rowCount;
        // The chunk's columns go to the client as they are; the chunk lives until the next fetch.
        yield { kind: 'block', block: readBlock(chunk, types, wires) };
      }
      this.rowcount = count;
      yield this.done(count);
    } finally {
      await cleanup();
    }
  }

  /** Writes every PREDICT of a statement into a temp table (for queries DuckDB runs over it). */
  private async materialize(ctx: TranslateContext, signal: AbortSignal): Promise<() => Promise<void>> {
    const created: string[] = [];
    const cleanup = async () => {
      for (const c of created.reverse()) await this.conn.run(c).catch(() => undefined);
    };
    try {
      for (const j of ctx.jobs) {
        const bytes = await modelBytes(j, (sql) => this.scalar(sql, ctx.params));
        const all = j.cols.map((_, i) => i);
        let appender: Awaited<ReturnType<DuckDBConnection['createAppender']>> | undefined;
        let columnTypes: DuckDBType[] = [];
        let toDuck: ((v: SqlValue) => DuckDBValue)[] = [];
        for await (const b of runPredict(this.streamConn(), j, bytes, { signal, columns: all, batchSize: this.host.predictBatchSize, materializeData: true })) {
          if (!appender) {
            const wires = b.wires!;
            const raw = `${j.tempTable}_raw`;
            const rawTypes = wires.map(rawDuckType);
            await this.conn.run(`CREATE TEMP TABLE ${q(raw)} (${j.cols.map((c, i) => `${q(c.name)} ${rawTypes[i]}`).join(', ')})`);
            created.push(`DROP TABLE IF EXISTS temp.main.${q(raw)}`);
            await this.conn.run(
              `CREATE TEMP VIEW ${q(j.tempTable)} AS SELECT ${j.cols.map((c, i) => (rawTypes[i] === 'VARCHAR' && wires[i]!.name !== 'nvarchar' && wires[i]!.name !== 'varchar' && wires[i]!.name !== 'char' && wires[i]!.name !== 'nchar' ? `CAST(${q(c.name)} AS ${duckType(specOfWire(wires[i]!))}) AS ${q(c.name)}` : q(c.name))).join(', ')} FROM temp.main.${q(raw)}`,
            );
            created.unshift(`DROP VIEW IF EXISTS temp.main.${q(j.tempTable)}`);
            appender = await this.conn.createAppender(raw, 'main', 'temp');
            const duck = await import('@duckdb/node-api');
            columnTypes = rawTypes.map((t) => rawDuckDBType(duck, t));
            toDuck = rawTypes.map((t) => duckValueFunction(t, this.host.blobValue));
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

  private streamConn(): StreamingConnection {
    const conn = this.conn;
    const toParams = (v: readonly unknown[] | undefined) => this.duckParams((v ?? []) as SqlValue[]);
    return {
      stream: async (sql: string, values?: never[]) => conn.stream(sql, toParams(values)),
      run: async (sql: string, values?: never[]) => conn.run(sql, toParams(values)),
    } as StreamingConnection;
  }

  private duckParams(params: readonly SqlValue[]): DuckDBValue[] | undefined {
    if (!params.length) return undefined;
    return params.map((p) => (p instanceof Uint8Array ? this.host.blobValue(p) : (p as DuckDBValue)));
  }

  private async describeTypes(sql: string, params: readonly SqlValue[]): Promise<string[]> {
    const r = await this.conn.runAndReadAll(`SELECT * FROM (${sql}) AS __d LIMIT 0`, this.duckParams(params));
    return r.columnTypes().map((t) => t.toString());
  }

  private async scalar(sql: string, params: readonly SqlValue[]): Promise<SqlValue> {
    const r = await this.conn.runAndReadAll(sql, this.duckParams(params));
    const rows = r.getRows();
    if (rows.length > 1) throw new SqlError(512, 'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.', 0);
    const type = r.columnTypes()[0]!.toString();
    return rows.length ? toValue(rows[0]![0], wireTypeForDuck(type), type) : null;
  }

  /** Evaluates a scalar expression (converted to `type` when given). */
  private async evaluate(e: Expr, frame: Frame, type?: TypeSpec): Promise<{ value: SqlValue; type: TypeSpec }> {
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

  private async condition(e: Expr, frame: Frame): Promise<boolean> {
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

  private async convert(value: SqlValue, from: TypeSpec, to: TypeSpec): Promise<SqlValue> {
    if (value === null) return null;
    if (from.name === to.name && (from.length === to.length || to.length === 'max' || to.length === undefined)) return value;
    const cat = await this.getCatalog();
    const ctx = this.ctx({ vars: new Map() }, 'execute', cat);
    const lit = literalOf(ctx, value, from);
    const r = await this.conn.runAndReadAll(`SELECT CAST(${lit} AS ${duckType(to)})`, this.duckParams(ctx.params));
    return toValue(r.getRows()[0]![0], wireTypeOf(to), duckType(to));
  }

  private assign(frame: Frame, name: string, value: SqlValue, line: number): void {
    const v = frame.vars.get(name.toLowerCase());
    if (!v) throw new SqlError(137, `Must declare the scalar variable "${name}".`, line);
    v.value = value;
  }
}

const DEFAULT_MARK = Symbol('DEFAULT');

function checkColumnNames(cols: readonly OutCol[], owner: string, line: number): void {
  const seen = new Set<string>();
  cols.forEach((c, i) => {
    if (!c.name) throw new SqlError(4511, `Create View or Function failed because no column name was specified for column ${i + 1}.`, line);
    const k = c.name.toLowerCase();
    if (seen.has(k)) throw new SqlError(4506, `Column names in each view or function must be unique. Column name '${c.name}' in view or function '${owner}' is specified more than once.`, line);
    seen.add(k);
  });
}

function declaredOrDuck(t: TypeSpec | undefined, duck: string | undefined): TypeSpec {
  if (t && (!duck || duckType(t) === duck)) return t;
  return typeSpecForDuck(duck ?? 'VARCHAR');
}

/** Variables declared `varchar` without a length hold 1 character, as in SQL Server. */
function withVarLength(t: TypeSpec): TypeSpec {
  return withDdlLength(t);
}
function withDdlLength(t: TypeSpec): TypeSpec {
  if (t.length === undefined && ['char', 'varchar', 'nchar', 'nvarchar', 'binary', 'varbinary'].includes(t.name)) return { ...t, length: 1 };
  return t;
}

function specOfWire(w: WireType): TypeSpec {
  return { name: w.name, length: w.length, precision: w.precision, scale: w.scale };
}

function resultColumns(cols: readonly OutCol[], b: PredictBatch | undefined): ResultColumn[] {
  return cols.map((c, i) => ({ name: c.name, type: b?.wires?.[i] ?? (c.type ? wireTypeOf(c.type) : { name: 'nvarchar', length: 'max' }), nullable: c.nullable }));
}

function toValue(v: unknown, wire: WireType, duck: string): SqlValue {
  if (v === null || v === undefined) return null;
  const w = duck === 'BLOB' ? ({ name: 'varbinary', length: 'max' } as WireType) : wire;
  return toSqlValue(v, w);
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
  const nul = (f: (v: never) => DuckDBValue) => (v: SqlValue): DuckDBValue => (v === null ? null : f(v as never));
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

function splitName(name: string): string[] {
  const parts: string[] = [];
  const re = /\[((?:[^\]]|\]\])*)\]|"((?:[^"]|"")*)"|([^.]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(name))) parts.push(m[1] !== undefined ? m[1].replace(/]]/g, ']') : m[2] !== undefined ? m[2].replace(/""/g, '"') : m[3]!.trim());
  return parts;
}

/** Collects a streamed parameter (varbinary(max) / nvarchar(max) PLP chunks). */
async function collect(v: SqlValue | StreamedValue, type: WireType): Promise<SqlValue> {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Date) return v;
  if ((v as StreamedValue).kind !== 'stream') return v as unknown as SqlValue;
  const s = v as StreamedValue;
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of s.chunks) {
    parts.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  if (type.name === 'nvarchar' || type.name === 'nchar') return new TextDecoder('utf-16le').decode(out);
  if (type.name === 'varchar' || type.name === 'char') return new TextDecoder('latin1').decode(out);
  return out;
}

const DUCK_TO_TSQL: Record<string, string> = {
  INT32: 'int', INTEGER: 'int', INT64: 'bigint', BIGINT: 'bigint', INT16: 'smallint', SMALLINT: 'smallint', UINT8: 'tinyint', UTINYINT: 'tinyint',
  INT8: 'tinyint', DOUBLE: 'float', FLOAT: 'real', DATE: 'date', TIMESTAMP: 'datetime2', BOOLEAN: 'bit', BOOL: 'bit', UUID: 'uniqueidentifier',
  BLOB: 'varbinary', VARCHAR: 'nvarchar', TIME: 'time',
};
const tsqlName = (d: string) => DUCK_TO_TSQL[d.toUpperCase()] ?? (/^DECIMAL/i.test(d) ? 'numeric' : d.toLowerCase());

/** Maps a DuckDB error to SQL Server's number and text. */
export function mapDuckError(e: unknown, line: number): SqlError {
  const msg = e instanceof Error ? e.message : String(e);
  let m: RegExpExecArray | null;
  if ((m = /Could not convert string '(.*?)' to '?([A-Z0-9_]+)/i.exec(msg))) {
    const to = tsqlName(m[2]!);
    if (['float', 'real', 'numeric', 'decimal'].includes(to)) return new SqlError(8114, `Error converting data type nvarchar to ${to}.`, line);
    if (['date', 'datetime2', 'time'].includes(to)) return new SqlError(241, 'Conversion failed when converting date and/or time from character string.', line);
    return new SqlError(245, `Conversion failed when converting the nvarchar value '${m[1]}' to data type ${to}.`, line);
  }
  if ((m = /out of range for the destination type ([A-Z0-9_]+)/i.exec(msg)) || (m = /Overflow in (?:\w+ )?(?:cast|conversion).* to ([A-Z0-9_(),]+)/i.exec(msg))) {
    return new SqlError(8115, `Arithmetic overflow error converting expression to data type ${tsqlName(m[1]!)}.`, line);
  }
  if (/Overflow|out of range/i.test(msg) && /Out of Range Error/i.test(msg)) return new SqlError(8115, 'Arithmetic overflow error converting expression to data type int.', line);
  if (/Division by zero/i.test(msg)) return new SqlError(8134, 'Divide by zero error encountered.', line);
  if ((m = /NOT NULL constraint failed: ([^.\s]+)\.([^\s]+)/i.exec(msg))) {
    return new SqlError(515, `Cannot insert the value NULL into column '${m[2]}', table '${m[1]}'; column does not allow nulls. INSERT fails.`, line);
  }
  if ((m = /CHECK constraint failed.*length\((?:"((?:[^"]|"")*)"|([^")\s]+))\)\s*<=\s*(\d+)/is.exec(msg))) {
    const column = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!;
    return new SqlError(2628, `String or binary data would be truncated in column '${column}' (longer than ${m[3]} characters).`, line);
  }
  if (/Duplicate key|PRIMARY KEY or UNIQUE constraint violat/i.test(msg)) return new SqlError(2627, `Violation of PRIMARY KEY or UNIQUE constraint. Cannot insert duplicate key. ${msg.replace(/^[A-Za-z ]+Error: /, '')}`, line);
  if (/More than one row returned by a subquery/i.test(msg)) {
    return new SqlError(512, 'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.', line);
  }
  if ((m = /Scalar Function with name "?(\w+)"? does not exist/i.exec(msg))) return new SqlError(195, `'${m[1]}' is not a recognized built-in function name.`, line);
  if (/Conflict on|write-write conflict|Transaction conflict/i.test(msg)) {
    return new SqlError(3960, 'Snapshot isolation transaction aborted due to update conflict. Retry the transaction.', line);
  }
  if (/Current transaction is aborted/i.test(msg)) {
    return uncommittable(line);
  }
  if (/INTERRUPT/i.test(msg)) return new SqlError(3617, 'The query was cancelled.', line, 11);
  if ((m = /Binder Error: .*column "?([^"\s]+)"? not found/i.exec(msg))) return new SqlError(207, `Invalid column name '${m[1]}'.`, line);
  if ((m = /GROUP BY clause|must appear in the GROUP BY/i.exec(msg))) {
    const col = /column "?([^"\s]+)"? must appear/i.exec(msg)?.[1] ?? '?';
    return new SqlError(8120, `Column '${col}' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.`, line);
  }
  if ((m = /No function matches the given name and argument types '(\w+)\(([^)]*)\)'/i.exec(msg))) {
    return new SqlError(8117, `Operand data type ${m[2]} is invalid for ${m[1]} operator.`, line);
  }
  if ((m = /Cannot compare values of type (\w+) and (?:type )?(\w+)/i.exec(msg)) || (m = /Cannot mix values of type (\w+) and (\w+)/i.exec(msg))) {
    return new SqlError(206, `Operand type clash: ${tsqlName(m[1]!)} is incompatible with ${tsqlName(m[2]!)}`, line);
  }
  return new SqlError(40520, `The local pool's storage failed to run the statement: ${msg.replace(/\s+/g, ' ').slice(0, 1500)}`, line);
}
