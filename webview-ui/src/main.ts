/**
 * The Predict with a model wizard's webview: renders the WizardView the host sends and posts the
 * user's intents back. Holds no secrets and decides nothing: every check happens in the host.
 * Theme-aware through VS Code's CSS variables; usable with the keyboard alone.
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  PAGE_TITLES,
  WIZARD_PAGES,
  type HostMessage,
  type InputRowView,
  type OutputRowView,
  type WebviewMessage,
  type WizardEdit,
  type WizardView,
} from '../../src/wizard/protocol.js';
import { FieldDrafts, passThroughLabel } from '../../src/wizard/state.js';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

/** The table the panel was opened on, written by the host; kept so that VS Code can restore the panel. */
const initial = document.getElementById('wizard-initial')?.textContent;
if (initial) vscode.setState(JSON.parse(initial) as unknown);

type ValueElement = HTMLElement & { value: string };

/** The pass-through selector: a multi-select whose face names the chosen columns instead of "1 Selected". */
class PassThroughSelect extends VscodeMultiSelect {
  constructor() {
    super();
    // The base class draws its face through _renderLabel; this instance draws the names.
    (this as unknown as { _renderLabel: () => TemplateResult })._renderLabel = () =>
      html`<span class="select-face-badge no-item" title=${this.value.join(', ')} data-testid="pass-through-label">${passThroughLabel(this.value)}</span>`;
  }
}
customElements.define('pass-through-select', PassThroughSelect);

export class PredictWizard extends LitElement {
  static override properties = { view: { state: true } };
  view?: WizardView;
  private drafts = new FieldDrafts();
  private nextRequestId = 1;
  private renderedReported = false;
  private focusAfterPageChange = false;
  private lastPage?: string;

