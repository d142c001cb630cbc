/**
 * The webview's side of the protocol: VS Code's webview API and the typed messages it posts, built
 * from the constants of src/wizard/protocol.ts (the one thing the webview imports from the host side).
 */
import {
  commandMessage,
  EditCommand,
  PreviewRequest,
  ReadyCommand,
  RenderedCommand,
  requestMessage,
  type SIMPLE_COMMANDS,
  type WebviewMessage,
  type WizardEdit,
} from '../../src/wizard/protocol.js';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

/** A command without parameters the user can trigger (Next, Back, Cancel, Deploy, Refresh, Load more). */
export type UserCommand = Exclude<(typeof SIMPLE_COMMANDS)[number], typeof ReadyCommand | typeof RenderedCommand>;

/** Keeps the table the panel was opened on (written by the host into the page), so that VS Code can restore the panel. */
export function keepInitialState(): void {
  const initial = document.getElementById('wizard-initial')?.textContent;
  if (initial) vscode.setState(JSON.parse(initial) as unknown);
}

export function postReady(): void {
  vscode.postMessage(commandMessage(ReadyCommand));
}

export function postRendered(): void {
  vscode.postMessage(commandMessage(RenderedCommand));
}

export function postCommand(type: UserCommand): void {
  vscode.postMessage(commandMessage(type));
}

export function postEdit(edit: WizardEdit): void {
  vscode.postMessage(commandMessage(EditCommand, edit));
}

let nextRequestId = 1;
export function requestPreview(): void {
  vscode.postMessage(requestMessage(PreviewRequest, nextRequestId++));
}
