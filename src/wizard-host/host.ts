/**
 * The wizard's VS Code host, loaded on first use by register.ts: the `predictWizard.predictWithModel`
 * command (explorer context menu and palette), the WebviewPanel with a strict Content Security
 * Policy, state restoration, and the deploy wrapped in one cancellable progress notification. All
 * logic lives in controller.ts and state.ts; this file only connects them to VS Code.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { displayObjectName, type ObjectName } from '../sql/names.js';
import { messageOf } from '../common/errors.js';
import { WizardController, type DeployRunner, type WizardControllerOptions } from '../wizard/controller.js';
import { sqlCatalog } from '../wizard/catalog.js';
import { defaultWizardParts, type WizardParts } from '../wizard/parts.js';
import { readModelForWizard } from '../wizard/model-reader.js';
import type { HostMessage, WizardView } from '../wizard/protocol.js';
import type { WizardDatabase, WizardServices, WizardTableRef } from '../wizard/services.js';
import type { WizardPlan } from '../wizard/state.js';
import { deployedMessage, scriptDocumentName } from '../wizard/deployed.js';
import { tableChoices } from '../wizard/table-picker.js';
import { scriptConnections } from '../results-host/script-connections.js';
import { RUN_SCRIPT_COMMAND } from '../results-host/command.js';
import { REFRESH_COMMAND } from '../tree/explorer.js';

import { REVEAL_OBJECT_COMMAND, WIZARD_VIEW_TYPE } from './register.js';

export { PREDICT_COMMAND, REVEAL_OBJECT_COMMAND, WIZARD_VIEW_TYPE } from './register.js';

/** An open wizard: its panel and controller. Exposed so that tests can drive it through its message handler. */
export class WizardPanel {
  static readonly open = new Set<WizardPanel>();
  /** Milliseconds from the command to the webview's first rendered page, once it reported it. */
  firstRenderMs?: number;
  private readonly posted: HostMessage[] = [];
  private readonly firstRender: Promise<number>;
  private resolveFirstRender!: (ms: number) => void;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly controller: WizardController,
    readonly db: WizardDatabase,
    readonly startedAt: number,
  ) {
    this.firstRender = new Promise((r) => (this.resolveFirstRender = r));
  }

  /** The view last sent to the webview. */
  get view(): WizardView {
    return this.controller.view;
  }

  /** Messages sent to the webview, oldest first (tests). */
  get messages(): readonly HostMessage[] {
    return this.posted;
  }

  /** Resolves with the time from the command to the first rendered page. */
  rendered(): Promise<number> {
    return this.firstRender;
  }

  /** Handles a message as if the webview had posted it. */
  async receive(raw: unknown): Promise<void> {
    if (typeof raw === 'object' && raw !== null && (raw as { method?: unknown }).method === 'rendered') {
      if (this.firstRenderMs === undefined) {
        this.firstRenderMs = performance.now() - this.startedAt;
        this.resolveFirstRender(this.firstRenderMs);
      }
      return;
    }
    await this.controller.handle(raw);
  }

  record(message: HostMessage): void {
    this.posted.push(message);
    if (this.posted.length > 200) this.posted.splice(0, this.posted.length - 200);
  }
}

let defaultParts: WizardParts | undefined;

/**
 * The Predict with a model command (registered by register.ts, which loads this module on first use):
 * the table from a tree node, a plain `{ connectionName, table }` or the palette's quick picks, then the wizard.
 */
export async function predictWithModel(
  context: vscode.ExtensionContext,
  services: WizardServices,
  node?: unknown,
  parts?: WizardParts,
  startedAt = performance.now(),
): Promise<WizardPanel | undefined> {
  const hostParts = parts ?? (defaultParts ??= defaultWizardParts((line) => services.log.info(line)));
  try {
    const ref = await resolveTable(services, node);
    if (!ref) return undefined;
    return await openWizard(context, services, hostParts, ref, startedAt);
  } catch (e) {
    services.log.error(`Predict with a model: ${messageOf(e)}`, e);
    void vscode.window.showErrorMessage(`Predict with a model: ${messageOf(e)}`);
    return undefined;
  }
}

/** Restores a wizard panel that VS Code kept across a reload (the panel serializer of register.ts). */
export async function restoreWizard(
  context: vscode.ExtensionContext,
  services: WizardServices,
  panel: vscode.WebviewPanel,
  saved: unknown,
  parts?: WizardParts,
): Promise<void> {
  const hostParts = parts ?? (defaultParts ??= defaultWizardParts((line) => services.log.info(line)));
  // The saved state comes from the webview: check it like any message.
  const ref = refFromSaved(saved);
  if (!ref) {
    panel.dispose();
    return;
  }
  try {
    await openWizard(context, services, hostParts, ref, performance.now(), panel);
  } catch (e) {
    services.log.error(`Could not restore the wizard on ${displayObjectName(ref.table)}: ${messageOf(e)}`, e);
    panel.dispose();
  }
}

