/**
 * The model comparison's WebviewPanel: a strict Content Security Policy, the compare bundle, and the
 * view computed by view.ts posted once the page is ready. Every message from the page is checked.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { ComparisonReport } from '../../lifecycle/types.js';
import type { CompareHostMessage, CompareView } from './protocol.js';
import { parseCompareMessage } from './webview-message.js';
import { compareView, type CompareContext } from './view.js';

export const COMPARE_VIEW_TYPE = 'predictWizard.compare';

/** An open comparison (tests read what it shows). */
export class ComparisonPanel {
  static readonly open = new Set<ComparisonPanel>();
  private renderedResolve!: () => void;
  readonly rendered = new Promise<void>((r) => (this.renderedResolve = r));
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly view: CompareView,
  ) {}
  markRendered(): void {
    this.renderedResolve();
  }
}

export function showComparison(extensionUri: vscode.Uri, report: ComparisonReport, ctx: CompareContext, log: vscode.LogOutputChannel): ComparisonPanel {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const view = compareView(report, ctx);
  const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, `Compare ${report.modelA} · ${report.modelB}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [root],
  });
  const shown = new ComparisonPanel(panel, view);
  ComparisonPanel.open.add(shown);
  const post = (m: CompareHostMessage) => void panel.webview.postMessage(m);
  const sub = panel.webview.onDidReceiveMessage((raw: unknown) => {
    try {
      const m = parseCompareMessage(raw);
      if (m.method === 'ready') post({ kind: 'notification', method: 'state', params: { view } });
      else shown.markRendered();
    } catch (e) {
      log.warn(`The comparison page sent a message that was refused: ${(e as Error).message}`);
    }
  });
  panel.onDidDispose(() => {
    sub.dispose();
    ComparisonPanel.open.delete(shown);
  });
  panel.webview.html = compareHtml(panel.webview, root);
  return shown;
}

function compareHtml(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'compare.js'));
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource} 'unsafe-inline'`, `font-src ${webview.cspSource}`].join(
    '; ',
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Compare model versions</title>
</head>
<body>
<model-comparison></model-comparison>
<script nonce="${nonce}" type="module" src="${script}"></script>
</body>
</html>`;
}
