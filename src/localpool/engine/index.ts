/**
 * The local pool's T-SQL engine: DuckDB storage (a data directory, or memory), the catalog that
 * remembers T-SQL types and object text, sessions that run T-SQL, and PREDICT on onnxruntime-node.
 * DuckDB and onnxruntime are loaded on first use, never when this module is imported.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import type { Engine, EngineSession, SessionInfo } from './api.js';
import { META_DDL, systemViewDdl } from './catalog.js';
import { LocalPoolSession, type EngineHost } from './session.js';
import { releaseSessions } from './predict/runtime.js';

export interface LocalPoolEngineOptions {
  /** Directory for the database file; undefined keeps everything in memory. */
  readonly dataDir?: string;
  /** The database name clients see (default 'SQLPool01'). */
  readonly database?: string;
  /** Rows of wwi_ml.CustomerTest seeded into a new database (default 1000; 0 = no seed data). */
  readonly seedCustomers?: number;
  /** Rows per onnxruntime run in PREDICT (default: the operator's measured best). */
  readonly predictBatchSize?: number;
  /** DuckDB threads (default: DuckDB's choice). */
  readonly threads?: number;
  /** The only folder COPY INTO reads from (default `<dataDir>/import`; none in memory). */
  readonly importDir?: string;
  /** Let COPY INTO read http(s)://, s3://, azure:// and abfss:// locations (default false). */
  readonly allowUrlImport?: boolean;
}

export const PRODUCT_VERSION = '10.0.15000.0';

/**
 * Settings of every session's DuckDB connection. A streamed result (a SELECT to a client, PREDICT's
 * DATA) is produced by DuckDB's threads into a buffer the session fetches from, one 2 048-row chunk
 * at a time; with DuckDB's default buffer (976 KiB, about ten such chunks) the producer stops and
 * is woken again every few fetches. 64 MB lets it run ahead: reading the lab's DATA (1 000 000
 * rows, eight inputs) took a median of 120 ms against 165 ms (bench/predict.bench.ts, line (e)).
 */
export const SESSION_SETTINGS: readonly string[] = ["SET streaming_buffer_size = '64MB'"];

export async function createLocalPoolEngine(options: LocalPoolEngineOptions = {}): Promise<Engine> {
  const duck = await import('@duckdb/node-api');
  const database = options.database ?? 'SQLPool01';
  let path = ':memory:';
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    path = join(options.dataDir, 'localpool.duckdb');
  }
  const importDir = options.importDir ?? (options.dataDir ? join(options.dataDir, 'import') : undefined);
  if (importDir) mkdirSync(importDir, { recursive: true });
  const config: Record<string, string> = { default_collation: 'nocase' };
  if (options.threads) config.threads = String(options.threads);
  if (options.dataDir) config.temp_directory = join(options.dataDir, 'tmp');
  let instance: DuckDBInstance;
  try {
    instance = await duck.DuckDBInstance.create(path, config);
  } catch (e) {
    throw new Error(`The local pool could not open its database at ${path}: ${(e as Error).message}. Is another local pool using the same data directory?`, {
      cause: e,
    });
  }
  const setup = await instance.connect();
  let fresh = false;
  try {
    const existing = await setup.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = '__lp' AND table_name = 'objects'`);
    fresh = Number(existing.getRows()[0]![0]) === 0;
    for (const sql of META_DDL) await setup.run(sql);
    for (const sql of systemViewDdl(database)) await setup.run(sql);
    if (importDir) await setup.run(`SET allowed_directories = ['${(realpathSync(importDir) + sep).replace(/'/g, "''")}']`);
    // DuckDB then reads and writes no file but its own and the import folder's, whatever SQL reaches it;
    // once off, external access cannot be turned on again while the database is open.
    if (!options.allowUrlImport) await setup.run('SET enable_external_access = false');
  } finally {
    setup.closeSync();
  }
  const maxId = async (): Promise<number> => {
    const c = await instance.connect();
    try {
      const r = await c.runAndReadAll(`SELECT coalesce(max(object_id), 0) FROM __lp.objects`);
      return Number(r.getRows()[0]![0]);
    } finally {
      c.closeSync();
    }
  };
  let idCounter = Math.max(1_000_000, (await maxId()) + 1);
  let spid = 50;
  const sessions = new Set<LocalPoolSession>();
  const host: EngineHost = {
    database,
    serverInfo: {
      productVersion: PRODUCT_VERSION,
      engineEdition: 6,
      version:
        `Microsoft Azure SQL Data Warehouse - ${PRODUCT_VERSION} (local pool)\n` +
        `\tThe Predict-with-a-model extension's local pool: a T-SQL subset on DuckDB with PREDICT on onnxruntime-node. ` +
        `Not Microsoft SQL Server or Azure Synapse Analytics.`,
    },
    catalogVersion: 0,
    nextId: () => idCounter++,
    predictBatchSize: options.predictBatchSize,
    blobValue: (bytes: Uint8Array): DuckDBValue => duck.blobValue(bytes),
    connect: () => instance.connect(),
    imports: { dir: importDir, allowUrls: options.allowUrlImport ?? false },
  };
  let closed = false;
  const engine: Engine = {
    serverInfo: host.serverInfo,
    async openSession(info: SessionInfo): Promise<EngineSession> {
      if (closed) throw new Error('The local pool engine is closed.');
      const conn = await instance.connect();
      for (const sql of SESSION_SETTINGS) await conn.run(sql);
      const s = new LocalPoolSession(host, conn, { ...info, spid: info.spid || ++spid, database });
      sessions.add(s);
      const close = s.close.bind(s);
      s.close = async () => {
        sessions.delete(s);
        await close();
      };
      return s;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const s of [...sessions]) await s.close().catch(() => undefined);
      await releaseSessions();
      instance.closeSync();
    },
  };
  if (fresh && (options.seedCustomers ?? 1000) >= 0) {
    const { seedDatabase } = await import('./seed.js');
    await seedDatabase(engine, { customers: options.seedCustomers ?? 1000, instanceConnect: () => instance.connect() });
  }
  return engine;
}
