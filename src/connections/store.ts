/**
 * Connection profiles in settings (`predictWizard.connections`) and their secrets in SecretStorage,
 * plus the open sessions (one SqlConnection per connection and database, reused by the explorer,
 * the wizard and script runs).
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import type { SqlConnection } from '../sql/client/connection.js';
import {
  LOCAL_POOL_PASSWORD_KEY,
  passwordFromEnvironment,
  passwordKey,
  profileToConfig,
  profileToSetting,
  readProfiles,
  type ConnectionProfile,
  type ProfileSecrets,
} from './config.js';

export const SECTION = 'predictWizard';
/** Scopes of a Microsoft Entra token for Azure SQL and Synapse SQL. */
export const AZURE_SQL_SCOPES = ['https://database.windows.net//.default'];

export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the list of connections changes (settings edited or a command saved). */
  readonly onDidChange = this.changed.event;
  private readonly reported = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.connections`)) this.changed.fire();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** Valid profiles from settings. Problems with entries are logged once each. */
  profiles(): ConnectionProfile[] {
    const raw = vscode.workspace.getConfiguration(SECTION).get<unknown>('connections');
    const { profiles, problems } = readProfiles(raw);
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      this.log.warn(p);
    }
    return profiles;
  }

  get(name: string): ConnectionProfile | undefined {
    return this.profiles().find((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  /**
   * Adds or replaces a profile (by `previousName` when renaming, else by name) and stores its
   * password when one is given. Settings are written to the user settings.
   */
  async save(profile: ConnectionProfile, password?: string, previousName?: string): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const raw = config.get<unknown>('connections');
    const list = Array.isArray(raw) ? [...(raw as unknown[])] : [];
    const match = (previousName ?? profile.name).toLowerCase();
    const index = list.findIndex(
      (e) => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' && (e as { name: string }).name.toLowerCase() === match,
    );
    const entry = profileToSetting(profile);
    if (index >= 0) list[index] = entry;
    else list.push(entry);
    await config.update('connections', list, vscode.ConfigurationTarget.Global);
    if (previousName && previousName.toLowerCase() !== profile.name.toLowerCase()) {
      const old = await this.secrets.get(passwordKey(previousName));
      await this.secrets.delete(passwordKey(previousName));
      if (password === undefined && old !== undefined) password = old;
    }
    if (password !== undefined && profile.authenticationType === 'SqlLogin') await this.secrets.store(passwordKey(profile.name), password);
    this.log.info(`Saved connection '${profile.name}'`);
    this.changed.fire();
  }

  async remove(name: string): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const raw = config.get<unknown>('connections');
    const list = (Array.isArray(raw) ? (raw as unknown[]) : []).filter(
      (e) =>
        !(
          typeof e === 'object' &&
          e !== null &&
          typeof (e as { name?: unknown }).name === 'string' &&
          (e as { name: string }).name.toLowerCase() === name.toLowerCase()
        ),
    );
    await config.update('connections', list, vscode.ConfigurationTarget.Global);
    await this.secrets.delete(passwordKey(name));
    this.log.info(`Removed connection '${name}'`);
    this.changed.fire();
  }

  async hasPassword(name: string): Promise<boolean> {
    return (await this.secrets.get(passwordKey(name))) !== undefined;
  }

  /** The password from SecretStorage, else from the environment variable the profile names (passwordEnv). */
  private async password(profile: ConnectionProfile, key: string): Promise<string | undefined> {
    return (await this.secrets.get(key)) ?? passwordFromEnvironment(profile, process.env);
  }

  /** The password, token and CA certificate a profile needs. May prompt for a Microsoft sign-in. */
  async secretsFor(profile: ConnectionProfile, interactive = true): Promise<ProfileSecrets> {
    let caCertPem: string | undefined;
    if (profile.caCertPath) {
      try {
        caCertPem = await readFile(profile.caCertPath, 'utf8');
      } catch (e) {
        throw new Error(
          `Cannot read the CA certificate '${profile.caCertPath}' of connection '${profile.name}': ${(e as Error).message}. Fix caCertPath in the connection.`,
        );
      }
    }
    switch (profile.authenticationType) {
      case 'SqlLogin':
        return { password: await this.password(profile, passwordKey(profile.name)), caCertPem };
      case 'LocalPool':
        return { password: await this.password(profile, LOCAL_POOL_PASSWORD_KEY), caCertPem };
      case 'AzureMFA': {
        const session = await vscode.authentication.getSession('microsoft', AZURE_SQL_SCOPES, interactive ? { createIfNone: true } : { silent: true });
        return { accessToken: session?.accessToken, caCertPem };
      }
    }
  }
}

/** The SQL client (tedious and what it brings): a bundle of its own, loaded by the first connection. */
const sqlClient = () => import('../sql/client/connection.js');

/** Open connections, one per (connection, database), shared by the explorer, the wizard and script runs. */
export class SessionManager implements vscode.Disposable {
  private readonly open = new Map<string, Promise<SqlConnection>>();

  constructor(
    private readonly store: ConnectionStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private key(name: string, database: string): string {
    return `${name.toLowerCase()}\u0000${database.toLowerCase()}`;
  }

  /** An open connection (opened on first use, reopened when it was lost). */
  async connection(connectionName: string, database?: string): Promise<SqlConnection> {
    const profile = this.store.get(connectionName);
    if (!profile) throw new Error(`There is no connection named '${connectionName}': add it with "Predict with a Model: Add Connection".`);
    const db = database ?? profile.database;
    const key = this.key(profile.name, db);
    const existing = this.open.get(key);
    if (existing) {
      try {
        const conn = await existing;
        if (conn.isOpen) return conn;
      } catch {
        // opening failed before: try again
      }
      this.open.delete(key);
    }
    const opening = (async () => {
      const config = profileToConfig(profile, await this.store.secretsFor(profile), db);
      const { SqlConnection } = await sqlClient();
      return SqlConnection.open(config, { log: (line) => this.log.debug(line) });
    })();
    this.open.set(key, opening);
    try {
      return await opening;
    } catch (e) {
      this.open.delete(key);
      throw e;
    }
  }

  /** Opens a fresh connection that the caller owns and closes (script runs, tests). */
  async dedicated(profile: ConnectionProfile, database = profile.database, interactive = true): Promise<SqlConnection> {
    const config = profileToConfig(profile, await this.store.secretsFor(profile, interactive), database);
    const { describeConnection, SqlConnection } = await sqlClient();
    this.log.info(`Connecting: ${describeConnection(config)}`);
    return SqlConnection.open(config, { log: (line) => this.log.debug(line) });
  }

  /** Closes the connections of one connection profile (after an edit), or all. */
  async close(connectionName?: string): Promise<void> {
    const prefix = connectionName ? `${connectionName.toLowerCase()}\u0000` : '';
    const closing: Promise<void>[] = [];
    for (const [key, conn] of this.open) {
      if (!key.startsWith(prefix)) continue;
      this.open.delete(key);
      closing.push(conn.then((c) => c.close()).catch(() => undefined));
    }
    await Promise.all(closing);
  }

  dispose(): void {
    void this.close();
  }
}
