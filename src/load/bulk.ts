/**
 * Carries out a LoadPlan over TDS, so it works on Synapse, SQL MI and the local pool alike: a new
 * table is created first; the rows are read from the file a chunk at a time and sent with tedious's
 * bulk load (INSERT BULK + a BulkLoadBCP message) inside a transaction (tedious beginTransaction).
 * A failure or a cancel rolls the transaction back, so an existing table keeps exactly the rows it
 * had, and drops a table this load created, so nothing half-loaded is left behind.
 */
import type { Connection } from 'tedious';
import { SqlCancelledError, SqlRequestError, tediousParameterType, type SqlConnection } from '../sql/client/connection.js';
import { quoteObjectName } from '../sql/names.js';
import { displaySqlType } from '../sql/types.js';
import { readDataRows, type BulkValue } from './file.js';
import { createTableSql, dropTableSql, planProblems, type LoadPlan } from './plan.js';

export interface LoadProgress {
  readonly step: 'create' | 'load' | 'commit' | 'rollback';
  /** Rows read from the file and handed to the driver so far. */
  readonly rows: number;
  readonly total: number;
}

export interface LoadOptions {
  readonly signal?: AbortSignal;
  /** Called on each step and every `progressEvery` rows (default 5000). */
  readonly onProgress?: (p: LoadProgress) => void;
  readonly progressEvery?: number;
}

export class LoadError extends Error {
  constructor(
    message: string,
    /** The step that failed. */
    readonly step: 'check' | 'create' | 'load',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LoadError';
  }
}

export class LoadCancelledError extends Error {
  constructor(readonly tableRemoved: boolean) {
    super(tableRemoved ? 'Load data was cancelled: the new table was removed.' : 'Load data was cancelled: the table is unchanged.');
    this.name = 'LoadCancelledError';
  }
}

function promised<T>(start: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

/** Loads the file's rows into the plan's table; returns the number of rows loaded. */
export async function loadData(conn: SqlConnection, plan: LoadPlan, options: LoadOptions = {}): Promise<number> {
  const problems = planProblems(plan);
  if (problems.length) throw new LoadError(`Load data cannot start: ${problems.join(' ')}`, 'check');
  const signal = options.signal;
  const report = options.onProgress ?? (() => {});
  const total = plan.file.rowCount;
  const target = quoteObjectName(plan.table);
  if (signal?.aborted) throw new LoadCancelledError(plan.create);
  if (plan.create) {
    report({ step: 'create', rows: 0, total });
    try {
      await conn.execute(createTableSql(plan));
    } catch (e) {
      throw new LoadError(`Could not create ${target}: ${(e as Error).message}`, 'create', { cause: e });
    }
  }
  let rows = 0;
  try {
    rows = await conn.withDriver((driver) => bulkLoad(driver, plan, target, options, (n) => (rows = n)));
    return rows;
  } catch (e) {
    report({ step: 'rollback', rows, total });
    if (plan.create) await conn.execute(dropTableSql(plan)).catch(() => undefined);
    if (signal?.aborted || e instanceof SqlCancelledError) throw new LoadCancelledError(plan.create);
    const base = e instanceof SqlRequestError ? e.message : (e as Error).message;
    const after = plan.create ? 'the new table was removed' : 'the table is unchanged';
    throw new LoadError(
      `Loading ${plan.file.path} into ${target} failed after ${rows.toLocaleString('en')} rows: ${base} Nothing was loaded: ${after}.`,
      'load',
      { cause: e },
    );
  }
}

async function bulkLoad(driver: Connection, plan: LoadPlan, target: string, options: LoadOptions, counted: (n: number) => void): Promise<number> {
  const report = options.onProgress ?? (() => {});
  const every = options.progressEvery ?? 5000;
  const total = plan.file.rowCount;
  const signal = options.signal;
  await promised((cb) => driver.beginTransaction((err) => cb(err)));
  let rows = 0;
  try {
    const loaded = await new Promise<number>((resolve, reject) => {
      const bulk = driver.newBulkLoad(target, { keepNulls: true }, (err, rowCount) => (err ? reject(err) : resolve(rowCount ?? rows)));
      for (const c of plan.columns) {
        let t: ReturnType<typeof tediousParameterType>;
        try {
          t = tediousParameterType(c.type);
        } catch {
          reject(new Error(`the column ${c.name} has the type ${displaySqlType(c.type)}, which bulk load cannot send.`));
          return;
        }
        bulk.addColumn(c.name, t.type, { nullable: true, length: t.length, precision: t.precision, scale: t.scale });
      }
      const onAbort = (): void => bulk.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      const source = readDataRows(plan.file, plan.columns, signal);
      async function* counting(): AsyncGenerator<BulkValue[]> {
        try {
          for await (const row of source) {
            rows++;
            if (rows % every === 0) {
              counted(rows);
              report({ step: 'load', rows, total });
            }
            yield row;
          }
          counted(rows);
          report({ step: 'load', rows, total });
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      }
      driver.execBulkLoad(bulk, counting());
    });
    if (signal?.aborted) throw new SqlCancelledError();
    report({ step: 'commit', rows: loaded, total });
    await promised((cb) => driver.commitTransaction((err) => cb(err)));
    return loaded;
  } catch (e) {
    await promised((cb) => driver.rollbackTransaction((err) => cb(err))).catch(() => undefined);
    throw e;
  }
}
