/** One row of page 2's outputs: model output → output type, Delete; its warnings below it. */
import { html, nothing, type TemplateResult } from 'lit';
import type { OutputRowView, WizardEdit, WizardView } from '../../../src/wizard/protocol.js';
import { fieldError, typeChoices, valueOf } from './common.js';

export function outputRow(v: WizardView, r: OutputRowView, i: number, edit: (e: WizardEdit) => void): TemplateResult {
  const n = i + 1;
  return html`
    <tr data-testid="output-row" data-id=${r.id}>
      <td>
        <draft-text-field
          aria-label=${`Model output ${n}`}
          data-testid="output-model"
          .hostValue=${r.modelOutput}
          ?invalid=${!!r.errors.modelOutput}
          @input=${(e: Event) => edit({ field: 'output', id: r.id, modelOutput: valueOf(e) })}
        ></draft-text-field>
        ${fieldError(r.errors.modelOutput)}
      </td>
      <td>
        <vscode-single-select
          aria-label=${`Output type of output ${n}`}
          data-testid="output-type"
          combobox
          .value=${r.outputType}
          ?invalid=${!!r.errors.outputType}
          @change=${(e: Event) => edit({ field: 'output', id: r.id, outputType: valueOf(e) })}
        >
          ${typeChoices(v.outputTypes, r.outputType).map((t) => html`<vscode-option value=${t}>${t}</vscode-option>`)}
        </vscode-single-select>
        ${fieldError(r.errors.outputType)}
      </td>
      <td>
        <vscode-button secondary aria-label=${`Delete output ${n}`} data-testid="delete-output" @click=${() => edit({ field: 'removeOutput', id: r.id })}
          >Delete</vscode-button
        >
      </td>
    </tr>
    ${
      r.warnings.length
        ? html`<tr>
            <td colspan="3">${r.warnings.map((w) => html`<div class="warning">⚠ ${w}</div>`)}</td>
          </tr>`
        : nothing
    }
  `;
}
