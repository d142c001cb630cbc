/** The comparison page's shared styles: VS Code's theme variables only. */
import { css } from 'lit';

export const tableStyles = css`
  table {
    border-collapse: collapse;
    margin: 0.4em 0 1em;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    border: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border));
    padding: 3px 10px;
    text-align: right;
  }
  th {
    font-weight: 600;
    background: var(--vscode-editorWidget-background);
  }
  th.row-head,
  td.text {
    text-align: left;
  }
  td.agree {
    background: color-mix(in srgb, var(--vscode-testing-iconPassed, #73c991) 18%, transparent);
  }
  td.disagree.nonzero {
    background: color-mix(in srgb, var(--vscode-errorForeground, #f48771) 18%, transparent);
  }
  .share {
    color: var(--vscode-descriptionForeground);
    font-size: 0.85em;
    margin-left: 0.4em;
  }
  .note {
    color: var(--vscode-descriptionForeground);
    margin: 0.4em 0;
  }
`;
