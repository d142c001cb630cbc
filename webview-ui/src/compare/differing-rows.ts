/** The rows on which the two versions differ most: key columns, then each version's prediction. */
import { LitElement, html, nothing } from 'lit';
import type { DifferingRowsView } from '../../../src/lifecycle-host/compare/protocol.js';
import { tableStyles } from './styles.js';

export class DifferingRows extends LitElement {
  static override properties = { rows: { attribute: false } };
  rows?: DifferingRowsView;
  static override styles = tableStyles;

  override render() {
    const d = this.rows;
    if (!d) return nothing;
    return html`
      ${d.note ? html`<div class="note" data-testid="differing-note">${d.note}</div>` : nothing}
      ${
        d.rows.length
          ? html`<table data-testid="differing">
              <thead>
                <tr>
                  ${d.columns.map((c) => html`<th scope="col">${c}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${d.rows.map(
                  (r) =>
                    html`<tr>
                      ${r.map((v) => html`<td class="text">${v}</td>`)}
                    </tr>`,
                )}
              </tbody>
            </table>`
          : nothing
      }
    `;
  }
}
customElements.define('differing-rows', DifferingRows);