function refFromSaved(saved: unknown): WizardTableRef | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as { connectionName?: unknown; schema?: unknown; table?: unknown };
  if (typeof s.connectionName !== 'string' || typeof s.table !== 'string' || (s.schema !== undefined && typeof s.schema !== 'string')) return undefined;
  if (s.connectionName.length > 256 || s.table.length > 128 || (typeof s.schema === 'string' && s.schema.length > 128)) return undefined;
  return { connectionName: s.connectionName, table: { schema: s.schema as string | undefined, name: s.table } };
}

/** A tree node (through the services), a plain `{ connectionName, table }`, or the palette's quick picks. */
async function resolveTable(services: WizardServices, node: unknown): Promise<WizardTableRef | undefined> {
  if (node !== undefined) {
    const fromTree = services.tableFromNode?.(node);
    if (fromTree) return fromTree;
    const plain = refFromPlain(node);
    if (plain) return plain;
  }
  const connections = await services.listConnections();
  if (!connections.length) {
    void vscode.window.showErrorMessage('Predict with a model: no SQL connection is configured. Add one to the predictWizard.connections setting.');
    return undefined;
  }
  const conn =
    connections.length === 1
      ? connections[0]
      : await vscode.window
          .showQuickPick(
            connections.map((c) => ({ label: c.name, description: c.description })),
            { title: 'Predict with a model: choose a connection', placeHolder: 'Connection' },
          )
          .then((p) => (p ? connections.find((c) => c.name === p.label) : undefined));
  if (!conn) return undefined;
  const db = await services.openDatabase(conn.name);
  try {
    const catalog = services.catalog?.(db) ?? sqlCatalog(db.sql);
    const tables = await catalog.listTables();
    if (!tables.length) {
      void vscode.window.showErrorMessage(`Predict with a model: the database of ${conn.name} has no tables.`);
      return undefined;
    }
    const modelTables = await catalog.modelTables().catch((e: unknown) => {
      services.log.warn(`Could not tell model tables apart: ${messageOf(e)}`);
      return [] as string[];
    });
    const choices = tableChoices(tables, modelTables);
    type Item = vscode.QuickPickItem & { table?: ObjectName };
    const items: Item[] = choices.data.map((t) => ({ label: displayObjectName(t), table: t }));
    if (choices.modelTables.length) {
      items.push({ label: 'Model tables', kind: vscode.QuickPickItemKind.Separator });
      items.push(...choices.modelTables.map((t) => ({ label: displayObjectName(t), description: 'holds models', table: t })));
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Predict with a model: choose the table to score',
      placeHolder: 'schema.table',
      matchOnDescription: true,
    });
    return pick?.table ? { connectionName: conn.name, table: pick.table } : undefined;
  } finally {
    await db.release();
  }
}

function refFromPlain(node: unknown): WizardTableRef | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as { connectionName?: unknown; table?: unknown };
  if (typeof n.connectionName !== 'string' || typeof n.table !== 'object' || n.table === null) return undefined;
  const t = n.table as { schema?: unknown; name?: unknown };
  if (typeof t.name !== 'string' || (t.schema !== undefined && typeof t.schema !== 'string')) return undefined;
  return { connectionName: n.connectionName, table: { schema: t.schema as string | undefined, name: t.name } };
}

