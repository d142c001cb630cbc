// Model registry commands inside a real VS Code: Add (answers given as the command's argument, the
// same checks as the prompts) writes the user setting and tests through the source; Remove drops
// the entry and the token kept in SecretStorage, never in settings.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import type { AddRegistryResult } from '../../../src/connections/registry-commands.js';
import { extensionId } from './extension-under-test.js';

function setting(): { name: string; kind: string; path?: string; trackingUri?: string }[] {
  return vscode.workspace.getConfiguration('predictWizard').get('modelRegistries') ?? [];
}

describe('model registries', () => {
  let root: string;
  let server: Server;
  let base: string;
  const seen: IncomingHttpHeaders[] = [];
  const token = 'mlflow-token-never-in-settings-91c2';

  before(async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} is not loaded`);
    await ext.activate();
    root = mkdtempSync(join(tmpdir(), 'registries-vscode-'));
    await writeSampleRegistry(join(root, 'team-registry'));
    // A tracking server that answers the model search and remembers each request's headers.
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/2.0/mlflow/registered-models/search'))
        res.end(JSON.stringify({ registered_models: [{ name: 'churn' }, { name: 'rating' }] }));
      else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'not found' }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('predictWizard').update('modelRegistries', undefined, vscode.ConfigurationTarget.Global);
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  it('registers the registry commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of [
      'predictWizard.addModelRegistry',
      'predictWizard.removeModelRegistry',
      'predictWizard.signInToModelRegistry',
      'predictWizard.testModelRegistry',
    ]) {
      assert.ok(all.includes(c), `command ${c} is not registered`);
    }
  });

  it('adds a local folder under the name derived from it, and the test lists its models', async () => {
    const r = await vscode.commands.executeCommand<AddRegistryResult>('predictWizard.addModelRegistry', {
      kind: 'local',
      path: join(root, 'team-registry'),
      test: true,
    });
    assert.equal(r?.name, 'team-registry');
    assert.deepEqual(
      setting().find((e) => e.name === 'team-registry'),
      { name: 'team-registry', kind: 'local', path: join(root, 'team-registry') },
    );
    assert.equal(r.test?.ok, true, r.test?.message);
    assert.match(r.test!.message, /^Registry 'team-registry' answered: \d+ models \(.*aml-synapse-classifier/);
  });

  it("refuses a name already taken, and reports a folder that is not a registry with the source's message", async () => {
    const again = await vscode.commands.executeCommand<AddRegistryResult | undefined>('predictWizard.addModelRegistry', {
      kind: 'local',
      path: root,
      name: 'TEAM-REGISTRY',
      test: true,
    });
    assert.equal(again, undefined);
    assert.equal(setting().length, 1, 'nothing was added');
    const missing = join(root, 'no-such-folder');
    const r = await vscode.commands.executeCommand<AddRegistryResult>('predictWizard.addModelRegistry', {
      kind: 'local',
      path: missing,
      name: 'Missing',
      test: true,
    });
    assert.equal(r.test?.ok, false);
    assert.ok(r.test!.message.includes(missing), `the error names the folder: ${r.test!.message}`);
    assert.equal(await vscode.commands.executeCommand('predictWizard.removeModelRegistry', { name: 'Missing', confirmed: true }), true);
  });

  it('keeps an MLflow token in SecretStorage, sends it, and Remove deletes it', async () => {
    const r = await vscode.commands.executeCommand<AddRegistryResult>('predictWizard.addModelRegistry', {
      kind: 'mlflow',
      trackingUri: base,
      token,
      test: true,
    });
    assert.equal(r.name, `MLflow 127.0.0.1:${new URL(base).port}`);
    assert.equal(r.test?.message, `Registry '${r.name}' answered: 2 models (churn, rating).`);
    assert.equal(seen.at(-1)?.authorization, `Bearer ${token}`, 'the stored token is sent');
    assert.ok(!JSON.stringify(setting()).includes(token), 'the token is not in settings');

    assert.equal(await vscode.commands.executeCommand('predictWizard.removeModelRegistry', { name: r.name, confirmed: true }), true);
    assert.equal(
      setting().some((e) => e.name === r.name),
      false,
      'the entry is gone from settings',
    );

    // The same entry written back by hand: no token is left to send.
    const entry = { name: r.name, kind: 'mlflow', trackingUri: base };
    await vscode.workspace.getConfiguration('predictWizard').update('modelRegistries', [...setting(), entry], vscode.ConfigurationTarget.Global);
    const t = await vscode.commands.executeCommand<{ ok: boolean; message: string }>('predictWizard.testModelRegistry', r.name);
    assert.equal(t?.ok, true, t?.message);
    assert.equal(seen.at(-1)?.authorization, undefined, 'the removed token is not sent');

    // Sign In stores a new one.
    assert.equal(await vscode.commands.executeCommand('predictWizard.signInToModelRegistry', { name: r.name, token: 'second' }), true);
    await vscode.commands.executeCommand('predictWizard.testModelRegistry', r.name);
    assert.equal(seen.at(-1)?.authorization, 'Bearer second');
    assert.equal(await vscode.commands.executeCommand('predictWizard.removeModelRegistry', { name: r.name, confirmed: true }), true);
  });

  it('removes the local registry', async () => {
    assert.equal(await vscode.commands.executeCommand('predictWizard.removeModelRegistry', { name: 'team-registry', confirmed: true }), true);
    assert.deepEqual(setting(), []);
  });
});