  static override styles = css`
    :host {
      display: block;
      padding: 12px 20px 20px;
      color: var(--vscode-foreground);
      font-family: var(--vscode-font-family);
      font-size: var(--vscode-font-size);
      max-width: 1100px;
    }
    h1 { font-size: 1.4em; font-weight: 600; margin: 0.2em 0; }
    /* Focus moves to the heading on a page change (for screen readers); no box around it. */
    h1:focus { outline: none; }
    h2 { font-size: 1.1em; font-weight: 600; margin: 1.2em 0 0.4em; }
    .sub { color: var(--vscode-descriptionForeground); margin-bottom: 0.8em; }
    .steps { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
    .banner, .error { color: var(--vscode-errorForeground); }
    .banner { border: 1px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); padding: 6px 10px; margin: 8px 0; }
    .warning { color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); font-size: 0.92em; }
    .hint { color: var(--vscode-descriptionForeground); font-size: 0.92em; }
    .row { display: flex; gap: 8px; align-items: center; margin: 6px 0; flex-wrap: wrap; }
    .field { display: flex; flex-direction: column; gap: 2px; min-width: 180px; }
    table { border-collapse: collapse; width: 100%; margin-top: 6px; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); vertical-align: top; }
    th { font-weight: 600; color: var(--vscode-descriptionForeground); }
    tr.version { cursor: pointer; }
    tr.version:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
    tr.version[aria-selected='true'] { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
    tr.version[aria-disabled='true'] { color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); cursor: default; }
    .mapping td { border-bottom: none; }
    .footer { display: flex; gap: 8px; margin-top: 20px; align-items: center; flex-wrap: wrap; }
    .footer .reason { color: var(--vscode-descriptionForeground); }
    pre.script {
      font-family: var(--vscode-editor-font-family);
      font-size: var(--vscode-editor-font-size);
      background: var(--vscode-textCodeBlock-background, var(--vscode-editor-background));
      padding: 8px; overflow: auto; max-height: 320px; white-space: pre; border: 1px solid var(--vscode-editorWidget-border, transparent);
    }
    .preview { max-height: 360px; overflow: auto; }
    vscode-textfield, vscode-single-select { width: 100%; }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('message', this.onHostMessage);
    this.addEventListener('keydown', this.onKeyDown);
    vscode.postMessage({ kind: 'command', method: 'ready' });
  }

  override disconnectedCallback(): void {
    window.removeEventListener('message', this.onHostMessage);
    this.removeEventListener('keydown', this.onKeyDown);
    super.disconnectedCallback();
  }

  private onHostMessage = (e: MessageEvent<HostMessage>): void => {
    const m = e.data;
    if (m?.kind === 'notification' && m.method === 'state') {
      if (this.view && this.view.page !== m.params.view.page) this.focusAfterPageChange = true;
      this.view = m.params.view;
    }
  };

  private onKeyDown = (e: KeyboardEvent): void => {
    if (!this.view) return;
    const path = e.composedPath();
    const inSelect = path.some((t) => t instanceof HTMLElement && /^(VSCODE-(SINGLE|MULTI)-SELECT|PASS-THROUGH-SELECT)$/.test(t.tagName));
    const inButton = path.some((t) => t instanceof HTMLElement && t.tagName === 'VSCODE-BUTTON');
    if (e.key === 'Escape' && !inSelect) {
      e.preventDefault();
      this.post('cancel');
    } else if (e.key === 'Enter' && !inSelect && !inButton && !e.shiftKey && !path.some((t) => t instanceof HTMLElement && t.tagName === 'TR')) {
      if (this.view.canNext) {
        e.preventDefault();
        this.post('next');
      }
    }
  };

  protected override updated(): void {
    if (this.view && !this.renderedReported) {
      this.renderedReported = true;
      requestAnimationFrame(() => vscode.postMessage({ kind: 'command', method: 'rendered' }));
    }
    if (this.view && this.lastPage !== this.view.page) {
      this.lastPage = this.view.page;
      this.drafts.clear();
    }
    if (this.focusAfterPageChange) {
      this.focusAfterPageChange = false;
      this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
    }
  }

  private post(method: 'next' | 'back' | 'cancel' | 'deploy' | 'refresh' | 'loadMore'): void {
    vscode.postMessage({ kind: 'command', method });
  }

  private edit(e: WizardEdit): void {
    vscode.postMessage({ kind: 'command', method: 'edit', params: e });
  }

  /** Text a field shows: what the user is typing, until the host has it. */
  private text(key: string, fromHost: string): string {
    return this.drafts.shown(key, fromHost);
  }

  private typed(key: string, ev: Event, make: (value: string) => WizardEdit): void {
    const value = (ev.target as ValueElement).value;
    this.drafts.typed(key, value);
    this.edit(make(value));
  }

  private focusField(key: string, ev: Event): void {
    this.drafts.focused(key, (ev.target as ValueElement).value);
  }

  /**
   * Ctrl+A (Cmd+A) in a text field selects the field's text and goes no further. VS Code's webview frame
   * forwards every keydown that reaches the window to the workbench, whose Select All keybinding then
   * sends `execCommand('selectAll')` back into this frame a round trip later: the keys typed in between
   * get selected and the next key replaces them, so a fast typist loses the first characters.
   */
  private selectAllHere = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'a') e.stopPropagation();
  };

  private settle(key: string): void {
    this.drafts.blurred(key);
  }

  override render(): TemplateResult {
    const v = this.view;
    if (!v) return html`<vscode-progress-ring aria-label="Loading the wizard"></vscode-progress-ring>`;
    const step = WIZARD_PAGES.indexOf(v.page) + 1;
    return html`
      <div class="steps" data-testid="steps">Step ${step} of ${WIZARD_PAGES.length}</div>
      <h1 tabindex="-1" data-testid="page-title">${PAGE_TITLES[v.page]}</h1>
      <div class="sub" data-testid="wizard-title">${v.title}</div>
      ${v.banner ? html`<div class="banner" role="alert" data-testid="banner">${v.banner}</div>` : nothing}
      ${v.page === 'model' ? this.modelPage(v) : v.page === 'map' ? this.mapPage(v) : this.storePage(v)}
      ${this.footer(v)}
    `;
  }

  // -------------------------------------------------------------------------------------------
  // Page 1

  private modelPage(v: WizardView): TemplateResult {
    return html`
      <div class="row">
        <div class="field">
          <vscode-label for="registry">Model registry</vscode-label>
          <vscode-single-select
            id="registry"
            data-testid="registry"
            aria-label="Model registry"
            .value=${v.registry}
            @change=${(e: Event) => this.edit({ field: 'registry', value: (e.target as ValueElement).value })}
          >
            ${v.registries.map((r) => html`<vscode-option value=${r.name} description=${r.kind}>${r.name}</vscode-option>`)}
          </vscode-single-select>
        </div>
        <div class="field" style="flex:1">
          <vscode-label for="search">Search</vscode-label>
          <vscode-textfield
            id="search"
            data-testid="search"
            aria-label="Search model versions"
            placeholder="Name, version, creator or framework"
            .value=${live(this.text('search', v.search))}
            @input=${(e: Event) => this.typed('search', e, (value) => ({ field: 'search', value }))}
            @focus=${(e: Event) => this.focusField('search', e)}
            @blur=${() => this.settle('search')}
            @keydown=${this.selectAllHere}
          ></vscode-textfield>
        </div>
        <vscode-button secondary data-testid="refresh" @click=${() => this.post('refresh')}>Refresh</vscode-button>
      </div>
      ${v.versionsStatus === 'loading'
        ? html`<div class="row" role="status"><vscode-progress-ring></vscode-progress-ring> Loading model versions…</div>`
        : nothing}
      ${v.versionsError ? html`<div class="error" role="alert" data-testid="versions-error">${v.versionsError}</div>` : nothing}
      <table role="grid" aria-label="Model versions" data-testid="versions">
        <thead>
          <tr><th>Name</th><th>Version</th><th>Created</th><th>Created by</th><th>Framework</th><th></th></tr>
        </thead>
        <tbody @keydown=${this.onGridKey}>
          ${v.versions.map(
            (r, i) => html`
              <tr
                class="version"
                role="row"
                tabindex=${r.key === v.selectedVersion || (!v.selectedVersion && i === 0) ? '0' : '-1'}
                aria-selected=${r.key === v.selectedVersion ? 'true' : 'false'}
                aria-disabled=${r.disabledReason ? 'true' : 'false'}
                data-testid="version-row"
                data-key=${r.key}
                title=${r.disabledReason ?? ''}
                @click=${() => this.edit({ field: 'selectedVersion', value: r.key })}
              >
                <td>${r.name}</td>
                <td>${r.version}</td>
                <td>${r.created ? new Date(r.created).toLocaleString() : ''}</td>
                <td>${r.createdBy}</td>
                <td>${r.framework}</td>
                <td class="hint">${r.disabledReason ?? ''}</td>
              </tr>
            `,
          )}
        </tbody>
      </table>
      ${v.versionsStatus === 'loaded' && v.versions.length === 0 && v.versionsMore === 'none'
        ? html`<div class="hint" data-testid="no-versions">${v.search ? 'No model version matches the search.' : 'This registry has no model versions.'}</div>`
        : nothing}
      ${v.versionsStatus === 'loaded' && v.versionsMore === 'loading'
        ? html`<div class="row" role="status" data-testid="versions-more-loading">
            <vscode-progress-ring></vscode-progress-ring> ${v.search ? 'Searching older versions…' : 'Loading more versions…'}
          </div>`
        : nothing}
      ${v.versionsStatus === 'loaded' && v.versionsMore === 'more'
        ? html`<div class="row">
            <vscode-button secondary data-testid="load-more" @click=${() => this.post('loadMore')}>Load more versions</vscode-button>
            <span class="hint">Older versions are not listed yet.</span>
          </div>`
        : nothing}
      ${v.modelStatus === 'loading' ? html`<div class="row" role="status"><vscode-progress-ring></vscode-progress-ring> Reading the model…</div>` : nothing}
      ${v.modelError ? html`<div class="error" role="alert" data-testid="model-error">${v.modelError}</div>` : nothing}
    `;
  }

  /** Arrow keys move between versions; Enter or Space chooses one. */
  private onGridKey = (e: KeyboardEvent): void => {
    const row = (e.target as HTMLElement).closest('tr');
    if (!row) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
      if (next) {
        row.tabIndex = -1;
        next.tabIndex = 0;
        next.focus();
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      const key = row.dataset['key'];
      if (key) {
        if (key === this.view?.selectedVersion && this.view.canNext && e.key === 'Enter') this.post('next');
        else this.edit({ field: 'selectedVersion', value: key });
      }
    }
  };

  // -------------------------------------------------------------------------------------------
  // Page 2

  private mapPage(v: WizardView): TemplateResult {
    return html`
      <div class="hint">Map the source table columns to the expected model inputs.</div>
      <h2 id="inputs-heading">Inputs</h2>
      <table class="mapping" aria-labelledby="inputs-heading" data-testid="inputs">
        <thead><tr><th>Source column</th><th>Model input</th><th>Input type</th><th></th></tr></thead>
        <tbody>${v.inputs.map((r, i) => this.inputRow(v, r, i))}</tbody>
      </table>
      <vscode-button secondary data-testid="add-input" @click=${() => this.edit({ field: 'addInput' })}>+ New input</vscode-button>

