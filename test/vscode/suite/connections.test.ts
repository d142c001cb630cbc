// Connections inside a real VS Code: activation loads nothing native, settings never hold the
// password, SecretStorage does, and the log never shows it.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension.js';
import { api, closedPort, extensionId } from './extension-under-test.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('connections', () => {
  const password = 'Zq9!never-in-logs-7f3c';
  const name = 'Unreachable test pool';

  it('activates without loading onnxruntime-node or DuckDB, and reports its activation time', async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId)!;
    const before = performance.now();
    const wasActive = ext.isActive;
    const exports = await api();
    const total = performance.now() - before;
    const native = Object.keys(require.cache).filter((k) => /onnxruntime-node|@duckdb[\\/]/.test(k));
    assert.deepEqual(native, [], `native modules loaded at activation: ${native.join(', ')}`);
    console.log(
      `activation: activate() body ${exports.activationMs.toFixed(1)} ms; ` +
        (wasActive ? 'already active before this test' : `ext.activate() incl. loading dist/extension.js ${total.toFixed(1)} ms`),
    );
  });

  it('registers its commands and the SQL Pools view', async () => {
    await api();
    const all = await vscode.commands.getCommands(true);
    for (const c of [
      'predictWizard.addConnection',
      'predictWizard.editConnection',
      'predictWizard.removeConnection',
      'predictWizard.testConnection',
      'predictWizard.startLocalPool',
      'predictWizard.stopLocalPool',
      'predictWizard.runScript',
    ]) {
      assert.ok(all.includes(c), `command ${c} is not registered`);
    }
  });

  it('keeps the password in SecretStorage, never in settings or the log', async () => {
    const { store, sessions, logUri } = await api();
    const port = await closedPort();
    const profile = {
      name,
      server: '127.0.0.1',
      port,
      database: 'SQLPool01',
      authenticationType: 'SqlLogin' as const,
      user: 'sa',
      encrypt: 'optional' as const,
    };
    await store.save(profile, password);
    const setting = vscode.workspace.getConfiguration('predictWizard').get<unknown[]>('connections') ?? [];
    assert.ok(JSON.stringify(setting).includes(name), 'the connection is in settings');
    assert.ok(!JSON.stringify(setting).includes(password), 'the password is not in settings');
    assert.equal((await store.secretsFor(profile)).password, password, 'the password is in SecretStorage');

    await assert.rejects(
      sessions.dedicated(profile),
      (e: unknown) =>
        e instanceof Error && e.message === `Cannot reach server 127.0.0.1:${port}: connection refused. Check the port and that the server is running.`,
    );
    const ok = await vscode.commands.executeCommand<boolean>('predictWizard.testConnection', name);
    assert.equal(ok, false);

    // The log channel writes to a file under the extension's log folder; wait until our lines are there.
    let text = '';
    for (let i = 0; i < 50 && !text.includes(`127.0.0.1:${port}`); i++) {
      await new Promise((r) => setTimeout(r, 200));
      text = filesUnder(logUri.fsPath)
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
    }
    assert.ok(text.includes(`127.0.0.1:${port}`), `the log under ${logUri.fsPath} does not show the connection attempt`);
    assert.ok(!text.includes(password), 'the password appears in the log');
  });

  it('removes a connection and its password', async () => {
    const { store } = await api();
    await store.remove(name);
    assert.equal(store.get(name), undefined);
    assert.equal(await store.hasPassword(name), false);
  });
});
