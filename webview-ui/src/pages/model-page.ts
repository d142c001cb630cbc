/** Page 1, Choose a pre-trained model: the registry, a search, the versions grid and Load more. */
import { html, nothing, type TemplateResult } from 'lit';
import { LoadMoreCommand, NextCommand, RefreshCommand } from '../../../src/wizard/protocol.js';
import { valueOf } from '../components/common.js';
import '../components/version-grid.js';
import type { PageContext } from './context.js';

export function modelPage(c: PageContext): TemplateResult {
  const v = c.view;
  return html`
    <div class="row">
      <div class="field">
        <vscode-label for="registry">Model registry</vscode-label>
        <vscode-single-select
          id="registry"
          data-testid="registry"
          aria-label="Model registry"
          .value=${v.registry}
          @change=${(e: Event) => c.edit({ field: 'registry', value: valueOf(e) })}
        >
          ${v.registries.map((r) => html`<vscode-option value=${r.name} description=${r.kind}>${r.name}</vscode-option>`)}
        </vscode-single-select>
      </div>
      <div class="field" style="flex:1">
        <vscode-label for="search">Search</vscode-label>
        <draft-text-field
          id="search"
          data-testid="search"
          aria-label="Search model versions"
          placeholder="Name, version, creator or framework"
          .hostValue=${v.search}
          @input=${(e: Event) => c.edit({ field: 'search', value: valueOf(e) })}
        ></draft-text-field>
      </div>
      <vscode-button secondary data-testid="refresh" @click=${() => c.command(RefreshCommand)}>Refresh</vscode-button>
    </div>
    ${
      v.versionsStatus === 'loading'
        ? html`<div class="row" role="status"><vscode-progress-ring></vscode-progress-ring> Loading model versions…</div>`
        : nothing
    }
    ${v.versionsError ? html`<div class="error" role="alert" data-testid="versions-error">${v.versionsError}</div>` : nothing}
    <version-grid
      .view=${v}
      @choose=${(e: CustomEvent<string>) => c.edit({ field: 'selectedVersion', value: e.detail })}
      @next=${() => c.command(NextCommand)}
    ></version-grid>
    ${
      v.versionsStatus === 'loaded' && v.versions.length === 0 && v.versionsMore === 'none'
        ? html`<div class="hint" data-testid="no-versions">${v.search ? 'No model version matches the search.' : 'This registry has no model versions.'}</div>`
        : nothing
    }
    ${
      v.versionsStatus === 'loaded' && v.versionsMore === 'loading'
        ? html`<div class="row" role="status" data-testid="versions-more-loading">
            <vscode-progress-ring></vscode-progress-ring> ${v.search ? 'Searching older versions…' : 'Loading more versions…'}
          </div>`
        : nothing
    }
    ${
      v.versionsStatus === 'loaded' && v.versionsMore === 'more'
        ? html`<div class="row">
            <vscode-button secondary data-testid="load-more" @click=${() => c.command(LoadMoreCommand)}>Load more versions</vscode-button>
            <span class="hint">Older versions are not listed yet.</span>
          </div>`
        : nothing
    }
    ${v.modelStatus === 'loading' ? html`<div class="row" role="status"><vscode-progress-ring></vscode-progress-ring> Reading the model…</div>` : nothing}
    ${v.modelError ? html`<div class="error" role="alert" data-testid="model-error">${v.modelError}</div>` : nothing}
  `;
}
