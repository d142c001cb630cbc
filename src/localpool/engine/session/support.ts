/** What the session's statement families share: control signals, frames, and value helpers. */
import { SqlError, type ResultColumn, type SqlValue, type StreamedValue, type WireType } from '../api.js';
import type { Statement, TypeSpec } from '../ast.js';
import type { OutCol, Variable } from '../translate.js';
import { duckType, toSqlValue, typeSpecForDuck, wireTypeOf } from '../types.js';
import type { PredictBatch } from '../predict/operator.js';

export class ReturnSignal {
  constructor(readonly value: number) {}
}
export class AbortedSignal {}

/** The statement of one kind (or of some kinds). */
export type StatementOf<K extends Statement['k']> = Extract<Statement, { k: K }>;

export interface Frame {
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
export const COMPILE_ERRORS = new Set([207, 208, 4104]);

/** SQL Server's error for COMMIT of a transaction an error has made uncommittable. */
export function uncommittable(line: number): SqlError {
  return new SqlError(
    3930,
    'The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction.',
    line,
  );
}

/** Statements that write: refused in a transaction an error has made uncommittable. */
export const WRITES = new Set<Statement['k']>([
  'insert',
  'update',
  'delete',
  'merge',
  'truncate',
  'createSchema',
  'createTable',
  'createView',
  'createProc',
  'drop',
  'copyInto',
]);

/** Marks an error raised by dynamic SQL (EXEC of a string), a level below the statement that ran it. */
export const FROM_DYNAMIC_SQL = Symbol('fromDynamicSql');

export const DEFAULT_MARK = Symbol('DEFAULT');

export function checkColumnNames(cols: readonly OutCol[], owner: string, line: number): void {
  const seen = new Set<string>();
  cols.forEach((c, i) => {
    if (!c.name) throw new SqlError(4511, `Create View or Function failed because no column name was specified for column ${i + 1}.`, line);
    const k = c.name.toLowerCase();
    if (seen.has(k))
      throw new SqlError(
        4506,
        `Column names in each view or function must be unique. Column name '${c.name}' in view or function '${owner}' is specified more than once.`,
        line,
      );
    seen.add(k);
  });
}

export function declaredOrDuck(t: TypeSpec | undefined, duck: string | undefined): TypeSpec {
  if (t && (!duck || duckType(t) === duck)) return t;
  return typeSpecForDuck(duck ?? 'VARCHAR');
}

/** Variables declared `varchar` without a length hold 1 character, as in SQL Server. */
export function withVarLength(t: TypeSpec): TypeSpec {
  return withDdlLength(t);
}
export function withDdlLength(t: TypeSpec): TypeSpec {
  if (t.length === undefined && ['char', 'varchar', 'nchar', 'nvarchar', 'binary', 'varbinary'].includes(t.name)) return { ...t, length: 1 };
  return t;
}

export function specOfWire(w: WireType): TypeSpec {
  return { name: w.name, length: w.length, precision: w.precision, scale: w.scale };
}

export function resultColumns(cols: readonly OutCol[], b: PredictBatch | undefined): ResultColumn[] {
  return cols.map((c, i) => ({
    name: c.name,
    type: b?.wires?.[i] ?? (c.type ? wireTypeOf(c.type) : { name: 'nvarchar', length: 'max' }),
    nullable: c.nullable,
  }));
}

export function toValue(v: unknown, wire: WireType, duck: string): SqlValue {
  if (v === null || v === undefined) return null;
  const w = duck === 'BLOB' ? ({ name: 'varbinary', length: 'max' } as WireType) : wire;
  return toSqlValue(v, w);
}

export function splitName(name: string): string[] {
  const parts: string[] = [];
  const re = /\[((?:[^\]]|\]\])*)\]|"((?:[^"]|"")*)"|([^.]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(name))) parts.push(m[1] !== undefined ? m[1].replace(/]]/g, ']') : m[2] !== undefined ? m[2].replace(/""/g, '"') : m[3]!.trim());
  return parts;
}

/** Collects a streamed parameter (varbinary(max) / nvarchar(max) PLP chunks). */
export async function collect(v: SqlValue | StreamedValue, type: WireType): Promise<SqlValue> {
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
