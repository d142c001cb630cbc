// What the model registry commands tell a user as they type, and how they edit the setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultRegistryName,
  readRegistries,
  registryNameProblem,
  registryTestMessage,
  resourceGroupProblem,
  subscriptionIdProblem,
  trackingUriProblem,
  withRegistryAdded,
  withRegistryRemoved,
  workspaceNameProblem,
} from '../../../src/connections/registry-config.js';

test('a registry name must be given, short, and not taken (whatever the case)', () => {
  assert.equal(registryNameProblem('  ', []), 'Enter a name for the registry, e.g. "Team models".');
  assert.equal(registryNameProblem('x'.repeat(101), []), 'A registry name is at most 100 characters.');
  assert.equal(registryNameProblem('a\tb', []), 'A registry name cannot contain control characters.');
  assert.equal(registryNameProblem(' samples ', ['Samples']), "A registry named 'samples' already exists: choose another name.");
  assert.equal(registryNameProblem('Team models', ['Samples']), undefined);
});

test('an MLflow tracking address must be an http(s) URL with a host and no credentials', () => {
  assert.equal(trackingUriProblem(''), 'Enter the address of the MLflow tracking server, e.g. http://127.0.0.1:5000.');
  assert.equal(trackingUriProblem('127.0.0.1:5000'), 'Start the address with http:// or https://, e.g. http://127.0.0.1:5000.');
  assert.equal(trackingUriProblem('localhost:5000'), 'Start the address with http:// or https://, e.g. http://localhost:5000.');
  assert.equal(trackingUriProblem('mlflow server'), "'mlflow server' is not a URL: enter an http:// or https:// address, e.g. http://127.0.0.1:5000.");
  assert.equal(trackingUriProblem('ftp://host/x'), 'The tracking server address must start with http:// or https:// (not ftp://).');
  assert.equal(
    trackingUriProblem('https://me:secret@mlflow.contoso.com'),
    'Do not put a user name or password in the address: enter a token with "Sign In to Model Registry" instead.',
  );
  assert.equal(trackingUriProblem(' https://mlflow.contoso.com/ '), undefined);
  assert.equal(trackingUriProblem('http://127.0.0.1:5000'), undefined);
});

test('Azure ML subscription, resource group and workspace are checked as Azure names them', () => {
  assert.equal(subscriptionIdProblem(''), 'Enter the subscription ID of the Azure Machine Learning workspace.');
  assert.equal(
    subscriptionIdProblem('my-subscription'),
    "'my-subscription' is not a subscription ID: it is a GUID such as 00000000-1111-2222-3333-444444444444 (Azure portal → Subscriptions).",
  );
  assert.equal(subscriptionIdProblem('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'), undefined);

  assert.equal(resourceGroupProblem(''), 'Enter the resource group of the Azure Machine Learning workspace.');
  assert.equal(resourceGroupProblem('rg/ml'), "'rg/ml' is not a resource group name: use letters, digits, underscores, hyphens, periods and parentheses.");
  assert.equal(resourceGroupProblem('rg-ml.'), 'A resource group name cannot end with a period.');
  assert.equal(resourceGroupProblem('r'.repeat(91)), 'A resource group name is at most 90 characters.');
  assert.equal(resourceGroupProblem('rg_ml-(dev).1'), undefined);

  assert.equal(workspaceNameProblem(''), 'Enter the name of the Azure Machine Learning workspace.');
  assert.equal(workspaceNameProblem('ws'), 'A workspace name has 3 to 33 characters.');
  assert.equal(workspaceNameProblem('w'.repeat(34)), 'A workspace name has 3 to 33 characters.');
  assert.equal(
    workspaceNameProblem('-ml-ws'),
    "'-ml-ws' is not a workspace name: use letters, digits, underscores and hyphens, starting with a letter or digit.",
  );
  assert.equal(
    workspaceNameProblem('ml.ws'),
    "'ml.ws' is not a workspace name: use letters, digits, underscores and hyphens, starting with a letter or digit.",
  );
  assert.equal(workspaceNameProblem('ml-ws_01'), undefined);
});

