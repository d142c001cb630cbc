/**
 * Deploy against the local pool through tedious: the model row holds the exact ONNX bytes, the
 * returned script is the generator's, and a cancel or a failure at any step leaves the database as
 * it was (no row, no model table created by the deploy).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { SqlConnection } from '../../../src/sql/client/connection.js';
import { objectExists } from '../../../src/sql/catalog.js';
import { deployModel, DeployError, type DeploySql } from '../../../src/wizard/deploy.js';
import { createModelTableSql, generateScoringScript, type ScoringPlan } from '../../../src/sql/script.js';
import { parseSqlType } from '../../../src/sql/types.js';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import { openLocalSource, type LocalModelSource } from '../../../src/models/sources/local.js';
import type { ModelVersionInfo } from '../../../src/models/source.js';
import { suggestedPlan } from '../../support/suggested-plan.js';

const PASSWORD = 'Deploy-Test-Pw-1';
let pool: LocalPool;
let conn: SqlConnection;
let root: string;
let source: LocalModelSource;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'deploy-it-'));
  await writeSampleRegistry(join(root, 'registry'));
  source = await openLocalSource(join(root, 'registry'));
  pool = await startLocalPool({ port: 0, password: PASSWORD, seedCustomers: 50 });
  conn = await SqlConnection.open({
    server: pool.host,
    port: pool.port,
    database: 'SQLPool01',
    authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
    ...(pool.caCertPem ? { encrypt: 'strict' as const, caCertPem: pool.caCertPem } : { encrypt: 'optional' as const }),
  });
});
after(async () => {
  await conn?.close();
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

/** The plan the wizard proposes for `wwi_ml.CustomerTest` and a model version. */
function planFor(version: ModelVersionInfo, modelTable: string, objectName = 'CustomerPrediction'): Promise<ScoringPlan> {
  return suggestedPlan(conn, source, version, { modelTable, objectName });
}

async function modelRows(table: string, id: string): Promise<Buffer[]> {
  const r = await conn.query(`SELECT [model] FROM [wwi_ml].[${table}] WHERE [ID] = @id`, [{ name: 'id', type: { name: 'nvarchar', length: 1024 }, value: id }]);
  return r.resultSets[0]!.rows.map((row) => row[0] as Buffer);
}

