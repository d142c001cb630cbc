/**
 * Reading a mapping back from a scoring object's definition: every golden script gives back the
 * plan that generated it (and generates the same CREATE again); hand-written definitions in other
 * styles read the same; what the generator could not have written is refused with what and where.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readBackMapping, toScoringPlan } from '../../../src/lifecycle/readback.js';
import { ReadBackError, type ReadBackMapping } from '../../../src/lifecycle/types.js';
import { generateScoringScript, ScriptPlanError, type ScoringPlan } from '../../../src/sql/script.js';
import { castNeeded, castTarget, parseSqlType, type PredictTarget } from '../../../src/sql/types.js';
import { identifierProblem } from '../../../src/sql/names.js';
import { splitBatches } from '../../../src/sql/batches.js';
import { CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS, FLOAT_FEATURES, type CustomerFeature } from '../../../src/samples/customers.js';
import { GOLDEN_DIR } from '../sql/golden.js';

const p = parseSqlType;

/** The plans of test/unit/sql/script.test.ts that wrote the golden scripts. */
function labPlan(over: Partial<ScoringPlan> = {}): ScoringPlan {
  const sourceType = (f: string) => p(CUSTOMER_TEST_COLUMNS.find((c) => c.name === f)!.sqlType);
  return {
    target: 'synapse-dedicated',
    source: { schema: 'wwi_ml', name: 'CustomerTest' },
    inputs: CUSTOMER_FEATURES.map((f) => ({
      sourceColumn: f,
      sourceType: sourceType(f),
      modelInput: f,
      inputType: p(FLOAT_FEATURES.includes(f as CustomerFeature) ? 'real' : 'bigint'),
    })),
    passThrough: [{ column: 'CustomerKey', type: p('int') }],
    outputs: [{ name: 'label_out', type: p('bigint') }],
    scriptType: 'view',
    objectName: { schema: 'wwi_ml', name: 'CustomerPrediction' },
    modelTable: { schema: 'wwi_ml', name: 'AMLModel' },
    modelId: 'aml-synapse-classifier:1',
    ...over,
  };
}
function hostilePlan(scriptType: 'view' | 'procedure'): ScoringPlan {
  return {
    target: 'synapse-dedicated',
    source: { schema: "ml]'; DROP TABLE x; --", name: 'Customer\nTest /* 😀 */' },
    inputs: [
      { sourceColumn: "Cost]'--", sourceType: p('float'), modelInput: 'cost"input', inputType: p('real') },
      { sourceColumn: 'Größe\r\nzwei', sourceType: p('int'), modelInput: 'Größe\r\nzwei', inputType: p('bigint') },
      { sourceColumn: '名前', sourceType: p('nvarchar(30)'), modelInput: '名前;', inputType: p('varchar') },
    ],
    passThrough: [{ column: 'key]]', type: p('int') }],
    outputs: [
      { name: "label]'--", type: p('bigint') },
      { name: 'score\n/*', type: p('real') },
    ],
    scriptType,
    objectName: { schema: "ml]'; DROP TABLE x; --", name: "Predict'ion] GO" },
    modelTable: { schema: 'models', name: 'Model ] table' },
    modelId: "it's]:1'; --\nGO 2 x",
  };
}

function planOfGolden(file: string): ScoringPlan {
  const m = /^(lab|hostile)-(view|procedure)-(?:(existing|new)-table-)?(dedicated|mi)\.sql$/.exec(file);
  assert.ok(m, `no plan is known for the golden file ${file}`);
  const scriptType = m[2] as 'view' | 'procedure';
  if (m[1] === 'hostile') return hostilePlan(scriptType);
  const target: PredictTarget = m[4] === 'mi' ? 'sql-mi' : 'synapse-dedicated';
  return m[3] === 'new'
    ? labPlan({ target, scriptType, modelTable: { schema: 'wwi_ml', name: 'PredictModels' }, replaceExisting: true })
    : labPlan({ target, scriptType });
}

