/**
 * The wizard's controller driven through its message handler, as the webview drives it: a real
 * sample MLflow registry on disk, the real model reader, state machine, script generator, preview
 * (onnxruntime-node) and deploy, over a recording SQL fake and catalog.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import { openLocalSource } from '../../../src/models/sources/local.js';
import { generateCustomers, CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { WizardController } from '../../../src/wizard/controller.js';
import { defaultWizardParts } from '../../../src/wizard/parts.js';
import { readModelForWizard } from '../../../src/wizard/model-reader.js';
import type { HostMessage, WizardView } from '../../../src/wizard/protocol.js';
import type { WizardCatalog, WizardDatabase, WizardRegistry } from '../../../src/wizard/services.js';
import type { ObjectName } from '../../../src/sql/names.js';
import { FakeSql } from '../../support/fake-sql.js';

/** A recording SQL fake that answers the preview's SELECT TOP (20) with sample customers. */
function recordingSql(): FakeSql {
  return new FakeSql({
    executeResult: { rowCounts: [], rowsAffected: 0, messages: [] },
    answer: (sql) => {
      if (/^SELECT TOP \(20\)/.test(sql)) {
        const cols = [...sql.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!).slice(0, -2);
        const rows = [...generateCustomers(20, 11)].map((c) => cols.map((k) => c[k as keyof typeof c] as number));
        return {
          resultSets: [{ columns: cols.map((name) => ({ name, type: 'float', nullable: true })), rows, truncated: false, rowCount: rows.length }],
          messages: [],
          rowCounts: [],
        };
      }
      return { resultSets: [{ columns: [{ name: 'x', type: 'int', nullable: true }], rows: [], truncated: false, rowCount: 0 }], messages: [], rowCounts: [] };
    },
  });
}

let root: string;
let registry: WizardRegistry;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wizard-host-'));
  await writeSampleRegistry(join(root, 'registry'));
  registry = { name: 'Samples', kind: 'local', source: await openLocalSource(join(root, 'registry')) };
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Harness {
  c: WizardController;
  posted: HostMessage[];
  warnings: string[];
  scripts: string[];
  closed: number;
  errors: string[];
  sql: FakeSql;
  existing: Set<string>;
  view(): WizardView;
  send(m: unknown): Promise<void>;
}

async function open(): Promise<Harness> {
  const sql = recordingSql();
  const db: WizardDatabase = { connectionName: 'Local pool', target: 'synapse-dedicated', sql, release: () => {} };
  const existing = new Set<string>();
  const catalog: WizardCatalog = {
    listTables: async () => [{ schema: 'wwi_ml', name: 'CustomerTest' }],
    columns: async () => CUSTOMER_TEST_COLUMNS.map((c) => ({ name: c.name, type: c.sqlType })),
    objectExists: async (n: ObjectName) => existing.has(`${n.schema}.${n.name}`.toLowerCase()),
    modelTables: async () => ['wwi_ml.AMLModel'],
  };
  const h: Partial<Harness> & { posted: HostMessage[]; warnings: string[]; scripts: string[]; errors: string[] } = {
    posted: [],
    warnings: [],
    scripts: [],
    errors: [],
    closed: 0,
    sql,
    existing,
  };
  const parts = defaultWizardParts();
  h.c = await WizardController.open({
    table: { schema: 'wwi_ml', name: 'CustomerTest' },
    db,
    catalog,
    registries: [registry],
    rules: parts.rulesFor('synapse-dedicated'),
    readModel: readModelForWizard,
    preview: parts.previewFor(db),
    deploy: (input) => parts.deploy({ ...input, db, signal: new AbortController().signal }),
    post: (m) => h.posted.push(m),
    openScript: async (s) => void h.scripts.push(s),
    close: () => void (h.closed = (h.closed ?? 0) + 1),
    showError: (m) => void h.errors.push(m),
    log: { info: () => {}, warn: (m) => void h.warnings.push(m), error: () => {} },
  });
  const c = h.c;
  h.view = () => {
    const last = [...h.posted].reverse().find((m) => m.kind === 'notification');
    assert.ok(last && last.kind === 'notification');
    return last.params.view;
  };
  h.send = async (m: unknown) => {
    await c.handle(m);
    await c.idle();
  };
  await c.idle();
  return h as Harness;
}

const edit = (params: object) => ({ kind: 'command', method: 'edit', params });

