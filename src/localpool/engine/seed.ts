/**
 * Seed data for a new local pool database: the lab's `wwi_ml` schema, `wwi_ml.CustomerTest` filled
 * with `generateCustomers` rows (fixed seed; DuckDB's appender, so a million rows take seconds)
 * and an empty `wwi_ml.AMLModel` with the lab's schema. Tables are created through the engine's
 * own T-SQL, so the catalog records their declared types.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Engine, EngineEvent } from './api.js';
import { SqlError } from './api.js';
import { CUSTOMER_TEST_COLUMNS, DEFAULT_SEED, generateCustomers } from '../../samples/customers.js';
import { createModelTableSql } from '../../sql/model-table.js';
import { quoteName } from '../../sql/names.js';

export interface SeedOptions {
  /** Rows of wwi_ml.CustomerTest (default 1000). */
  readonly customers?: number;
  readonly seed?: number;
  /** A raw DuckDB connection for the appender. */
  readonly instanceConnect: () => Promise<DuckDBConnection>;
}

export const SEED_SCHEMA = 'wwi_ml';

/** Runs T-SQL on a session of `engine`, throwing the first error. */
export async function runSql(engine: Engine, sql: string): Promise<EngineEvent[]> {
  const session = await engine.openSession({ user: 'sa', database: 'SQLPool01', spid: 0, appName: 'seed' });
  try {
    const events: EngineEvent[] = [];
    for await (const ev of session.execute(sql, [], new AbortController().signal)) {
      if (ev.kind === 'error') throw new SqlError(ev.message.number, ev.message.message, ev.message.line);
      events.push(ev);
    }
    return events;
  } finally {
    await session.close();
  }
}

export async function seedDatabase(engine: Engine, options: SeedOptions): Promise<void> {
  const count = options.customers ?? 1000;
  const columns = CUSTOMER_TEST_COLUMNS.map((c) => `    ${quoteName(c.name)} [${c.sqlType}] NOT NULL`).join(',\n');
  await runSql(
    engine,
    [
      `CREATE SCHEMA ${quoteName(SEED_SCHEMA)}`,
      'GO',
      `CREATE TABLE ${quoteName(SEED_SCHEMA)}.[CustomerTest]\n(\n${columns}\n)\nWITH (DISTRIBUTION = ROUND_ROBIN, CLUSTERED COLUMNSTORE INDEX)`,
      'GO',
      createModelTableSql({ schema: SEED_SCHEMA, name: 'AMLModel' }, 'synapse-dedicated'),
    ].join('\n'),
  );
  if (count <= 0) return;
  const conn = await options.instanceConnect();
  try {
    const appender = await conn.createAppender('CustomerTest', SEED_SCHEMA);
    const floats = new Set(CUSTOMER_TEST_COLUMNS.filter((c) => c.sqlType === 'float').map((c) => c.name));
    const names = CUSTOMER_TEST_COLUMNS.map((c) => c.name);
    for (const c of generateCustomers(count, options.seed ?? DEFAULT_SEED)) {
      const row = c as unknown as Record<string, number>;
      for (const n of names) {
        if (floats.has(n)) appender.appendDouble(row[n]!);
        else appender.appendInteger(row[n]!);
      }
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  } finally {
    conn.closeSync();
  }
}
