/** Procedures: CREATE/ALTER PROCEDURE, EXEC of a procedure (parameters, OUTPUT, return status), sp_executesql, EXEC of a string. */
import { SqlError, type EngineEvent, type SqlValue } from '../api.js';
import type { Expr, NameRef, ProcParam, TypeSpec } from '../ast.js';
import { unsupported } from '../parse/base.js';
import { parseBatch } from '../parser.js';
import { resolveObject, sqlString, type Variable } from '../translate.js';
import { checkType } from '../types.js';
import { DdlRunner } from './ddl.js';
import { DEFAULT_MARK, FROM_DYNAMIC_SQL, ReturnSignal, withVarLength, type Frame, type StatementOf } from './support.js';

export abstract class ProcedureRunner extends DdlRunner {
  protected async *execCreateProc(st: StatementOf<'createProc'>): AsyncGenerator<EngineEvent> {
    yield* this.ddl(() => this.createProc(st));
  }

  /** EXEC of a procedure: arguments evaluated, OUTPUT arguments and the return status assigned back. */
  protected async *execProcedure(st: StatementOf<'exec'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
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
  }

  /** EXEC of a string (dynamic SQL). */
  protected async *execDynamicSql(st: StatementOf<'execSql'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const v = await this.evaluate(st.sql, frame);
    try {
      const stmts = parseBatch(String(v.value ?? ''));
      // Dynamic SQL runs inside the caller's TRY or CATCH block.
      yield* this.execList(stmts, { vars: new Map(), inTry: frame.inTry, caught: frame.caught }, signal);
    } catch (e) {
      if (e instanceof SqlError) Object.assign(e, { [FROM_DYNAMIC_SQL]: true });
      throw e;
    }
  }

  protected async createProc(st: StatementOf<'createProc'>): Promise<void> {
    const o = await this.checkNewObject(st.name, 'procedure');
    if (st.mode === 'create' && o.existing) throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    if (st.mode === 'alter' && (!o.existing || o.existing.type !== 'P')) throw new SqlError(208, `Invalid object name '${st.name.text}'.`, st.line);
    if (o.existing && o.existing.type !== 'P') throw new SqlError(2714, `There is already an object named '${o.name}' in the database.`, st.line);
    for (const p of st.params) checkType(p.type, st.line, p.name);
    if (o.existing)
      await this.conn.run(`UPDATE __lp.objects SET definition = ${sqlString(st.text)}, modify_date = now()::TIMESTAMP WHERE object_id = ${o.existing.id}`);
    else await this.insertObject(this.host.nextId(), o.schemaId, o.name, 'P', st.text, null);
  }

  protected async *callProc(
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

  protected async defaultValue(p: ProcParam): Promise<SqlValue> {
    if (!p.default) return null;
    return (await this.evaluate(p.default, { vars: new Map() }, p.type)).value;
  }

  protected async *spExecuteSql(st: StatementOf<'exec'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
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
}
