/**
 * TDS bulk load on the engine side. A client sends `INSERT BULK table (col type, …) [WITH (…)]` as a
 * SQL batch: the statement is checked against the catalog and remembered. The BulkLoadBCP message
 * that follows hands its rows to `load`, which converts each value to its column's declared type and
 * appends them to DuckDB in vectors of 2048 rows through an Appender, inside a transaction: the rows
 * become visible only when all of them are stored, and a failure or cancel leaves the table as it was.
 * Inside the client's own transaction, or when the load leaves out some of the table's columns, the
 * rows go to a temporary staging table first and reach the table with one INSERT … SELECT.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBDataChunk, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { SqlError, type BulkColumn, type EngineEvent, type SqlValue } from './api.js';
import type { TypeSpec } from './ast.js';
import type { CatalogSnapshot, ColumnInfo, ObjectInfo } from './catalog.js';
import { tokenize, type Token } from './lexer.js';
import { BulkValueError, converterFor, type Converter, type DuckModule } from './bulk-values.js';
import { duckType, formatType, parseTypeText } from './types.js';
import { q } from './translate.js';

/** What the loader needs from its session. */
export interface BulkSessionAccess {
  database(): string;
  spid(): number;
  catalog(): Promise<CatalogSnapshot>;
  /** The session's connection (its transaction, its temp tables). */
  connection(): DuckDBConnection;
  /** A client transaction is open. */
  inTransaction(): boolean;
  /** The open transaction can no longer commit. */
  doomed(): boolean;
}

export interface InsertBulkStatement {
  /** The table as the statement names it. */
  readonly table: string;
  readonly parts: readonly string[];
  /** The column list, or undefined when the statement has none (then every column, in order). */
  readonly columns?: readonly { name: string; type: TypeSpec }[];
  /** Options as written, upper-cased: KEEP_NULLS, TABLOCK, ROWS_PER_BATCH = 10, ORDER (a ASC), … */
  readonly options: readonly string[];
}

interface Plan {
  readonly object: ObjectInfo;
  readonly display: string;
  /** The table's columns the load fills, in the statement's order. */
  readonly columns: readonly ColumnInfo[];
}

const OPTIONS = new Set(['KEEP_NULLS', 'TABLOCK', 'CHECK_CONSTRAINTS', 'FIRE_TRIGGERS', 'KEEP_IDENTITY', 'ROWS_PER_BATCH', 'KILOBYTES_PER_BATCH', 'ORDER']);
const ROWS_PER_CHUNK = 2048;

export function isInsertBulk(sql: string): boolean {
  return /^\s*insert\s+bulk\s/i.test(sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, ''));
}

function syntax(near: Token | undefined): SqlError {
  const what = near && near.kind !== 'eof' ? near.value : 'the end of the INSERT BULK statement';
  return new SqlError(102, `Incorrect syntax near '${what}'.`, near?.line ?? 1, 15);
}

/** Parses `INSERT BULK name [(col type [COLLATE c] [NULL | NOT NULL], …)] [WITH (option, …)]`. */
export function parseInsertBulk(sql: string): InsertBulkStatement {
  const toks = tokenize(sql).filter((t) => t.kind !== 'eof');
  let i = 2;
  const at = (): Token | undefined => toks[i];
  const word = (w: string): boolean => at()?.kind === 'ident' && at()!.value.toUpperCase() === w;
  const op = (o: string): boolean => at()?.kind === 'op' && at()!.value === o;
  const expectOp = (o: string): void => {
    if (!op(o)) throw syntax(at());
    i++;
  };
  const name = (): string => {
    const t = at();
    if (!t || (t.kind !== 'ident' && t.kind !== 'qident')) throw syntax(t);
    i++;
    return t.value;
  };
  const start = at()?.start ?? 0;
  const parts = [name()];
  while (op('.')) {
    i++;
    parts.push(op('.') ? '' : name());
  }
  const table = sql.slice(start, toks[i - 1]!.end);
  let columns: { name: string; type: TypeSpec }[] | undefined;
  if (op('(')) {
    i++;
    columns = [];
    do {
      const col = name();
      const typeStart = at();
      const typeName = name().toLowerCase();
      let text = typeName;
      if (op('(')) {
        i++;
        const args: string[] = [];
        do {
          const t = at();
          if (!t || (t.kind !== 'number' && !(t.kind === 'ident' && t.value.toUpperCase() === 'MAX'))) throw syntax(t);
          args.push(t.value.toLowerCase());
          i++;
        } while (op(',') && ++i);
        expectOp(')');
        text += `(${args.join(',')})`;
      }
      if (!typeStart) throw syntax(typeStart);
      if (word('COLLATE')) {
        i++;
        name();
      }
      if (word('NOT')) i++;
      if (word('NULL')) i++;
      columns.push({ name: col, type: parseTypeText(text) });
    } while (op(',') && ++i);
    expectOp(')');
  }
  const options: string[] = [];
  if (word('WITH')) {
    i++;
    expectOp('(');
    do {
      const opt = name().toUpperCase();
      if (!OPTIONS.has(opt)) throw new SqlError(102, `Incorrect syntax near '${opt}': INSERT BULK takes ${[...OPTIONS].join(', ')}.`, 1, 15);
      let text = opt;
      if (op('=')) {
        i++;
        const n = at();
        if (n?.kind !== 'number') throw syntax(n);
        i++;
        text += ` = ${n.value}`;
      } else if (opt === 'ORDER') {
        expectOp('(');
        let depth = 1;
        const from = i;
        while (i < toks.length && depth > 0) {
          if (op('(')) depth++;
          if (op(')')) depth--;
          i++;
        }
        if (depth > 0) throw syntax(undefined);
        text += ` (${toks
          .slice(from, i - 1)
          .map((t) => t.value)
          .join(' ')
          .replace(/ ,/g, ',')})`;
      }
      options.push(text);
    } while (op(',') && ++i);
    expectOp(')');
  }
  if (op(';')) i++;
  if (i < toks.length) throw syntax(at());
  return { table, parts, columns, options };
}

