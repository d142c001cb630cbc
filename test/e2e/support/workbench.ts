// Workbench steps the wizard tests take beyond the harness's: expanding tree items (one below another),
// context submenus, notification buttons, quick-pick choices, values of the webview's custom elements.
import type { FrameLocator, Locator } from 'playwright-core';
import type { Workbench } from '../harness.js';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface RowInfo {
  label: string;
  level: number;
  expanded: string | null;
}

/** The side bar's tree rows in order: label, depth and expansion state. */
async function rows(wb: Workbench): Promise<RowInfo[]> {
  return wb.page.locator('.part.sidebar .monaco-list-row').evaluateAll((els) =>
    els.map((el) => ({
      label: (el.querySelector('.label-name, .monaco-highlighted-label')?.textContent ?? '').trim(),
      level: Number(el.getAttribute('aria-level') ?? '0'),
      expanded: el.getAttribute('aria-expanded'),
    })),
  );
}

/** The index (among the side bar's rows) of the row at `path`, or -1. */
function findPath(all: readonly RowInfo[], path: readonly string[]): number {
  let from = 0;
  let to = all.length;
  let index = -1;
  for (const [depth, label] of path.entries()) {
    index = -1;
    for (let i = from; i < to; i++) {
      if (all[i]!.label === label && (depth === 0 || all[i]!.level === all[from - 1]!.level + 1)) {
        index = i;
        break;
      }
    }
    if (index < 0) return -1;
    from = index + 1;
    to = from;
    while (to < all.length && all[to]!.level > all[index]!.level) to++;
  }
  return index;
}

const ROWS = '.part.sidebar .monaco-list-row';

/**
 * The row labelled path[path.length - 1] under path[0] → path[1] → … (a label such as SQLPool01 may
 * appear under several connections). Waits until it shows.
 */
export async function treeRow(wb: Workbench, path: readonly string[], timeoutMs = 30_000): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await rows(wb);
    const index = findPath(all, path);
    if (index >= 0) return wb.page.locator(ROWS).nth(index);
    if (Date.now() > deadline) {
      throw new Error(
        `The side bar shows no tree item ${path.join(' → ')}. It shows: ${all.map((r) => `${'·'.repeat(Math.max(r.level - 1, 0))}${r.label}`).join(' | ')}`,
      );
    }
    await wb.page.waitForTimeout(200);
  }
}

/** Expands each item of `path` in turn (clicking its twistie when collapsed) and returns the last row. */
export async function expandPath(wb: Workbench, path: readonly string[], timeoutMs = 30_000): Promise<Locator> {
  let row: Locator | undefined;
  for (let i = 1; i <= path.length; i++) {
    row = await treeRow(wb, path.slice(0, i), timeoutMs);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    const sub = path.slice(0, i);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const all = await rows(wb);
      if (all[findPath(all, sub)]?.expanded === 'true') break;
      await wb.page.waitForTimeout(100);
    }
  }
  return row!;
}

/** The labels of the rows directly under `path`, once `until` holds for them (by default: once there is at least one), or at the timeout. */
export async function childLabels(
  wb: Workbench,
  path: readonly string[],
  timeoutMs = 30_000,
  until: (labels: string[]) => boolean = (l) => l.length > 0,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await rows(wb);
    const at = findPath(all, path);
    const out: string[] = [];
    if (at >= 0) {
      const level = all[at]!.level;
      for (let i = at + 1; i < all.length && all[i]!.level > level; i++) if (all[i]!.level === level + 1) out.push(all[i]!.label);
    }
    if (until(out) || Date.now() > deadline) return out;
    await wb.page.waitForTimeout(200);
  }
}

/**
 * Right-clicks `target` and walks its context menu: every entry but the last opens a submenu, the
 * last runs. Entries are chosen by hover + Enter (VS Code ignores a click right after a menu opens).
 */
