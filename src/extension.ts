import * as vscode from 'vscode';
import { registerConnectionCommands } from './connections/commands.js';
import { registerLocalPool, type LocalPoolController } from './connections/localpool.js';
import { buildRegistries } from './connections/registries.js';
import { registerRegistryCommands } from './connections/registry-commands.js';
import { readRegistries } from './connections/registry-config.js';
import { ConnectionStore, SessionManager } from './connections/store.js';
import { describeProfile } from './connections/config.js';
import { serverInfo } from './sql/catalog.js';
import { registerRunScript, type ResultsView } from './results-host/command.js';
import { EXPLORER_VIEW, REFRESH_COMMAND, RETRY_COMMAND, SqlPoolExplorer, tableFromNode, type ErrorNode, type ExplorerNode } from './tree/explorer.js';
import { SHOW_MORE_COMMAND, type ShowMoreNode } from './tree/explorer.js';
import { registerWizard, REVEAL_OBJECT_COMMAND } from './wizard-host/register.js';
import { registerLoadData } from './load-host/register.js';
import { registerLifecycleCommands } from './lifecycle-host/commands.js';
import { revealObject, type RevealObjectArgs } from './tree/reveal.js';

import type { WizardDatabase, WizardServices } from './wizard/services.js';

/** What activate() returns: the extension's parts, for the tests that run inside VS Code. */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
  readonly store: ConnectionStore;
  readonly sessions: SessionManager;
  readonly explorer: SqlPoolExplorer;
  readonly results: ResultsView;
  readonly localPool: LocalPoolController;
  /** Milliseconds activate() took. */
  readonly activationMs: number;
  /** The folder of this extension's log files. */
  readonly logUri: vscode.Uri;
}

let localPool: LocalPoolController | undefined;
let sessions: SessionManager | undefined;

/** Builds the services and registers views and commands. Nothing native is loaded here. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Predict with a Model', { log: true });
  context.subscriptions.push(log);

  const store = new ConnectionStore(context.secrets, log);
  sessions = new SessionManager(store, log);
  const explorer = new SqlPoolExplorer(store, sessions, log);
  const treeView = vscode.window.createTreeView<ExplorerNode>(EXPLORER_VIEW, { treeDataProvider: explorer, showCollapseAll: true });
  context.subscriptions.push(store, sessions, explorer, treeView);
  context.subscriptions.push(
    vscode.commands.registerCommand(REFRESH_COMMAND, (node?: ExplorerNode) => explorer.refresh(node)),
    vscode.commands.registerCommand(RETRY_COMMAND, (node: ErrorNode) => explorer.retry(node)),
    vscode.commands.registerCommand(SHOW_MORE_COMMAND, (node: ShowMoreNode) => explorer.showMore(node)),
    vscode.commands.registerCommand(REVEAL_OBJECT_COMMAND, (args: RevealObjectArgs) => revealObject(treeView, store, args)),
  );

  registerConnectionCommands(context, { store, sessions, log });
  registerRegistryCommands(context, log);
  localPool = registerLocalPool({ context, store, sessions, log });
  const results = registerRunScript(context, { store, sessions, log, extensionUri: context.extensionUri });

  const services = wizardServices(context, store, sessions, log);
  registerWizard(context, services);
  registerLoadData(context, { store, sessions, explorer, log });
  registerLifecycleCommands({ context, explorer, sessions, log, services });

  const activationMs = performance.now() - started;
  log.info(`Predict with a Model activated in ${activationMs.toFixed(1)} ms`);
  return { log, store, sessions, explorer, results, localPool, activationMs, logUri: context.logUri };
}

function wizardServices(context: vscode.ExtensionContext, store: ConnectionStore, sessions: SessionManager, log: vscode.LogOutputChannel): WizardServices {
  let cache: Promise<import('./models/cache.js').ModelCache> | undefined;
  const modelCache = () =>
    (cache ??= import('./models/cache.js').then(({ ModelCache }) => new ModelCache(vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath)));
  return {
    log: {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m, detail) => log.error(m, ...(detail instanceof Error ? [detail] : detail !== undefined ? [String(detail)] : [])),
    },
    async listConnections() {
      return store.profiles().map((p) => ({ name: p.name, description: describeProfile(p) }));
    },
    async openDatabase(connectionName: string): Promise<WizardDatabase> {
      const profile = store.get(connectionName);
      if (!profile) throw new Error(`There is no connection named '${connectionName}': add it in the SQL Pools view.`);
      // The wizard's own session: its deploy transaction never interleaves with the explorer's queries.
      const conn = await sessions.dedicated(profile);
      let target: WizardDatabase['target'] = 'synapse-dedicated';
      try {
        target = (await serverInfo(conn)).predictTarget ?? target;
      } catch (e) {
        log.debug(`Server properties of '${connectionName}' unavailable (${(e as Error).message}); generating for a dedicated SQL pool.`);
      }
      return { connectionName: profile.name, target, sql: conn, release: () => conn.close() };
    },
    registries() {
      const { registries, problems } = readRegistries(vscode.workspace.getConfiguration('predictWizard').get('modelRegistries'));
      for (const p of problems) log.warn(p);
      return buildRegistries(registries, context.secrets, modelCache);
    },
    tableFromNode,
  };
}

/** Stops the local pool and closes connections when VS Code closes. */
export async function deactivate(): Promise<void> {
  await localPool?.stop();
  await sessions?.close();
}
