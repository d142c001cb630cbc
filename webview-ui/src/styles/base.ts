/** The wizard's look: VS Code's theme variables for text, headings, messages and layout. */
import { css } from 'lit';

export const baseStyles = css`
  :host {
    display: block;
    padding: 12px 20px 20px;
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    max-width: 1100px;
  }
  h1 {
    font-size: 1.4em;
    font-weight: 600;
    margin: 0.2em 0;
  }
  /* Focus moves to the heading on a page change (for screen readers); no box around it. */
  h1:focus {
    outline: none;
  }
  h2 {
    font-size: 1.1em;
    font-weight: 600;
    margin: 1.2em 0 0.4em;
  }
  .sub {
    color: var(--vscode-descriptionForeground);
    margin-bottom: 0.8em;
  }
  .steps {
    color: var(--vscode-descriptionForeground);
    font-size: 0.9em;
  }
  .banner,
  .error {
    color: var(--vscode-errorForeground);
  }
  .banner {
    border: 1px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground));
    padding: 6px 10px;
    margin: 8px 0;
  }
  .warning {
    color: var(--vscode-editorWarning-foreground, var(--vscode-foreground));
    font-size: 0.92em;
  }
  .hint {
    color: var(--vscode-descriptionForeground);
    font-size: 0.92em;
  }
  .row {
    display: flex;
    gap: 8px;
    align-items: center;
    margin: 6px 0;
    flex-wrap: wrap;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 180px;
  }
  .footer {
    display: flex;
    gap: 8px;
    margin-top: 20px;
    align-items: center;
    flex-wrap: wrap;
  }
  .footer .reason {
    color: var(--vscode-descriptionForeground);
  }
  vscode-textfield,
  draft-text-field,
  vscode-single-select {
    width: 100%;
  }
`;
