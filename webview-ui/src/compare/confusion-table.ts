/** The confusion table of a classifier comparison: rows are version A's label, columns version B's. */
import { LitElement, html, nothing } from 'lit';
import type { ConfusionView } from '../../../src/lifecycle-host/compare/protocol.js';
import { tableStyles } from './styles.js';

export class ConfusionTable extends LitElement {
  static override properties = { confusion: { attribute: false }, modelA: {}, modelB: {} };
  confusion?: ConfusionView;
  modelA = 'A';
  modelB = 'B';
  static override styles = tableStyles;

  override render() {
    const c = this.confusion;
    if (!c) return nothing;
    return html`<table data-testid="confusion" aria-label="Labels of ${this.modelA} (rows) against ${this.modelB} (columns)">
      <thead>
        <tr>
          <th class="row-head" scope="col">${this.modelA} ↓ / ${this.modelB} →</th>
          ${c.labels.map((l) => html`<th scope="col">${l}</th>`)}
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        ${c.rows.map(
          (r) =>
            html`<tr>
              <th class="row-head" scope="row">${r.label}</th>
              ${r.cells.map(
                (cell) =>
                  html`<td class="${cell.agree ? 'agree' : 'disagree'} ${cell.count ? 'nonzero' : ''}" title=${cell.share}>
                    ${cell.count}${cell.count ? html`<span class="share">${cell.share}</span>` : nothing}
                  </td>`,
              )}
              <td>${r.total}</td>
            </tr>`,
        )}
        <tr>
          <th class="row-head" scope="row">Total</th>
          ${c.columnTotals.map((t) => html`<td>${t}</td>`)}
          <td>${c.columnTotals.reduce((s, t) => s + t, 0)}</td>
        </tr>
      </tbody>
    </table>`;
  }
}
customElements.define('confusion-table', ConfusionTable);
