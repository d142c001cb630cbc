import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployModel, DeployError } from '../../../src/wizard/deploy.js';
import type { ScoringPlan } from '../../../src/sql/script.js';
import type { ModelVersionInfo, DownloadOptions } from '../../../src/models/source.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { CUSTOMER_FEATURES } from '../../../src/samples/customers.js';
import { FakeSql } from '../../support/fake-sql.js';

let dir: string;
let onnxPath: string;
let badPath: string;
const sample = buildSampleModel('linear-classifier', { rows: 300 });
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-unit-'));
  onnxPath = join(dir, 'model.onnx');
  badPath = join(dir, 'bad.onnx');
  await writeFile(onnxPath, sample.onnx);
  await writeFile(badPath, buildSampleModel('truncated', { rows: 300 }).onnx);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const version: ModelVersionInfo = {
  sourceId: 'local:/models',
  modelName: 'aml-synapse-classifier',
  version: '1',
  flavors: ['onnx'],
  tags: {},
  isOnnx: true,
  framework: 'onnx',
  createdBy: 'ana',
  createdAt: new Date('2024-01-01T00:00:00Z'),
};

function plan(over: Partial<ScoringPlan> = {}): ScoringPlan {
  return {
    target: 'synapse-dedicated',
    source: { schema: 'wwi_ml', name: 'CustomerTest' },
    inputs: CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, sourceType: { name: 'float' }, modelInput: f, inputType: { name: 'real' } })),
    outputs: [{ name: outputName(), type: { name: 'bigint' } }],
    scriptType: 'view',
    objectName: { schema: 'wwi_ml', name: 'CustomerPrediction' },
    modelTable: { schema: 'wwi_ml', name: 'Models' },
    modelId: 'aml-synapse-classifier:1',
    ...over,
  };
}
let labelOutput: string | undefined;
function outputName(): string {
  return labelOutput ?? 'label';
}

function source(path: string, gate?: (o?: DownloadOptions) => Promise<void>) {
  return {
    download: async (_n: string, _v: string, o?: DownloadOptions) => {
      await gate?.(o);
      return { version, dir, onnxPath: path, fromCache: true };
    },
  };
}

