/**
 * The local pool: the T-SQL engine on DuckDB behind the TDS server, in one call.
 */
import { join } from 'node:path';
import { createLocalPoolEngine } from './engine/index.js';
import { startTdsServer, type ServerLimits, type TdsServer } from './tds/server.js';

export interface LocalPoolOptions {
  /** Where the pool keeps its database and TLS certificate; undefined = in memory, certificate not kept. */
  readonly dataDir?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** The SQL login's name. Default 'sa'. */
  readonly user?: string;
  /** The SQL login's password (required). */
  readonly password: string;
  /** The database name. Default 'SQLPool01'. */
  readonly database?: string;
  /** Rows of wwi_ml.CustomerTest seeded into a new database (default 1000; 0 = none). */
  readonly seedCustomers?: number;
  /** A certificate to use instead of the generated one. */
  readonly tls?: { readonly certPath?: string; readonly keyPath?: string };
  readonly limits?: Partial<ServerLimits>;
  /** The only folder COPY INTO reads from (default `<dataDir>/import`). */
  readonly importDir?: string;
  /** Let COPY INTO read URLs (http(s)://, s3://, azure://, abfss://). Default false. */
  readonly allowUrlImport?: boolean;
  readonly log?: (line: string) => void;
}

export interface LocalPool extends TdsServer {
  readonly database: string;
}

export async function startLocalPool(options: LocalPoolOptions): Promise<LocalPool> {
  if (!options.password) throw new Error('The local pool needs a password for its SQL login: pass password (or set LOCALPOOL_PASSWORD).');
  const engine = await createLocalPoolEngine({
    dataDir: options.dataDir,
    database: options.database,
    seedCustomers: options.seedCustomers,
    importDir: options.importDir,
    allowUrlImport: options.allowUrlImport,
  });
  let server: TdsServer;
  try {
    server = await startTdsServer({
      engine,
      host: options.host,
      port: options.port,
      user: options.user,
      password: options.password,
      tls: { ...options.tls, dir: options.dataDir ? join(options.dataDir, 'tls') : undefined },
      limits: options.limits,
      spillDir: options.dataDir ? join(options.dataDir, 'spill') : undefined,
      log: options.log,
    });
  } catch (e) {
    await engine.close();
    throw e;
  }
  return {
    host: server.host,
    port: server.port,
    caCertPem: server.caCertPem,
    certPath: server.certPath,
    database: options.database ?? 'SQLPool01',
    connectionCount: () => server.connectionCount(),
    async close(): Promise<void> {
      await server.close();
      await engine.close();
    },
  };
}

export { startTdsServer } from './tds/server.js';
export type { TdsServer, TdsServerOptions, ServerLimits } from './tds/server.js';
