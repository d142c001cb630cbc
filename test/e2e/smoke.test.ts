// The extension in a real VS Code (code-server + Chromium): the workbench opens with this repository as
// the extension under development, and the harness's helpers do what the other e2e tests rely on.
// One code-server for the whole file.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionManifest, startVSCode, type VSCodeSession } from './harness.js';

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

/** The palette label of the first command the manifest shows in the palette, if it contributes any. */
function firstPaletteCommand(): string | undefined {
  const contributes = extensionManifest().contributes ?? {};
  const commands = (contributes.commands ?? []) as ManifestCommand[];
  const menus = (contributes.menus ?? {}) as { commandPalette?: { command: string; when?: string }[] };
  const hidden = new Set((menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
  const c = commands.find((x) => !hidden.has(x.command));
  return c ? (c.category ? `${c.category}: ${c.title}` : c.title) : undefined;
}

const script = 'SELECT TOP 10 *\nFROM [wwi_ml].[CustomerTest];\n';

describe('the extension in code-server', () => {
  let folder: string;
  let vsc: VSCodeSession;
  let failed = false;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'predict-e2e-ws-'));
    writeFileSync(join(folder, 'scoring.sql'), script);
    vsc = await startVSCode({ folder });
    console.log(`# workbench ready ${vsc.startupMs} ms after code-server started`);
  });

  after(async () => {
    await vsc?.close(failed ? 'smoke-failure' : undefined);
    rmSync(folder, { recursive: true, force: true });
  });

  const step = (name: string, fn: () => Promise<void>, skip?: string): void => {
    it(name, { skip }, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    });
  };

  step('opens the folder in an Extension Development Host window', async () => {
    assert.match(await vsc.page.title(), /\[Extension Development Host\]/);
    await vsc.workbench.treeItem('scoring.sql').waitFor({ state: 'visible', timeout: 15_000 });
  });

  step('reads back the text of a file opened in the editor', async () => {
    await vsc.workbench.openFile('scoring.sql');
    assert.equal(await vsc.workbench.activeEditorText(), script);
  });

  step("chooses an item in a tree item's context menu", async () => {
    await vsc.workbench.openViewContainer('Explorer');
    await vsc.workbench.contextMenu(vsc.workbench.treeItem('scoring.sql'), 'Open to the Side');
    await vsc.page.locator('.editor-group-container').nth(1).waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await vsc.page.locator('.editor-group-container').count(), 2);
    await vsc.workbench.runCommand('View: Close All Editor Groups');
  });

  const command = firstPaletteCommand();
  step(
    'activates the extension from its first palette command and logs to "Predict with a Model"',
    async () => {
      assert.ok(command);
      await vsc.workbench.runCommand(command);
      await vsc.page.keyboard.press('Escape');
      const text = await vsc.workbench.outputChannelText('Predict with a Model');
      assert.match(text, /Predict with a Model activated/);
      await vsc.workbench.screenshot('smoke-output-channel');
    },
    command ? undefined : 'the manifest contributes no command yet, so nothing a user does activates the extension',
  );
});
