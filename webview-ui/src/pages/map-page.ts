/** Page 2, Map columns: input and output rows, pass-through columns, Preview predictions. */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { WizardView } from '../../../src/wizard/protocol.js';
import { inputRow } from '../components/input-row.js';
import { onGridFocus, onGridKey } from '../components/roving-grid.js';
import { outputRow } from '../components/output-row.js';
import { passThroughSelect } from '../components/pass-through.js';
import { inputWarnings, type CastSummary } from '../view-model.js';
import type { PageContext } from './context.js';

/** The grid's arrow keys, ahead of the dropdowns' own handling. */
const ROVING_KEYS = { handleEvent: onGridKey, capture: true };

export function mapPage(c: PageContext): TemplateResult {
  const v = c.view;
  const edit = c.edit.bind(c);
  const warnings = inputWarnings(v.inputs);
  return html`
    <div class="hint">Map the source table columns to the expected model inputs.</div>
    <h2 id="inputs-heading">Inputs</h2>
    ${warnings.summaries.map(castSummary)}
    <table class="mapping" aria-labelledby="inputs-heading" data-testid="inputs">
      <thead>
        <tr>
          <th>Source column</th>
          <th>Model input</th>
          <th>Input type</th>
          <th></th>
        </tr>
      </thead>
      <tbody class="roving" @keydown=${ROVING_KEYS} @focusin=${onGridFocus}>
        ${repeat(
          v.inputs,
          (r) => r.id,
          (r, i) => inputRow(v, r, i, warnings.rows.get(r.id) ?? [], edit),
        )}
      </tbody>
    </table>
    <vscode-button secondary data-testid="add-input" @click=${() => c.edit({ field: 'addInput' })}>+ New input</vscode-button>

    <h2 id="outputs-heading">Outputs</h2>
    <table class="mapping" aria-labelledby="outputs-heading" data-testid="outputs">
      <thead>
        <tr>
          <th>Model output</th>
          <th>Output type</th>
          <th></th>
        </tr>
      </thead>
      <tbody class="roving" @keydown=${ROVING_KEYS} @focusin=${onGridFocus}>
        ${repeat(
          v.outputs,
          (r) => r.id,
          (r, i) => outputRow(v, r, i, edit),
        )}
      </tbody>
    </table>
    <vscode-button secondary data-testid="add-output" @click=${() => c.edit({ field: 'addOutput' })}>+ New output</vscode-button>

    ${
      v.mappingErrors.length
        ? html`<ul class="error" role="alert" data-testid="mapping-errors">
            ${v.mappingErrors.map((m) => html`<li>${m}</li>`)}
          </ul>`
        : nothing
    }

    <h2>Pass-through columns</h2>
    <div class="hint">Columns returned beside the predictions, for example a key to join back on.</div>
    ${passThroughSelect(v.sourceColumns, v.passThrough, (value) => c.edit({ field: 'passThrough', value }))}

    <h2>Preview</h2>
    <div class="row">
      <vscode-button secondary data-testid="preview" ?disabled=${v.preview.status === 'loading'} @click=${() => c.requestPreview()}
        >Preview predictions</vscode-button
      >
      <span class="hint">Scores the first 20 rows of the table on this computer.</span>
    </div>
    ${previewTable(v)}
  `;
}

/** Several rows losing data by the same cast, said once; the reasons open below it. */
function castSummary(s: CastSummary): TemplateResult {
  return html`<details class="warning cast-summary" data-testid="cast-summary">
    <summary>⚠ ${s.columns.length} columns are cast from ${s.from} to ${s.to}, which can lose data: ${s.columns.join(', ')}</summary>
    <div>${s.reasons}.</div>
  </details>`;
}

function previewTable(v: WizardView): TemplateResult | typeof nothing {
  const p = v.preview;
  if (p.status === 'loading') return html`<div class="row" role="status"><vscode-progress-ring></vscode-progress-ring> Scoring…</div>`;
  if (p.status === 'error') return html`<div class="error" role="alert" data-testid="preview-error">${p.error}</div>`;
  if (p.status !== 'loaded') return nothing;
  return html`
    <div class="preview">
      <table data-testid="preview-table" aria-label="Predictions for the first rows">
        <thead>
          <tr>
            ${p.columns.map((col) => html`<th>${col}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${p.rows.map(
            (row) =>
              html`<tr>
                ${row.map((cell) => html`<td>${cell}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  `;
}
