/**
 * Page 1's grid of model versions: one row per version, one Tab stop (the selected row), arrow keys
 * move between rows, Enter or Space chooses one (Enter on the chosen one goes on to the next page).
 */
import { html, type TemplateResult } from 'lit';
import type { ModelVersionRow, WizardView } from '../../../src/wizard/protocol.js';

export interface VersionGridActions {
  choose(key: string): void;
  next(): void;
}

export function versionGrid(v: WizardView, actions: VersionGridActions): TemplateResult {
  const onKey = (e: KeyboardEvent): void => {
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
      if (!key) return;
      if (key === v.selectedVersion && v.canNext && e.key === 'Enter') actions.next();
      else actions.choose(key);
    }
  };
  return html`
    <table role="grid" aria-label="Model versions" data-testid="versions">
      <thead>
        <tr><th>Name</th><th>Version</th><th>Created</th><th>Created by</th><th>Framework</th><th></th></tr>
      </thead>
      <tbody @keydown=${onKey}>
        ${v.versions.map((r, i) => versionRow(v, r, i, actions))}
      </tbody>
    </table>
  `;
}

function versionRow(v: WizardView, r: ModelVersionRow, i: number, actions: VersionGridActions): TemplateResult {
  return html`
    <tr
      class="version"
      role="row"
      tabindex=${r.key === v.selectedVersion || (!v.selectedVersion && i === 0) ? '0' : '-1'}
      aria-selected=${r.key === v.selectedVersion ? 'true' : 'false'}
      aria-disabled=${r.disabledReason ? 'true' : 'false'}
      data-testid="version-row"
      data-key=${r.key}
      title=${r.disabledReason ?? ''}
      @click=${() => actions.choose(r.key)}
    >
      <td>${r.name}</td>
      <td>${r.version}</td>
      <td>${r.created ? new Date(r.created).toLocaleString() : ''}</td>
      <td>${r.createdBy}</td>
      <td>${r.framework}</td>
      <td class="hint">${r.disabledReason ?? ''}</td>
    </tr>
  `;
}