export async function contextMenuPath(wb: Workbench, target: Locator, entries: readonly string[]): Promise<void> {
  await target.waitFor({ state: 'visible', timeout: 15_000 });
  await target.click({ button: 'right' });
  for (const [i, name] of entries.entries()) {
    const menus = wb.page.locator('.context-view .monaco-menu');
    const entry = menus
      .nth(i)
      .locator('.action-item .action-label', { hasText: new RegExp(`^${escapeRegExp(name)}$`) })
      .first();
    await entry.waitFor({ state: 'visible', timeout: 15_000 });
    await entry.hover();
    if (i < entries.length - 1) {
      // A submenu opens on hover; Enter opens it too (and is harmless when it is already open).
      if (!(await menus.nth(i + 1).isVisible())) await wb.page.keyboard.press('Enter');
      await menus.nth(i + 1).waitFor({ state: 'visible', timeout: 15_000 });
    } else {
      await wb.page.keyboard.press('Enter');
    }
  }
  await wb.page.locator('.context-view .monaco-menu').first().waitFor({ state: 'hidden', timeout: 15_000 });
}

/** The notification toast whose message matches `message`. */
export function toast(wb: Workbench, message: string | RegExp): Locator {
  return wb.page
    .locator('.notifications-toasts .notification-toast', {
      has: wb.page.locator('.notification-list-item-message', { hasText: message }),
    })
    .first();
}

/** Clicks the button labelled `button` on the notification whose message matches `message`. */
export async function clickNotificationButton(wb: Workbench, message: string | RegExp, button: string, timeoutMs = 30_000): Promise<void> {
  const t = toast(wb, message);
  await t.waitFor({ state: 'visible', timeout: timeoutMs });
  await t.hover();
  await t
    .locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(button)}$`) })
    .first()
    .click();
}

/** Chooses `label` in the open quick pick (after waiting for it to list it). */
export async function pickQuickItem(wb: Workbench, label: string, timeoutMs = 15_000): Promise<string> {
  const widget = wb.page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  const placeholder = (await widget.locator('.quick-input-box input').getAttribute('placeholder')) ?? '';
  const row = widget
    .locator('.quick-input-list .monaco-list-row', {
      has: wb.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  return placeholder;
}

/** The `value` property of a webview custom element (vscode-textfield, vscode-single-select, …). */
export async function valueOf(el: Locator): Promise<string> {
  return el.evaluate((e) => String((e as unknown as { value?: unknown }).value ?? ''));
}

/**
 * Types into a vscode-textfield at about a fast typist's pace (40 keys a second): select what is there,
 * type the new text, leave the field. Throws when the field does not end up holding `text`.
 */
export async function typeInto(el: Locator, text: string): Promise<void> {
  const input = el.locator('input');
  await input.click();
  await input.press('Control+A');
  await input.pressSequentially(text, { delay: 25 });
  await input.press('Tab');
  const shown = await valueOf(el);
  if (shown !== text) throw new Error(`Typed '${text}' into the field '${(await el.getAttribute('aria-label')) ?? ''}', which shows '${shown}'.`);
}

/** Waits until the wizard shows the page titled `title`. */
export async function waitForPage(view: FrameLocator, title: string, timeoutMs = 30_000): Promise<void> {
  await view
    .getByTestId('page-title')
    .filter({ hasText: new RegExp(`^${escapeRegExp(title)}$`) })
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Waits until a vscode-button is enabled, then clicks it. */
export async function clickEnabled(button: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await button.waitFor({ state: 'visible', timeout: timeoutMs });
  while ((await button.getAttribute('disabled')) !== null) {
    if (Date.now() > deadline) throw new Error(`The button "${(await button.innerText()).trim()}" stayed disabled for ${timeoutMs / 1000} s.`);
    await button.page().waitForTimeout(100);
  }
  await button.click();
}

/** Closes every editor, answering "Don't Save" for untitled scripts the tests opened. */
export async function closeAllEditors(wb: Workbench): Promise<void> {
  await wb.runCommand('View: Close All Editors');
  const dialog = wb.page.locator('.monaco-dialog-box');
  for (let i = 0; i < 10; i++) {
    if (!(await dialog.isVisible().catch(() => false))) {
      await wb.page.waitForTimeout(150);
      if (!(await dialog.isVisible().catch(() => false))) break;
    }
    await dialog.locator('.monaco-button', { hasText: /^Don't Save$/ }).click();
  }
  await wb.page.locator('.editor-group-container .tabs-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 });
}
