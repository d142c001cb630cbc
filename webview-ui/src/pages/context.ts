/** What a page needs from the wizard element: the view to draw and the ways to answer the user. */
import type { WizardEdit, WizardView } from '../../../src/wizard/protocol.js';
import type { UserCommand } from '../api.js';

export interface PageContext {
  readonly view: WizardView;
  /** Page 3's last valid script, shown marked stale while a field is wrong. */
  readonly lastScript?: string;
  edit(edit: WizardEdit): void;
  command(type: UserCommand): void;
  requestPreview(): void;
}
