/**
 * The model comparison's webview: renders the CompareView the host sends. Holds no secrets and
 * decides nothing; it posts only that it is ready and that it has drawn the report.
 */
import { LitElement, css, html, nothing } from 'lit';
import type { CompareHostMessage, CompareView, CompareWebviewMessage } from '../../../src/lifecycle-host/compare/protocol.js';
import './confusion-table.js';
import './differing-rows.js';

interface VsCodeApi {
  postMessage(message: CompareWebviewMessage): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

export class ModelComparison extends LitElement {
  static override properties = { view: { state: true } };
  view?: CompareView;
  private reported = false;

  static override styles = css`
    :host {
      display: block;
      padding: 12px 20px 20px;
      color: var(--vscode-foreground);
      font-family: var(--vscode-font-family);
      font-size: var(--vscode-font-size);
      max-width: 1100px;
    }
    h1 {
      font-size: 1.4em;
      font-weight: 600;
      margin: 0.2em 0;
    }
    h2 {
      font-size: 1.1em;
      font-weight: 600;
      margin: 1.2em 0 0.4em;
    }
    .sub {
      color: var(--vscode-descriptionForeground);
      margin-bottom: 0.8em;
    }
    .agreement {
      display: flex;
      align-items: baseline;
      gap: 0.8em;
    }
    .rate {
      font-size: 2.2em;
      font-weight: 600;
    }
    .detail {
      color: var(--vscode-descriptionForeground);
    }
    dl {
      display: grid;
      grid-template-columns: max-content max-content;
      gap: 2px 16px;
    }
    dt {
      color: var(--vscode-descriptionForeground);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('message', this.onMessage);
    vscode.postMessage({ kind: 'command', method: 'ready' });
  }

  override disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
    super.disconnectedCallback();
  }

  private readonly onMessage = (e: MessageEvent<CompareHostMessage>) => {
    const m = e.data;
    if (m?.kind === 'notification' && m.method === 'state') this.view = m.params.view;
  };

  override updated(): void {
    if (this.view && !this.reported) {
      this.reported = true;
      vscode.postMessage({ kind: 'command', method: 'rendered' });
    }
  }

  override render() {
    const v = this.view;
    if (!v) return html`<div class="sub" role="status">Scoring both versions…</div>`;
    return html`
      <h1 data-testid="compare-title">${v.title}</h1>
      <div class="sub">${v.subtitle}</div>
      <section class="agreement" aria-label="Agreement">
        <span class="rate" data-testid="agreement">${v.agreement}</span>
        <span class="detail" data-testid="agreement-detail">${v.agreementDetail}</span>
      </section>
      ${
        v.confusion
          ? html`<h2>Labels of each version</h2>
              <confusion-table .confusion=${v.confusion} .modelA=${v.modelA} .modelB=${v.modelB}></confusion-table>`
          : nothing
      }
      ${
        v.errors
          ? html`<h2>Absolute difference</h2>
              <dl data-testid="errors">
                <dt>Mean</dt>
                <dd>${v.errors.meanAbs}</dd>
                <dt>Largest</dt>
                <dd>${v.errors.maxAbs}</dd>
              </dl>`
          : nothing
      }
      <h2>Rows that differ most</h2>
      <differing-rows .rows=${v.differing}></differing-rows>
    `;
  }
}
customElements.define('model-comparison', ModelComparison);
