/** `--registry`: which kind of registry each address opens, and the message for one it cannot read. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseRegistrySpec } from '../../../src/cli/registry.js';
import { UsageError } from '../../../src/cli/errors.js';

test('local paths resolve against the working folder; file:// URLs are paths', () => {
  assert.deepEqual(parseRegistrySpec('models', '/work/project'), { kind: 'local', path: join('/work/project', 'models') });
  assert.deepEqual(parseRegistrySpec('/data/model.onnx', '/work/project'), { kind: 'local', path: '/data/model.onnx' });
  assert.deepEqual(parseRegistrySpec('file:///data/mlruns', '/work/project'), { kind: 'local', path: '/data/mlruns' });
});

test('http(s) is an MLflow tracking server', () => {
  assert.deepEqual(parseRegistrySpec('http://127.0.0.1:5000', '/'), { kind: 'mlflow', trackingUri: 'http://127.0.0.1:5000' });
  assert.deepEqual(parseRegistrySpec('HTTPS://mlflow.contoso.com/prefix', '/'), { kind: 'mlflow', trackingUri: 'HTTPS://mlflow.contoso.com/prefix' });
});

test('azureml:// names a workspace (with or without the provider segment)', () => {
  const expected = { kind: 'azureml', subscriptionId: '00000000-1111-2222-3333-444444444444', resourceGroup: 'rg-ml', workspace: 'ws1' };
  assert.deepEqual(parseRegistrySpec('azureml://subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml/workspaces/ws1', '/'), expected);
  assert.deepEqual(
    parseRegistrySpec(
      'azureml://subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws1/',
      '/',
    ),
    expected,
  );
  assert.throws(
    () => parseRegistrySpec('azureml://workspaces/ws1', '/', 'script'),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        "predict-wizard script: --registry 'azureml://workspaces/ws1' is not an Azure ML workspace address; write azureml://subscriptions/<id>/resourceGroups/<group>/workspaces/<workspace>.",
      );
      return true;
    },
  );
});

test('other schemes are refused', () => {
  assert.throws(() => parseRegistrySpec('s3://bucket/models', '/', 'versions'), {
    message:
      "predict-wizard versions: --registry 's3://bucket/models' uses a scheme this tool cannot read; give a folder, an .onnx file, an http(s) MLflow server or an azureml:// workspace.",
  });
});