function bulkError(number: number, message: string): SqlError {
  return new SqlError(number, message, 1, 16);
}

/** A session's bulk loads: the INSERT BULK it last ran, and the load of its rows. */
export class BulkInserts {
  private pending: Plan | undefined;
  private staged = 0;

  constructor(
    private readonly s: BulkSessionAccess,
    private readonly duck: () => Promise<DuckModule>,
  ) {}

  /** Any other request ends the wait for rows. */
  clear(): void {
    this.pending = undefined;
  }

  /** Runs an INSERT BULK statement: checks it and waits for its rows. */
  async *prepare(sql: string): AsyncGenerator<EngineEvent> {
    this.pending = undefined;
    let st: InsertBulkStatement;
    try {
      st = parseInsertBulk(sql);
      this.pending = await this.plan(st);
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      yield { kind: 'error', message: { number: e.number, state: e.state, class: e.severity, message: e.message, line: e.line } };
      yield { kind: 'done', error: true };
      return;
    }
    yield { kind: 'done' };
  }

  private async plan(st: InsertBulkStatement): Promise<Plan> {
    const parts = st.parts;
    if (parts.length > 3) throw bulkError(208, `Invalid object name '${st.table}': INSERT BULK takes a table of this database.`);
    const last = parts[parts.length - 1]!;
    const temp = last.startsWith('#');
    if (parts.length === 3 && parts[0] && parts[0].toLowerCase() !== this.s.database().toLowerCase() && !(temp && parts[0].toLowerCase() === 'tempdb')) {
      throw bulkError(208, `Invalid object name '${st.table}': the local pool has the database ${this.s.database()} only.`);
    }
    const catalog = await this.s.catalog();
    const schema = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2]! : 'dbo';
    const object = catalog.objects.get(temp ? last.toLowerCase() : `${schema}.${last}`.toLowerCase());
    if (!object || object.type !== 'U') {
      throw bulkError(208, `Invalid object name '${st.table}'. A bulk load goes into an existing table: create it first.`);
    }
    const display = temp ? object.name : `${object.schema}.${object.name}`;
    const byName = new Map(object.columns.map((c) => [c.name.toLowerCase(), c]));
    const columns = (st.columns ?? object.columns).map((c) => {
      const col = byName.get(c.name.toLowerCase());
      if (!col) throw bulkError(207, `Invalid column name '${c.name}': table ${display} has no such column.`);
      return col;
    });
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name.toLowerCase())) throw bulkError(264, `The column name '${c.name}' is specified more than once in the INSERT BULK column list.`);
      seen.add(c.name.toLowerCase());
    }
    return { object, display, columns };
  }

  /** The rows of the BulkLoadBCP message for the pending INSERT BULK; the number stored. */
  async load(client: readonly BulkColumn[], rows: AsyncIterable<readonly (readonly SqlValue[])[]>, signal: AbortSignal): Promise<number> {
    const plan = this.pending;
    this.pending = undefined;
    if (!plan) {
      throw bulkError(4804, 'A bulk load must follow an INSERT BULK statement on the same connection: send INSERT BULK table (columns) first.');
    }
    if (this.s.doomed()) {
      throw new SqlError(
        3930,
        'The current transaction cannot be committed and cannot support operations that write to the log file. Roll ' + 'back the transaction.',
      );
    }
    const duck = await this.duck();
    const converters = this.converters(duck, plan, client);
    const own = !this.s.inTransaction();
    const direct = own && plan.columns.length === plan.object.columns.length && plan.columns.every((c, i) => c === plan.object.columns[i]);
    const conn = this.s.connection();
    if (own) await conn.run('BEGIN TRANSACTION');
    let staging: string | undefined;
    let appender: DuckDBAppender | undefined;
    try {
      if (direct) {
        const temp = plan.object.duckName !== undefined;
        appender = await conn.createAppender(plan.object.name, temp ? 'main' : plan.object.schema, temp ? 'temp' : undefined);
      } else {
        staging = `__lp_bulk_${this.s.spid()}_${++this.staged}`;
        await conn.run(`CREATE TEMP TABLE ${q(staging)} (${plan.columns.map((c) => `${q(c.name)} ${duckType(c.type)}`).join(', ')})`);
        appender = await conn.createAppender(staging, 'main', 'temp');
      }
      const count = await this.append(duck, appender, plan, converters, rows, signal);
      appender.closeSync();
      appender = undefined;
      if (staging) {
        const cols = plan.columns.map((c) => q(c.name)).join(', ');
        await conn.run(
          `INSERT INTO ${plan.object.duckName ?? `${q(plan.object.schema)}.${q(plan.object.name)}`} (${cols}) SELECT ${cols} ` + `FROM temp.main.${q(staging)}`,
        );
        await conn.run(`DROP TABLE temp.main.${q(staging)}`);
        staging = undefined;
      }
      if (own) await conn.run('COMMIT');
      return count;
    } catch (e) {
      try {
        appender?.closeSync();
      } catch {
        // Closing flushes; the rows are rolled back or dropped below either way.
      }
      if (own) await conn.run('ROLLBACK').catch(() => undefined);
      else if (staging) await conn.run(`DROP TABLE IF EXISTS temp.main.${q(staging)}`).catch(() => undefined);
      throw e;
    }
  }

  /** One converter per client column, checked against the statement's columns and their declared types. */
  private converters(duck: DuckModule, plan: Plan, client: readonly BulkColumn[]): Converter[] {
    if (client.length !== plan.columns.length) {
      throw bulkError(
        4815,
        `The bulk load sends ${client.length} columns, but its INSERT BULK statement names ${plan.columns.length} of table ${plan.display}. ` +
          `Send one value for each column the statement lists.`,
      );
    }
    return client.map((c, i) => {
      const target = plan.columns[i]!;
      if (c.name && c.name.toLowerCase() !== target.name.toLowerCase()) {
        throw bulkError(
          4815,
          `Column ${i + 1} of the bulk load is '${c.name}', but its INSERT BULK statement has '${target.name}' there ` + `(table ${plan.display}).`,
        );
      }
      const conv = converterFor(duck, c.type, target.type);
      if (!conv) {
        throw bulkError(
          4816,
          `Invalid column type from bcp client for colid ${i + 1}: column '${target.name}' of ${plan.display} is ${formatType(target.type)} ` +
            `and cannot take ${formatType(c.type as TypeSpec)} values. Send the column as ${formatType(target.type)}.`,
        );
      }
      return conv;
    });
  }

  private async append(
    duck: DuckModule,
    appender: DuckDBAppender,
    plan: Plan,
    converters: readonly Converter[],
    rows: AsyncIterable<readonly (readonly SqlValue[])[]>,
    signal: AbortSignal,
  ): Promise<number> {
    const types: DuckDBType[] = [];
    for (let i = 0; i < appender.columnCount; i++) types.push(appender.columnType(i));
    const width = converters.length;
    let count = 0;
    let columns: DuckDBValue[][] = fresh(width);
    const flush = (): void => {
      const n = columns[0]?.length ?? 0;
      if (n === 0) return;
      const chunk: DuckDBDataChunk = duck.DuckDBDataChunk.create(types, n);
      for (let c = 0; c < width; c++) chunk.setColumnValues(c, columns[c]!);
      appender.appendDataChunk(chunk);
      columns = fresh(width);
    };
    for await (const batch of rows) {
      if (signal.aborted) throw new SqlError(3617, 'The bulk load was cancelled; the table is unchanged.', 1, 11);
      for (const row of batch) {
        count++;
        for (let c = 0; c < width; c++) {
          const v = row[c] ?? null;
          if (v === null) {
            if (!plan.columns[c]!.nullable) throw this.nullError(plan, c, count);
            columns[c]!.push(null);
            continue;
          }
          try {
            columns[c]!.push(converters[c]!(v));
          } catch (e) {
            if (e instanceof BulkValueError) throw this.valueError(plan, c, count, e);
            throw e;
          }
        }
        if (columns[0]!.length === ROWS_PER_CHUNK) flush();
      }
    }
    if (signal.aborted) throw new SqlError(3617, 'The bulk load was cancelled; the table is unchanged.', 1, 11);
    flush();
    return count;
  }

  private nullError(plan: Plan, c: number, row: number): SqlError {
    const col = plan.columns[c]!;
    return bulkError(
      515,
      `Cannot insert the value NULL into column '${col.name}', table '${plan.display}'; column does not allow nulls. Row ${row} of the bulk ` +
        `load, column ${c + 1}. No rows were loaded.`,
    );
  }

  private valueError(plan: Plan, c: number, row: number, e: BulkValueError): SqlError {
    const col = plan.columns[c]!;
    const [number, what] =
      e.kind === 'overflow'
        ? [4867, 'overflow']
        : e.kind === 'truncation'
          ? [4863, 'truncation']
          : [4864, 'type mismatch or invalid character for the specified codepage'];
    return bulkError(
      number,
      `Bulk load data conversion error (${what}) for row ${row}, column ${c + 1} (${col.name}): ${e.message} (the column is ` +
        `${formatType(col.type)}). No rows were loaded into ${plan.display}; fix the value and load again.`,
    );
  }
}

function fresh(width: number): DuckDBValue[][] {
  return Array.from({ length: width }, () => []);
}
