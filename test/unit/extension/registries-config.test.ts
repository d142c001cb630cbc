import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRegistries } from '../../../src/connections/registry-config.js';

test('model registries from settings: valid entries kept, bad ones reported by index and name', () => {
  const { registries, problems } = readRegistries([
    { name: 'samples', kind: 'local', path: '/data/registry' },
    { name: 'mlflow', kind: 'mlflow', trackingUri: 'http://127.0.0.1:5000' },
    { name: 'aml', kind: 'azureml', subscriptionId: 's', resourceGroup: 'rg', workspace: 'ws' },
    { name: 'bad uri', kind: 'mlflow', trackingUri: 'ftp://x' },
    { name: 'half aml', kind: 'azureml', subscriptionId: 's' },
    { name: 'Samples', kind: 'local', path: '/other' },
    { name: 'what', kind: 'dropbox' },
  ]);
  assert.deepEqual(
    registries.map((r) => r.name),
    ['samples', 'mlflow', 'aml'],
  );
  assert.deepEqual(problems, [
    "predictWizard.modelRegistries[3] ('bad uri'): trackingUri must be an http(s) URL such as http://127.0.0.1:5000. It was ignored.",
    "predictWizard.modelRegistries[4] ('half aml'): an Azure Machine Learning registry needs subscriptionId, resourceGroup and workspace. It was ignored.",
    "predictWizard.modelRegistries[5]: a registry named 'Samples' already exists. It was ignored.",
    "predictWizard.modelRegistries[6] ('what'): kind must be local, mlflow or azureml. It was ignored.",
  ]);
});