describe('deploy to the local pool', () => {
  test('into an existing model table: the row holds the exact bytes; deploying again replaces it', async () => {
    await conn.execute(createModelTableSql({ schema: 'wwi_ml', name: 'ExistingModels' }, 'synapse-dedicated'));
    const version = await source.getVersion('aml-synapse-classifier', '1');
    const plan = await planFor(version, 'ExistingModels');
    const steps: string[] = [];
    const r = await deployModel({ sql: conn, source, version, plan, createModelTable: false, onStep: (s) => steps.push(s) });
    assert.deepEqual(steps, ['download', 'check', 'store', 'store']);
    const onnx = await readFile((await source.download('aml-synapse-classifier', '1')).onnxPath);
    let rows = await modelRows('ExistingModels', 'aml-synapse-classifier:1');
    assert.equal(rows.length, 1);
    assert.ok(Buffer.compare(rows[0]!, onnx) === 0, 'the stored model is byte-for-byte the ONNX file');
    assert.equal(r.script.text, generateScoringScript(plan).text);
    assert.match(r.script.text, /FROM \[wwi_ml\]\.\[ExistingModels\] WHERE \[ID\] = N'aml-synapse-classifier:1'/);

    await deployModel({ sql: conn, source, version, plan, createModelTable: false });
    rows = await modelRows('ExistingModels', 'aml-synapse-classifier:1');
    assert.equal(rows.length, 1, 'a second deploy replaces the row with the same ID');
  });

  test('into a new model table: the table is created and holds the row', async () => {
    const version = await source.getVersion('aml-synapse-classifier', '2');
    const plan = await planFor(version, 'NewModels');
    const r = await deployModel({ sql: conn, source, version, plan, createModelTable: true });
    assert.equal(r.createdTable, true);
    assert.equal(await objectExists(conn, { schema: 'wwi_ml', name: 'NewModels' }), 'table');
    const onnx = await readFile((await source.download('aml-synapse-classifier', '2')).onnxPath);
    const rows = await modelRows('NewModels', 'aml-synapse-classifier:2');
    assert.equal(rows.length, 1);
    assert.ok(Buffer.compare(rows[0]!, onnx) === 0);
  });

  test('asking to create a table that already exists fails at that step and changes nothing', async () => {
    const version = await source.getVersion('aml-synapse-classifier', '2');
    const plan = await planFor(version, 'ExistingModels');
    await assert.rejects(deployModel({ sql: conn, source, version, plan, createModelTable: true }), (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(
        e.message,
        'Deploy failed while creating the model table: an object named wwi_ml.ExistingModels already exists. Choose another name, or choose it as an existing table.',
      );
      return true;
    });
    assert.equal((await modelRows('ExistingModels', 'aml-synapse-classifier:2')).length, 0);
    assert.equal((await modelRows('ExistingModels', 'aml-synapse-classifier:1')).length, 1, 'the table made by the first test is untouched');
  });

  test('a cancel midway (after the table was created) leaves neither the table nor a row', async () => {
    const version = await source.getVersion('aml-synapse-classifier', '1');
    const plan = await planFor(version, 'CancelModels');
    const abort = new AbortController();
    await assert.rejects(
      deployModel({
        sql: conn,
        source,
        version,
        plan,
        createModelTable: true,
        signal: abort.signal,
        onStep: (s) => {
          if (s === 'store') abort.abort();
        },
      }),
      (e: unknown) => {
        assert.ok(e instanceof DeployError);
        assert.equal(e.cancelled, true);
        assert.equal(e.message, 'Deploy cancelled while storing the model in the model table. Nothing was changed in the database.');
        return true;
      },
    );
    assert.equal(await objectExists(conn, { schema: 'wwi_ml', name: 'CancelModels' }), undefined);
  });

  test('a model ONNX Runtime cannot load leaves nothing', async () => {
    const version = await source.getVersion('broken-truncated-classifier', '1');
    const good = await planFor(await source.getVersion('aml-synapse-classifier', '1'), 'BrokenModels');
    const plan: ScoringPlan = { ...good, modelId: 'broken-truncated-classifier:1' };
    await assert.rejects(deployModel({ sql: conn, source, version, plan, createModelTable: true }), (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.step, 'check');
      assert.match(
        e.message,
        /^Deploy failed while checking the model with ONNX Runtime: ONNX Runtime cannot load model 'broken-truncated-classifier' version 1: /,
      );
      return true;
    });
    assert.equal(await objectExists(conn, { schema: 'wwi_ml', name: 'BrokenModels' }), undefined);
  });

  test('the model table created by the deploy is dropped when storing the row fails', async () => {
    const version = await source.getVersion('aml-synapse-classifier', '1');
    const plan = await planFor(version, 'FailingModels');
    // The server's real statements, except that the INSERT of the row fails.
    const failing: DeploySql = {
      query: (sql, params) => conn.query(sql, params),
      execute: (sql, params) => {
        if (sql.startsWith('INSERT INTO')) return Promise.reject(new Error('The INSERT was refused by the server.'));
        return conn.execute(sql, params);
      },
      transaction: (work) => conn.transaction(work),
      cancel: () => conn.cancel(),
    };
    let createdDuringDeploy = false;
    await assert.rejects(
      deployModel({
        sql: {
          ...failing,
          transaction: (work) =>
            conn.transaction(async (tx) => {
              createdDuringDeploy = (await objectExists(tx, { schema: 'wwi_ml', name: 'FailingModels' })) === 'table';
              return work({ ...tx, execute: failing.execute } as unknown as SqlConnection);
            }),
        },
        source,
        version,
        plan,
        createModelTable: true,
      }),
      (e: unknown) => {
        assert.ok(e instanceof DeployError);
        assert.equal(e.message, 'Deploy failed while storing the model in the model table: The INSERT was refused by the server.');
        return true;
      },
    );
    assert.equal(createdDuringDeploy, true, 'the table existed while the row was being written');
    assert.equal(await objectExists(conn, { schema: 'wwi_ml', name: 'FailingModels' }), undefined);
  });

  test('a model ONNX Runtime refuses while the row is sent: the replaced row comes back, nothing new is stored', async () => {
    await conn.execute(createModelTableSql({ schema: 'wwi_ml', name: 'RefusedModels' }, 'synapse-dedicated'));
    const version = await source.getVersion('aml-synapse-classifier', '1');
    const plan = await planFor(version, 'RefusedModels');
    await deployModel({ sql: conn, source, version, plan, createModelTable: false });
    // The stored row differs from the bytes the new deploy sends, so a committed row would show.
    await conn.execute(`UPDATE [wwi_ml].[RefusedModels] SET [model] = 0x0102 WHERE [ID] = N'aml-synapse-classifier:1'`);
    const before = await modelRows('RefusedModels', 'aml-synapse-classifier:1');
    assert.deepEqual([...before[0]!], [1, 2]);
    // ONNX Runtime's answer comes once the DELETE and the INSERT of the new row have reached the pool.
    let refuse!: (e: Error) => void;
    let sent = false;
    const execute: DeploySql['execute'] = async (sql, params) => {
      const r = await conn.execute(sql, params);
      if (sql.startsWith('INSERT INTO')) {
        sent = true;
        refuse(new Error('Unsupported operator NotAnOperator.'));
      }
      return r;
    };
    const sql: DeploySql = {
      query: (q, params) => conn.query(q, params),
      execute,
      transaction: (work) => conn.transaction((tx) => work({ ...tx, execute } as unknown as SqlConnection)),
      cancel: () => conn.cancel(),
    };
    await assert.rejects(
      deployModel({ sql, source, version, plan, createModelTable: false, loadModel: () => new Promise<never>((_, reject) => (refuse = reject)) }),
      (e: unknown) => {
        assert.ok(e instanceof DeployError);
        assert.equal(e.step, 'check');
        assert.match(
          e.message,
          /ONNX Runtime cannot load model 'aml-synapse-classifier' version 1: Unsupported operator NotAnOperator\. .* The model row was rolled back: nothing was stored\.$/,
        );
        return true;
      },
    );
    assert.equal(sent, true, 'the row was sent before the check answered');
    const after = await modelRows('RefusedModels', 'aml-synapse-classifier:1');
    assert.equal(after.length, 1, 'the row the deploy would have replaced is still there');
    assert.ok(Buffer.compare(after[0]!, before[0]!) === 0);
  });

  test('the returned script runs on the pool: the view scores every row of the table', async () => {
    const version = await source.getVersion('aml-synapse-classifier', '2');
    const plan = { ...(await planFor(version, 'ScriptModels', 'ScriptPrediction')), passThrough: [{ column: 'CustomerKey', type: parseSqlType('int') }] };
    const r = await deployModel({ sql: conn, source, version, plan, createModelTable: true });
    const results = [];
    for (const batch of r.script.batches) {
      const out = await conn.runBatch(batch);
      assert.deepEqual(out.errors, [], batch);
      results.push(out);
    }
    const last = results[results.length - 1]!.resultSets[0]!;
    assert.equal(last.rows.length, 50);
    assert.equal(last.columns[0]!.name, 'CustomerKey');
    assert.equal(last.columns[last.columns.length - 1]!.name, plan.outputs[plan.outputs.length - 1]!.name);
  });
});
