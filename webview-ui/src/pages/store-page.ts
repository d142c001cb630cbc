/** Page 3, Store objects in the database: script type and name, the model table, the generated script. */
import { html, nothing, type TemplateResult } from 'lit';
import type { WizardView } from '../../../src/wizard/protocol.js';
import { fieldError, valueOf } from '../components/common.js';
import { shownScript } from '../view-model.js';
import type { PageContext } from './context.js';

export function storePage(c: PageContext): TemplateResult {
  const v = c.view;
  const word = v.scriptType === 'view' ? 'View name' : 'Stored procedure name';
  return html`
    <h2 id="script-type">Script type</h2>
    <vscode-radio-group
      aria-labelledby="script-type"
      data-testid="script-type"
      @change=${(e: Event) => c.edit({ field: 'scriptType', value: valueOf(e) === 'procedure' ? 'procedure' : 'view' })}
    >
      <vscode-radio name="scriptType" value="view" label="View" ?checked=${v.scriptType === 'view'}></vscode-radio>
      <vscode-radio name="scriptType" value="procedure" label="Stored procedure" ?checked=${v.scriptType === 'procedure'}></vscode-radio>
    </vscode-radio-group>
    <div class="field">
      <vscode-label for="script-name">${word}</vscode-label>
      <draft-text-field
        id="script-name"
        data-testid="script-name"
        aria-label=${word}
        .hostValue=${v.scriptName.text}
        ?invalid=${!!v.scriptName.error}
        @input=${(e: Event) => c.edit({ field: 'scriptName', value: valueOf(e) })}
      ></draft-text-field>
      ${fieldError(v.scriptName.error)}
      ${
        v.scriptName.exists
          ? html`<vscode-checkbox
              data-testid="replace-existing"
              label="Replace the existing object"
              ?checked=${v.replaceExisting}
              @change=${(e: Event) => c.edit({ field: 'replaceExisting', value: (e.target as HTMLInputElement).checked })}
            ></vscode-checkbox>`
          : nothing
      }
    </div>

    <h2 id="model-table">Load model into a database table</h2>
    <vscode-radio-group
      aria-labelledby="model-table"
      data-testid="model-table-mode"
      @change=${(e: Event) => c.edit({ field: 'modelTableMode', value: valueOf(e) === 'new' ? 'new' : 'existing' })}
    >
      <vscode-radio name="modelTableMode" value="existing" label="Existing table" ?checked=${v.modelTableMode === 'existing'}></vscode-radio>
      <vscode-radio name="modelTableMode" value="new" label="Create new" ?checked=${v.modelTableMode === 'new'}></vscode-radio>
    </vscode-radio-group>
    ${v.modelTableMode === 'existing' ? existingTable(c) : newTable(c)}

    <h2 id="script-heading">Script</h2>
    ${script(v.script, c.lastScript)} ${deployStatus(v)}
  `;
}

/** The generated script; while a field is wrong, the last valid one, marked out of date. */
function script(current: string, lastValid: string | undefined): TemplateResult {
  const shown = shownScript(current, lastValid);
  if (!shown) return html`<div class="hint" data-testid="script-missing">The script appears here once every field is valid.</div>`;
  if (!shown.stale) return html`<pre class="script" tabindex="0" aria-labelledby="script-heading" data-testid="script">${shown.text}</pre>`;
  return html`
    <div class="warning" id="script-stale-note" data-testid="script-stale-note">
      Out of date: the last valid script. It is updated once the fields above are valid.
    </div>
    <pre class="script stale" tabindex="0" aria-labelledby="script-heading" aria-describedby="script-stale-note" data-testid="script-stale">${shown.text}</pre>
  `;
}

function existingTable(c: PageContext): TemplateResult {
  const v = c.view;
  return html`<div class="field">
    <vscode-label for="existing-table">Existing target table</vscode-label>
    ${v.modelTablesStatus === 'loading' ? html`<div role="status" class="hint">Looking for model tables…</div>` : nothing}
    <vscode-single-select
      id="existing-table"
      data-testid="existing-table"
      aria-label="Existing target table"
      .value=${v.existingTable}
      ?invalid=${!!v.existingTableError}
      @change=${(e: Event) => c.edit({ field: 'existingTable', value: valueOf(e) })}
    >
      ${v.modelTables.map((t) => html`<vscode-option value=${t}>${t}</vscode-option>`)}
    </vscode-single-select>
    ${fieldError(v.existingTableError)}
  </div>`;
}

function newTable(c: PageContext): TemplateResult {
  const v = c.view;
  return html`<div class="field">
    <vscode-label for="new-table">New table</vscode-label>
    <draft-text-field
      id="new-table"
      data-testid="new-table"
      aria-label="New table"
      .hostValue=${v.newTableName.text}
      ?invalid=${!!v.newTableName.error}
      @input=${(e: Event) => c.edit({ field: 'newTableName', value: valueOf(e) })}
    ></draft-text-field>
    ${fieldError(v.newTableName.error)}
  </div>`;
}

function deployStatus(v: WizardView): TemplateResult | typeof nothing {
  if (v.deploy.status === 'idle') return nothing;
  return html`<div role="status" data-testid="deploy-status" class=${v.deploy.status === 'error' ? 'error' : 'hint'}>
    ${v.deploy.status === 'running' ? html`<vscode-progress-ring></vscode-progress-ring> ${v.deploy.step ?? 'Deploying'}…` : v.deploy.message}
  </div>`;
}