export async function openWizard(
  context: vscode.ExtensionContext,
  services: WizardServices,
  parts: WizardParts,
  ref: WizardTableRef,
  startedAt: number,
  restoredPanel?: vscode.WebviewPanel,
  /** Open on page 2 filled in from a deployed object (Edit prediction, an Upgrade that needs changes). */
  prefill?: WizardControllerOptions['prefill'],
): Promise<WizardPanel> {
  const db = await services.openDatabase(ref.connectionName);
  const webviewRoot = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
  const table: ObjectName = ref.table;
  const panel =
    restoredPanel ??
    vscode.window.createWebviewPanel(WIZARD_VIEW_TYPE, `Predict: ${displayObjectName(table)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [webviewRoot],
    });
  panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot] };
  panel.title = `Predict: ${displayObjectName(table)}`;

  const holder: { wizard?: WizardPanel } = {};
  const early: unknown[] = [];
  const subs: vscode.Disposable[] = [];
  subs.push(
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (holder.wizard) void holder.wizard.receive(m).catch((e: unknown) => services.log.error('The wizard failed to handle a message.', e));
      else early.push(m);
    }),
  );
  panel.webview.html = wizardHtml(panel.webview, webviewRoot, { connectionName: ref.connectionName, schema: table.schema, table: table.name });

  let controller: WizardController;
  try {
    controller = await WizardController.open({
      table,
      db,
      catalog: services.catalog?.(db) ?? sqlCatalog(db.sql),
      registries: services.registries(),
      rules: parts.rulesFor(db.target),
      readModel: services.readModel ?? readModelForWizard,
      preview: parts.previewFor(db),
      deploy: (input) => runDeployWithProgress(parts, db, input, services),
      post: (message) => {
        holder.wizard?.record(message);
        void panel.webview.postMessage(message);
      },
      openScript: (script, plan) => openDeployedScript(ref.connectionName, script, plan),
      close: () => panel.dispose(),
      showError: (message) => void vscode.window.showErrorMessage(message),
      log: services.log,
      prefill,
    });
  } catch (e) {
    subs.forEach((s) => s.dispose());
    await db.release();
    panel.dispose();
    throw e;
  }
  const w = new WizardPanel(panel, controller, db, startedAt);
  holder.wizard = w;
  WizardPanel.open.add(w);
  panel.onDidDispose(() => {
    WizardPanel.open.delete(w);
    controller.dispose();
    subs.forEach((s) => s.dispose());
    void Promise.resolve(db.release()).catch((e: unknown) => services.log.warn(`Releasing the wizard's connection failed: ${messageOf(e)}`));
  });
  for (const m of early.splice(0)) await w.receive(m);
  services.log.info(`Predict with a model opened on ${ref.connectionName} · ${displayObjectName(table)}`);
  return w;
}

/** Opens the script in an untitled editor named after the object, on the wizard's connection, and says what was stored. */
async function openDeployedScript(connectionName: string, script: string, plan: WizardPlan): Promise<void> {
  const open = vscode.workspace.textDocuments.filter((d) => d.isUntitled).map((d) => d.uri.path);
  const uri = vscode.Uri.from({ scheme: 'untitled', path: scriptDocumentName(plan.scriptName, open) });
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  await editor.edit((b) => b.insert(new vscode.Position(0, 0), script));
  if (doc.languageId !== 'sql') await vscode.languages.setTextDocumentLanguage(doc, 'sql');
  scriptConnections.remember(doc.uri.toString(), connectionName);
  // The model table may be new, and its row count changed: show the schema as it is now.
  void vscode.commands.executeCommand(REFRESH_COMMAND).then(undefined, () => undefined);
  const run = 'Run Script';
  const reveal = 'Reveal in SQL Pools';
  void vscode.window.showInformationMessage(deployedMessage(plan), run, reveal).then(async (choice) => {
    if (choice === run) await vscode.commands.executeCommand(RUN_SCRIPT_COMMAND, { uri: doc.uri });
    else if (choice === reveal) await vscode.commands.executeCommand(REVEAL_OBJECT_COMMAND, { connectionName, object: plan.modelTable });
  });
}

async function runDeployWithProgress(
  parts: WizardParts,
  db: WizardDatabase,
  input: Parameters<DeployRunner>[0],
  services: WizardServices,
): Promise<{ script: string; cancelled?: boolean }> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Deploying ${input.plan.modelId}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const r = await parts.deploy({
          ...input,
          db,
          signal: abort.signal,
          onStep: (step) => {
            progress.report({ message: step });
            input.onStep(step);
          },
        });
        return { script: r.script };
      } catch (e) {
        if (abort.signal.aborted) {
          services.log.info(`Deploy of ${input.plan.modelId} cancelled: ${messageOf(e)}`);
          return { script: '', cancelled: true };
        }
        throw e;
      } finally {
        sub.dispose();
      }
    },
  );
}

/** The webview's HTML: one script, one stylesheet-free page, a strict CSP with a nonce. */
export function wizardHtml(webview: vscode.Webview, root: vscode.Uri, saved: { connectionName: string; schema?: string; table: string }): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'wizard.js'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  const initial = JSON.stringify(saved).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Predict with a model</title>
</head>
<body>
<predict-wizard></predict-wizard>
<script nonce="${nonce}" id="wizard-initial" type="application/json">${initial}</script>
<script nonce="${nonce}" type="module" src="${script}"></script>
</body>
</html>`;
}
