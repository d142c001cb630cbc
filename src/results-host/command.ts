/**
 * `predictWizard.runScript`: runs the active SQL editor (or its selection) against a connection,
 * shows the result sets and messages in the results view, and marks errors in the editor.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { BatchSplitError } from '../sql/batches.js';
import { pickConnection } from '../connections/commands.js';
import type { ConnectionStore, SessionManager } from '../connections/store.js';
import { renderResultsHtml, summarizeRun, type ScriptRun } from '../results/html.js';
import { scriptConnections } from './script-connections.js';
import { messageOf } from '../common/errors.js';

export const RUN_SCRIPT_COMMAND = 'predictWizard.runScript';
export const RESULTS_VIEW_TYPE = 'predictWizard.results';
const DEFAULT_MAX_ROWS = 1000;

export interface RunScriptDeps {
  readonly store: ConnectionStore;
  readonly sessions: SessionManager;
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
}

/** Arguments tests and other commands may pass: which document, which connection. */
export interface RunScriptArgs {
  readonly uri?: vscode.Uri;
  readonly connectionName?: string;
}

export class ResultsView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The last run shown (tests read it). */
  lastRun: ScriptRun | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  show(run: ScriptRun): void {
    this.lastRun = run;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        RESULTS_VIEW_TYPE,
        'Results',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: false,
          localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
        },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    const webview = this.panel.webview;
    this.panel.title = `Results: ${run.title}`;
    webview.html = renderResultsHtml(run, {
      cspSource: webview.cspSource,
      stylesUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'results.css')).toString(),
    });
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

export function registerRunScript(context: vscode.ExtensionContext, deps: RunScriptDeps): ResultsView {
  const view = new ResultsView(deps.extensionUri);
  const diagnostics = vscode.languages.createDiagnosticCollection('predictWizard');
  /** The connection of each document: the one the wizard opened it for, or the one last used on it. */
  const chosen = scriptConnections;

  const command = vscode.commands.registerCommand(RUN_SCRIPT_COMMAND, async (arg?: RunScriptArgs | vscode.Uri): Promise<ScriptRun | undefined> => {
    const args: RunScriptArgs = arg instanceof vscode.Uri ? { uri: arg } : (arg ?? {});
    const document = args.uri ? await vscode.workspace.openTextDocument(args.uri) : vscode.window.activeTextEditor?.document;
    if (!document) {
      void vscode.window.showErrorMessage('Open a SQL file to run it.');
      return undefined;
    }
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const selection = editor && !editor.selection.isEmpty ? editor.selection : undefined;
    const text = selection ? document.getText(selection) : document.getText();
    const firstLine = selection ? selection.start.line + 1 : 1;
    if (!text.trim()) {
      void vscode.window.showInformationMessage('The script is empty: nothing to run.');
      return undefined;
    }
    const key = document.uri.toString();
    const known = chosen.get(key);
    const named = args.connectionName ?? (known && deps.store.get(known) ? known : undefined);
    const profile = await pickConnection(deps.store, named, 'Run the script on which connection?');
    if (!profile) return undefined;
    chosen.remember(key, profile.name);
    diagnostics.delete(document.uri);

    const title = basename(document.uri.path) || 'script';
    const maxRows = vscode.workspace.getConfiguration('predictWizard').get<number>('results.maxRows') ?? DEFAULT_MAX_ROWS;
    try {
      const run = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Running ${title} on '${profile.name}'`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          // A connection of its own: a long script or its cancel never blocks the explorer.
          const conn = await deps.sessions.dedicated(profile);
          try {
            // Loaded with the SQL client on the first run, not at activation.
            const { runScript } = await import('../results/run.js');
            return await runScript(conn, text, {
              title,
              connectionName: profile.name,
              database: profile.database,
              maxRows,
              firstLine,
              signal: abort.signal,
              onBatch: (i, n) => progress.report({ message: `batch ${i + 1} of ${n}` }),
            });
          } finally {
            await conn.close();
          }
        },
      );
      deps.log.info(`${title}: ${summarizeRun(run)}`);
      for (const m of run.messages) if (m.kind === 'error') deps.log.warn(`${title} line ${m.scriptLine}: Msg ${m.number}: ${m.message}`);
      const errors = run.messages.filter((m) => m.kind === 'error');
      diagnostics.set(
        document.uri,
        errors.map((m) => {
          const line = Math.min(Math.max(m.scriptLine - 1, 0), document.lineCount - 1);
          const d = new vscode.Diagnostic(document.lineAt(line).range, `${m.message} (Msg ${m.number}, Level ${m.severity})`, vscode.DiagnosticSeverity.Error);
          d.source = profile.name;
          d.code = m.number;
          return d;
        }),
      );
      view.show(run);
      if (run.failure) void vscode.window.showErrorMessage(run.failure);
      return run;
    } catch (e) {
      const message = messageOf(e);
      deps.log.error(`Running ${title} failed: ${message}`);
      if (e instanceof BatchSplitError) {
        const line = Math.min(e.line + firstLine - 2, document.lineCount - 1);
        diagnostics.set(document.uri, [new vscode.Diagnostic(document.lineAt(Math.max(line, 0)).range, e.message, vscode.DiagnosticSeverity.Error)]);
      }
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  });

  context.subscriptions.push(
    command,
    diagnostics,
    view,
    vscode.workspace.onDidCloseTextDocument((d) => {
      diagnostics.delete(d.uri);
      chosen.forget(d.uri.toString());
    }),
  );
  return view;
}