      <h2 id="outputs-heading">Outputs</h2>
      <table class="mapping" aria-labelledby="outputs-heading" data-testid="outputs">
        <thead><tr><th>Model output</th><th>Output type</th><th></th></tr></thead>
        <tbody>${v.outputs.map((r, i) => this.outputRow(v, r, i))}</tbody>
      </table>
      <vscode-button secondary data-testid="add-output" @click=${() => this.edit({ field: 'addOutput' })}>+ New output</vscode-button>

      ${v.mappingErrors.length
        ? html`<ul class="error" role="alert" data-testid="mapping-errors">${v.mappingErrors.map((m) => html`<li>${m}</li>`)}</ul>`
        : nothing}

      <h2>Pass-through columns</h2>
      <div class="hint">Columns returned beside the predictions, for example a key to join back on.</div>
      <pass-through-select
        data-testid="pass-through"
        aria-label="Pass-through columns"
        .value=${[...v.passThrough]}
        @change=${(e: Event) => this.edit({ field: 'passThrough', value: (e.target as HTMLElement & { value: string[] }).value })}
      >
        ${v.sourceColumns.map((c) => html`<vscode-option value=${c.name} description=${c.type}>${c.name}</vscode-option>`)}
      </pass-through-select>

      <h2>Preview</h2>
      <div class="row">
        <vscode-button secondary data-testid="preview" ?disabled=${v.preview.status === 'loading'} @click=${this.requestPreview}>Preview predictions</vscode-button>
        <span class="hint">Scores the first 20 rows of the table on this computer.</span>
      </div>
      ${this.previewTable(v)}
    `;
  }

  private inputRow(v: WizardView, r: InputRowView, i: number): TemplateResult {
    const n = i + 1;
    const k = `in${r.id}`;
    const types = v.inputTypes.includes(r.inputType) || !r.inputType ? v.inputTypes : [r.inputType, ...v.inputTypes];
    return html`
      <tr data-testid="input-row" data-id=${r.id}>
        <td>
          <vscode-single-select
            aria-label=${`Source column of input ${n}`}
            data-testid="input-source"
            combobox
            .value=${r.sourceColumn}
            ?invalid=${!!r.errors.sourceColumn}
            @change=${(e: Event) => this.edit({ field: 'input', id: r.id, sourceColumn: (e.target as ValueElement).value })}
          >
            ${v.sourceColumns.map((c) => html`<vscode-option value=${c.name} description=${c.type}>${c.name}</vscode-option>`)}
          </vscode-single-select>
          ${this.err(r.errors.sourceColumn)}
        </td>
        <td>
          <vscode-textfield
            aria-label=${`Model input ${n}`}
            data-testid="input-model"
            .value=${live(this.text(`${k}m`, r.modelInput))}
            ?invalid=${!!r.errors.modelInput}
            @input=${(e: Event) => this.typed(`${k}m`, e, (value) => ({ field: 'input', id: r.id, modelInput: value }))}
            @focus=${(e: Event) => this.focusField(`${k}m`, e)}
            @blur=${() => this.settle(`${k}m`)}
            @keydown=${this.selectAllHere}
          ></vscode-textfield>
          ${this.err(r.errors.modelInput)}
        </td>
        <td>
          <vscode-single-select
            aria-label=${`Input type of input ${n}`}
            data-testid="input-type"
            combobox
            .value=${r.inputType}
            ?invalid=${!!r.errors.inputType}
            @change=${(e: Event) => this.edit({ field: 'input', id: r.id, inputType: (e.target as ValueElement).value })}
          >
            ${types.map((t) => html`<vscode-option value=${t}>${t}</vscode-option>`)}
          </vscode-single-select>
          ${this.err(r.errors.inputType)}
        </td>
        <td>
          <vscode-button secondary aria-label=${`Delete input ${n}`} data-testid="delete-input" @click=${() => this.edit({ field: 'removeInput', id: r.id })}
            >Delete</vscode-button
          >
        </td>
      </tr>
      ${r.warnings.length
        ? html`<tr><td colspan="4">${r.warnings.map((w) => html`<div class="warning" data-testid="input-warning">⚠ ${w}</div>`)}</td></tr>`
        : nothing}
    `;
  }

  private outputRow(v: WizardView, r: OutputRowView, i: number): TemplateResult {
    const n = i + 1;
    const k = `out${r.id}`;
    const types = v.outputTypes.includes(r.outputType) || !r.outputType ? v.outputTypes : [r.outputType, ...v.outputTypes];
    return html`
      <tr data-testid="output-row" data-id=${r.id}>
        <td>
          <vscode-textfield
            aria-label=${`Model output ${n}`}
            data-testid="output-model"
            .value=${live(this.text(`${k}m`, r.modelOutput))}
            ?invalid=${!!r.errors.modelOutput}
            @input=${(e: Event) => this.typed(`${k}m`, e, (value) => ({ field: 'output', id: r.id, modelOutput: value }))}
            @focus=${(e: Event) => this.focusField(`${k}m`, e)}
            @blur=${() => this.settle(`${k}m`)}
            @keydown=${this.selectAllHere}
          ></vscode-textfield>
          ${this.err(r.errors.modelOutput)}
        </td>
        <td>
          <vscode-single-select
            aria-label=${`Output type of output ${n}`}
            data-testid="output-type"
            combobox
            .value=${r.outputType}
            ?invalid=${!!r.errors.outputType}
            @change=${(e: Event) => this.edit({ field: 'output', id: r.id, outputType: (e.target as ValueElement).value })}
          >
            ${types.map((t) => html`<vscode-option value=${t}>${t}</vscode-option>`)}
          </vscode-single-select>
          ${this.err(r.errors.outputType)}
        </td>
        <td>
          <vscode-button secondary aria-label=${`Delete output ${n}`} data-testid="delete-output" @click=${() => this.edit({ field: 'removeOutput', id: r.id })}
            >Delete</vscode-button
          >
        </td>
      </tr>
      ${r.warnings.length ? html`<tr><td colspan="3">${r.warnings.map((w) => html`<div class="warning">⚠ ${w}</div>`)}</td></tr>` : nothing}
    `;
  }

  private requestPreview = (): void => {
    vscode.postMessage({ kind: 'request', id: this.nextRequestId++, method: 'preview' });
  };

  private previewTable(v: WizardView): TemplateResult | typeof nothing {
    const p = v.preview;
    if (p.status === 'loading') return html`<div class="row" role="status"><vscode-progress-ring></vscode-progress-ring> Scoring…</div>`;
    if (p.status === 'error') return html`<div class="error" role="alert" data-testid="preview-error">${p.error}</div>`;
    if (p.status !== 'loaded') return nothing;
    return html`
      <div class="preview">
        <table data-testid="preview-table" aria-label="Predictions for the first rows">
          <thead><tr>${p.columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
          <tbody>${p.rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody>
        </table>
      </div>
    `;
  }

  // -------------------------------------------------------------------------------------------
  // Page 3

  private storePage(v: WizardView): TemplateResult {
    const word = v.scriptType === 'view' ? 'View name' : 'Stored procedure name';
    return html`
      <h2 id="script-type">Script type</h2>
      <vscode-radio-group
        aria-labelledby="script-type"
        data-testid="script-type"
        @change=${(e: Event) => this.edit({ field: 'scriptType', value: (e.target as HTMLInputElement).value === 'procedure' ? 'procedure' : 'view' })}
      >
        <vscode-radio name="scriptType" value="view" label="View" ?checked=${v.scriptType === 'view'}>View</vscode-radio>
        <vscode-radio name="scriptType" value="procedure" label="Stored procedure" ?checked=${v.scriptType === 'procedure'}>Stored procedure</vscode-radio>
      </vscode-radio-group>
      <div class="field">
        <vscode-label for="script-name">${word}</vscode-label>
        <vscode-textfield
          id="script-name"
          data-testid="script-name"
          aria-label=${word}
          .value=${live(this.text('scriptName', v.scriptName.text))}
          ?invalid=${!!v.scriptName.error}
          @input=${(e: Event) => this.typed('scriptName', e, (value) => ({ field: 'scriptName', value }))}
          @focus=${(e: Event) => this.focusField('scriptName', e)}
            @blur=${() => this.settle('scriptName')}
            @keydown=${this.selectAllHere}
        ></vscode-textfield>
        ${this.err(v.scriptName.error)}
        ${v.scriptName.exists
          ? html`<vscode-checkbox
              data-testid="replace-existing"
              label="Replace the existing object"
              ?checked=${v.replaceExisting}
              @change=${(e: Event) => this.edit({ field: 'replaceExisting', value: (e.target as HTMLInputElement).checked })}
              >Replace the existing object</vscode-checkbox
            >`
          : nothing}
      </div>

      <h2 id="model-table">Load model into a database table</h2>
      <vscode-radio-group
        aria-labelledby="model-table"
        data-testid="model-table-mode"
        @change=${(e: Event) => this.edit({ field: 'modelTableMode', value: (e.target as HTMLInputElement).value === 'new' ? 'new' : 'existing' })}
      >
        <vscode-radio name="modelTableMode" value="existing" label="Existing table" ?checked=${v.modelTableMode === 'existing'}>Existing table</vscode-radio>
        <vscode-radio name="modelTableMode" value="new" label="Create new" ?checked=${v.modelTableMode === 'new'}>Create new</vscode-radio>
      </vscode-radio-group>
      ${v.modelTableMode === 'existing'
        ? html`<div class="field">
            <vscode-label for="existing-table">Existing target table</vscode-label>
            ${v.modelTablesStatus === 'loading' ? html`<div role="status" class="hint">Looking for model tables…</div>` : nothing}
            <vscode-single-select
              id="existing-table"
              data-testid="existing-table"
              aria-label="Existing target table"
              .value=${v.existingTable}
              ?invalid=${!!v.existingTableError}
              @change=${(e: Event) => this.edit({ field: 'existingTable', value: (e.target as ValueElement).value })}
            >
              ${v.modelTables.map((t) => html`<vscode-option value=${t}>${t}</vscode-option>`)}
            </vscode-single-select>
            ${this.err(v.existingTableError)}
          </div>`
        : html`<div class="field">
            <vscode-label for="new-table">New table</vscode-label>
            <vscode-textfield
              id="new-table"
              data-testid="new-table"
              aria-label="New table"
              .value=${live(this.text('newTable', v.newTableName.text))}
              ?invalid=${!!v.newTableName.error}
              @input=${(e: Event) => this.typed('newTable', e, (value) => ({ field: 'newTableName', value }))}
              @focus=${(e: Event) => this.focusField('newTable', e)}
            @blur=${() => this.settle('newTable')}
            @keydown=${this.selectAllHere}
            ></vscode-textfield>
            ${this.err(v.newTableName.error)}
          </div>`}

      <h2 id="script-heading">Script</h2>
      ${v.script
        ? html`<pre class="script" tabindex="0" aria-labelledby="script-heading" data-testid="script">${v.script}</pre>`
        : html`<div class="hint" data-testid="script-missing">The script appears here once every field is valid.</div>`}
      ${v.deploy.status !== 'idle'
        ? html`<div role="status" data-testid="deploy-status" class=${v.deploy.status === 'error' ? 'error' : 'hint'}>
            ${v.deploy.status === 'running' ? html`<vscode-progress-ring></vscode-progress-ring> ${v.deploy.step ?? 'Deploying'}…` : v.deploy.message}
          </div>`
        : nothing}
    `;
  }

  // -------------------------------------------------------------------------------------------

  private err(message: string | undefined): TemplateResult | typeof nothing {
    return message ? html`<div class="error" role="alert">${message}</div>` : nothing;
  }

  private footer(v: WizardView): TemplateResult {
    const last = v.page === 'store';
    return html`
      <div class="footer">
        <vscode-button secondary data-testid="back" ?disabled=${!v.canBack} @click=${() => this.post('back')}>Back</vscode-button>
        ${last
          ? html`<vscode-button data-testid="deploy" ?disabled=${!v.canDeploy} @click=${() => this.post('deploy')}>Deploy model + open script</vscode-button>`
          : html`<vscode-button data-testid="next" ?disabled=${!v.canNext} @click=${() => this.post('next')}>Next</vscode-button>`}
        <vscode-button secondary data-testid="cancel" @click=${() => this.post('cancel')}>Cancel</vscode-button>
        ${v.blockedReason ? html`<span class="reason" aria-live="polite" data-testid="blocked-reason">${v.blockedReason}</span>` : nothing}
      </div>
    `;
  }
}

customElements.define('predict-wizard', PredictWizard);
