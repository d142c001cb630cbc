/** What a page needs from the wizard element: the view to draw and the ways to answer the user. */
import type { WizardEdit, WizardView } from '../../../src/wizard/protocol.js';
import type { UserCommand } from '../api.js';

export interface PageContext {
  readonly view: WizardView;
  edit(edit: WizardEdit): void;
  command(type: UserCommand): void;
  requestPreview(): void;
}
