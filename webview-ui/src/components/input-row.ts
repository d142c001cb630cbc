/** One row of page 2's inputs: source column → model input → input type, Delete; its warnings below it. */
import { html, nothing, type TemplateResult } from 'lit';
import type { InputRowView, WizardEdit, WizardView } from '../../../src/wizard/protocol.js';
import type { RowWarning } from '../view-model.js';
import { fieldError, typeChoices, valueOf } from './common.js';

export function inputRow(v: WizardView, r: InputRowView, i: number, warnings: readonly RowWarning[], edit: (e: WizardEdit) => void): TemplateResult {
  const n = i + 1;
  return html`
    <tr data-testid="input-row" data-id=${r.id}>
      <td>
        <vscode-single-select
          aria-label=${`Source column of input ${n}`}
          data-testid="input-source"
          combobox
          .value=${r.sourceColumn}
          ?invalid=${!!r.errors.sourceColumn}
          @change=${(e: Event) => edit({ field: 'input', id: r.id, sourceColumn: valueOf(e) })}
        >
          ${v.sourceColumns.map((c) => html`<vscode-option value=${c.name} description=${c.type}>${c.name}</vscode-option>`)}
        </vscode-single-select>
        ${fieldError(r.errors.sourceColumn)}
      </td>
      <td>
        <draft-text-field
          aria-label=${`Model input ${n}`}
          data-testid="input-model"
          .hostValue=${r.modelInput}
          ?invalid=${!!r.errors.modelInput}
          @input=${(e: Event) => edit({ field: 'input', id: r.id, modelInput: valueOf(e) })}
        ></draft-text-field>
        ${fieldError(r.errors.modelInput)}
      </td>
      <td>
        <vscode-single-select
          aria-label=${`Input type of input ${n}`}
          data-testid="input-type"
          combobox
          .value=${r.inputType}
          ?invalid=${!!r.errors.inputType}
          @change=${(e: Event) => edit({ field: 'input', id: r.id, inputType: valueOf(e) })}
        >
          ${typeChoices(v.inputTypes, r.inputType).map((t) => html`<vscode-option value=${t}>${t}</vscode-option>`)}
        </vscode-single-select>
        ${fieldError(r.errors.inputType)}
      </td>
      <td>
        <vscode-button secondary aria-label=${`Delete input ${n}`} data-testid="delete-input" @click=${() => edit({ field: 'removeInput', id: r.id })}
          >Delete</vscode-button
        >
      </td>
    </tr>
    ${
      warnings.length
        ? html`<tr class="warnings">
            <td colspan="4">${warnings.map(rowWarning)}</td>
          </tr>`
        : nothing
    }
  `;
}

/** One short line; the whole warning in its tooltip. */
function rowWarning(w: RowWarning): TemplateResult {
  return html`<div class="warning" data-testid="input-warning" title=${w.detail ?? w.short}>⚠ ${w.short}</div>`;
}
