/**
 * What is deployed, read through tedious from the local pool: model tables (hostile names too), their
 * rows with sizes, and the views and procedures that score with a row, whatever the quoting of the
 * definition (written by the wizard, or by hand with "double quotes", no quotes, '' or N'').
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { displayObjectName } from '../../../src/sql/names.js';
import { listDeployedModels, listModelTables, listScoringObjects, readModelBytes, usersOf } from '../../../src/lifecycle/deployed.js';
import { deleteModel } from '../../../src/lifecycle/delete.js';
import { inputNamesFromSchema, readBackMapping } from '../../../src/lifecycle/readback.js';
import { repoint } from '../../../src/lifecycle/repoint.js';
import { ModelInUseError } from '../../../src/lifecycle/types.js';
import { deployAndCreate, onnxBytes, planFor, startEnv, storeRow, type LifecycleEnv } from './helpers.js';

let env: LifecycleEnv;
const HOSTILE_TABLE = { schema: "ml]]'; --", name: 'Model "table] GO' };
const CASTS =
  'CAST(Cost AS real) AS Cost, CAST(Size AS real) AS Size, CAST(Price AS real) AS Price, CAST(PrimaryBrandId AS bigint) AS PrimaryBrandId, ' +
  'CAST(GenderId AS bigint) AS GenderId, CAST(MaritalStatus AS bigint) AS MaritalStatus, CAST(LowerIncomeBound AS bigint) AS LowerIncomeBound, ' +
  'CAST(UpperIncomeBound AS bigint) AS UpperIncomeBound';

before(async () => {
  env = await startEnv(30);
  await deployAndCreate(env, await planFor(env, 'aml-synapse-classifier', '1'));
  await storeRow(env, await planFor(env, 'aml-synapse-classifier', '2'));
  await env.conn.execute(`CREATE SCHEMA [ml]]]]'; --]`);
  await deployAndCreate(
    env,
    await planFor(env, 'aml-synapse-classifier', '2', {
      modelTable: HOSTILE_TABLE,
      scriptType: 'procedure',
      objectName: { schema: "ml]]'; --", name: "Score'it [now]" },
    }),
    true,
  );
  // By hand: double quotes, '' without N, lower case, a table alias on the model table.
  await env.conn.execute(
    `create view "wwi_ml"."Hand ""Quoted""" as with d as (select CustomerKey, ${CASTS} from wwi_ml.CustomerTest) ` +
      `select * from predict(model=(select m."model" from "wwi_ml"."AMLModel" as m where "ID"='aml-synapse-classifier:2'), data=d, runtime=onnx) with (label_out bigint) as p`,
  );
  // No quotes at all, no schema on the model table (dbo), the literal first.
  await env.conn.execute(`CREATE TABLE Models (ID nvarchar(100) NOT NULL, model varbinary(max) NULL)`);
  await env.conn.execute(`INSERT INTO Models SELECT ID, model FROM wwi_ml.AMLModel WHERE ID = 'aml-synapse-classifier:1'`);
  await env.conn.execute(
    `CREATE PROCEDURE wwi_ml.Bare AS BEGIN WITH d AS (SELECT ${CASTS} FROM wwi_ml.CustomerTest) ` +
      `SELECT * FROM PREDICT(MODEL = (SELECT model FROM Models WHERE N'aml-synapse-classifier:1' = ID), DATA = d, RUNTIME = ONNX) WITH (label_out bigint) AS p; END`,
  );
  // Selects a model row but does not score: not a scoring object.
  await env.conn.execute(`CREATE VIEW wwi_ml.ModelSizes AS SELECT DATALENGTH([model]) AS size FROM wwi_ml.AMLModel WHERE [ID] = N'aml-synapse-classifier:1'`);
});
after(async () => env?.close());

test('model tables: the seeded AMLModel, a table with a hostile name and a bare two-column table; other tables are not', async () => {
  const tables = await listModelTables(env.conn);
  const names = tables.map((t) => displayObjectName(t.table)).sort();
  assert.deepEqual(names, [displayObjectName(HOSTILE_TABLE), 'dbo.Models', 'wwi_ml.AMLModel'].sort());
  const aml = tables.find((t) => t.table.name === 'AMLModel')!;
  assert.equal(aml.idColumn, 'ID');
  assert.equal(aml.modelColumn, 'model');
  assert.equal(aml.columns.version, 'version');
  assert.equal(aml.columns.inputs_schema, 'inputs_schema');
  assert.deepEqual(Object.keys(tables.find((t) => t.table.name === 'Models')!.columns), []);
});

test('deployed models: each row with its size (the ONNX file length), name, version and schemas', async () => {
  const aml = (await listModelTables(env.conn)).find((t) => t.table.name === 'AMLModel')!;
  const models = await listDeployedModels(env.conn, aml);
  assert.deepEqual(
    models.map((m) => m.id),
    ['aml-synapse-classifier:1', 'aml-synapse-classifier:2'],
  );
  const v1 = await onnxBytes(env, 'aml-synapse-classifier', '1');
  assert.equal(models[0]!.sizeBytes, v1.byteLength);
  assert.equal(models[0]!.name, 'aml-synapse-classifier');
  assert.equal(models[0]!.version, '1');
  assert.ok(models[0]!.createdTime instanceof Date);
  assert.match(models[0]!.inputsSchema ?? '', /Cost/);
  const bytes = await readModelBytes(env.conn, aml, 'aml-synapse-classifier:1');
  assert.equal(Buffer.compare(Buffer.from(bytes), v1), 0, 'the stored bytes are the ONNX file');
  await assert.rejects(readModelBytes(env.conn, aml, 'nope:1'), /There is no model 'nope:1' in wwi_ml\.AMLModel/);
});

test('scoring objects: found whatever the quoting; a view that selects a model row without PREDICT is not one', async () => {
  const objects = await listScoringObjects(env.conn);
  const seen = objects.map((o) => `${o.kind} ${displayObjectName(o.name)} -> ${displayObjectName(o.modelTable)} ${o.modelId}`).sort();
  assert.deepEqual(
    seen,
    [
      `procedure ml]]'; --.Score'it [now] -> ${displayObjectName(HOSTILE_TABLE)} aml-synapse-classifier:2`,
      'procedure wwi_ml.Bare -> Models aml-synapse-classifier:1',
      'view wwi_ml.CustomerPrediction -> wwi_ml.AMLModel aml-synapse-classifier:1',
      'view wwi_ml.Hand "Quoted" -> wwi_ml.AMLModel aml-synapse-classifier:2',
    ].sort(),
  );
  assert.deepEqual(
    usersOf(objects, { schema: 'wwi_ml', name: 'AMLModel' }, 'AML-synapse-classifier:1').map((o) => o.name.name),
    ['CustomerPrediction'],
    'IDs compare as the server compares them (case-insensitive)',
  );
  assert.deepEqual(
    usersOf(objects, { schema: 'dbo', name: 'models' }, 'aml-synapse-classifier:1').map((o) => o.name.name),
    ['Bare'],
  );
});

test("without sys.sql_modules, the pool's INFORMATION_SCHEMA with OBJECT_DEFINITION finds the same objects", async () => {
  const noModules = {
    query: (sql: string, params?: never) =>
      sql.includes('sys.sql_modules') ? Promise.reject(new Error("Invalid object name 'sys.sql_modules'.")) : env.conn.query(sql, params),
  };
  const key = (o: { kind: string; name: { schema?: string; name: string }; modelId: string; definition: string }) => [
    o.kind,
    o.name.schema,
    o.name.name,
    o.modelId,
    o.definition,
  ];
  const viaModules = (await listScoringObjects(env.conn)).map(key);
  const viaInformationSchema = (await listScoringObjects(noModules)).map(key);
  assert.equal(viaModules.length, 4);
  assert.deepEqual(
    viaInformationSchema.sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
    viaModules.sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
  );
});

test('delete model: refused while a view or procedure uses it, listing them; otherwise one row goes', async () => {
  const aml = (await listModelTables(env.conn)).find((t) => t.table.name === 'AMLModel')!;
  await assert.rejects(deleteModel(env.conn, aml, 'aml-synapse-classifier:2'), (e: unknown) => {
    assert.ok(e instanceof ModelInUseError);
    assert.deepEqual(
      e.users.map((u) => displayObjectName(u.name)),
      ['wwi_ml.Hand "Quoted"'],
    );
    assert.equal(
      e.message,
      `The model 'aml-synapse-classifier:2' in wwi_ml.AMLModel cannot be deleted: it is used by view wwi_ml.Hand "Quoted". Move them to another version (Upgrade or Roll back) or drop them first.`,
    );
    return true;
  });
  await env.conn.execute(
    `INSERT INTO wwi_ml.AMLModel (ID, name, version, model) SELECT N'spare''s:3', name, 3, model FROM wwi_ml.AMLModel WHERE ID = 'aml-synapse-classifier:1'`,
  );
  await deleteModel(env.conn, aml, "spare's:3");
  assert.deepEqual(
    (await listDeployedModels(env.conn, aml)).map((m) => m.id),
    ['aml-synapse-classifier:1', 'aml-synapse-classifier:2'],
  );
  await assert.rejects(deleteModel(env.conn, aml, "spare's:3"), /There is no model 'spare's:3' in wwi_ml\.AMLModel/);
  const hostile = (await listModelTables(env.conn)).find((t) => t.table.name === HOSTILE_TABLE.name)!;
  await assert.rejects(deleteModel(env.conn, hostile, 'aml-synapse-classifier:2'), /used by procedure ml\]\]'; --\.Score'it \[now\]/);
});

test('a hand-written view (double quotes, lower case) is read back from the pool and moved to another version', async () => {
  const hand = (await listScoringObjects(env.conn)).find((o) => o.name.name === 'Hand "Quoted"')!;
  const aml = (await listModelTables(env.conn)).find((t) => t.table.name === 'AMLModel')!;
  const row = (await listDeployedModels(env.conn, aml)).find((m) => m.id === hand.modelId);
  const mapping = readBackMapping(hand, { modelInputs: inputNamesFromSchema(row?.inputsSchema) });
  assert.deepEqual(mapping.passThrough, ['CustomerKey']);
  assert.equal(mapping.inputs.length, 8);
  await repoint({ db: env.conn, objects: [mapping], toModelId: 'aml-synapse-classifier:1' });
  const after = (await listScoringObjects(env.conn)).find((o) => o.name.name === 'Hand "Quoted"')!;
  assert.equal(after.modelId, 'aml-synapse-classifier:1');
  assert.match(after.definition, /ALTER VIEW \[wwi_ml\]\.\[Hand "Quoted"\]\nAS\n/, "rewritten in the generator's shape");
  const rows = (await env.conn.query(`SELECT * FROM [wwi_ml].[Hand "Quoted"]`)).resultSets[0]!;
  assert.equal(rows.rows.length, 30);
  assert.deepEqual(rows.columns.map((c) => c.name).slice(0, 2), ['CustomerKey', 'Cost']);
});
