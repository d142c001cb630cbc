import * as vscode from 'vscode';

/** Builds the services and registers views and commands. Nothing native is loaded here. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Predict with a Model', { log: true });
  context.subscriptions.push(log);
  log.info('Predict with a Model activated');
}

export function deactivate(): void {}
