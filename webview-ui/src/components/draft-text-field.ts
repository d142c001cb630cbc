/**
 * A text field that owns its text while the user edits it (see drafts.ts): the page sets `hostValue`
 * from every state the host sends, and the field shows it only when no typing of the user's is
 * pending. Listens to its own focus, blur and input; the page listens to `input` and posts the edit.
 */
import { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { FieldDrafts } from '../drafts.js';

const KEY = 'text';

export class DraftTextField extends VscodeTextfield {
  private readonly drafts = new FieldDrafts();
  private fromHost = '';

  constructor() {
    super();
    this.addEventListener('focus', () => this.drafts.focused(KEY, this.value));
    this.addEventListener('blur', () => {
      this.drafts.blurred(KEY);
      this.show();
    });
    this.addEventListener('input', () => this.drafts.typed(KEY, this.value));
    this.addEventListener('keydown', selectAllHere);
  }

  /** The text the host has for this field. */
  get hostValue(): string {
    return this.fromHost;
  }

  set hostValue(value: string) {
    this.fromHost = value;
    this.show();
  }

  private show(): void {
    const shown = this.drafts.shown(KEY, this.fromHost);
    if (this.value !== shown) this.value = shown;
  }
}

/**
 * Ctrl+A (Cmd+A) in a text field selects the field's text and goes no further. VS Code's webview frame
 * forwards every keydown that reaches the window to the workbench, whose Select All keybinding then
 * sends `execCommand('selectAll')` back into this frame a round trip later: the keys typed in between
 * get selected and the next key replaces them, so a fast typist loses the first characters.
 */
function selectAllHere(e: KeyboardEvent): void {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'a') e.stopPropagation();
}

customElements.define('draft-text-field', DraftTextField);

declare global {
  interface HTMLElementTagNameMap {
    'draft-text-field': DraftTextField;
  }
}
