/** Small pieces every page uses. */
import { html, nothing, type TemplateResult } from 'lit';

export type ValueElement = HTMLElement & { value: string };

/** The value of the element an event came from. */
export function valueOf(e: Event): string {
  return (e.target as ValueElement).value;
}

/** A field's error, announced to screen readers. */
export function fieldError(message: string | undefined): TemplateResult | typeof nothing {
  return message ? html`<div class="error" role="alert">${message}</div>` : nothing;
}

/** The options of a type dropdown: the offered types, and the row's own type first if it is not among them. */
export function typeChoices(offered: readonly string[], current: string): readonly string[] {
  return offered.includes(current) || !current ? offered : [current, ...offered];
}
