import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createModelTableSql,
  checkModelTable,
  modelRowStatements,
  MODEL_TABLE_COLUMNS,
  ScriptPlanError,
  type ExistingColumn,
} from '../../../src/sql/script.js';
import { parseSqlType } from '../../../src/sql/types.js';
import { dropIfExistsSql, dialectFor, DIALECTS } from '../../../src/sql/dialect.js';

const p = parseSqlType;
const table = { schema: 'wwi_ml', name: 'AMLModel' };
const labColumns: ExistingColumn[] = MODEL_TABLE_COLUMNS.map((c) => ({ name: c.key, type: c.type, nullable: c.nullable }));

test('the new model table has the lab schema; REPLICATE, HEAP on a dedicated pool only', () => {
  const dedicated = createModelTableSql(table, 'synapse-dedicated');
  const mi = createModelTableSql(table, 'sql-mi');
  assert.match(dedicated, /^CREATE TABLE \[wwi_ml\]\.\[AMLModel\]\n\(\n/);
  assert.match(dedicated, /\n\)\nWITH \(DISTRIBUTION = REPLICATE, HEAP\)$/);
  assert.doesNotMatch(mi, /DISTRIBUTION|HEAP/);
  assert.match(mi, /\n\)$/);
  for (const line of [
    '[ID]             [nvarchar](1024) NOT NULL,',
    '[model]          [varbinary](max) NULL,',
    '[created_time]   [datetime2](7) NULL,',
    '[outputs_schema] [nvarchar](max) NULL',
  ]) {
    assert.ok(dedicated.includes(`    ${line}`), line);
  }
  assert.equal(createModelTableSql({ schema: 'a]b', name: "m'" }, 'sql-mi').split('\n')[0], "CREATE TABLE [a]]b].[m']");
});

test('an existing table with the lab schema is accepted and all optional columns are found', () => {
  const r = checkModelTable(labColumns, { modelId: 'aml-synapse-classifier:1' });
  assert.deepEqual(r.problems, []);
  assert.equal(r.ok, true);
  assert.deepEqual(r.optionalColumns, ['name', 'description', 'version', 'created_time', 'created_by', 'framework', 'inputs_schema', 'outputs_schema']);
});

test('ID and model are enough; names compare case-insensitively and keep the table’s spelling', () => {
  const r = checkModelTable([
    { name: 'id', type: p('varchar(100)') },
    { name: 'MODEL', type: p('varbinary(max)') },
    { name: 'Framework', type: p('nvarchar(20)') },
  ]);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.columns, { ID: 'id', model: 'MODEL', framework: 'Framework' });
  assert.deepEqual(r.optionalColumns, ['framework']);
});

test('problems with an existing table are explained so the user can act', () => {
  const check = (cols: ExistingColumn[], modelId?: string) => checkModelTable(cols, { table, modelId }).problems;
  assert.deepEqual(check([{ name: 'model', type: p('varbinary(max)') }]), [
    "The table wwi_ml.AMLModel has no ID column; a model table needs an ID column of a text type (nvarchar(1024) in the lab's AMLModel) to find the model by '<name>:<version>'.",
  ]);
  assert.deepEqual(check([{ name: 'ID', type: p('nvarchar(100)') }]), [
    'The table wwi_ml.AMLModel has no model column; a model table needs a model column of type varbinary(max) to hold the ONNX file.',
  ]);
  assert.deepEqual(
    check([
      { name: 'ID', type: p('int') },
      { name: 'model', type: p('varbinary(8000)') },
    ]),
    [
      'The column ID in wwi_ml.AMLModel is int; it must be a text type such as nvarchar(1024).',
      'The column model in wwi_ml.AMLModel is varbinary(8000); it must be varbinary(max).',
    ],
  );
  assert.deepEqual(
    check(
      [
        { name: 'ID', type: p('nvarchar(10)') },
        { name: 'model', type: p('varbinary(max)') },
      ],
      'aml-synapse-classifier:1',
    ),
    ["The ID column ID in wwi_ml.AMLModel holds 10 characters, but the model ID 'aml-synapse-classifier:1' has 24; widen the column or choose another table."],
  );
  assert.deepEqual(
    check(
      [
        { name: 'ID', type: p('varchar(100)') },
        { name: 'model', type: p('varbinary(max)') },
      ],
      'modèle:1',
    ),
    ["The ID column ID in wwi_ml.AMLModel is varchar(100), which may not keep the non-ASCII characters of the model ID 'modèle:1'; use an nvarchar column."],
  );
  assert.deepEqual(
    check([
      { name: 'ID', type: p('nvarchar(100)') },
      { name: 'model', type: p('varbinary(max)') },
      { name: 'created_time', type: p('int') },
      { name: 'owner', type: p('nvarchar(50)'), nullable: false },
      { name: 'row_id', type: p('int'), nullable: false, filledByServer: true },
    ]),
    [
      "The column created_time in wwi_ml.AMLModel is int; to hold the model's created_time it must be a date-and-time type such as datetime2. Change its type or choose another table.",
      'The column owner in wwi_ml.AMLModel does not allow NULL and has no default, and the wizard does not know what to put in it; choose another table or give the column a default.',
    ],
  );
});

