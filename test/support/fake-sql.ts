/**
 * A SQL connection for unit tests, with no server: it records every statement, answers queries with
 * an empty result set (or what `answer` returns), and runs transactions as BEGIN / COMMIT, or the
 * rollback statement when the work throws. It is a SqlPort, what the wizard, the deploy and the
 * lifecycle call.
 */
import type { ExecuteResult, QueryResult, SqlParameter, SqlPort } from '../../src/sql/port.js';

export interface FakeSqlOptions {
  /** The result of a query; undefined (or no function) answers one empty result set. */
  answer?: (sql: string) => QueryResult | undefined;
  /** What every execute returns. Default: one row affected. */
  executeResult?: ExecuteResult;
  /** The statement recorded when a transaction's work throws. Default: `IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION`. */
  rollback?: string;
}

export interface LoggedStatement {
  sql: string;
  params?: readonly SqlParameter[];
}

const EMPTY: QueryResult = {
  resultSets: [{ columns: [{ name: 'x', type: 'nvarchar(128)', nullable: true }], rows: [], truncated: false, rowCount: 0 }],
  messages: [],
  rowCounts: [],
};

export class FakeSql implements SqlPort {
  /** Every statement in order, with its parameters. */
  readonly log: LoggedStatement[] = [];
  /** An execute whose text matches fails, as a server that refuses it. */
  failOn?: RegExp;
  /** Called with each executed statement before it is answered (may throw or change the test's world). */
  onExecute?: (sql: string) => void;
  /** How many times cancel() was called. */
  cancelled = 0;

  constructor(private readonly options: FakeSqlOptions = {}) {}

  async query(sql: string, params?: readonly SqlParameter[]): Promise<QueryResult> {
    this.log.push({ sql, params });
    return this.options.answer?.(sql) ?? EMPTY;
  }

  async execute(sql: string, params?: readonly SqlParameter[]): Promise<ExecuteResult> {
    this.log.push({ sql, params });
    this.onExecute?.(sql);
    if (this.failOn?.test(sql)) throw new Error(`The server refused: ${sql.split('\n')[0]}`);
    return this.options.executeResult ?? { rowCounts: [1], rowsAffected: 1, messages: [] };
  }

  async transaction<T>(work: (tx: SqlPort) => Promise<T>): Promise<T> {
    await this.execute('BEGIN TRANSACTION');
    try {
      const r = await work(this);
      await this.execute('COMMIT TRANSACTION');
      return r;
    } catch (e) {
      await this.execute(this.options.rollback ?? 'IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION');
      throw e;
    }
  }

  cancel(): void {
    this.cancelled++;
  }

  /** The first line of each statement. */
  heads(): string[] {
    return this.log.map((l) => l.sql.split('\n')[0]!);
  }
}
