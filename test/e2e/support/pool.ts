// A local pool for the end-to-end tests: the product's engine and TDS server started in the test
// process with its own data directory and the seeded wwi_ml.CustomerTest, the connection entry a test
// writes into code-server's user settings (password through an environment variable, never settings),
// and a tedious client (the product's SqlConnection) to check what the extension left in the database.
//
// `holdInserts(table)` makes every INSERT into that table wait until the client cancels it (ATTENTION)
// or the hold is lifted: a deploy slow enough for a user to press Cancel at a known step.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine, EngineEvent, EngineSession, Parameter, StreamedValue } from '../../../src/localpool/engine/api.js';
import { startTdsServer, type TdsServer } from '../../../src/localpool/tds/server.js';
import { SqlConnection, type SqlCell } from '../../../src/sql/client/connection.js';

export const POOL_USER = 'sa';
export const POOL_DATABASE = 'SQLPool01';

export interface TestPool {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  readonly caCertPath?: string;
  readonly caCertPem?: string;
  /** Opens a connection through the product's client (the caller closes it). */
  connect(password?: string): Promise<SqlConnection>;
  /** Runs one statement on a fresh connection and returns the rows of its first result set. */
  rows(sql: string): Promise<SqlCell[][]>;
  /** From now on, INSERTs whose text names `tableText` (e.g. `[wwi_ml].[Held]`) wait for a cancel or `release()`. */
  holdInserts(tableText: string): void;
  /** Lets held INSERTs go on, and stops holding. */
  release(): void;
  /** INSERTs held so far (started waiting), and how many of them ended by a cancel. */
  readonly held: { started: number; cancelled: number };
  close(): Promise<void>;
}

export interface TestPoolOptions {
  /** Where the database and the TLS certificate live. */
  readonly dataDir: string;
  readonly password: string;
  /** Rows of wwi_ml.CustomerTest (default the engine's 1000). */
  readonly seedCustomers?: number;
}

async function* nothing(): AsyncIterable<EngineEvent> {
  // An INSERT cancelled while held: the server answers the ATTENTION with no events.
}

/** A streamed parameter read to the end, handed on as a stream of the same bytes. */
async function buffered(p: Parameter): Promise<Parameter> {
  const v = p.value;
  if (v === null || typeof v !== 'object' || !('kind' in v) || v.kind !== 'stream') return p;
  const chunks: Uint8Array[] = [];
  for await (const c of (v as StreamedValue).chunks) chunks.push(c);
  const replay: StreamedValue = {
    kind: 'stream',
    ...(v.length !== undefined ? { length: v.length } : {}),
    chunks: (async function* () {
      yield* chunks;
    })(),
  };
  return { ...p, value: replay };
}

/** Starts the pool (engine + TDS server) and returns it with the helpers above. */
export async function startTestPool(options: TestPoolOptions): Promise<TestPool> {
  mkdirSync(options.dataDir, { recursive: true });
  const inner = await createLocalPoolEngine({ dataDir: join(options.dataDir, 'db'), seedCustomers: options.seedCustomers });
  let holdText: string | undefined;
  let releaseAll: (() => void) | undefined;
  let releasedPromise: Promise<void> = Promise.resolve();
  const held = { started: 0, cancelled: 0 };

  const holds = (sql: string): boolean => holdText !== undefined && /^\s*INSERT\b/i.test(sql) && sql.includes(holdText);

  const wrapSession = (s: EngineSession): EngineSession => ({
    get database() {
      return s.database;
    },
    get inTransaction() {
      return s.inTransaction;
    },
    execute(sql: string, params: readonly Parameter[], signal: AbortSignal): AsyncIterable<EngineEvent> {
      if (process.env.E2E_POOL_SQL) console.log(`# pool: ${sql.slice(0, 120).replace(/\s+/g, ' ')}`);
      if (!holds(sql)) return s.execute(sql, params, signal);
      const released = releasedPromise;
      return (async function* () {
        // Take the whole request first (the model bytes arrive as a stream), then wait.
        const all = await Promise.all(params.map(buffered));
        held.started++;
        const cancelled = await Promise.race([
          released.then(() => false),
          new Promise<boolean>((res) => (signal.aborted ? res(true) : signal.addEventListener('abort', () => res(true), { once: true }))),
        ]);
        if (cancelled) {
          held.cancelled++;
          yield* nothing();
          return;
        }
        yield* s.execute(sql, all, signal);
      })();
    },
    callProcedure: (name, params, signal) => s.callProcedure(name, params, signal),
    beginTransaction: (name) => s.beginTransaction(name),
    commitTransaction: () => s.commitTransaction(),
    rollbackTransaction: () => s.rollbackTransaction(),
    ...(s.bulkLoad ? { bulkLoad: s.bulkLoad.bind(s) } : {}),
    close: () => s.close(),
  });

  const engine: Engine = {
    serverInfo: inner.serverInfo,
    openSession: async (info) => wrapSession(await inner.openSession(info)),
    close: () => inner.close(),
  };

  let server: TdsServer;
  try {
    server = await startTdsServer({ engine, password: options.password, user: POOL_USER, tls: { dir: join(options.dataDir, 'tls') } });
  } catch (e) {
    await engine.close();
    throw e;
  }
  let caCertPath: string | undefined;
  if (server.caCertPem) {
    caCertPath = join(options.dataDir, 'pool-ca.pem');
    writeFileSync(caCertPath, server.caCertPem);
  }

  const release = (): void => {
    holdText = undefined;
    releaseAll?.();
    releaseAll = undefined;
  };

  const connect = (password = options.password): Promise<SqlConnection> =>
    SqlConnection.open({
      server: server.host,
      port: server.port,
      database: POOL_DATABASE,
      authentication: { kind: 'sql-login', user: POOL_USER, password },
      ...(server.caCertPem ? { encrypt: 'strict' as const, caCertPem: server.caCertPem } : { encrypt: 'optional' as const }),
    });

  return {
    host: server.host,
    port: server.port,
    password: options.password,
    caCertPath,
    caCertPem: server.caCertPem,
    held,
    connect,
    async rows(sql: string): Promise<SqlCell[][]> {
      const conn = await connect();
      try {
        const r = await conn.query(sql);
        return (r.resultSets[0]?.rows ?? []).map((row) => [...row]);
      } finally {
        await conn.close();
      }
    },
    holdInserts(tableText: string): void {
      holdText = tableText;
      releasedPromise = new Promise<void>((res) => (releaseAll = res));
    },
    release,
    async close(): Promise<void> {
      release();
      await server.close();
      await engine.close();
    },
  };
}

/**
 * The `predictWizard.connections` entry for the pool: a SQL login whose password the extension reads
 * from the environment variable `passwordEnv` (set for code-server), never from settings.
 */
export function poolConnectionSetting(pool: TestPool, name: string, passwordEnv: string): Record<string, unknown> {
  return {
    name,
    server: pool.host,
    port: pool.port,
    database: POOL_DATABASE,
    authenticationType: 'SqlLogin',
    user: POOL_USER,
    passwordEnv,
    ...(pool.caCertPath ? { encrypt: 'strict', caCertPath: pool.caCertPath } : { encrypt: 'optional' }),
  };
}
