/**
 * Connection profiles as they live in the `predictWizard.connections` setting (no secrets there,
 * like the mssql extension's `mssql.connections`), their validation, and how a profile plus its
 * secret becomes a SqlConnectionConfig. No vscode import: the commands and tests share it.
 */
import { identifierProblem } from '../sql/names.js';
import type { EncryptMode, SqlConnectionConfig } from '../sql/client/connection.js';

export type AuthenticationType = 'SqlLogin' | 'AzureMFA' | 'LocalPool';

export const AUTHENTICATION_TYPES: readonly AuthenticationType[] = ['SqlLogin', 'AzureMFA', 'LocalPool'];
export const ENCRYPT_MODES: readonly EncryptMode[] = ['strict', 'mandatory', 'optional'];

export interface ConnectionProfile {
  readonly name: string;
  readonly server: string;
  readonly port?: number;
  readonly database: string;
  readonly authenticationType: AuthenticationType;
  readonly user?: string;
  readonly encrypt?: EncryptMode;
  readonly trustServerCertificate?: boolean;
  readonly caCertPath?: string;
  /**
   * SqlLogin and LocalPool: the name of an environment variable holding the password, used when
   * SecretStorage holds none (scripts and CI start VS Code with it set). The name only; never the value.
   */
  readonly passwordEnv?: string;
}

/** The name of the connection the "Start local pool" command adds or updates. */
export const LOCAL_POOL_CONNECTION = 'Local pool';
export const LOCAL_POOL_USER = 'sa';
export const DEFAULT_LOCAL_POOL_DATABASE = 'SQLPool01';

/** SecretStorage key of a connection's password. */
export function passwordKey(connectionName: string): string {
  return `predictWizard.connection.${connectionName}.password`;
}
export const LOCAL_POOL_PASSWORD_KEY = 'predictWizard.localPool.password';

// ---------------------------------------------------------------------------------------------
// Field checks, shown while the user types (input box validation) and applied to settings.

export function connectionNameProblem(name: string, existing: readonly string[], renaming?: string): string | undefined {
  const n = name.trim();
  if (!n) return 'Enter a name for the connection, e.g. "Synapse dev".';
  if (n.length > 100) return 'A connection name is at most 100 characters.';
  if ([...n].some((ch) => ch.charCodeAt(0) < 0x20)) return 'A connection name cannot contain control characters.';
  if (existing.some((e) => e.toLowerCase() === n.toLowerCase() && e.toLowerCase() !== renaming?.toLowerCase())) {
    return `A connection named '${n}' already exists: choose another name.`;
  }
  return undefined;
}

/**
 * Reads a server as typed: `host`, `host,port` (the SSMS form) or `host:port`; a `tcp:` prefix is
 * dropped. Returns the host and port, or the problem.
 */
export function parseServerInput(text: string): { server: string; port?: number } | { problem: string } {
  let t = text.trim();
  if (!t) return { problem: 'Enter the server, e.g. myworkspace.sql.azuresynapse.net or 127.0.0.1,1433.' };
  t = t.replace(/^tcp:/i, '');
  let port: number | undefined;
  const m = /^(.*?)[,:](\d*)$/.exec(t);
  if (m && !/^\[/.test(t)) {
    t = m[1]!.trim();
    const p = portProblem(m[2]!);
    if (p) return { problem: p };
    port = Number(m[2]);
  }
  if (!t) return { problem: 'Enter the server name before the port.' };
  if (/\s/.test(t)) return { problem: `The server '${t}' contains a space: enter a host name such as myworkspace.sql.azuresynapse.net.` };
  if (t.includes('\\')) return { problem: `Named instances ('${t}') are not supported: enter the host name and the port, e.g. myhost,1433.` };
  if (/^[a-z]+:\/\//i.test(t) || t.includes('/')) return { problem: `Enter only the host name, not a URL: '${t}'.` };
  if (!/^[A-Za-z0-9.\-_]+$/.test(t)) return { problem: `The server '${t}' is not a host name or an IP address.` };
  return port === undefined ? { server: t } : { server: t, port };
}

export function portProblem(text: string | number): string | undefined {
  const s = String(text).trim();
  if (!/^\d{1,5}$/.test(s) || Number(s) < 1 || Number(s) > 65535) return `The port '${s}' is not valid: enter a whole number from 1 to 65535.`;
  return undefined;
}

export function databaseProblem(name: string): string | undefined {
  if (!name.trim()) return "Enter the database (the dedicated SQL pool's name), e.g. SQLPool01.";
  return identifierProblem(name.trim());
}

/** A passwordEnv value must name an environment variable (letters, digits, underscores). */
export function passwordEnvProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) {
    return `passwordEnv must be the name of an environment variable (letters, digits and underscores, e.g. LOCALPOOL_PASSWORD), not '${name.length > 40 ? `${name.slice(0, 40)}…` : name}'.`;
  }
  return undefined;
}

