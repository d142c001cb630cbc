/**
 * Upgrade and rollback through tedious on the local pool, hostile names everywhere: a failure
 * injected at each statement of an upgrade (store, each rewrite, delete) and a cancel between
 * rewrites leave every object working, on the old or the new version, and the error says which;
 * every object's rows then equal onnxruntime-node's scoring of the version it reports.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { listScoringObjects, listDeployedModels, listModelTables } from '../../../src/lifecycle/deployed.js';
import { readBackMapping, toScoringPlan } from '../../../src/lifecycle/readback.js';
import { parseSqlType } from '../../../src/sql/types.js';
import { compareVersions } from '../../../src/lifecycle/compare.js';
import { previousVersionId, repoint } from '../../../src/lifecycle/repoint.js';
import { RepointError, type LifecycleSql, type ReadBackMapping, type RepointStep } from '../../../src/lifecycle/types.js';
import { MODEL_TABLE_COLUMNS, type ModelRow } from '../../../src/sql/model-table.js';
import { displayObjectName, quoteObjectName, sameName, type ObjectName } from '../../../src/sql/names.js';
import type { SqlConnection } from '../../../src/sql/client/connection.js';
import { CUSTOMER_FEATURES, FLOAT_FEATURES } from '../../../src/samples/customers.js';
import { deployAndCreate, onnxBytes, planFor, startEnv, type LifecycleEnv } from './helpers.js';

const SCHEMA = "ml]]'; --";
const TABLE: ObjectName = { schema: SCHEMA, name: 'Model "table] GO' };
const VIEW: ObjectName = { schema: SCHEMA, name: "Predict'ion] GO" };
const PROC: ObjectName = { schema: SCHEMA, name: 'Score [it]\nnow' };
const V1 = 'aml-synapse-classifier:1';
const V2 = 'aml-synapse-classifier:2';

let env: LifecycleEnv;
/** model ID → CustomerKey → label, scored directly with onnxruntime-node. */
const expected = new Map<string, Map<number, bigint>>();

async function directScores(onnx: Uint8Array): Promise<Map<number, bigint>> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnx);
  const rows = (await env.conn.query(`SELECT CustomerKey, ${CUSTOMER_FEATURES.join(', ')} FROM wwi_ml.CustomerTest`)).resultSets[0]!.rows;
  const out = new Map<number, bigint>();
  for (const r of rows) {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    CUSTOMER_FEATURES.forEach((f, i) => {
      const v = Number(r[i + 1]);
      feeds[f] = FLOAT_FEATURES.includes(f)
        ? new ort.Tensor('float32', Float32Array.of(v), [1, 1])
        : new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.trunc(v))), [1, 1]);
    });
    const res = await session.run(feeds, ['label_out']);
    out.set(Number(r[0]), BigInt(res.label_out!.data[0] as bigint));
  }
  await session.release();
  return out;
}

async function newRow(id: string): Promise<ModelRow> {
  const [name, version] = [id.slice(0, id.lastIndexOf(':')), id.slice(id.lastIndexOf(':') + 1)];
  return {
    table: TABLE,
    modelId: id,
    name,
    version,
    model: await onnxBytes(env, name, version),
    framework: 'onnx',
    existingColumns: MODEL_TABLE_COLUMNS.map((c) => c.key),
  };
}

async function mappings(): Promise<ReadBackMapping[]> {
  const objects = (await listScoringObjects(env.conn)).filter((o) => sameName(o.name.schema ?? '', SCHEMA));
  return objects.map((o) => readBackMapping(o)).sort((a, b) => a.objectName.name.localeCompare(b.objectName.name));
}

