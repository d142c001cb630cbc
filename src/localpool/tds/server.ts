import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { Engine } from '../engine/api.js';
import { createSelfSignedCertificate, loadOrCreateCertificate } from './cert.js';
import { digestPassword, Session, type ServerLimits, type SessionContext } from './session.js';

export type { ServerLimits };

export interface TdsServerOptions {
  readonly engine: Engine;
  /** Address to listen on. Default 127.0.0.1: the local pool is for this machine only. */
  readonly host?: string;
  /** Port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** The SQL login. Default 'sa'. */
  readonly user?: string;
  /** The login's password (required; compared in constant time). */
  readonly password: string;
  /**
   * TLS for `encrypt: true` and `encrypt: 'strict'` clients. Without certPath/keyPath the server
   * creates a self-signed certificate in `dir` (kept across starts), or in memory without `dir`.
   */
  readonly tls?: { readonly certPath?: string; readonly keyPath?: string; readonly dir?: string };
  readonly limits?: Partial<ServerLimits>;
  /** Folder for large parameter values that are not the last of their request. Default: one under the system's temp folder. */
  readonly spillDir?: string;
  /** Where diagnostics go (never passwords). Default: nowhere. */
  readonly log?: (line: string) => void;
}

export interface TdsServer {
  readonly host: string;
  readonly port: number;
  /** The certificate clients should trust (PEM). */
  readonly caCertPem?: string;
  /** Its file, when it has one. */
  readonly certPath?: string;
  /** Logged-in connections right now. */
  connectionCount(): number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: ServerLimits = {
  loginTimeoutMs: 15_000,
  maxConnections: 64,
  maxMessageBytes: 64 * 1024 * 1024,
  streamThresholdBytes: 1024 * 1024,
};

function parseVersion(text: string): [number, number, number] {
  const [major, minor, build] = text.split('.').map((p) => Number.parseInt(p, 10));
  return [major && major < 256 ? major : 16, minor && minor < 256 ? minor : 0, build && build < 65536 ? build : 0];
}

/** Starts the local pool's TDS 7.4 endpoint in front of `engine`. */
export async function startTdsServer(options: TdsServerOptions): Promise<TdsServer> {
  if (!options.password) throw new Error('The local pool needs a password for its SQL login: pass password (or set LOCALPOOL_PASSWORD).');
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`The TDS server limit ${k} must be a positive number, not ${String(v)}.`);
  }
  const material = options.tls?.certPath || options.tls?.keyPath || options.tls?.dir ? await loadOrCreateCertificate(options.tls) : undefined;
  const pem = material ?? createSelfSignedCertificate();
  const secureContext = tls.createSecureContext({ cert: pem.certPem, key: pem.keyPem, minVersion: 'TLSv1.2' });

  const sessions = new Set<Session>();
  const sockets = new Set<Socket>();
  let spid = 50;
  const log = options.log ?? ((): void => undefined);
  const ctx: SessionContext = {
    engine: options.engine,
    user: options.user ?? 'sa',
    passwordDigest: digestPassword(options.password),
    tls: secureContext,
    limits,
    spillDir: options.spillDir ?? join(tmpdir(), `localpool-spill-${process.pid}`),
    version: parseVersion(options.engine.serverInfo.productVersion),
    nextSpid: () => (spid = spid >= 32000 ? 51 : spid + 1),
    loggedInCount: () => [...sessions].filter((s) => s.isLoggedIn).length,
    log,
  };

  // Sockets beyond this are closed at once: enough room for logins in progress, not unbounded.
  const socketCap = limits.maxConnections * 2 + 16;
  const server: Server = createServer({ noDelay: true }, (socket) => {
    if (sockets.size >= socketCap) {
      log(`refused a connection: ${sockets.size} connections are open`);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const session = new Session(socket, ctx);
    sessions.add(session);
    void session.run().finally(() => sessions.delete(session));
  });
  server.on('error', (e) => log(`server error: ${e.message}`));

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => reject(new Error(`The local pool cannot listen on ${host}:${options.port ?? 0}: ${e.message}`));
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);

  return {
    host,
    port,
    caCertPem: pem.certPem,
    certPath: material?.certPath,
    connectionCount: () => ctx.loggedInCount(),
    async close(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...sessions].map((s) => s.close()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