describe('deployModel', () => {
  before(async () => {
    const ort = await import('onnxruntime-node');
    const s = await ort.InferenceSession.create(sample.onnx);
    labelOutput = s.outputNames[0];
    await s.release();
  });

  test('creates the table, stores the model bytes as a varbinary(max) parameter in one transaction, returns the script', async () => {
    const sql = new FakeSql();
    const steps: string[] = [];
    const r = await deployModel({ sql, source: source(onnxPath), version, plan: plan(), createModelTable: true, onStep: (s) => steps.push(s) });
    assert.deepEqual(steps, ['download', 'check', 'create-table', 'store']);
    const stmts = sql.heads();
    assert.ok(stmts.includes('CREATE TABLE [wwi_ml].[Models]'), stmts.join('|'));
    const begin = stmts.indexOf('BEGIN TRANSACTION');
    assert.deepEqual(stmts.slice(begin), ['BEGIN TRANSACTION', 'DELETE FROM [wwi_ml].[Models] WHERE [ID] = @id;', stmts[begin + 2], 'COMMIT TRANSACTION']);
    assert.match(stmts[begin + 2]!, /^INSERT INTO \[wwi_ml\]\.\[Models\]/);
    const insert = sql.log[begin + 2]!;
    const model = insert.params!.find((p) => p.name === '@model')!;
    assert.deepEqual(model.type, { name: 'varbinary', length: 'max' });
    assert.deepEqual(Buffer.from(model.value as Uint8Array), Buffer.from(sample.onnx));
    assert.equal(insert.params!.find((p) => p.name === '@id')!.value, 'aml-synapse-classifier:1');
    assert.equal(r.modelBytes, sample.onnx.byteLength);
    assert.equal(r.createdTable, true);
    assert.match(r.script.text, /CREATE VIEW \[wwi_ml\]\.\[CustomerPrediction\]/);
  });

  test('a model ONNX Runtime cannot load fails at the check step and touches no table', async () => {
    const sql = new FakeSql();
    await assert.rejects(deployModel({ sql, source: source(badPath), version, plan: plan(), createModelTable: true }), (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.step, 'check');
      assert.match(
        e.message,
        /^Deploy failed while checking the model with ONNX Runtime: ONNX Runtime cannot load model 'aml-synapse-classifier' version 1: .* choose another version\.$/s,
      );
      return true;
    });
    assert.deepEqual(sql.log, []);
  });

  test('a mapping that does not match the model names every difference', async () => {
    const sql = new FakeSql();
    const p = plan({
      inputs: plan()
        .inputs.filter((i) => i.modelInput !== 'GenderId')
        .map((i) => (i.modelInput === 'Cost' ? { ...i, modelInput: 'cost' } : i)),
      outputs: [{ name: 'score', type: { name: 'real' } }],
    });
    await assert.rejects(deployModel({ sql, source: source(onnxPath), version, plan: p, createModelTable: false }), (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.step, 'check');
      assert.match(e.message, /the model has no input 'cost' \(its inputs: Cost, Size/);
      assert.match(e.message, /the model input 'Cost' is not mapped to a column; the model input 'GenderId' is not mapped to a column/);
      assert.match(e.message, /the model has no output 'score'/);
      assert.match(e.message, /Go back to Map columns and fix the mapping\.$/);
      return true;
    });
    assert.deepEqual(sql.log, []);
  });

  test('a failure storing the row drops the table this deploy created and says which step failed', async () => {
    const sql = new FakeSql();
    sql.failOn = /^INSERT INTO/;
    await assert.rejects(deployModel({ sql, source: source(onnxPath), version, plan: plan(), createModelTable: true }), (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.step, 'store');
      assert.match(e.message, /^Deploy failed while storing the model in the model table: The server refused: INSERT INTO \[wwi_ml\]\.\[Models\]/);
      return true;
    });
    const stmts = sql.heads();
    assert.deepEqual(stmts.slice(-2), ['IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION', 'DROP TABLE [wwi_ml].[Models]']);
  });

  test('a cancel during the download stops before any SQL and says nothing changed', async () => {
    const sql = new FakeSql();
    const abort = new AbortController();
    const gate = async (o?: DownloadOptions) => {
      abort.abort();
      if (o?.signal?.aborted) throw new Error('The download was cancelled.');
    };
    await assert.rejects(
      deployModel({ sql, source: source(onnxPath, gate), version, plan: plan(), createModelTable: true, signal: abort.signal }),
      (e: unknown) => {
        assert.ok(e instanceof DeployError);
        assert.equal(e.cancelled, true);
        assert.equal(e.message, 'Deploy cancelled while downloading the model. Nothing was changed in the database.');
        return true;
      },
    );
    assert.deepEqual(sql.log, []);
  });

  test('a cancel while the row is written rolls back and drops the new table', async () => {
    const sql = new FakeSql();
    const abort = new AbortController();
    sql.onExecute = (s) => {
      if (s.startsWith('DELETE FROM')) abort.abort();
    };
    await assert.rejects(deployModel({ sql, source: source(onnxPath), version, plan: plan(), createModelTable: true, signal: abort.signal }), (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.cancelled, true);
      assert.equal(e.step, 'store');
      return true;
    });
    const stmts = sql.heads();
    assert.ok(!stmts.includes('COMMIT TRANSACTION'));
    assert.ok(!stmts.some((s) => s.startsWith('INSERT')));
    assert.deepEqual(stmts.slice(-2), ['IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION', 'DROP TABLE [wwi_ml].[Models]']);
    assert.ok(sql.cancelled >= 1);
  });

  test('the row is sent while ONNX Runtime loads the model, and commits only once the check has passed', async () => {
    const sql = new FakeSql();
    let pass!: () => void;
    sql.onExecute = (s) => {
      if (s.startsWith('INSERT INTO')) setTimeout(() => pass(), 20);
    };
    const loadModel = () =>
      new Promise<{ inputNames: string[]; outputNames: string[] }>((resolve) => {
        pass = () => {
          sql.log.push({ sql: 'ONNX Runtime loaded the model' });
          resolve({ inputNames: [...CUSTOMER_FEATURES], outputNames: [outputName()] });
        };
      });
    const r = await deployModel({ sql, source: source(onnxPath), version, plan: plan(), createModelTable: true, loadModel });
    const stmts = sql.heads();
    const insert = stmts.findIndex((x) => x.startsWith('INSERT INTO'));
    assert.deepEqual(stmts.slice(insert + 1), ['ONNX Runtime loaded the model', 'COMMIT TRANSACTION']);
    assert.equal(r.createdTable, true);
  });

  test('a model ONNX Runtime refuses while the row is sent: the row rolls back, the new table is dropped, and the error says so', async () => {
    const sql = new FakeSql();
    let refuse!: (e: Error) => void;
    sql.onExecute = (s) => {
      if (s.startsWith('INSERT INTO')) refuse(new Error('Unsupported operator NotAnOperator.'));
    };
    const loadModel = () => new Promise<never>((_, reject) => (refuse = reject));
    await assert.rejects(deployModel({ sql, source: source(onnxPath), version, plan: plan(), createModelTable: true, loadModel }), (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.step, 'check');
      assert.equal(e.cancelled, false);
      assert.equal(
        e.message,
        "Deploy failed while checking the model with ONNX Runtime: ONNX Runtime cannot load model 'aml-synapse-classifier' version 1: Unsupported operator NotAnOperator. " +
          'PREDICT would fail with "Model is corrupt or invalid"; choose another version. The model row was rolled back: nothing was stored.',
      );
      return true;
    });
    const stmts = sql.heads();
    assert.ok(!stmts.includes('COMMIT TRANSACTION'));
    assert.deepEqual(stmts.slice(-2), ['IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION', 'DROP TABLE [wwi_ml].[Models]']);
  });

  test('a plan the script generator refuses fails before downloading', async () => {
    let downloads = 0;
    const sql = new FakeSql();
    const p = plan({ outputs: [] });
    await assert.rejects(
      deployModel({
        sql,
        source: {
          download: async () => {
            downloads++;
            throw new Error('no');
          },
        },
        version,
        plan: p,
        createModelTable: true,
      }),
      (e: unknown) => e instanceof DeployError && e.step === 'script' && e.message.startsWith('Deploy failed while generating the script: '),
    );
    assert.equal(downloads, 0);
  });
});
