/**
 * The model lifecycle in VS Code: the commands on the explorer's Models node (Upgrade, Roll back,
 * Compare versions, Delete model, Save as .onnx, Open scoring script, Edit prediction). Registered at
 * activation; each handler loads its own parts when first run. After a change the Models node of
 * that database is refreshed and a notification says what happened.
 */
import * as vscode from 'vscode';
import type { ConnectionStore, SessionManager } from '../connections/store.js';
import { ObjectNode, type SqlPoolExplorer } from '../tree/explorer.js';
import { ModelNode, ModelsNode, ScoringObjectNode, modelsChildren } from '../tree/models.js';
import { displayObjectName, sameName } from '../sql/names.js';
import type { WizardServices } from '../wizard/services.js';
import { messageOf } from '../common/errors.js';

export const LIFECYCLE_COMMANDS = {
  upgrade: 'predictWizard.models.upgrade',
  rollBack: 'predictWizard.models.rollBack',
  compare: 'predictWizard.models.compare',
  delete: 'predictWizard.models.delete',
  saveOnnx: 'predictWizard.models.saveOnnx',
  openScript: 'predictWizard.models.openScript',
  editPrediction: 'predictWizard.models.editPrediction',
} as const;

export interface LifecycleHostDeps {
  readonly context: vscode.ExtensionContext;
  readonly explorer: SqlPoolExplorer;
  readonly sessions: SessionManager;
  readonly store?: ConnectionStore;
  readonly log: vscode.LogOutputChannel;
  /** The wizard's services: registries, a dedicated session for changes, model reading. */
  readonly services: WizardServices;
}

/** What a command reports back (the tests read it; the user sees the notification). */
export interface LifecycleOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** Registers the commands and shows the Models node in the explorer. Called once by activate(). */
export function registerLifecycleCommands(deps: LifecycleHostDeps): void {
  deps.explorer.deployedModels = {
    listModelTables: async (db) => (await import('../lifecycle/deployed.js')).listModelTables(db),
    listDeployedModels: async (db, t) => (await import('../lifecycle/deployed.js')).listDeployedModels(db, t),
    listScoringObjects: async (db) => (await import('../lifecycle/deployed.js')).listScoringObjects(db),
  };
  const run = (title: string, fn: (node: unknown) => Promise<LifecycleOutcome | undefined>) => async (node: unknown) => {
    try {
      const outcome = await fn(node);
      if (outcome) {
        deps.log.info(`${title}: ${outcome.message}`);
        if (outcome.ok) void vscode.window.showInformationMessage(outcome.message);
        else void vscode.window.showErrorMessage(outcome.message);
      }
      return outcome;
    } catch (e) {
      const message = messageOf(e);
      deps.log.error(`${title} failed: ${message}`, ...(e instanceof Error ? [e] : []));
      void vscode.window.showErrorMessage(`${title}: ${message}`);
      return { ok: false, message };
    }
  };
  const actions = () => import('./actions.js');
  const c = LIFECYCLE_COMMANDS;
  deps.context.subscriptions.push(
    vscode.commands.registerCommand(
      c.openScript,
      run('Open scoring script', async (n) => (await actions()).openScript(await scoringOf(deps, n))),
    ),
    vscode.commands.registerCommand(
      c.editPrediction,
      run('Edit prediction', async (n) => (await import('./edit.js')).editPrediction(deps, await scoringOf(deps, n))),
    ),
    vscode.commands.registerCommand(
      c.upgrade,
      run('Upgrade', async (n) => (await import('./repoint.js')).upgrade(deps, n instanceof ModelNode ? n : await scoringOf(deps, n))),
    ),
    vscode.commands.registerCommand(
      c.rollBack,
      run('Roll back', async (n) => (await import('./repoint.js')).rollBack(deps, await scoringOf(deps, n))),
    ),
    vscode.commands.registerCommand(
      c.compare,
      run('Compare versions', async (n) => (await import('./compare.js')).compareCommand(deps, await scoringOf(deps, n))),
    ),
    vscode.commands.registerCommand(
      c.delete,
      run('Delete model', async (n) => (await import('./delete.js')).deleteModelCommand(deps, modelNode(n))),
    ),
    vscode.commands.registerCommand(
      c.saveOnnx,
      run('Save as .onnx', async (n) => (await actions()).saveOnnx(deps, modelNode(n))),
    ),
  );
}

/**
 * The Models node's entry for what the command ran on: a view or procedure under a model, or a view
 * of the schema tree (found among the objects that score with a stored model).
 */
export async function scoringOf(deps: Pick<LifecycleHostDeps, 'explorer' | 'sessions'>, node: unknown): Promise<ScoringObjectNode> {
  if (!(node instanceof ObjectNode) || node.objectKind !== 'view' || !deps.explorer.deployedModels) return scoringNode(node);
  const models = ModelsNode.of(node.connectionName, node.database);
  const db = () => deps.sessions.connection(node.connectionName, node.database);
  const children = await modelsChildren(models, db, deps.explorer.deployedModels);
  for (const m of Array.isArray(children) ? children : []) {
    if (!(m instanceof ModelNode)) continue;
    const use = m.users.find((u) => u.kind === 'view' && sameName(u.name.schema ?? '', node.schema) && sameName(u.name.name, node.name));
    if (use) return new ScoringObjectNode(m, use);
  }
  throw new Error(
    `The view ${displayObjectName({ schema: node.schema, name: node.name })} does not score with a model stored in a model table of ${node.database}. ` +
      'Run the command on a view that selects its model with PREDICT from a model table (see the Models node).',
  );
}

export function scoringNode(node: unknown): ScoringObjectNode {
  if (node instanceof ScoringObjectNode) return node;
  throw new Error('Run this command on a view or procedure under a model in the SQL Pools view (Models node).');
}

export function modelNode(node: unknown): ModelNode {
  if (node instanceof ModelNode) return node;
  throw new Error('Run this command on a model under the Models node of the SQL Pools view.');
}

/** Reloads the Models node of the database `node` belongs to. */
export function refreshModels(explorer: SqlPoolExplorer, node: { connectionName: string; database: string }): void {
  explorer.refresh(ModelsNode.of(node.connectionName, node.database));
}
