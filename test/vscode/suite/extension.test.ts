// Runs inside the VS Code extension host (code-server or @vscode/test-electron), with this repository
// loaded as the extension under development.
import * as assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const repoRoot = join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; main: string };
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('the extension in a real VS Code', () => {
  it('is loaded from this repository as the extension under development', () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    assert.equal(realpathSync(ext.extensionPath), realpathSync(repoRoot));
    assert.equal(ext.packageJSON.main, manifest.main);
  });

  it('activates without throwing', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
