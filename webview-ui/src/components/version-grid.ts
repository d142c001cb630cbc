/**
 * Page 1's grid of model versions, grouped by model: each model's newest version on its line, older
 * versions folded under it (▸ opens them). One Tab stop (the chosen row); ↑/↓ move between rows,
 * → opens a model's older versions and ← folds them, Enter or Space chooses a version (Enter on the
 * chosen one goes on to the next page). Drawn in the page's own DOM, so the wizard's styles apply.
 */
import { LitElement, html, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { ModelVersionRow, WizardView } from '../../../src/wizard/protocol.js';
import { groupOpen, groupVersions, type VersionGroup } from '../view-model.js';

export class VersionGrid extends LitElement {
  static override properties = { view: { attribute: false }, opened: { state: true } };
  view?: WizardView;
  private opened: ReadonlySet<string> = new Set();

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private toggle(name: string, open?: boolean): void {
    const next = new Set(this.opened);
    if (open ?? !next.has(name)) next.add(name);
    else next.delete(name);
    this.opened = next;
  }

  private choose(key: string): void {
    this.dispatchEvent(new CustomEvent<string>('choose', { detail: key }));
  }

  private onKey = (e: KeyboardEvent): void => {
    const v = this.view;
    const row = (e.target as HTMLElement).closest('tr');
    if (!v || !row) return;
    const group = row.dataset['group'];
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
      if (next) {
        row.tabIndex = -1;
        next.tabIndex = 0;
        next.focus();
      }
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && group) {
      e.preventDefault();
      if (row.classList.contains('older') && e.key === 'ArrowLeft') {
        const head = this.querySelector<HTMLElement>(`tr.group-line[data-group="${CSS.escape(group)}"]`);
        if (head) {
          row.tabIndex = -1;
          head.tabIndex = 0;
          head.focus();
        }
      } else if (row.getAttribute('aria-expanded') !== null) {
        this.toggle(group, e.key === 'ArrowRight');
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      const key = row.dataset['key'];
      if (!key) return;
      if (key === v.selectedVersion && v.canNext && e.key === 'Enter') this.dispatchEvent(new CustomEvent('next'));
      else this.choose(key);
    }
  };

  override render(): TemplateResult {
    const v = this.view;
    if (!v) return html``;
    const groups = groupVersions(v.versions);
    const rows: TemplateResult[] = [];
    const tabRow = v.versions.some((r) => r.key === v.selectedVersion) ? v.selectedVersion : groups[0]?.latest.key;
    for (const g of groups) {
      const open = groupOpen(g, this.opened, v.selectedVersion, v.search);
      rows.push(this.row(v, g, g.latest, open, tabRow));
      if (open) for (const r of g.older) rows.push(this.row(v, g, r, open, tabRow));
    }
    return html`
      <table role="treegrid" aria-label="Model versions" data-testid="versions" class="versions">
        <thead>
          <tr>
            <th>Name</th>
            <th>Version</th>
            <th>Created</th>
            <th>Created by</th>
            <th>Framework</th>
            <th>Can't be used because</th>
          </tr>
        </thead>
        <tbody @keydown=${this.onKey}>
          ${rows}
        </tbody>
      </table>
    `;
  }

  private row(v: WizardView, g: VersionGroup, r: ModelVersionRow, open: boolean, tabRow: string | undefined): TemplateResult {
    const head = r === g.latest;
    const foldable = head && g.older.length > 0;
    const older = g.older.length === 1 ? '1 older version' : `${g.older.length} older versions`;
    return html`
      <tr
        class=${`version ${head ? 'group-line' : 'older'}`}
        role="row"
        tabindex=${r.key === tabRow ? '0' : '-1'}
        aria-level=${head ? '1' : '2'}
        aria-expanded=${ifDefined(foldable ? (open ? 'true' : 'false') : undefined)}
        aria-selected=${r.key === v.selectedVersion ? 'true' : 'false'}
        aria-disabled=${r.disabledReason ? 'true' : 'false'}
        data-testid="version-row"
        data-key=${r.key}
        data-group=${g.name}
        title=${r.disabledReason ?? ''}
        @click=${() => this.choose(r.key)}
      >
        <td class="name">
          ${
            foldable
              ? html`<span
                  class=${`fold ${open ? 'open' : ''}`}
                  data-testid="version-fold"
                  title=${open ? `Hide ${older}` : `Show ${older}`}
                  @click=${(e: Event) => {
                    e.stopPropagation();
                    this.toggle(g.name, !open);
                  }}
                ></span>`
              : html`<span class="fold none"></span>`
          }<span class="name-text" title=${r.name}>${r.name}</span>
        </td>
        <td>${r.version}</td>
        <td class="nowrap">${r.created ? new Date(r.created).toLocaleString() : ''}</td>
        <td>${r.createdBy}</td>
        <td>${r.framework}</td>
        <td class="hint">${r.disabledReason ?? ''}</td>
      </tr>
    `;
  }
}

customElements.define('version-grid', VersionGrid);

declare global {
  interface HTMLElementTagNameMap {
    'version-grid': VersionGrid;
  }
}
