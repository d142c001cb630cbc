/**
 * The webview's rule for text fields the user types into (names, search): the field owns its value
 * while the user edits it. A state from the host may be older than the last keystroke (it answers
 * an earlier edit), so while a field has focus the host's text is never shown over the user's, and
 * after the field loses focus the user's text stays until the host's state carries that same
 * text. Validation messages still come from every state; only the text is held back.
 */
export class FieldDrafts {
  private readonly drafts = new Map<string, { value: string; focused: boolean; typed: boolean }>();

  /**
   * Field `key` got focus showing `value`: from now until it loses focus, a state from the host does not
   * rewrite it (a rewrite would drop the user's selection and put the caret at the end, so the next
   * keystrokes land after the host's text or are lost).
   */
  focused(key: string, value: string): void {
    const d = this.drafts.get(key);
    if (d) d.focused = true;
    else this.drafts.set(key, { value, focused: true, typed: false });
  }

  /** The user changed field `key` to `value` (an input event). */
  typed(key: string, value: string): void {
    this.drafts.set(key, { value, focused: true, typed: true });
  }

  /** Field `key` lost focus: its text now yields to the host once the host has caught up. */
  blurred(key: string): void {
    const d = this.drafts.get(key);
    if (!d) return;
    // Focused but never edited: nothing of the user's to keep, the host's text shows again.
    if (!d.typed) this.drafts.delete(key);
    else d.focused = false;
  }

  /** The text field `key` shows when the host says `hostValue`. */
  shown(key: string, hostValue: string): string {
    const d = this.drafts.get(key);
    if (!d) return hostValue;
    if (!d.focused && d.value === hostValue) {
      this.drafts.delete(key);
      return hostValue;
    }
    return d.value;
  }

  /** Forgets every draft (another page is shown). */
  clear(): void {
    this.drafts.clear();
  }
}