/** Each object's rows equal direct scoring of the model ID it uses now, and that ID is `want` when given. */
async function assertScoring(state: readonly { object: ObjectName; modelId: string }[], want?: Record<string, string>): Promise<void> {
  const now = await mappings();
  assert.equal(now.length, 2);
  for (const s of state) {
    const m = now.find((x) => x.objectName.name === s.object.name)!;
    assert.equal(m.modelId, s.modelId, `${displayObjectName(s.object)} uses the version the error reports`);
    if (want) assert.equal(s.modelId, want[s.object.name]);
    const sql = m.scriptType === 'view' ? `SELECT * FROM ${quoteObjectName(s.object)}` : `EXEC ${quoteObjectName(s.object)}`;
    const set = (await env.conn.query(sql)).resultSets[0]!;
    const key = set.columns.findIndex((c) => c.name === 'CustomerKey');
    const label = set.columns.findIndex((c) => c.name === 'label_out');
    const exp = expected.get(s.modelId)!;
    assert.equal(set.rows.length, exp.size);
    const wrong = set.rows.filter((r) => BigInt(r[label] as number) !== exp.get(Number(r[key])));
    assert.equal(wrong.length, 0, `${displayObjectName(s.object)}: ${wrong.length} rows differ from ${s.modelId} scored directly`);
  }
}

/** The connection, failing its Nth statement (counted over execute, including inside transactions). */
function failingAt(n: number, log: string[]): LifecycleSql {
  let count = 0;
  const wrap = (c: SqlConnection): SqlConnection =>
    ({
      query: (sql: string, params?: never) => c.query(sql, params),
      execute: async (sql: string, params?: never) => {
        count++;
        log.push(
          sql
            .split('\n')
            .find((l) => !l.startsWith('--'))!
            .slice(0, 14),
        );
        if (count === n) throw new Error(`injected failure at statement ${n}`);
        return c.execute(sql, params);
      },
      transaction: <T>(work: (tx: SqlConnection) => Promise<T>) => c.transaction((tx) => work(wrap(tx))),
      cancel: () => c.cancel(),
    }) as unknown as SqlConnection;
  return wrap(env.conn);
}

before(async () => {
  env = await startEnv(40);
  await env.conn.execute(`CREATE SCHEMA ${quoteObjectName({ name: SCHEMA })}`);
  const passThrough = [{ column: 'CustomerKey', type: { name: 'int' } }];
  await deployAndCreate(env, await planFor(env, 'aml-synapse-classifier', '1', { modelTable: TABLE, objectName: VIEW, passThrough }), true);
  await deployAndCreate(env, await planFor(env, 'aml-synapse-classifier', '1', { modelTable: TABLE, objectName: PROC, scriptType: 'procedure', passThrough }));
  expected.set(V1, await directScores(await onnxBytes(env, 'aml-synapse-classifier', '1')));
  expected.set(V2, await directScores(await onnxBytes(env, 'aml-synapse-classifier', '2')));
  assert.notDeepEqual([...expected.get(V1)!.values()], [...expected.get(V2)!.values()], 'the two versions disagree somewhere, so the test can tell them apart');
});
after(async () => env?.close());

test('the objects start on version 1 and score as onnxruntime does', async () => {
  const m = await mappings();
  assert.deepEqual(
    m.map((x) => [x.scriptType, x.modelId, x.passThrough]),
    [
      ['view', V1, ['CustomerKey']],
      ['procedure', V1, ['CustomerKey']],
    ],
  );
  await assertScoring(
    m.map((x) => ({ object: x.objectName, modelId: x.modelId })),
    { [VIEW.name]: V1, [PROC.name]: V1 },
  );
});

test('a failure at each statement of an upgrade leaves every object on version 1 or 2, as the error says', async () => {
  // Statements of a full upgrade: DELETE + INSERT of the new row, ALTER ×2, DELETE of the old row.
  const expectations: [number, RepointStep, Record<string, string>][] = [
    [1, 'store', { [VIEW.name]: V1, [PROC.name]: V1 }],
    [2, 'store', { [VIEW.name]: V1, [PROC.name]: V1 }],
    [3, 'rewrite', { [VIEW.name]: V1, [PROC.name]: V1 }],
    [4, 'rewrite', { [VIEW.name]: V2, [PROC.name]: V1 }],
    [5, 'delete-old', { [VIEW.name]: V2, [PROC.name]: V2 }],
  ];
  for (const [n, step, want] of expectations) {
    const log: string[] = [];
    const objects = await mappings();
    await assert.rejects(repoint({ db: failingAt(n, log), objects, toModelId: V2, newRow: await newRow(V2), deleteOldRow: true }), (e: unknown) => {
      assert.ok(e instanceof RepointError, String(e));
      assert.equal(e.step, step, `statement ${n} (${log.join(' | ')})`);
      assert.match(e.message, new RegExp(`injected failure at statement ${n}`));
      for (const s of e.state) assert.ok(e.message.includes(`${displayObjectName(s.object)} uses ${s.modelId}`), e.message);
      return true;
    });
    const state = (await mappings()).map((m) => ({ object: m.objectName, modelId: m.modelId }));
    await assertScoring(state, want);
    const ids = (
      await listDeployedModels(
        env.conn,
        (await listModelTables(env.conn)).find((t) => t.table.name === TABLE.name)!,
      )
    ).map((m) => m.id);
    assert.ok(ids.includes(V1), `after a failure at statement ${n} the old row is still there`);
    // Back to version 1 for the next round (the row of version 1 is still stored).
    const moved = (await mappings()).filter((m) => m.modelId !== V1);
    if (moved.length) await repoint({ db: env.conn, objects: moved, toModelId: V1 });
  }
});