describe('wizard controller over a sample registry', () => {
  test('page 1 lists every version newest first, with the non-ONNX one disabled and its reason', async () => {
    const h = await open();
    const v = h.view();
    assert.equal(v.page, 'model');
    assert.equal(v.versionsStatus, 'loaded');
    const keys = v.versions.map((r) => r.key);
    assert.ok(keys.includes('aml-synapse-classifier:1') && keys.includes('aml-synapse-classifier:2'), keys.join(', '));
    assert.ok(keys.indexOf('aml-synapse-classifier:2') < keys.indexOf('aml-synapse-classifier:1'));
    const sk = v.versions.find((r) => r.name === 'rating-classifier-sklearn')!;
    assert.equal(
      sk.disabledReason,
      'PREDICT runs ONNX models only: its MLmodel has no onnx flavor (flavors: python_function, sklearn). Register an ONNX version of it.',
    );
    assert.equal(v.versions.find((r) => r.key === 'aml-synapse-classifier:2')!.disabledReason, undefined);
    await h.send(edit({ field: 'search', value: 'zipmap' }));
    assert.deepEqual(
      h.view().versions.map((r) => r.name),
      ['rating-classifier-zipmap'],
    );
  });

  test('malformed messages are dropped and logged; the state does not change', async () => {
    const h = await open();
    const before = h.posted.length;
    for (const m of [
      null,
      'next',
      { kind: 'command', method: 'drop table' },
      edit({ field: 'scriptType', value: 'function' }),
      edit({ field: 'input', id: -1 }),
      { kind: 'request', method: 'preview' },
    ]) {
      await h.send(m);
    }
    assert.equal(h.posted.length, before);
    assert.deepEqual(h.warnings, [
      "Ignored a malformed message from the wizard's webview: A message must be an object.",
      "Ignored a malformed message from the wizard's webview: A message must be an object.",
      "Ignored a malformed message from the wizard's webview: Unknown command 'drop table'.",
      "Ignored a malformed message from the wizard's webview: 'value' must be 'view' or 'procedure'.",
      "Ignored a malformed message from the wizard's webview: 'id' must be a non-negative integer.",
      "Ignored a malformed message from the wizard's webview: A request needs a non-negative integer 'id'.",
    ]);
  });

  test('choosing a broken model shows why it cannot be read and blocks Next', async () => {
    const h = await open();
    await h.send(edit({ field: 'selectedVersion', value: 'broken-truncated-classifier:1' }));
    const v = h.view();
    assert.equal(v.modelStatus, 'error');
    assert.ok(v.modelError && v.modelError.length > 20, v.modelError);
    assert.equal(v.canNext, false);
    assert.equal(v.blockedReason, v.modelError);
  });

  test('the whole flow: choose v2, mapping suggested, preview, store page, deploy into a new table, script opened', async () => {
    const h = await open();
    await h.send(edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:2' }));
    let v = h.view();
    assert.equal(v.modelStatus, 'loaded', v.modelError);
    assert.equal(v.canNext, true, v.blockedReason);
    await h.send({ kind: 'command', method: 'next' });
    v = h.view();
    assert.equal(v.page, 'map');
    assert.deepEqual(
      v.inputs.map((r) => r.sourceColumn),
      ['Cost', 'Size', 'Price', 'PrimaryBrandId', 'GenderId', 'MaritalStatus', 'LowerIncomeBound', 'UpperIncomeBound'],
    );
    assert.deepEqual(v.mappingErrors, []);
    assert.ok(v.outputs.length >= 1);

    await h.send(edit({ field: 'passThrough', value: ['CustomerKey'] }));
    await h.send({ kind: 'request', id: 7, method: 'preview' });
    const response = h.posted.find((m) => m.kind === 'response');
    assert.deepEqual(response, { kind: 'response', id: 7, method: 'preview', result: { ok: true } });
    v = h.view();
    assert.equal(v.preview.status, 'loaded', v.preview.error);
    assert.equal(v.preview.rows.length, 20);
    assert.equal(v.preview.columns[0], 'CustomerKey');
    assert.match(
      h.sql.log.find((s) => s.sql.startsWith('SELECT TOP'))!.sql,
      /^SELECT TOP \(20\) \[CustomerKey\], \[Cost\], .* FROM \[wwi_ml\]\.\[CustomerTest\]$/,
    );

    await h.send({ kind: 'command', method: 'next' });
    v = h.view();
    assert.equal(v.page, 'store');
    assert.deepEqual(v.modelTables, ['wwi_ml.AMLModel']);
    assert.match(v.script, /CREATE VIEW \[wwi_ml\]\.\[CustomerPrediction\]/);
    await h.send(edit({ field: 'modelTableMode', value: 'new' }));
    await h.send(edit({ field: 'newTableName', value: 'wwi_ml.Models' }));
    v = h.view();
    assert.equal(v.canDeploy, true, v.blockedReason);

    await h.send({ kind: 'command', method: 'deploy' });
    assert.deepEqual(h.errors, []);
    assert.equal(h.scripts.length, 1);
    assert.match(h.scripts[0]!, /FROM \[wwi_ml\]\.\[Models\] WHERE \[ID\] = N'aml-synapse-classifier:2'/);
    assert.equal(h.closed, 1);
    const sqls = h.sql.heads();
    assert.ok(sqls.includes('CREATE TABLE [wwi_ml].[Models]'));
    assert.ok(sqls.includes('COMMIT TRANSACTION'));
  });

  test('an existing view name must be replaced explicitly before Deploy is enabled', async () => {
    const h = await open();
    h.existing.add('wwi_ml.customerprediction');
    await h.send(edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:1' }));
    await h.send({ kind: 'command', method: 'next' });
    await h.send({ kind: 'command', method: 'next' });
    let v = h.view();
    assert.equal(v.scriptName.exists, true);
    assert.equal(v.canDeploy, false);
    assert.equal(v.blockedReason, 'An object named wwi_ml.CustomerPrediction already exists. Choose another name, or replace it.');
    await h.send(edit({ field: 'replaceExisting', value: true }));
    v = h.view();
    assert.equal(v.canDeploy, true);
    assert.match(v.script, /DROP VIEW/i);
  });

  test('Cancel closes the wizard', async () => {
    const h = await open();
    await h.send({ kind: 'command', method: 'cancel' });
    assert.equal(h.closed, 1);
  });
});
