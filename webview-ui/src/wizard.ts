/**
 * The Predict with a model wizard's root element: renders the WizardView the host sends (one page
 * of pages/ at a time, with the header and footer) and posts the user's intents back. Holds no
 * secrets and decides nothing: every check happens in the host.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import {
  BackCommand,
  CancelCommand,
  DeployCommand,
  NextCommand,
  PAGE_TITLES,
  StateNotification,
  WIZARD_PAGES,
  type HostMessage,
  type WizardView,
} from '../../src/wizard/protocol.js';
import { syncTabStops } from './components/roving-grid.js';
import { postCommand, postEdit, postReady, postRendered, requestPreview } from './api.js';
import type { PageContext } from './pages/context.js';
import { mapPage } from './pages/map-page.js';
import { modelPage } from './pages/model-page.js';
import { storePage } from './pages/store-page.js';
import { baseStyles } from './styles/base.js';
import { tableStyles } from './styles/tables.js';
import { footerReason } from './view-model.js';

/** The control that gets focus when a page appears: the first one the user fills in. */
const FIRST_CONTROL: Readonly<Record<WizardView['page'], string>> = {
  model: '#registry',
  map: '[data-testid="input-source"]',
  store: 'vscode-radio[name="scriptType"][checked]',
};

export class PredictWizard extends LitElement {
  static override properties = { view: { state: true } };
  static override styles = [baseStyles, tableStyles];
  view?: WizardView;
  private renderedReported = false;
  private focusAfterPageChange = false;
  private lastScript?: string;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('message', this.onHostMessage);
    this.addEventListener('keydown', this.onKeyDown);
    postReady();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('message', this.onHostMessage);
    this.removeEventListener('keydown', this.onKeyDown);
    super.disconnectedCallback();
  }

  private onHostMessage = (e: MessageEvent<HostMessage>): void => {
    const m = e.data;
    if (m && StateNotification.is(m)) {
      if (this.view?.page !== m.params.view.page) this.focusAfterPageChange = true;
      this.view = m.params.view;
      if (this.view.script) this.lastScript = this.view.script;
    }
  };

  private onKeyDown = (e: KeyboardEvent): void => {
    if (!this.view) return;
    const path = e.composedPath();
    const inSelect = path.some((t) => t instanceof HTMLElement && /^VSCODE-(SINGLE|MULTI)-SELECT$/.test(t.tagName));
    const inButton = path.some((t) => t instanceof HTMLElement && t.tagName === 'VSCODE-BUTTON');
    if (e.key === 'Escape' && !inSelect) {
      e.preventDefault();
      postCommand(CancelCommand);
    } else if (e.key === 'Enter' && !inSelect && !inButton && !e.shiftKey && !path.some((t) => t instanceof HTMLElement && t.tagName === 'TR')) {
      if (this.view.canNext) {
        e.preventDefault();
        postCommand(NextCommand);
      }
    }
  };

  protected override updated(): void {
    this.renderRoot.querySelectorAll<HTMLElement>('tbody.roving').forEach(syncTabStops);
    if (this.view && !this.renderedReported) {
      this.renderedReported = true;
      requestAnimationFrame(() => postRendered());
    }
    if (this.focusAfterPageChange && this.view) {
      this.focusAfterPageChange = false;
      const target = this.renderRoot.querySelector<HTMLElement>(FIRST_CONTROL[this.view.page]) ?? this.renderRoot.querySelector<HTMLElement>('h1');
      // The control draws its focusable parts in its own first update, after this one.
      if (target) void Promise.resolve((target as Partial<LitElement>).updateComplete).then(() => requestAnimationFrame(() => target.focus()));
    }
  }

  override render(): TemplateResult {
    const v = this.view;
    if (!v) return html`<vscode-progress-ring aria-label="Loading the wizard"></vscode-progress-ring>`;
    const step = WIZARD_PAGES.indexOf(v.page) + 1;
    const c: PageContext = { view: v, lastScript: this.lastScript, edit: postEdit, command: postCommand, requestPreview };
    return html`
      <div class="steps" data-testid="steps">Step ${step} of ${WIZARD_PAGES.length}</div>
      <h1 tabindex="-1" data-testid="page-title">${PAGE_TITLES[v.page]}</h1>
      <div class="sub" data-testid="wizard-title">${v.title}</div>
      ${v.banner ? html`<div class="banner" role="alert" data-testid="banner">${v.banner}</div>` : nothing}
      ${v.page === 'model' ? modelPage(c) : v.page === 'map' ? mapPage(c) : storePage(c)} ${this.footer(v)}
    `;
  }

  private footer(v: WizardView): TemplateResult {
    const last = v.page === 'store';
    const reason = footerReason(v);
    return html`
      <div class="footer">
        <vscode-button secondary data-testid="back" ?disabled=${!v.canBack} @click=${() => postCommand(BackCommand)}>Back</vscode-button>
        ${
          last
            ? html`<vscode-button data-testid="deploy" ?disabled=${!v.canDeploy} @click=${() => postCommand(DeployCommand)}
                >Deploy model + open script</vscode-button
              >`
            : html`<vscode-button data-testid="next" ?disabled=${!v.canNext} @click=${() => postCommand(NextCommand)}>Next</vscode-button>`
        }
        <vscode-button secondary data-testid="cancel" @click=${() => postCommand(CancelCommand)}>Cancel</vscode-button>
        ${reason ? html`<span class="reason" aria-live="polite" data-testid="blocked-reason">${reason}</span>` : nothing}
      </div>
    `;
  }
}
