// The wizard's steps as a user takes them, for tests that need to reach page 3 quickly.
import type { FrameLocator } from 'playwright-core';
import type { Workbench } from '../harness.js';
import { clickEnabled, contextMenuPath, expandPath, treeRow, typeInto, valueOf, waitForPage } from './workbench.js';

/** Expands the explorer to `tablePath` and opens Machine Learning → Predict with a model on it. */
export async function openWizard(wb: Workbench, tablePath: readonly string[]): Promise<FrameLocator> {
  await wb.openViewContainer('SQL Pools');
  await expandPath(wb, tablePath.slice(0, -1));
  await contextMenuPath(wb, await treeRow(wb, tablePath), ['Machine Learning', 'Predict with a model']);
  const view = wb.webview();
  await waitForPage(view, 'Choose a pre-trained model');
  return view;
}

/** Page 1: chooses the version `key` (`name:version`) and waits until Next is possible. */
export async function chooseVersion(view: FrameLocator, key: string): Promise<void> {
  const row = view.locator(`[data-testid="version-row"][data-key="${key}"]`);
  // Older versions are folded under their model's line: open it when the version is not shown.
  const group = view.locator(`[data-testid="version-row"][data-group="${key.slice(0, key.lastIndexOf(':'))}"]`).first();
  await group.waitFor({ state: 'visible', timeout: 30_000 });
  if (!(await row.isVisible())) await group.locator('[data-testid="version-fold"]').click();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
  await view.locator(`[data-testid="version-row"][data-key="${key}"][aria-selected="true"]`).waitFor({ timeout: 15_000 });
  await view.locator('[data-testid="next"]:not([disabled])').waitFor({ timeout: 30_000 });
}

/** Next, then waits for the page titled `title`. */
export async function next(view: FrameLocator, title: string): Promise<void> {
  await clickEnabled(view.getByTestId('next'));
  await waitForPage(view, title);
}

export interface StoreChoices {
  readonly scriptType: 'view' | 'procedure';
  readonly scriptName: string;
  /** An existing model table, or a new one to create. */
  readonly modelTable: { readonly existing: string } | { readonly create: string };
}

/** Page 3: picks the script type, names the object and the model table as a user types them. */
export async function fillStorePage(view: FrameLocator, choices: StoreChoices): Promise<void> {
  await view.locator(`vscode-radio[value="${choices.scriptType}"]`).click();
  await typeInto(view.getByTestId('script-name'), choices.scriptName);
  if ('create' in choices.modelTable) {
    await view.locator('vscode-radio[value="new"]').click();
    const field = view.getByTestId('new-table');
    await field.waitFor({ timeout: 15_000 });
    await typeInto(field, choices.modelTable.create);
    // The script names the new table once the host has both choices.
    const quoted = choices.modelTable.create
      .split('.')
      .map((part) => `[${part}]`)
      .join('.');
    await waitForScript(view, (text) => text.includes(`FROM ${quoted} WHERE`), `a script that reads the model from ${quoted}`);
  } else {
    await view.locator('vscode-radio[value="existing"]').click();
    const select = view.getByTestId('existing-table');
    await select.waitFor({ timeout: 15_000 });
    if ((await valueOf(select)) !== choices.modelTable.existing) {
      throw new Error(`The existing model table offered is '${await valueOf(select)}', not '${choices.modelTable.existing}'.`);
    }
  }
}

/** Waits until page 3's script satisfies `ok` (the host regenerates it after each edit). */
export async function waitForScript(view: FrameLocator, ok: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  const script = view.getByTestId('script');
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await script.innerText({ timeout: 1_000 }).catch(() => '');
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`Page 3 did not show ${what}. It shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
