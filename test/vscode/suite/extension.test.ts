// Runs inside the VS Code extension host (code-server or @vscode/test-electron), with this repository
// loaded as the extension under development.
import * as assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { extensionId, repoRoot } from './extension-under-test.js';

interface Manifest {
  main: string;
  contributes?: { commands?: { command: string }[] };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const contributedCommands = (manifest.contributes?.commands ?? []).map((c) => c.command);

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext, `extension ${extensionId} is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
  return ext;
}

describe('the extension in a real VS Code', () => {
  it('is loaded from this repository as the extension under development', () => {
    const ext = extension();
    assert.equal(realpathSync(ext.extensionPath), realpathSync(repoRoot));
    assert.equal(ext.packageJSON.main, manifest.main);
  });

  it('activates without throwing', async () => {
    const ext = extension();
    // A user activates it through one of its commands; the explorer's Refresh changes nothing.
    const refresh = 'predictWizard.explorer.refresh';
    if (contributedCommands.includes(refresh)) {
      await vscode.commands.executeCommand(refresh);
    } else {
      await ext.activate();
    }
    assert.equal(ext.isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const unregistered = contributedCommands.filter((c) => !registered.has(c));
    assert.deepEqual(unregistered, [], 'commands in package.json that the extension never registers ("command not found" for a user)');
  });
});