/** What reading back must give for a plan. */
function expectedMapping(plan: ScoringPlan): ReadBackMapping {
  return {
    scriptType: plan.scriptType,
    objectName: plan.objectName,
    modelTable: plan.modelTable,
    modelId: plan.modelId,
    modelColumns: { id: plan.modelColumns?.id ?? 'ID', model: plan.modelColumns?.model ?? 'model' },
    source: plan.source,
    inputs: plan.inputs.map((i) => ({
      sourceColumn: i.sourceColumn,
      modelInput: i.modelInput,
      ...(castNeeded(i.sourceType, i.inputType) ? { castType: castTarget(i.sourceType, i.inputType) } : {}),
    })),
    passThrough: (plan.passThrough ?? []).map((x) => x.column),
    outputs: plan.outputs.map((o) => ({ name: o.name, type: o.type })),
  };
}

function sourceColumnsOf(plan: ScoringPlan) {
  return [
    ...(plan.passThrough ?? []).map((x) => ({ name: x.column, type: x.type })),
    ...plan.inputs.map((i) => ({ name: i.sourceColumn, type: i.sourceType })),
  ];
}

const goldens = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.sql') && !f.endsWith('.deploy.sql'));

test('there are golden scripts to read back', () => assert.ok(goldens.length >= 10, goldens.join(', ')));

for (const file of goldens) {
  test(`read back the golden ${file}: the plan's inputs, casts, outputs, pass-through, names, model table and ID`, () => {
    const plan = planOfGolden(file);
    const generated = generateScoringScript(plan);
    const text = readFileSync(join(GOLDEN_DIR, file), 'utf8');
    const batches = splitBatches(text).map((b) => b.text);
    const create = batches.find((b) => /^\s*(--[^\n]*\n\s*)*CREATE (VIEW|PROCEDURE)/.test(b));
    assert.ok(create, `${file} has a CREATE batch`);
    const definition = file.startsWith('hostile') ? generated.batches[generated.createBatch]! : create;
    if (!file.startsWith('hostile')) assert.equal(create.trim(), generated.batches[generated.createBatch]!.trim(), 'the golden is the generator’s output');
    const m = readBackMapping({ kind: plan.scriptType, name: plan.objectName, definition });
    assert.deepEqual(m, expectedMapping(plan));
    // And back: the read-back mapping generates the same CREATE.
    const again = generateScoringScript(toScoringPlan(m, { target: plan.target, sourceColumns: sourceColumnsOf(plan) }));
    assert.equal(again.batches[again.createBatch], generated.batches[generated.createBatch]);
  });
}

test('the hostile golden files themselves read back (their line breaks as stored)', () => {
  for (const kind of ['view', 'procedure'] as const) {
    const text = readFileSync(join(GOLDEN_DIR, `hostile-${kind}-dedicated.sql`), 'utf8');
    const create = splitBatches(text)[0]!.text;
    const m = readBackMapping({ kind, name: { schema: 'x', name: 'y' }, definition: create });
    assert.equal(m.modelId.replace(/\r\n/g, '\n'), "it's]:1'; --\nGO 2 x");
    assert.deepEqual(m.passThrough, ['key]]']);
    assert.deepEqual(
      m.inputs.map((i) => i.modelInput.replace(/\r\n/g, '\n')),
      ['cost"input', 'Größe\nzwei', '名前;'],
    );
    assert.deepEqual(
      m.outputs.map((o) => o.name),
      ["label]'--", 'score\n/*'],
    );
    assert.deepEqual(m.modelTable, { schema: 'models', name: 'Model ] table' });
  }
});

const LAB = labPlan();
const expectedLab = expectedMapping(LAB);

