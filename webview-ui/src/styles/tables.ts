/** The grids: model versions (page 1), mapping rows and preview (page 2), the script (page 3). */
import { css } from 'lit';

export const tableStyles = css`
  table { border-collapse: collapse; width: 100%; margin-top: 6px; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); vertical-align: top; }
  th { font-weight: 600; color: var(--vscode-descriptionForeground); }
  tr.version { cursor: pointer; }
  tr.version:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  tr.version[aria-selected='true'] { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
  tr.version[aria-disabled='true'] { color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); cursor: default; }
  .mapping td { border-bottom: none; }
  pre.script {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    background: var(--vscode-textCodeBlock-background, var(--vscode-editor-background));
    padding: 8px; overflow: auto; max-height: 320px; white-space: pre; border: 1px solid var(--vscode-editorWidget-border, transparent);
  }
  .preview { max-height: 360px; overflow: auto; }
`;