test('compare versions: the agreement and confusion table of 1 and 2 equal a direct onnxruntime computation', async () => {
  // Version 2's row was stored by the upgrades above; the objects are back on version 1.
  const view = (await mappings()).find((m) => m.scriptType === 'view')!;
  const table = (await listModelTables(env.conn)).find((t) => t.table.name === TABLE.name)!;
  const report = await compareVersions({ db: env.conn, object: view, modelTable: table, otherId: V2 });
  const a = expected.get(V1)!;
  const b = expected.get(V2)!;
  const keys = [...a.keys()];
  assert.equal(report.rows, keys.length);
  assert.equal(report.kind, 'classifier');
  assert.equal(report.output, 'label_out');
  const same = keys.filter((k) => a.get(k) === b.get(k)).length;
  assert.equal(report.agreement, same / keys.length);
  const labels = report.confusion!.labels;
  for (const k of keys) assert.ok(labels.includes(String(a.get(k))) && labels.includes(String(b.get(k))));
  const cell = (x: bigint, y: bigint) => keys.filter((k) => a.get(k) === x && b.get(k) === y).length;
  labels.forEach((x, i) => labels.forEach((y, j) => assert.equal(report.confusion!.counts[i]![j], cell(BigInt(x), BigInt(y)), `A ${x}, B ${y}`)));
  assert.equal(report.differing.length, Math.min(50, keys.length - same));
  for (const d of report.differing) {
    const k = Number(d.key.CustomerKey);
    assert.deepEqual([d.a, d.b], [String(a.get(k)), String(b.get(k))], 'each differing row is named by its key and shows both labels');
  }
  const first10 = await compareVersions({ db: env.conn, object: view, modelTable: table, otherId: V2, rows: 10 });
  assert.equal(first10.rows, 10);
  await assert.rejects(compareVersions({ db: env.conn, object: view, modelTable: table, otherId: 'nope:9' }), /There is no model 'nope:9'/);
  assert.deepEqual(
    (await mappings()).map((m) => m.modelId),
    [V1, V1],
    'nothing is deployed by a comparison',
  );
});

test('a cancel between two rewrites leaves the first object on the new version and says so', async () => {
  const abort = new AbortController();
  const objects = await mappings();
  await assert.rejects(
    repoint({
      db: env.conn,
      objects,
      toModelId: V2,
      newRow: await newRow(V2),
      signal: abort.signal,
      progress: (step, detail) => {
        if (step === 'rewrite' && detail.includes(PROC.name)) abort.abort();
      },
    }),
    (e: unknown) => {
      assert.ok(e instanceof RepointError);
      assert.equal(e.cancelled, true);
      assert.equal(e.step, 'rewrite');
      assert.match(e.message, /^Cancelled while rewriting the scoring objects\. Every object still works: /);
      assert.deepEqual(
        e.state.map((s) => [s.object.name, s.modelId]),
        [
          [VIEW.name, V2],
          [PROC.name, V1],
        ],
      );
      return true;
    },
  );
  await assertScoring(
    (await mappings()).map((m) => ({ object: m.objectName, modelId: m.modelId })),
    { [VIEW.name]: V2, [PROC.name]: V1 },
  );
  await repoint({ db: env.conn, objects: (await mappings()).filter((m) => m.modelId !== V1), toModelId: V1 });
});

