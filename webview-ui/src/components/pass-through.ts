/**
 * The pass-through selector: VS Code's multi-select, with the chosen columns named beside it (the
 * select's own face only counts them).
 */
import { html, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { SourceColumnOption } from '../../../src/wizard/protocol.js';
import { passThroughLabel } from '../pass-through-label.js';

export function passThroughSelect(columns: readonly SourceColumnOption[], chosen: readonly string[], onChange: (value: string[]) => void): TemplateResult {
  return html`
    <div class="row">
      <vscode-multi-select
        data-testid="pass-through"
        aria-label="Pass-through columns"
        .value=${[...chosen]}
        @change=${(e: Event) => onChange((e.target as HTMLElement & { value: string[] }).value)}
      >
        ${columns.map((c) => html`<vscode-option value=${c.name} description=${c.type}>${c.name}</vscode-option>`)}
      </vscode-multi-select>
      <span class="hint" title=${chosen.join(', ')} data-testid="pass-through-label">${passThroughLabel(chosen)}</span>
    </div>
  `;
}