test('model row statements: DELETE then INSERT, bytes as a varbinary(max) parameter, only existing columns', () => {
  const bytes = new Uint8Array([0x08, 0x07, 0x12, 0x00, 0xff]);
  const stmts = modelRowStatements({
    table,
    modelId: "it's:2",
    name: "it's",
    version: '2',
    model: bytes,
    framework: 'onnx',
    description: 'not written: no column',
    existingColumns: ['Id', 'Model', 'NAME', 'version', 'framework'],
  });
  assert.equal(stmts.length, 2);
  assert.equal(stmts[0]!.sql, 'DELETE FROM [wwi_ml].[AMLModel] WHERE [Id] = @id;');
  assert.deepEqual(stmts[0]!.params, [{ name: '@id', type: { name: 'nvarchar', length: 4000 }, value: "it's:2" }]);
  assert.equal(
    stmts[1]!.sql,
    'INSERT INTO [wwi_ml].[AMLModel] ([Id], [NAME], [version], [framework], [Model])\nVALUES (@id, @name, @version, @framework, @model);',
  );
  const model = stmts[1]!.params.find((x) => x.name === '@model')!;
  assert.deepEqual(model.type, { name: 'varbinary', length: 'max' });
  assert.equal(model.value, bytes, 'the caller’s bytes are the parameter value');
  assert.equal(stmts[1]!.params.at(-1), model, 'the model bytes are the last parameter, so a server can stream them');
  assert.deepEqual(
    stmts[1]!.params.find((x) => x.name === '@version'),
    { name: '@version', type: { name: 'int' }, value: 2 },
  );
  // No value ever appears in the SQL text: no hex literal, no quoted ID.
  for (const s of stmts) {
    assert.doesNotMatch(s.sql, /0x|it's|N'/);
  }
});

test('a non-numeric version is written as text; long schemas use nvarchar(max)', () => {
  const stmts = modelRowStatements({
    table,
    modelId: 'm:v2-beta',
    name: 'm',
    version: 'v2-beta',
    model: new Uint8Array(1),
    inputsSchema: 'x'.repeat(5000),
    existingColumns: MODEL_TABLE_COLUMNS.map((c) => c.key),
  });
  const params = stmts[1]!.params;
  assert.deepEqual(params.find((x) => x.name === '@version')!.type, { name: 'nvarchar', length: 4000 });
  assert.deepEqual(params.find((x) => x.name === '@inputs_schema')!.type, { name: 'nvarchar', length: 'max' });
});

test('model row statements refuse a table without ID or model, and an empty model ID', () => {
  assert.throws(
    () => modelRowStatements({ table, modelId: 'm:1', name: 'm', version: 1, model: new Uint8Array(1), existingColumns: ['ID'] }),
    (e: unknown) =>
      e instanceof ScriptPlanError &&
      e.message === 'The table wwi_ml.AMLModel needs an ID column and a model column to hold models; choose another table or create a new one.',
  );
  assert.throws(
    () => modelRowStatements({ table, modelId: '', name: 'm', version: 1, model: new Uint8Array(1), existingColumns: ['ID', 'model'] }),
    (e: unknown) => e instanceof ScriptPlanError && e.message === 'The model ID is empty; it should be <name>:<version>.',
  );
});

test('dialects: one drop shape for every target, RUNTIME = ONNX required except on Managed Instance', () => {
  assert.equal(
    dropIfExistsSql('view', { schema: 'wwi_ml', name: 'CustomerPrediction' }),
    "IF OBJECT_ID(N'[wwi_ml].[CustomerPrediction]', N'V') IS NOT NULL DROP VIEW [wwi_ml].[CustomerPrediction];",
  );
  assert.equal(dropIfExistsSql('procedure', { schema: "a'b", name: 'p]' }), "IF OBJECT_ID(N'[a''b].[p]]]', N'P') IS NOT NULL DROP PROCEDURE [a'b].[p]]];");
  assert.equal(dropIfExistsSql('table', { name: 't' }), "IF OBJECT_ID(N'[t]', N'U') IS NOT NULL DROP TABLE [t];");
  assert.equal(dialectFor('synapse-dedicated').runtimeOnnx, 'required');
  assert.equal(dialectFor('sql-mi').runtimeOnnx, 'optional');
  assert.equal(dialectFor('sql-edge').runtimeOnnx, 'required');
  assert.equal(DIALECTS['synapse-dedicated'].supportsCreateOrAlter, false);
  assert.equal(dialectFor('sql-mi').modelTableOptions, undefined);
  assert.throws(() => dialectFor('serverless' as 'sql-mi'), { message: "Unknown target 'serverless'; use one of synapse-dedicated, sql-mi, sql-edge." });
});
