/** How the SQL client is configured: the target, the sign-in, encryption, timeouts; tedious's configuration from it. */
import type { ConnectionConfiguration } from 'tedious';
import { SqlConnectionError } from './errors.js';

/** How the connection is encrypted. 'strict' is TDS 8.0 (TLS before anything else). */
export type EncryptMode = 'strict' | 'mandatory' | 'optional';

export type SqlAuthentication =
  | { readonly kind: 'sql-login'; readonly user: string; readonly password: string }
  /** A Microsoft Entra access token for `https://database.windows.net/.default`. */
  | { readonly kind: 'access-token'; readonly token: string; readonly user?: string };

export interface SqlConnectionConfig {
  readonly server: string;
  /** Default 1433. */
  readonly port?: number;
  /** The database to open; the login's default database when omitted. */
  readonly database?: string;
  readonly authentication: SqlAuthentication;
  /** Default 'mandatory'. */
  readonly encrypt?: EncryptMode;
  /** Accept any server certificate (not honoured by 'strict', which needs `caCertPem`). */
  readonly trustServerCertificate?: boolean;
  /** PEM certificate(s) of the authority that signed the server certificate (the local pool's). */
  readonly caCertPem?: string;
  /** The host name expected in the server certificate when it differs from `server`. */
  readonly hostNameInCertificate?: string;
  /** Default 15 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Per-request timeout; default 0 (none: scripts and deploys may run long; use cancel()). */
  readonly requestTimeoutMs?: number;
  /** Shown to the server as the program name. */
  readonly appName?: string;
}

/** `server:port`, as shown in messages. */
export function endpointText(config: Pick<SqlConnectionConfig, 'server' | 'port'>): string {
  return `${config.server}:${config.port ?? 1433}`;
}

/** A one-line description of a configuration for logs: never the password or the token. */
export function describeConnection(config: SqlConnectionConfig): string {
  const auth = config.authentication;
  const who = auth.kind === 'sql-login' ? `SQL login '${auth.user}'` : `Microsoft Entra token${auth.user ? ` for ${auth.user}` : ''}`;
  return `${endpointText(config)}${config.database ? `/${config.database}` : ''} as ${who}, encrypt ${config.encrypt ?? 'mandatory'}`;
}

/** Builds tedious's configuration. Exported for tests. */
export function toTediousConfig(config: SqlConnectionConfig): ConnectionConfiguration {
  const problem = configProblem(config);
  if (problem) throw new SqlConnectionError('config', problem);
  const encrypt = config.encrypt ?? 'mandatory';
  const auth = config.authentication;
  return {
    server: config.server,
    authentication:
      auth.kind === 'sql-login'
        ? { type: 'default', options: { userName: auth.user, password: auth.password } }
        : { type: 'azure-active-directory-access-token', options: { token: auth.token } },
    options: {
      port: config.port ?? 1433,
      database: config.database || undefined,
      encrypt: encrypt === 'strict' ? 'strict' : encrypt === 'mandatory',
      trustServerCertificate: config.trustServerCertificate ?? false,
      cryptoCredentialsDetails: config.caCertPem ? { ca: config.caCertPem } : {},
      serverName: config.hostNameInCertificate,
      connectTimeout: config.connectTimeoutMs ?? 15_000,
      requestTimeout: config.requestTimeoutMs ?? 0,
      appName: config.appName ?? 'Predict with a Model',
      rowCollectionOnRequestCompletion: false,
      useColumnNames: false,
      // Synapse rejects some of the session options tedious sets by default; these are the
      // ones every target accepts.
      enableArithAbort: true,
    },
  };
}

/** Checks a configuration before connecting; returns what is wrong, or undefined. */
export function configProblem(config: SqlConnectionConfig): string | undefined {
  if (!config.server || !config.server.trim()) return 'The server name is empty: enter a host name such as myworkspace.sql.azuresynapse.net.';
  if (/\s/.test(config.server.trim()) || /[/\\]/.test(config.server)) {
    return `The server name '${config.server}' is not a host name: use a name such as myworkspace.sql.azuresynapse.net, without spaces, slashes or instance names.`;
  }
  const port = config.port ?? 1433;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `The port ${String(config.port)} is not valid: use a whole number from 1 to 65535.`;
  const auth = config.authentication;
  if (auth.kind === 'sql-login' && !auth.user) return `No user name for the SQL login to ${endpointText(config)}.`;
  if (auth.kind === 'access-token' && !auth.token) return `No Microsoft Entra access token for ${endpointText(config)}: sign in first.`;
  if (config.encrypt === 'strict' && config.trustServerCertificate && !config.caCertPem) {
    return `Encrypt 'strict' does not honour trustServerCertificate: give the CA certificate of ${endpointText(config)} (caCertPath) or use encrypt 'mandatory'.`;
  }
  return undefined;
}
