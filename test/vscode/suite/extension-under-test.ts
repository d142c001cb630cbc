/**
 * What the extension-host suites share: where the repository is, the extension's id, whether the
 * local pool can be started, the extension's API (activating it), and a port nobody listens on.
 * Bundled into each suite (it is not a suite itself), so `__dirname` is the suite's folder.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension.js';

export const repoRoot = join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
export const extensionId = `${manifest.publisher}.${manifest.name}`;
export const localPoolBuilt = existsSync(join(repoRoot, 'dist', 'localpool.js')) || existsSync(join(repoRoot, 'src', 'cli', 'localpool-main.ts'));

/** The extension's API, activating the extension if it is not active yet. */
export async function api(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId);
  assert.ok(ext, `extension ${extensionId} is not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** A loopback port nobody listens on (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
