/**
 * One connection's T-SQL session: runs batches statement by statement (variables, control flow,
 * transactions, DDL through the catalog, queries through DuckDB, PREDICT through predict/), and
 * turns everything into EngineEvents. Errors carry SQL Server's number, text and line; an error
 * ends the batch (later GO batches still run).
 *
 * The statement families live in session/, as a chain of classes over the session's state (base,
 * queries, DML, DDL, procedures, control flow); this class is the EngineSession and dispatches each
 * statement to its family.
 */
import type { BulkColumn, EngineEvent, EngineSession, Parameter, SqlValue } from './api.js';
import type { NameRef, Statement, TypeSpec } from './ast.js';
import { isInsertBulk } from './bulk-insert.js';
import { splitGoBatches } from './lexer.js';
import { parseBatch } from './parser.js';
import type { Variable } from './translate.js';
import { ControlRunner } from './session/control.js';
import { AbortedSignal, collect, ReturnSignal, specOfWire, splitName, uncommittable, WRITES, type Frame, type StatementOf } from './session/support.js';

export type { EngineHost } from './session/base.js';
export { mapDuckError } from './session/errors.js';

/** Runs one kind of statement. */
type Handler<K extends Statement['k']> = (
  s: LocalPoolSession,
  st: StatementOf<K>,
  frame: Frame,
  signal: AbortSignal,
) => AsyncIterable<EngineEvent> | Promise<void>;

export class LocalPoolSession extends ControlRunner implements EngineSession {
  /** Each statement kind's handler, in its family's class. */
  private static readonly HANDLERS: { readonly [K in Statement['k']]: Handler<K> } = {
    empty: async () => undefined,
    query: (s, st, f, sig) => s.query(st.query, f, sig),
    insert: (s, st, f, sig) => s.execDml(st, f, sig),
    update: (s, st, f, sig) => s.execDml(st, f, sig),
    delete: (s, st, f, sig) => s.execDml(st, f, sig),
    merge: (s, st, f, sig) => s.execDml(st, f, sig),
    copyInto: (s, st, f, sig) => s.copyInto(st, f, sig),
    truncate: (s, st, f) => s.execTruncate(st, f),
    createSchema: (s, st) => s.execCreateSchema(st),
    createTable: (s, st, f, sig) => s.execCreateTable(st, f, sig),
    createView: (s, st, f) => s.execCreateView(st, f),
    createProc: (s, st) => s.execCreateProc(st),
    drop: (s, st) => s.execDrop(st),
    statistics: (s, st, f) => s.execStatistics(st, f),
    rename: (s, st) => s.execRename(st),
    exec: (s, st, f, sig) => s.execProcedure(st, f, sig),
    execSql: (s, st, f, sig) => s.execDynamicSql(st, f, sig),
    declare: (s, st, f) => s.execDeclare(st, f),
    setVar: (s, st, f) => s.execSetVar(st, f),
    setOption: (s, st) => s.execSetOption(st),
    if: (s, st, f, sig) => s.execIf(st, f, sig),
    while: (s, st, f, sig) => s.execWhile(st, f, sig),
    block: (s, st, f, sig) => s.execBlock(st, f, sig),
    try: (s, st, f, sig) => s.execTry(st, f, sig),
    rethrow: (s, st, f) => s.execRethrow(st, f),
    print: (s, st, f) => s.execPrint(st, f),
    tran: (s, st) => s.execTran(st),
    use: (s, st) => s.execUse(st),
    return: (s, st, f) => s.execReturn(st, f),
    raiserror: (s, st, f) => s.execRaiserror(st, f),
    throw: (s, st, f) => s.execThrow(st, f),
  };

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

  // ---- statements ----

  protected async *exec(st: Statement, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    if (this.doomed && WRITES.has(st.k)) throw uncommittable(st.line);
    const handler = LocalPoolSession.HANDLERS[st.k] as Handler<Statement['k']>;
    const out = handler(this, st, frame, signal);
    if (out instanceof Promise) await out;
    else yield* out;
  }
}