test('a version that does not fit the mapping is refused before anything changes', async () => {
  const objects = await mappings();
  const row = { ...(await newRow('marital-status-encoder:1')) };
  await assert.rejects(repoint({ db: env.conn, objects, toModelId: row.modelId, newRow: row }), (e: unknown) => {
    assert.ok(e instanceof RepointError);
    assert.equal(e.step, 'check');
    assert.match(e.message, /Failed while checking the new version against the mapping: .*the model has no input 'Cost'/);
    return true;
  });
  const ids = (
    await listDeployedModels(
      env.conn,
      (await listModelTables(env.conn)).find((t) => t.table.name === TABLE.name)!,
    )
  ).map((m) => m.id);
  assert.ok(!ids.includes('marital-status-encoder:1'), 'the row of a refused version is not stored');
  await assertScoring(
    (await mappings()).map((m) => ({ object: m.objectName, modelId: m.modelId })),
    { [VIEW.name]: V1, [PROC.name]: V1 },
  );
});

test('upgrade then roll back to the previous version still in the table', async () => {
  const r = await repoint({ db: env.conn, objects: await mappings(), toModelId: V2, newRow: await newRow(V2) });
  assert.equal(r.storedId, V2);
  assert.equal(r.rewritten.length, 2);
  await assertScoring(
    (await mappings()).map((m) => ({ object: m.objectName, modelId: m.modelId })),
    { [VIEW.name]: V2, [PROC.name]: V2 },
  );

  const table = (await listModelTables(env.conn)).find((t) => t.table.name === TABLE.name)!;
  const previous = previousVersionId(await listDeployedModels(env.conn, table), V2);
  assert.equal(previous, V1);
  const back = await repoint({ db: env.conn, objects: await mappings(), toModelId: previous!, deleteOldRow: true });
  assert.equal(back.deletedId, V2);
  await assertScoring(
    (await mappings()).map((m) => ({ object: m.objectName, modelId: m.modelId })),
    { [VIEW.name]: V1, [PROC.name]: V1 },
  );
  assert.deepEqual(
    (await listDeployedModels(env.conn, table)).map((m) => m.id),
    [V1],
  );
  await assert.rejects(
    repoint({ db: env.conn, objects: await mappings(), toModelId: V2 }),
    /there is no model 'aml-synapse-classifier:2' with bytes in .*deploy that version first/,
  );
});

test('with the wizard’s plans: each object is rewritten with its new mapping and checked against it', async () => {
  const objects = await mappings();
  const sourceColumns = (await env.conn.query('SELECT TOP (0) * FROM wwi_ml.CustomerTest')).resultSets[0]!.columns.map((c) => ({
    name: c.name,
    type: parseSqlType(c.type),
  }));
  const plans = objects.map((m) => ({
    ...toScoringPlan(m, { target: 'synapse-dedicated', sourceColumns }),
    outputs: [{ name: 'label_out', type: parseSqlType('int') }],
  }));
  const r = await repoint({ db: env.conn, objects, toModelId: V2, newRow: await newRow(V2), plans });
  assert.equal(r.rewritten.length, 2);
  const now = await mappings();
  assert.deepEqual(
    now.map((m) => [m.modelId, m.outputs.map((o) => `${o.name} ${o.type.name}`)]),
    [
      [V2, ['label_out int']],
      [V2, ['label_out int']],
    ],
  );
  await assertScoring(
    now.map((m) => ({ object: m.objectName, modelId: m.modelId })),
    { [VIEW.name]: V2, [PROC.name]: V2 },
  );
  const wrong = plans.map((p) => ({ ...p, inputs: p.inputs.map((i) => (i.modelInput === 'Cost' ? { ...i, inputType: parseSqlType('float') } : i)) }));
  await assert.rejects(repoint({ db: env.conn, objects: now, toModelId: V1, plans: wrong }), (e: unknown) => {
    assert.ok(e instanceof RepointError);
    assert.equal(e.step, 'check');
    assert.match(e.message, /the model input 'Cost' takes float32 values, but the object feeds it float \(float64\)/);
    return true;
  });
});
