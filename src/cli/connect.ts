/**
 * Opens the product's SQL connection (src/sql/client/connection.ts) from the command line's options and
 * the environment: the password from PREDICT_SQL_PASSWORD only, the CA certificate from --ca.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SqlConnection, type SqlConnectionConfig } from '../sql/client/connection.js';
import { ENV, PROGRAM, type CommandName, type SqlOptions } from './args.js';
import { CliFailure, UsageError } from './errors.js';
import { messageOf } from '../common/errors.js';

/** The configuration for `sql`, with the password from the environment. Throws UsageError when it is missing. */
export async function connectionConfig(
  command: CommandName,
  sql: SqlOptions,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<SqlConnectionConfig> {
  const password = env[ENV.sqlPassword];
  if (!password) {
    throw new UsageError(
      `${PROGRAM} ${command}: no password for SQL login '${sql.user}': set the environment variable ${ENV.sqlPassword} (passwords are never read from the command line).`,
    );
  }
  let caCertPem: string | undefined;
  if (sql.caPath) {
    const path = resolve(cwd, sql.caPath);
    try {
      caCertPem = await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new UsageError(
        `${PROGRAM} ${command}: cannot read the CA certificate ${path} given by --ca (${code ?? 'unreadable'}); give the PEM file that signed the server's certificate.`,
      );
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(caCertPem)) {
      throw new UsageError(`${PROGRAM} ${command}: ${path} given by --ca holds no PEM certificate (no -----BEGIN CERTIFICATE----- line).`);
    }
  }
  return {
    server: sql.server,
    ...(sql.port !== undefined ? { port: sql.port } : {}),
    database: sql.database,
    authentication: { kind: 'sql-login', user: sql.user, password },
    encrypt: sql.encrypt,
    trustServerCertificate: sql.trustServerCertificate,
    ...(caCertPem ? { caCertPem } : {}),
    appName: 'predict-wizard CLI',
  };
}

/** Connects; a refused login, an unknown host or an untrusted certificate becomes a CliFailure with the connection module's message. */
export async function connect(config: SqlConnectionConfig, log?: (line: string) => void): Promise<SqlConnection> {
  try {
    return await SqlConnection.open(config, { log });
  } catch (e) {
    const message = messageOf(e);
    throw new CliFailure(message, { cause: e });
  }
}