test('hand-written definitions in other styles read the same as the generated one', () => {
  const casts =
    'CAST(Cost AS real) AS Cost, cast("Size" as REAL) "Size", Price = CONVERT(real, d.Price), CAST(PrimaryBrandId AS bigint) AS PrimaryBrandId, ' +
    'CAST(GenderId AS BIGINT) AS GenderId, CAST([MaritalStatus] AS [bigint]) AS [MaritalStatus], CAST(LowerIncomeBound AS bigint) AS LowerIncomeBound, ' +
    'CAST(UpperIncomeBound AS bigint) AS UpperIncomeBound';
  const defs = [
    `create view wwi_ml.CustomerPrediction as with d as (select CustomerKey, ${casts} from "wwi_ml"."CustomerTest" d) ` +
      `select * from predict(model=(select model from wwi_ml.AMLModel where ID='aml-synapse-classifier:1'), data=d as x, runtime=onnx) with (label_out bigint) as p`,
    `CREATE OR ALTER VIEW [wwi_ml].[CustomerPrediction] AS\n/* scored nightly */\nWITH Rows AS (SELECT [CustomerKey], ${casts}\n  FROM wwi_ml.CustomerTest)\n` +
      `SELECT * FROM PREDICT (DATA = Rows, MODEL = (SELECT m.[model] FROM [wwi_ml].[AMLModel] AS m WHERE N'aml-synapse-classifier:1' = m.[ID]), RUNTIME = ONNX)\n` +
      `WITH ([label_out] [bigint] NULL) AS p;`,
  ];
  for (const d of defs) {
    const m = readBackMapping({ kind: 'view', name: LAB.objectName, definition: d });
    assert.deepEqual({ ...m, source: { ...m.source } }, expectedLab, d);
  }
  const proc =
    `CREATE PROC wwi_ml.CustomerPrediction AS\nBEGIN\n  SET NOCOUNT ON;\n  WITH d AS (SELECT CustomerKey, ${casts} FROM wwi_ml.CustomerTest)\n` +
    `  SELECT * FROM PREDICT(MODEL = (SELECT model FROM wwi_ml.AMLModel WHERE ID = 'aml-synapse-classifier:1'), DATA = d, RUNTIME = ONNX) WITH (label_out bigint) AS p;\nEND;`;
  assert.deepEqual(readBackMapping({ kind: 'procedure', name: LAB.objectName, definition: proc }), { ...expectedLab, scriptType: 'procedure' });
});

test('plain columns: pass-through or input, from the model input names when known', () => {
  const def = (items: string) =>
    `CREATE VIEW v AS WITH d AS (SELECT ${items} FROM t) SELECT * FROM PREDICT(MODEL = (SELECT model FROM m WHERE ID = 'a:1'), DATA = d, RUNTIME = ONNX) WITH (y real) AS p`;
  const split = (items: string, modelInputs?: string[]) => {
    const m = readBackMapping({ kind: 'view', name: { name: 'v' }, definition: def(items) }, { modelInputs });
    return { inputs: m.inputs.map((i) => i.modelInput), pass: m.passThrough };
  };
  assert.deepEqual(split('k, CAST(a AS real) AS a, b'), { inputs: ['a', 'b'], pass: ['k'] }, 'the generator lists pass-through columns first');
  assert.deepEqual(split('a, b'), { inputs: ['a', 'b'], pass: [] }, 'nothing cast: every column is an input');
  assert.deepEqual(split('k, a, b', ['A', 'b']), { inputs: ['a', 'b'], pass: ['k'] });
  assert.deepEqual(split('k, x AS a', ['a']), { inputs: ['a'], pass: ['k'] });
});