/** The password the environment variable named by `p.passwordEnv` holds, if it is set and not empty. */
export function passwordFromEnvironment(p: ConnectionProfile, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!p.passwordEnv || p.authenticationType === 'AzureMFA') return undefined;
  const value = env[p.passwordEnv];
  return value ? value : undefined;
}

export function userProblem(name: string): string | undefined {
  if (!name.trim()) return 'Enter the SQL login, e.g. sqladminuser.';
  if (name.length > 128) return 'A SQL login is at most 128 characters.';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Settings

export interface ProfilesRead {
  readonly profiles: ConnectionProfile[];
  /** One message per entry that was left out or corrected, naming its index and field. */
  readonly problems: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the `predictWizard.connections` setting; bad entries are reported, not thrown. */
export function readProfiles(raw: unknown): ProfilesRead {
  const profiles: ConnectionProfile[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { profiles, problems };
  if (!Array.isArray(raw)) return { profiles, problems: ['predictWizard.connections must be an array of connections.'] };
  raw.forEach((entry: unknown, i) => {
    const at = `predictWizard.connections[${i}]`;
    if (!isRecord(entry)) {
      problems.push(`${at} is not an object: it was ignored.`);
      return;
    }
    const name = typeof entry.name === 'string' ? entry.name.trim() : '';
    const label = name ? `${at} ('${name}')` : at;
    const fail = (msg: string) => problems.push(`${label}: ${msg} It was ignored.`);
    const nameErr = connectionNameProblem(
      name,
      profiles.map((p) => p.name),
    );
    if (nameErr) return fail(nameErr);
    const auth = entry.authenticationType ?? 'SqlLogin';
    if (typeof auth !== 'string' || !AUTHENTICATION_TYPES.includes(auth as AuthenticationType)) {
      return fail(`authenticationType must be one of ${AUTHENTICATION_TYPES.join(', ')}.`);
    }
    if (typeof entry.server !== 'string') return fail('server is missing.');
    const server = parseServerInput(entry.server);
    if ('problem' in server) return fail(server.problem);
    let port = server.port;
    if (entry.port !== undefined) {
      if (typeof entry.port !== 'number' || portProblem(entry.port)) return fail(portProblem(String(entry.port))!);
      port = entry.port;
    }
    const database = typeof entry.database === 'string' ? entry.database.trim() : '';
    const dbErr = databaseProblem(database);
    if (dbErr) return fail(dbErr);
    let user: string | undefined;
    if (auth === 'SqlLogin') {
      user = typeof entry.user === 'string' ? entry.user.trim() : '';
      const uErr = userProblem(user);
      if (uErr) return fail(uErr);
    } else if (typeof entry.user === 'string' && entry.user.trim()) {
      user = entry.user.trim();
    }
    let encrypt: EncryptMode | undefined;
    if (entry.encrypt !== undefined) {
      if (typeof entry.encrypt !== 'string' || !ENCRYPT_MODES.includes(entry.encrypt as EncryptMode)) {
        return fail(`encrypt must be one of ${ENCRYPT_MODES.join(', ')}.`);
      }
      encrypt = entry.encrypt as EncryptMode;
    }
    if (entry.trustServerCertificate !== undefined && typeof entry.trustServerCertificate !== 'boolean') {
      return fail('trustServerCertificate must be true or false.');
    }
    if (entry.caCertPath !== undefined && typeof entry.caCertPath !== 'string') return fail('caCertPath must be a file path.');
    let passwordEnv: string | undefined;
    if (entry.passwordEnv !== undefined) {
      if (typeof entry.passwordEnv !== 'string') return fail('passwordEnv must be the name of an environment variable, e.g. LOCALPOOL_PASSWORD.');
      const envErr = passwordEnvProblem(entry.passwordEnv.trim());
      if (envErr) return fail(envErr);
      if (auth === 'AzureMFA') problems.push(`${label}: passwordEnv applies to SqlLogin and LocalPool connections only; it was ignored.`);
      else passwordEnv = entry.passwordEnv.trim();
    }
    if ('password' in entry) {
      problems.push(`${label}: a password in settings is ignored; it is kept in the OS keychain instead. Remove it from settings.json.`);
    }
    profiles.push({
      name,
      server: server.server,
      ...(port !== undefined ? { port } : {}),
      database,
      authenticationType: auth as AuthenticationType,
      ...(user ? { user } : {}),
      ...(encrypt ? { encrypt } : {}),
      ...(typeof entry.trustServerCertificate === 'boolean' ? { trustServerCertificate: entry.trustServerCertificate } : {}),
      ...(typeof entry.caCertPath === 'string' && entry.caCertPath ? { caCertPath: entry.caCertPath } : {}),
      ...(passwordEnv ? { passwordEnv } : {}),
    });
  });
  return { profiles, problems };
}

/** The profile as it is written back to settings: only the fields that are set, in a stable order. */
export function profileToSetting(p: ConnectionProfile): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, server: p.server };
  if (p.port !== undefined) out.port = p.port;
  out.database = p.database;
  out.authenticationType = p.authenticationType;
  if (p.user) out.user = p.user;
  if (p.encrypt) out.encrypt = p.encrypt;
  if (p.trustServerCertificate !== undefined) out.trustServerCertificate = p.trustServerCertificate;
  if (p.caCertPath) out.caCertPath = p.caCertPath;
  if (p.passwordEnv) out.passwordEnv = p.passwordEnv;
  return out;
}

/** `host,port/database (user)` for quick picks and tooltips. */
export function describeProfile(p: ConnectionProfile): string {
  const who = p.authenticationType === 'AzureMFA' ? 'Microsoft Entra' : p.authenticationType === 'LocalPool' ? 'local pool' : (p.user ?? '');
  return `${p.server}${p.port && p.port !== 1433 ? `,${p.port}` : ''}/${p.database} (${who})`;
}

export interface ProfileSecrets {
  readonly password?: string;
  readonly accessToken?: string;
  readonly caCertPem?: string;
}

/** Builds the connection configuration. Throws an Error saying what is missing. */
export function profileToConfig(p: ConnectionProfile, secrets: ProfileSecrets, database = p.database): SqlConnectionConfig {
  const common = {
    server: p.server,
    port: p.port ?? 1433,
    database,
    ...(p.trustServerCertificate !== undefined ? { trustServerCertificate: p.trustServerCertificate } : {}),
    ...(secrets.caCertPem ? { caCertPem: secrets.caCertPem } : {}),
  };
  switch (p.authenticationType) {
    case 'SqlLogin':
      if (secrets.password === undefined) {
        throw new Error(
          p.passwordEnv
            ? `No password is stored for connection '${p.name}' and the environment variable ${p.passwordEnv} (its passwordEnv) is not set: set it before starting VS Code, or edit the connection to enter the password.`
            : `No password is stored for connection '${p.name}': edit the connection to enter it.`,
        );
      }
      return { ...common, encrypt: p.encrypt ?? 'mandatory', authentication: { kind: 'sql-login', user: p.user ?? '', password: secrets.password } };
    case 'LocalPool':
      if (secrets.password === undefined) {
        throw new Error(
          p.passwordEnv
            ? `No password is stored for the local pool and the environment variable ${p.passwordEnv} (passwordEnv of connection '${p.name}') is not set: set it before starting VS Code, or run "Start Local Pool" again.`
            : `No password is stored for the local pool: run "Start local pool" again.`,
        );
      }
      return {
        ...common,
        encrypt: p.encrypt ?? (secrets.caCertPem ? 'strict' : 'optional'),
        authentication: { kind: 'sql-login', user: p.user ?? LOCAL_POOL_USER, password: secrets.password },
      };
    case 'AzureMFA':
      if (!secrets.accessToken) throw new Error(`Sign in with Microsoft Entra ID to use connection '${p.name}'.`);
      return {
        ...common,
        encrypt: p.encrypt ?? 'mandatory',
        authentication: { kind: 'access-token', token: secrets.accessToken, ...(p.user ? { user: p.user } : {}) },
      };
  }
}
