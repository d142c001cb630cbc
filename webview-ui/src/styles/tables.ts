/** The grids: model versions (page 1), mapping rows and preview (page 2), the script (page 3). */
import { css } from 'lit';

export const tableStyles = css`
  table {
    border-collapse: collapse;
    width: 100%;
    margin-top: 6px;
  }
  th,
  td {
    text-align: left;
    padding: 4px 8px;
    border-bottom: 1px solid var(--vscode-editorWidget-border, transparent);
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--vscode-descriptionForeground);
  }
  tr.version {
    cursor: pointer;
  }
  tr.version:focus {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  tr.version[aria-selected='true'] {
    background: var(--vscode-list-activeSelectionBackground);
    color: var(--vscode-list-activeSelectionForeground);
  }
  tr.version[aria-disabled='true'] {
    color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground));
    cursor: default;
  }
  tr.version td.name {
    white-space: nowrap;
  }
  tr.version .name-text {
    display: inline-block;
    max-width: 34ch;
    overflow: hidden;
    text-overflow: ellipsis;
    vertical-align: bottom;
  }
  tr.version.older .name-text {
    color: var(--vscode-descriptionForeground);
    padding-left: 1.2em;
  }
  tr.version .fold {
    display: inline-block;
    width: 1.2em;
    text-align: center;
    cursor: pointer;
  }
  tr.version .fold.none {
    cursor: default;
  }
  tr.version .fold::before {
    content: '▸';
  }
  tr.version .fold.open::before {
    content: '▾';
  }
  tr.version .fold.none::before {
    content: '';
  }
  td.nowrap {
    white-space: nowrap;
  }
  .mapping td {
    border-bottom: none;
  }
  pre.script {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    background: var(--vscode-textCodeBlock-background, var(--vscode-editor-background));
    padding: 8px;
    overflow: auto;
    max-height: 320px;
    white-space: pre;
    border: 1px solid var(--vscode-editorWidget-border, transparent);
  }
  pre.script.stale {
    opacity: 0.65;
    border-style: dashed;
  }
  .cast-summary {
    margin: 4px 0;
  }
  .cast-summary summary {
    cursor: pointer;
  }
  .preview {
    max-height: 360px;
    overflow: auto;
  }
`;
