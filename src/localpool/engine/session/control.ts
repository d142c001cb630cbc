/** Control flow and session statements: DECLARE, SET, IF, WHILE, blocks, TRY/CATCH, THROW, RAISERROR, PRINT, transactions, USE, RETURN. */
import { SqlError, type EngineEvent, type SqlMessage } from '../api.js';
import type { Expr } from '../ast.js';
import { unsupported } from '../parse/base.js';
import { checkType } from '../types.js';
import { ProcedureRunner } from './procedures.js';
import { AbortedSignal, COMPILE_ERRORS, FROM_DYNAMIC_SQL, ReturnSignal, withVarLength, type Frame, type StatementOf } from './support.js';

export abstract class ControlRunner extends ProcedureRunner {
  protected async execDeclare(st: StatementOf<'declare'>, frame: Frame): Promise<void> {
    for (const d of st.vars) {
      checkType(d.type, st.line);
      const key = d.name.toLowerCase();
      if (frame.vars.has(key)) {
        throw new SqlError(
          134,
          `The variable name '${d.name}' has already been declared. Variable names must be unique within a query batch or stored procedure.`,
          st.line,
        );
      }
      const type = withVarLength(d.type);
      const value = d.init ? (await this.evaluate(d.init, frame, type)).value : null;
      frame.vars.set(key, { name: d.name, type, value });
    }
  }

  protected async execSetVar(st: StatementOf<'setVar'>, frame: Frame): Promise<void> {
    const v = frame.vars.get(st.name.toLowerCase());
    if (!v) throw new SqlError(137, `Must declare the scalar variable "${st.name}".`, st.line);
    const e: Expr = st.op === '=' ? st.expr : { k: 'bin', op: st.op[0]!, left: { k: 'var', name: st.name, line: st.line }, right: st.expr };
    v.value = (await this.evaluate(e, frame, v.type)).value;
  }

  protected async execSetOption(st: StatementOf<'setOption'>): Promise<void> {
    const opt = st.option.toUpperCase();
    if (opt === 'NOCOUNT') this.nocount = st.on ?? false;
    else if (opt === 'FMTONLY') this.fmtonly = st.on ?? false;
    else if (opt === 'XACT_ABORT' || opt.startsWith('IDENTITY_INSERT')) {
      /* accepted */
    } else if (opt === 'PARSEONLY' || opt === 'NOEXEC' || opt === 'SHOWPLAN_ALL' || opt === 'SHOWPLAN_XML' || opt === 'STATISTICS XML') {
      if (st.on) throw unsupported(`SET ${opt}`, st.line);
    }
  }

  protected async *execIf(st: StatementOf<'if'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const cond = await this.condition(st.cond, frame);
    if (cond) yield* this.execList([st.then], frame, signal);
    else if (st.else) yield* this.execList([st.else], frame, signal);
  }

  protected async *execWhile(st: StatementOf<'while'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    let guard = 0;
    while (await this.condition(st.cond, frame)) {
      if (signal.aborted) throw new AbortedSignal();
      if (++guard > 1_000_000) throw unsupported('WHILE loops of more than 1,000,000 iterations', st.line);
      yield* this.execList([st.body], frame, signal);
    }
  }

  protected async *execBlock(st: StatementOf<'block'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    yield* this.execList(st.body, frame, signal);
  }

  /** TRY/CATCH: an error in the TRY block runs the CATCH block, except a compile error of the same level. */
  protected async *execTry(st: StatementOf<'try'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    let caught: SqlError;
    try {
      yield* this.execList(st.body, { ...frame, inTry: true }, signal);
      return;
    } catch (e) {
      if (e instanceof ReturnSignal || e instanceof AbortedSignal || signal.aborted) throw e;
      caught = this.toSqlError(e, st.line);
      const fromBelow =
        (caught as { procName?: string }).procName !== frame.procName || (caught as { [FROM_DYNAMIC_SQL]?: boolean })[FROM_DYNAMIC_SQL] === true;
      if (COMPILE_ERRORS.has(caught.number) && !fromBelow) throw caught;
    }
    yield* this.execList(st.handler, { vars: frame.vars, procName: frame.procName, inTry: frame.inTry, caught }, signal);
  }

  protected async execRethrow(st: StatementOf<'rethrow'>, frame: Frame): Promise<void> {
    if (!frame.caught) {
      throw new SqlError(
        10704,
        'To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside a CATCH block, or add error parameters to the THROW statement.',
        st.line,
        15,
      );
    }
    const c = frame.caught;
    throw Object.assign(new SqlError(c.number, c.message, c.line, c.severity, c.state), { procName: (c as { procName?: string }).procName });
  }

  protected async *execPrint(st: StatementOf<'print'>, frame: Frame): AsyncGenerator<EngineEvent> {
    const v = await this.evaluate(st.expr, frame, { name: 'nvarchar', length: 4000 });
    yield {
      kind: 'info',
      message: { number: 0, state: 1, class: 0, message: v.value === null ? '' : String(v.value), line: st.line, procName: frame.procName },
    };
  }

  protected async *execTran(st: StatementOf<'tran'>): AsyncGenerator<EngineEvent> {
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
  }

  protected async *execUse(st: StatementOf<'use'>): AsyncGenerator<EngineEvent> {
    if (st.database.toLowerCase() !== this.host.database.toLowerCase() && st.database.toLowerCase() !== 'master') {
      throw new SqlError(911, `Database '${st.database}' does not exist. Make sure that the name is entered correctly.`, st.line, 16);
    }
    yield { kind: 'database', name: this.host.database };
  }

  protected async execReturn(st: StatementOf<'return'>, frame: Frame): Promise<void> {
    const v = st.expr ? await this.evaluate(st.expr, frame, { name: 'int' }) : { value: 0 };
    throw new ReturnSignal(Number(v.value ?? 0));
  }

  protected async *execRaiserror(st: StatementOf<'raiserror'>, frame: Frame): AsyncGenerator<EngineEvent> {
    const msg = await this.evaluate(st.message, frame, { name: 'nvarchar', length: 2047 });
    const sev = Number((await this.evaluate(st.severity, frame, { name: 'int' })).value ?? 16);
    const state = Number((await this.evaluate(st.state, frame, { name: 'int' })).value ?? 1);
    const message: SqlMessage = { number: 50000, state, class: sev, message: String(msg.value ?? ''), line: st.line, procName: frame.procName };
    // In a TRY block an error of severity 11 to 19 goes to the CATCH block instead of the client.
    if (frame.inTry && sev >= 11 && sev <= 19) throw new SqlError(50000, message.message, st.line, sev, state);
    if (sev <= 10) yield { kind: 'info', message };
    else yield { kind: 'error', message };
  }

  protected async execThrow(st: StatementOf<'throw'>, frame: Frame): Promise<void> {
    const num = Number((await this.evaluate(st.number, frame, { name: 'int' })).value);
    const msg = String((await this.evaluate(st.message, frame, { name: 'nvarchar', length: 2048 })).value ?? '');
    const state = Number((await this.evaluate(st.state, frame, { name: 'int' })).value ?? 1);
    throw new SqlError(num, msg, st.line, 16, state);
  }
}
