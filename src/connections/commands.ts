/**
 * Add / edit / remove / test a connection: input boxes and quick picks that check the values as
 * the user types; passwords go to SecretStorage only.
 */
import * as vscode from 'vscode';
import { serverInfo } from '../sql/catalog.js';
import {
  connectionNameProblem,
  databaseProblem,
  describeProfile,
  parseServerInput,
  passwordFromEnvironment,
  userProblem,
  type AuthenticationType,
  type ConnectionProfile,
} from './config.js';
import type { EncryptMode } from '../sql/client/connection.js';
import type { ConnectionStore, SessionManager } from './store.js';
import { messageOf } from '../common/errors.js';

export const COMMANDS = {
  add: 'predictWizard.addConnection',
  edit: 'predictWizard.editConnection',
  remove: 'predictWizard.removeConnection',
  test: 'predictWizard.testConnection',
} as const;

export interface ConnectionCommandDeps {
  readonly store: ConnectionStore;
  readonly sessions: SessionManager;
  readonly log: vscode.LogOutputChannel;
}

/** A connection name from a tree node (`{ connectionName }`), a string, or a quick pick. */
export async function pickConnection(store: ConnectionStore, arg: unknown, placeHolder: string): Promise<ConnectionProfile | undefined> {
  const named =
    typeof arg === 'string'
      ? arg
      : typeof arg === 'object' && arg !== null && typeof (arg as { connectionName?: unknown }).connectionName === 'string'
        ? (arg as { connectionName: string }).connectionName
        : undefined;
  if (named) {
    const p = store.get(named);
    if (!p) void vscode.window.showErrorMessage(`There is no connection named '${named}'.`);
    return p;
  }
  const profiles = store.profiles();
  if (!profiles.length) {
    const add = 'Add Connection';
    if ((await vscode.window.showInformationMessage('No connections yet.', add)) === add) await vscode.commands.executeCommand(COMMANDS.add);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    profiles.map((p) => ({ label: p.name, description: describeProfile(p), profile: p })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.profile;
}

const AUTH_ITEMS: { label: string; detail: string; value: AuthenticationType }[] = [
  { label: 'SQL login', detail: 'User name and password (the password is kept in the OS keychain)', value: 'SqlLogin' },
  { label: 'Microsoft Entra ID', detail: 'Sign in with your Microsoft account (MFA supported)', value: 'AzureMFA' },
];

const ENCRYPT_ITEMS: { label: string; detail: string; value: EncryptMode }[] = [
  { label: 'mandatory', detail: 'Encrypt; verify the server certificate (Synapse and SQL MI)', value: 'mandatory' },
  { label: 'strict', detail: 'TDS 8.0: TLS before anything else; verify the server certificate', value: 'strict' },
  { label: 'optional', detail: 'Encrypt only the login if the server does not require more (not for the cloud)', value: 'optional' },
];

/** Walks the user through the fields; undefined when cancelled. */
async function askProfile(store: ConnectionStore, existing?: ConnectionProfile): Promise<{ profile: ConnectionProfile; password?: string } | undefined> {
  const title = existing ? `Edit connection '${existing.name}'` : 'Add connection';
  const authPick = await vscode.window.showQuickPick(
    AUTH_ITEMS.map((i) => ({ ...i, picked: i.value === existing?.authenticationType })),
    { title, placeHolder: 'How do you sign in?', ignoreFocusOut: true },
  );
  if (!authPick) return undefined;
  const auth = authPick.value;

  const serverText = await vscode.window.showInputBox({
    title,
    prompt: 'Server: host name, optionally with a port (host,1433)',
    placeHolder: 'myworkspace.sql.azuresynapse.net',
    value: existing ? `${existing.server}${existing.port && existing.port !== 1433 ? `,${existing.port}` : ''}` : '',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = parseServerInput(v);
      return 'problem' in r ? r.problem : undefined;
    },
  });
  if (serverText === undefined) return undefined;
  const server = parseServerInput(serverText);
  if ('problem' in server) return undefined;

  const database = await vscode.window.showInputBox({
    title,
    prompt: 'Database (the dedicated SQL pool, or the database on SQL MI)',
    placeHolder: 'SQLPool01',
    value: existing?.database ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => databaseProblem(v),
  });
  if (database === undefined) return undefined;

  let user: string | undefined;
  let password: string | undefined;
  if (auth === 'SqlLogin') {
    user = await vscode.window.showInputBox({
      title,
      prompt: 'SQL login',
      placeHolder: 'sqladminuser',
      value: existing?.user ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => userProblem(v),
    });
    if (user === undefined) return undefined;
    const hasStored = existing ? await store.hasPassword(existing.name) : false;
    const fromEnv = existing?.passwordEnv && passwordFromEnvironment(existing, process.env) !== undefined ? existing.passwordEnv : undefined;
    const pw = await vscode.window.showInputBox({
      title,
      prompt: hasStored
        ? 'Password (leave empty to keep the stored one)'
        : fromEnv
          ? `Password (leave empty to use the environment variable ${fromEnv})`
          : 'Password (kept in the OS keychain, never in settings)',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (!v && !hasStored && !fromEnv ? 'Enter the password of the SQL login.' : undefined),
    });
    if (pw === undefined) return undefined;
    password = pw || undefined;
  }

  const encryptPick = await vscode.window.showQuickPick(
    ENCRYPT_ITEMS.map((i) => ({ ...i, picked: i.value === (existing?.encrypt ?? 'mandatory') })),
    { title, placeHolder: 'Encryption (mandatory for Synapse and SQL MI)', ignoreFocusOut: true },
  );
  if (!encryptPick) return undefined;

  const others = store.profiles().map((p) => p.name);
  const name = await vscode.window.showInputBox({
    title,
    prompt: 'A name for this connection',
    value: existing?.name ?? `${server.server.split('.')[0]}/${database.trim()}`,
    ignoreFocusOut: true,
    validateInput: (v) => connectionNameProblem(v, others, existing?.name),
  });
  if (name === undefined) return undefined;

  const profile: ConnectionProfile = {
    name: name.trim(),
    server: server.server,
    ...(server.port !== undefined ? { port: server.port } : {}),
    database: database.trim(),
    authenticationType: auth,
    ...(user ? { user: user.trim() } : {}),
    ...(encryptPick.value !== 'mandatory' ? { encrypt: encryptPick.value } : {}),
    ...(existing?.trustServerCertificate !== undefined ? { trustServerCertificate: existing.trustServerCertificate } : {}),
    ...(existing?.caCertPath ? { caCertPath: existing.caCertPath } : {}),
    ...(existing?.passwordEnv && auth === 'SqlLogin' ? { passwordEnv: existing.passwordEnv } : {}),
  };
  return { profile, password };
}

/** Opens a connection, reads what server it is, closes it. Returns a line for the user. */
export async function testConnection(deps: ConnectionCommandDeps, profile: ConnectionProfile, interactive = true): Promise<string> {
  const started = Date.now();
  const conn = await deps.sessions.dedicated(profile, profile.database, interactive);
  try {
    let kind = '';
    try {
      const info = await serverInfo(conn);
      kind =
        info.predictTarget === 'synapse-dedicated'
          ? ' (dedicated SQL pool)'
          : info.predictTarget === 'sql-mi'
            ? ' (SQL Managed Instance)'
            : info.predictTarget === 'sql-edge'
              ? ' (Azure SQL Edge)'
              : '';
    } catch (e) {
      deps.log.debug(`Server properties of '${profile.name}' unavailable: ${(e as Error).message}`);
    }
    return `Connected to '${profile.name}'${kind} in ${Date.now() - started} ms.`;
  } finally {
    await conn.close();
  }
}

export function registerConnectionCommands(context: vscode.ExtensionContext, deps: ConnectionCommandDeps): void {
  const { store, sessions, log } = deps;

  const runTest = async (profile: ConnectionProfile): Promise<boolean> => {
    try {
      const line = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to '${profile.name}'…` }, () =>
        testConnection(deps, profile),
      );
      log.info(line);
      void vscode.window.showInformationMessage(line);
      return true;
    } catch (e) {
      const message = messageOf(e);
      log.error(`Test of connection '${profile.name}' failed: ${message}`);
      const edit = 'Edit Connection';
      // Not awaited: the command reports failure at once; the button works while the message shows.
      void vscode.window.showErrorMessage(message, edit).then((choice) => {
        if (choice === edit) void vscode.commands.executeCommand(COMMANDS.edit, profile.name);
      });
      return false;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.add, async () => {
      const answer = await askProfile(store);
      if (!answer) return undefined;
      await store.save(answer.profile, answer.password);
      await runTest(answer.profile);
      return answer.profile.name;
    }),
    vscode.commands.registerCommand(COMMANDS.edit, async (arg?: unknown) => {
      const existing = await pickConnection(store, arg, 'Connection to edit');
      if (!existing) return undefined;
      if (existing.authenticationType === 'LocalPool') {
        void vscode.window.showInformationMessage(
          'The local pool connection is managed by "Start Local Pool"; edit predictWizard.localPool.* settings instead.',
        );
        return undefined;
      }
      const answer = await askProfile(store, existing);
      if (!answer) return undefined;
      await sessions.close(existing.name);
      await store.save(answer.profile, answer.password, existing.name);
      await runTest(answer.profile);
      return answer.profile.name;
    }),
    vscode.commands.registerCommand(COMMANDS.remove, async (arg?: unknown) => {
      const existing = await pickConnection(store, arg, 'Connection to remove');
      if (!existing) return;
      const remove = 'Remove';
      const confirmed = await vscode.window.showWarningMessage(`Remove connection '${existing.name}' and its stored password?`, { modal: true }, remove);
      if (confirmed !== remove) return;
      await sessions.close(existing.name);
      await store.remove(existing.name);
    }),
    vscode.commands.registerCommand(COMMANDS.test, async (arg?: unknown) => {
      const existing = await pickConnection(store, arg, 'Connection to test');
      if (!existing) return false;
      return runTest(existing);
    }),
  );
}