test('the proposed name comes from the folder, file, host or workspace, and is made unique', () => {
  assert.equal(defaultRegistryName({ kind: 'local', path: '/data/team-registry/' }, []), 'team-registry');
  assert.equal(defaultRegistryName({ kind: 'local', path: 'C:\\models\\churn.onnx' }, []), 'churn');
  assert.equal(defaultRegistryName({ kind: 'mlflow', trackingUri: 'http://127.0.0.1:5000' }, []), 'MLflow 127.0.0.1:5000');
  assert.equal(defaultRegistryName({ kind: 'mlflow', trackingUri: 'https://mlflow.contoso.com/' }, []), 'MLflow mlflow.contoso.com');
  assert.equal(defaultRegistryName({ kind: 'azureml', subscriptionId: 's', resourceGroup: 'rg', workspace: 'ml-ws' }, ['ML-WS', 'ml-ws (2)']), 'ml-ws (3)');
});

test('adding writes only the fields of its kind, keeps other entries, and refuses a taken name', () => {
  const foreign = { name: 'hand-edited', kind: 'dropbox' };
  const raw = [{ name: 'Samples', kind: 'local', path: '/data/registry' }, foreign];
  const added = withRegistryAdded(raw, { name: ' Team ', kind: 'mlflow', trackingUri: ' http://127.0.0.1:5000 ', path: '/stray' });
  assert.deepEqual(added, [raw[0], foreign, { name: 'Team', kind: 'mlflow', trackingUri: 'http://127.0.0.1:5000' }]);
  assert.equal(raw.length, 2, 'the setting read is not changed in place');
  assert.deepEqual(
    readRegistries(added).registries.map((r) => r.name),
    ['Samples', 'Team'],
  );
  assert.throws(() => withRegistryAdded(added, { name: 'team', kind: 'local', path: '/x' }), {
    message: "A registry named 'team' already exists: choose another name.",
  });
  assert.throws(() => withRegistryAdded(added, { name: 'HAND-EDITED', kind: 'local', path: '/x' }), {
    message: "A registry named 'HAND-EDITED' already exists: choose another name.",
  });
  assert.throws(() => withRegistryAdded([], { name: 'aml', kind: 'azureml', subscriptionId: 's', resourceGroup: 'rg', workspace: ' ' }), {
    message: "The new registry ('aml'): an Azure Machine Learning registry needs subscriptionId, resourceGroup and workspace. It was ignored.",
  });
  assert.deepEqual(withRegistryAdded(undefined, { name: 'a', kind: 'local', path: '/m' }), [{ name: 'a', kind: 'local', path: '/m' }]);
});

test('removing drops only the entry of that name, whatever the case', () => {
  const raw = [{ name: 'Samples', kind: 'local', path: '/a' }, 'junk', { name: 'Team', kind: 'mlflow', trackingUri: 'http://h' }];
  assert.deepEqual(withRegistryRemoved(raw, 'samples'), ['junk', raw[2]]);
  assert.deepEqual(withRegistryRemoved(raw, 'nothing'), raw);
  assert.deepEqual(withRegistryRemoved(undefined, 'x'), []);
});

test('the test reports how many models the registry lists, and a few of their names', () => {
  assert.equal(registryTestMessage('Empty', { items: [] }), "Registry 'Empty' answered: it has no registered models yet.");
  assert.equal(registryTestMessage('One', { items: [{ name: 'churn' }] }), "Registry 'One' answered: 1 model (churn).");
  assert.equal(
    registryTestMessage('Samples', { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] }),
    "Registry 'Samples' answered: 4 models (a, b, c, …).",
  );
  assert.equal(
    registryTestMessage('Big', { items: [{ name: 'a' }, { name: 'b' }], continuationToken: 't' }),
    "Registry 'Big' answered: at least 2 models (a, b, …).",
  );
});