test('what the generator could not have written is refused, saying what', () => {
  const refused: [string, RegExp][] = [
    [
      `CREATE VIEW v AS WITH d AS (SELECT a + 1 AS a FROM t) SELECT * FROM PREDICT(MODEL = (SELECT model FROM m WHERE ID = 'a:1'), DATA = d) WITH (y real) AS p`,
      /the CTE selects an expression, not a column: a \+ 1 AS a/,
    ],
    [
      `CREATE VIEW v AS WITH d AS (SELECT a FROM t WHERE a > 0) SELECT * FROM PREDICT(MODEL = (SELECT model FROM m WHERE ID = 'a:1'), DATA = d) WITH (y real) AS p`,
      /goes on after FROM t with 'WHERE a > 0/,
    ],
    [
      `CREATE VIEW v AS SELECT * FROM PREDICT(MODEL = (SELECT model FROM m WHERE ID = 'a:1'), DATA = dbo.t) WITH (y real) AS p`,
      /PREDICT reads dbo\.t directly/,
    ],
    [
      `CREATE VIEW v AS WITH d AS (SELECT a FROM t) SELECT d.a, p.y FROM PREDICT(MODEL = (SELECT model FROM m WHERE ID = 'a:1'), DATA = d) WITH (y real) AS p`,
      /selects 'd\.a, p\.y/,
    ],
    [`CREATE PROCEDURE v @id nvarchar(100) AS SELECT 1`, /takes parameters/],
    [
      `CREATE PROCEDURE v AS DECLARE @m varbinary(max) = (SELECT model FROM m WHERE ID = 'a:1'); SELECT 1`,
      /expected SELECT to start the query, found 'DECLARE/,
    ],
    [
      `CREATE VIEW v AS WITH d AS (SELECT a FROM t) SELECT * FROM PREDICT(MODEL = (SELECT model FROM m WHERE ID = @id), DATA = d) WITH (y real) AS p`,
      /does not select the model row by a literal ID/,
    ],
    [
      `CREATE VIEW v AS WITH d AS (SELECT CAST(a AS geography) AS a FROM t) SELECT * FROM PREDICT(MODEL = (SELECT model FROM m WHERE ID = 'a:1'), DATA = d) WITH (y real) AS p`,
      /the type 'geography' in the CAST of a is not one this tool knows/,
    ],
    [`CREATE VIEW v AS SELECT [unclosed FROM t`, /A \[bracketed\] name starting at offset 24 is not closed/],
  ];
  for (const [definition, message] of refused) {
    assert.throws(
      () => readBackMapping({ kind: definition.includes('PROCEDURE') ? 'procedure' : 'view', name: { schema: 'dbo', name: 'v' }, definition }),
      (e: unknown) => {
        assert.ok(e instanceof ReadBackError, String(e));
        assert.match(e.message, /^Cannot read the mapping of the (view|stored procedure) dbo\.v: /);
        assert.match(e.message, message);
        return true;
      },
    );
  }
  assert.throws(
    () => readBackMapping({ kind: 'procedure', name: { name: 'v' }, definition: 'CREATE VIEW v AS SELECT 1' }),
    /creates a view, but the object is a procedure/,
  );
});

test('toScoringPlan says which column the source no longer has', () => {
  const m = expectedMapping(LAB);
  assert.throws(
    () => toScoringPlan(m, { target: 'synapse-dedicated', sourceColumns: [{ name: 'CustomerKey', type: p('int') }] }),
    /wwi_ml\.CustomerPrediction reads the column Cost of wwi_ml\.CustomerTest, which has no such column now/,
  );
});

test('any names round-trip: generate, read back, generate again (property)', () => {
  const nameChar = fc.constantFrom(']', '[', "'", '"', '-', '/', '*', ';', ' ', '\n', 'G', 'O', 'x', '😀', 'é', '(', ',');
  const name = fc
    .array(nameChar, { minLength: 1, maxLength: 10 })
    .map((xs) => xs.join(''))
    .filter((n) => identifierProblem(n) === undefined && !/\n\s*(go|:|!!|exit|quit|reset|ed)/i.test(n));
  fc.assert(
    fc.property(
      name,
      name,
      name,
      name,
      name,
      fc.constantFrom('view' as const, 'procedure' as const),
      fc.boolean(),
      (schema, table, column, key, output, scriptType, cast) => {
        const lower = [column, key, output].map((x) => x.toLowerCase());
        fc.pre(new Set(lower).size === 3);
        const plan: ScoringPlan = {
          ...labPlan({ scriptType }),
          source: { schema, name: table },
          modelTable: { schema: table, name: schema },
          modelId: `${key}:${output}`,
          inputs: [{ sourceColumn: column, sourceType: p('int'), modelInput: column, inputType: p(cast ? 'bigint' : 'int') }],
          passThrough: [{ column: key, type: p('int') }],
          outputs: [{ name: output, type: p('real') }],
        };
        let s;
        try {
          s = generateScoringScript(plan);
        } catch (e) {
          if (e instanceof ScriptPlanError) return fc.pre(false); // names the generator refuses
          throw e;
        }
        const m = readBackMapping({ kind: scriptType, name: plan.objectName, definition: s.batches[s.createBatch]! }, { modelInputs: [column] });
        assert.deepEqual(m, expectedMapping(plan));
      },
    ),
    { numRuns: 200 },
  );
});
