// The explorer's Models node: model-table rows with the objects scoring with them, loaded when the
// node opens; a failure shows on the Models node with a Retry. VS Code's API is a small stand-in.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import type { DeployedModel, ModelTableRef, ScoringObject } from '../../../src/lifecycle/types.js';

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  contextValue?: string;
  command?: { command: string };
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}
const VSCODE_STUB = {
  EventEmitter: class {
    readonly event = () => ({ dispose() {} });
    fire(): void {}
    dispose(): void {}
  },
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  MarkdownString: class {
    constructor(readonly value: string) {}
  },
};

type Explorer = typeof import('../../../src/tree/explorer.js');
type Models = typeof import('../../../src/tree/models.js');
let ex: Explorer;
let models: Models;

before(async () => {
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const resolve = M._resolveFilename;
  M._resolveFilename = (request, ...rest) => (request === 'vscode' ? 'vscode-stub' : resolve(request, ...rest));
  M._cache['vscode-stub'] = { id: 'vscode-stub', filename: 'vscode-stub', loaded: true, exports: VSCODE_STUB };
  ex = await import('../../../src/tree/explorer.js');
  models = await import('../../../src/tree/models.js');
});

const table: ModelTableRef = {
  table: { schema: 'wwi_ml', name: 'AMLModel' },
  idColumn: 'ID',
  modelColumn: 'model',
  columns: { name: 'name', version: 'version' },
  allColumns: ['ID', 'model', 'name', 'version'],
};
const row = (version: string): DeployedModel => ({ modelTable: table, id: `clf:${version}`, name: 'clf', version, sizeBytes: 2048 });
const view: ScoringObject = {
  kind: 'view',
  name: { schema: 'wwi_ml', name: 'CustomerPrediction' },
  modelTable: { schema: 'wwi_ml', name: 'AMLModel' },
  modelId: 'clf:2',
  definition: 'CREATE VIEW …',
};
const proc: ScoringObject = { ...view, kind: 'procedure', name: { schema: 'wwi_ml', name: 'Score' } };

function explorer(catalog: Partial<import('../../../src/tree/models.js').DeployedCatalog> | undefined, schemas: string[] = ['wwi_ml']) {
  const profile = { name: 'Pool', server: '127.0.0.1', port: 1433, database: 'SQLPool01', authenticationType: 'SqlLogin' as const, user: 'sa' };
  const store = { profiles: () => [profile], get: () => profile, onDidChange: () => ({ dispose() {} }) };
  const db = { query: async () => ({ resultSets: [{ columns: [{ name: 'name' }], rows: schemas.map((s) => [s]) }] }) };
  const sessions = { connection: async () => db, close: async () => undefined };
  const log = { error: () => undefined, info: () => undefined, warn: () => undefined };
  const e = new ex.SqlPoolExplorer(store as never, sessions as never, log as never);
  if (catalog) {
    e.deployedModels = {
      listModelTables: catalog.listModelTables ?? (async () => [table]),
      listDeployedModels: catalog.listDeployedModels ?? (async () => [row('1'), row('2')]),
      listScoringObjects: catalog.listScoringObjects ?? (async () => [view, proc]),
    };
  }
  return e;
}

const labels = (e: ReturnType<typeof explorer>, nodes: readonly unknown[]) => nodes.map((n) => String(e.getTreeItem(n as never).label));

describe('Models node', () => {
  test('each database lists Models first, then its schemas; without the lifecycle there is no Models node', async () => {
    const e = explorer({});
    const children = await e.getChildren(new ex.DatabaseNode('Pool', 'SQLPool01'));
    assert.deepEqual(labels(e, children), ['Models', 'wwi_ml']);
    assert.equal(e.getTreeItem(children[0]!).contextValue, 'models');
    // A refresh after a change fires this very object: VS Code knows tree elements by identity.
    assert.equal(children[0], models.ModelsNode.of('Pool', 'SQLPool01'));
    assert.notEqual(children[0], models.ModelsNode.of('Pool', 'OtherDb'));
    const plain = explorer(undefined);
    assert.deepEqual(labels(plain, await plain.getChildren(new ex.DatabaseNode('Pool', 'SQLPool01'))), ['wwi_ml']);
  });

  test('models show version, size and users; under a model, the views and procedures scoring with it', async () => {
    const e = explorer({});
    const [m1, m2] = await e.getChildren(models.ModelsNode.of('Pool', 'SQLPool01'));
    const i1 = e.getTreeItem(m1!);
    const i2 = e.getTreeItem(m2!);
    assert.deepEqual([i1.label, i1.description, i1.contextValue], ['clf:1', '2 KB', 'deployedModel']);
    assert.deepEqual([i2.label, i2.description, i2.contextValue], ['clf:2', '2 KB · 2 users', 'deployedModel.inUse']);
    assert.match(String((i2.tooltip as { value: string }).value), /Used by view wwi\\_ml\\.CustomerPrediction, procedure wwi\\_ml\\.Score/);
    const users = await e.getChildren(m2);
    assert.deepEqual(labels(e, users), ['wwi_ml.CustomerPrediction', 'wwi_ml.Score']);
    assert.deepEqual(
      users.map((u) => e.getTreeItem(u).contextValue),
      ['scoringObject.view', 'scoringObject.procedure'],
    );
    const none = await e.getChildren(m1);
    assert.deepEqual(labels(e, none), ['No view or procedure scores with it']);
    assert.equal(e.getParent(users[0]!), m2);
    assert.equal(e.getParent(m2!)!.kind, 'models');
    assert.equal(e.getParent(models.ModelsNode.of('Pool', 'SQLPool01'))!.kind, 'database');
  });

  test('a database without model tables, or with empty ones, says so', async () => {
    const e = explorer({ listModelTables: async () => [] });
    assert.deepEqual(labels(e, await e.getChildren(models.ModelsNode.of('Pool', 'SQLPool01'))), ['No model tables (a table with ID and model columns)']);
    const empty = explorer({ listDeployedModels: async () => [] });
    assert.deepEqual(labels(empty, await empty.getChildren(models.ModelsNode.of('Pool', 'SQLPool01'))), ['No models stored in wwi_ml.AMLModel']);
  });

  test('with several model tables, each model names its table', async () => {
    const other: ModelTableRef = { ...table, table: { schema: 'dbo', name: 'Models' } };
    const e = explorer({ listModelTables: async () => [table, other], listDeployedModels: async (_db, t) => [{ ...row('1'), modelTable: t }] });
    const nodes = await e.getChildren(models.ModelsNode.of('Pool', 'SQLPool01'));
    assert.deepEqual(
      nodes.map((n) => e.getTreeItem(n).description),
      ['2 KB · wwi_ml.AMLModel', '2 KB · dbo.Models'],
    );
    assert.notEqual(e.getTreeItem(nodes[0]!).id, e.getTreeItem(nodes[1]!).id);
  });

  test('a failure shows on the Models node with a Retry', async () => {
    const e = explorer({
      listScoringObjects: async () => {
        throw new Error('Invalid object name sys.sql_modules.');
      },
    });
    const node = models.ModelsNode.of('Pool', 'SQLPool01');
    const [err] = await e.getChildren(node);
    const item = e.getTreeItem(err!);
    assert.equal(item.label, 'Invalid object name sys.sql_modules.');
    assert.equal(item.contextValue, 'error');
    assert.equal(item.command?.command, ex.RETRY_COMMAND);
    assert.equal(e.getParent(err!), node);
  });
});
