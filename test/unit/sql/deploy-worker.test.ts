/**
 * The deploy's check through the ONNX worker process, as the extension runs it. The check runs while
 * the row is sent, and the row commits only after it: a cancel while the deploy waits for it kills
 * the worker and rolls everything back; a worker killed mid-load (as the out-of-memory killer does)
 * fails the check with what happened, not "corrupt", and rolls the row back; the log names the
 * memory the load took.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployModel, DeployError } from '../../../src/wizard/deploy.js';
import { sharedOnnxWorker, shutdownOnnxWorker } from '../../../src/models/onnx-worker.js';
import type { ScoringPlan } from '../../../src/sql/script.js';
import type { ModelVersionInfo } from '../../../src/models/source.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { CUSTOMER_FEATURES } from '../../../src/samples/customers.js';
import { FakeSql } from '../../support/fake-sql.js';

const version: ModelVersionInfo = {
  sourceId: 'local:/m',
  modelName: 'large-tree-ensemble',
  version: '1',
  flavors: ['onnx'],
  tags: {},
  isOnnx: true,
  framework: 'onnx',
};
const plan: ScoringPlan = {
  target: 'synapse-dedicated',
  source: { schema: 'wwi_ml', name: 'CustomerTest' },
  inputs: CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, sourceType: { name: 'float' }, modelInput: f, inputType: { name: 'real' } })),
  outputs: [{ name: 'label_out', type: { name: 'bigint' } }],
  scriptType: 'view',
  objectName: { schema: 'wwi_ml', name: 'CustomerPrediction' },
  modelTable: { schema: 'wwi_ml', name: 'Models' },
  modelId: 'large-tree-ensemble:1',
};

let dir: string;
let path: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-worker-'));
  path = join(dir, 'large.onnx');
  await writeFile(path, buildSampleModel('large-tree-ensemble', { targetBytes: 20 * 1024 * 1024 }).onnx);
});
after(async () => {
  await shutdownOnnxWorker();
  await rm(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts a deploy and waits until the row has been sent and the deploy waits for ONNX Runtime's
 * check, which still runs in the worker; returns the worker's pid.
 */
async function deployUntilCheck(sql: FakeSql, signal?: AbortSignal): Promise<{ deploy: Promise<unknown>; pid: number }> {
  const lines: string[] = [];
  const deploy = deployModel({
    sql,
    source: { download: async () => ({ version, dir, onnxPath: path, fromCache: true }) },
    version,
    plan,
    createModelTable: true,
    signal,
    log: (l) => lines.push(l),
  });
  let settled = false;
  deploy.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (;;) {
    const pid = sharedOnnxWorker().pid;
    if (pid !== undefined && lines.some((l) => l.includes('waiting for ONNX Runtime'))) return { deploy, pid };
    if (settled) throw new Error(`the deploy ended before it waited for ONNX Runtime's check:\n${lines.join('\n')}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Nothing is left: the row's transaction rolled back and the table the deploy created is dropped. */
function assertRolledBack(sql: FakeSql): void {
  const heads = sql.heads();
  assert.ok(
    heads.some((h) => h.startsWith('INSERT INTO')),
    'the row was sent while the check ran',
  );
  assert.ok(!heads.includes('COMMIT TRANSACTION'), heads.join('|'));
  assert.deepEqual(heads.slice(-2), ['ROLLBACK TRANSACTION', 'DROP TABLE [wwi_ml].[Models]']);
}

describe('deploy check in the ONNX worker', () => {
  test('a cancel during the check kills the worker and changes nothing', async () => {
    const sql = new FakeSql({ rollback: 'ROLLBACK TRANSACTION' });
    const abort = new AbortController();
    const { deploy, pid } = await deployUntilCheck(sql, abort.signal);
    abort.abort();
    await assert.rejects(deploy, (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.cancelled, true);
      assert.equal(e.message, 'Deploy cancelled while checking the model with ONNX Runtime. Nothing was changed in the database.');
      return true;
    });
    assert.equal(alive(pid), false);
    assertRolledBack(sql);
  });

  test('a worker killed mid-load fails the check saying so, and the next deploy works', async () => {
    const sql = new FakeSql({ rollback: 'ROLLBACK TRANSACTION' });
    const { deploy, pid } = await deployUntilCheck(sql);
    process.kill(pid, 'SIGKILL');
    await assert.rejects(deploy, (e: unknown) => {
      assert.ok(e instanceof DeployError);
      assert.equal(e.step, 'check');
      assert.match(
        e.message,
        /^Deploy failed while checking the model with ONNX Runtime: The ONNX Runtime process was killed \(SIGKILL\) while loading the model.*; the machine may be short of memory for this model\. Close other programs or use a machine with more memory, then try again\. The model row was rolled back: nothing was stored\.$/,
      );
      return true;
    });
    assertRolledBack(sql);
    const lines: string[] = [];
    const again = new FakeSql({ rollback: 'ROLLBACK TRANSACTION' });
    const r = await deployModel({
      sql: again,
      source: { download: async () => ({ version, dir, onnxPath: path, fromCache: true }) },
      version,
      plan,
      createModelTable: true,
      log: (l) => lines.push(l),
    });
    assert.equal(r.createdTable, true);
    assert.ok(again.heads().includes('COMMIT TRANSACTION'));
    assert.ok(
      lines.some((l) => /^deploy large-tree-ensemble:1: ONNX Runtime loaded the model using \d+ MB$/.test(l)),
      lines.join('\n'),
    );
  });
});
