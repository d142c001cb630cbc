import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  generateScoringScript,
  createModelTableSql,
  modelRowStatements,
  describeStatements,
  ScriptPlanError,
  MODEL_TABLE_COLUMNS,
  type ScoringPlan,
  type InputMapping,
} from '../../../src/sql/script.js';
import { parseSqlType } from '../../../src/sql/types.js';
import { identifierProblem, parseMultipartName, parseStringLiteral } from '../../../src/sql/names.js';
import { CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS, FLOAT_FEATURES, type CustomerFeature } from '../../../src/samples/customers.js';
import type { PredictTarget } from '../../../src/sql/types.js';
import { splitBatches as splitScript } from '../../../src/sql/batches.js';
import { assertGolden } from './golden.js';

/** The batches SSMS, sqlcmd and the product's own splitter see in a script (blank lines around a batch dropped). */
const splitBatches = (text: string): string[] => splitScript(text).map((b) => b.text.replace(/^(?:[ \t]*\r?\n)+/, ''));

const p = parseSqlType;

/** The lab: CustomerTest's columns feed aml-synapse-classifier (Cost/Size/Price real, the rest bigint). */
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

const TARGETS: [PredictTarget, string][] = [
  ['synapse-dedicated', 'dedicated'],
  ['sql-mi', 'mi'],
];

for (const [target, t] of TARGETS) {
  for (const scriptType of ['view', 'procedure'] as const) {
    test(`lab script: ${scriptType}, existing model table, ${target}`, () => {
      const s = generateScoringScript(labPlan({ target, scriptType }));
      assertGolden(`lab-${scriptType}-existing-table-${t}.sql`, s.text);
      assert.deepEqual(splitBatches(s.text), s.batches);
      assert.equal(s.batches.length, 2);
      assert.equal(s.createBatch, 0);
    });
    test(`lab script: ${scriptType}, new model table, ${target}`, () => {
      const modelTable = { schema: 'wwi_ml', name: 'PredictModels' };
      const s = generateScoringScript(labPlan({ target, scriptType, modelTable, replaceExisting: true }));
      // What the deployer runs first (table, then the row in one transaction), then the script it opens.
      const deploy = [
        createModelTableSql(modelTable, target),
        describeStatements(
          modelRowStatements({
            table: modelTable,
            modelId: 'aml-synapse-classifier:1',
            name: 'aml-synapse-classifier',
            version: 1,
            model: new Uint8Array(1234),
            description: 'AutoML classifier of customer ratings',
            createdBy: 'data.engineer@example.com',
            createdTime: new Date('2024-05-01T12:00:00Z'),
            framework: 'onnx',
            inputsSchema: '[{"name": "Cost", "type": "float"}]',
            outputsSchema: '[{"type": "long"}]',
            existingColumns: MODEL_TABLE_COLUMNS.map((c) => c.key),
          }),
        ),
      ];
      assertGolden(`lab-${scriptType}-new-table-${t}.deploy.sql`, deploy.join('\nGO\n\n') + '\n');
      assertGolden(`lab-${scriptType}-new-table-${t}.sql`, s.text);
      assert.deepEqual(splitBatches(s.text), s.batches);
      assert.equal(s.batches.length, 3);
      assert.equal(s.createBatch, 1);
      assert.match(
        s.batches[0]!,
        new RegExp(`IF OBJECT_ID\\(N'\\[wwi_ml\\]\\.\\[CustomerPrediction\\]', N'${scriptType === 'view' ? 'V' : 'P'}'\\) IS NOT NULL`),
      );
    });
  }
}

test('the lab script reads like the Synapse wizard: the same lines, in the same order', () => {
  const s = generateScoringScript(labPlan()).text;
  const lines = s.split('\n');
  const expectedInOrder = [
    '-- Create a view to score machine learning models.',
    'CREATE VIEW [wwi_ml].[CustomerPrediction]',
    'AS',
    '-- Select input scoring data and assign aliases.',
    'WITH InputData AS',
    '(',
    '    SELECT',
    '        [CustomerKey],',
    '        CAST([Cost] AS [real]) AS [Cost],',
    '        CAST([PrimaryBrandId] AS [bigint]) AS [PrimaryBrandId],',
    '    FROM [wwi_ml].[CustomerTest]',
    ')',
    '-- Using T-SQL Predict command to score machine learning models.',
    'SELECT *',
    "FROM PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'aml-synapse-classifier:1'),",
    '              DATA = InputData,',
    '              RUNTIME = ONNX) WITH ([label_out] [bigint])',
    'GO',
    '-- Display the results.',
    'SELECT * FROM [wwi_ml].[CustomerPrediction]',
  ];
  let at = 0;
  for (const want of expectedInOrder) {
    const found = lines.indexOf(want, at);
    assert.ok(found >= 0, `missing or out of order: ${want}`);
    at = found + 1;
  }
});

test('casts only where the types differ, keeps string lengths, aliases to the model input', () => {
  const s = generateScoringScript(
    labPlan({
      inputs: [
        { sourceColumn: 'Cost', sourceType: p('real'), modelInput: 'Cost', inputType: p('real') },
        { sourceColumn: 'Segment', sourceType: p('nvarchar(30)'), modelInput: 'segment', inputType: p('varchar') },
        { sourceColumn: 'Region', sourceType: p('varchar(20)'), modelInput: 'region', inputType: p('varchar') },
        { sourceColumn: 'Qty', sourceType: p('float(53)'), modelInput: 'qty', inputType: p('float') },
      ],
    }),
  );
  assert.match(s.text, /^ {8}\[Cost\],$/m);
  assert.match(s.text, /^ {8}CAST\(\[Segment\] AS \[varchar\]\(30\)\) AS \[segment\],$/m);
  assert.match(s.text, /^ {8}\[Region\] AS \[region\],$/m);
  assert.match(s.text, /^ {8}\[Qty\] AS \[qty\]$/m);
  assert.deepEqual(s.warnings, [
    "Segment: Converting nvarchar(30) to varchar(30): characters outside the database's code page (for example Chinese text, emoji or many accented letters) become '?' in varchar.",
  ]);
});

test('the lab plan warns about float → real for Cost, Size and Price only', () => {
  const s = generateScoringScript(labPlan());
  assert.deepEqual(
    s.warnings.map((w) => w.split(':')[0]),
    ['Cost', 'Size', 'Price'],
  );
});

test('uses the model table’s own spelling of its ID and model columns', () => {
  const s = generateScoringScript(labPlan({ modelColumns: { id: 'Id', model: 'Model Bytes' } }));
  assert.match(s.text, /\(SELECT \[Model Bytes\] FROM \[wwi_ml\]\.\[AMLModel\] WHERE \[Id\] = N'aml-synapse-classifier:1'\)/);
});

/** Hostile names everywhere: brackets, quotes, comment starters, separators, newlines, astral characters. */
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

for (const scriptType of ['view', 'procedure'] as const) {
  test(`hostile names are quoted everywhere (${scriptType})`, () => {
    const plan = hostilePlan(scriptType);
    const s = generateScoringScript(plan);
    assertGolden(`hostile-${scriptType}-dedicated.sql`, s.text);
    assert.deepEqual(splitBatches(s.text), s.batches, 'a bracket-aware splitter sees exactly our batches');
    // The quoted names read back to the originals.
    assert.ok(s.text.includes(`[ml]]'; DROP TABLE x; --].[Predict'ion]] GO]`));
    assert.deepEqual(parseMultipartName(`[ml]]'; DROP TABLE x; --].[Predict'ion]] GO]`), [plan.objectName.schema, plan.objectName.name]);
    const literal = /WHERE \[ID\] = (N'(?:[^']|'')*')\)/.exec(s.text)![1]!;
    assert.equal(parseStringLiteral(literal), plan.modelId);
  });
}

test('hostile names round-trip through the script (property)', () => {
  const nameChar = fc.constantFrom(']', '[', "'", '"', '-', '/', '*', ';', ' ', '\n', 'G', 'O', 'x', '😀', 'é');
  const name = fc
    .array(nameChar, { minLength: 1, maxLength: 12 })
    .map((xs) => xs.join(''))
    .filter((n) => identifierProblem(n) === undefined && !/\n\s*(go|:|!!|exit|quit|reset|ed)/i.test(n));
  fc.assert(
    fc.property(name, name, name, name, fc.constantFrom('view' as const, 'procedure' as const), (schema, table, column, output, scriptType) => {
      fc.pre(column.toLowerCase() !== output.toLowerCase());
      const plan: ScoringPlan = {
        ...labPlan({ scriptType }),
        source: { schema, name: table },
        inputs: [{ sourceColumn: column, sourceType: p('int'), modelInput: column, inputType: p('bigint') }],
        passThrough: [],
        outputs: [{ name: output, type: p('real') }],
      };
      const s = generateScoringScript(plan);
      assert.deepEqual(splitBatches(s.text), s.batches);
      const from = s.batches[0]!.split('\n').find((l) => l.trimStart().startsWith('FROM ['))!;
      // FROM [schema].[table] spans lines when the names hold line breaks: read it from the batch.
      const start = s.batches[0]!.indexOf(from.trimStart());
      const rest = s.batches[0]!.slice(start + 'FROM '.length);
      const end = rest.search(/\n\s*\)\n/);
      assert.deepEqual(parseMultipartName(rest.slice(0, end)), [schema, table]);
    }),
    { numRuns: 200 },
  );
});

test('a name that would put a GO or sqlcmd line into the script is refused', () => {
  const cases: [Partial<ScoringPlan>, string][] = [
    [
      { objectName: { schema: 'wwi_ml', name: 'a\nGO\nb' } },
      "The view or stored procedure name contains a line 'GO', which SQL tools read as a command (GO ends a batch); rename it or remove the line break.",
    ],
    [
      { modelId: "x\n:r evil.sql\n'" },
      "The model ID contains a line ':r evil.sql', which SQL tools read as a command (GO ends a batch); rename it or remove the line break.",
    ],
  ];
  for (const [over, message] of cases) {
    assert.throws(
      () => generateScoringScript(labPlan(over)),
      (e: unknown) => e instanceof ScriptPlanError && e.message === message,
    );
  }
});

test('every invalid plan is refused with the message a user sees', () => {
  const input = (over: Partial<InputMapping>): InputMapping => ({
    sourceColumn: 'Cost',
    sourceType: p('float'),
    modelInput: 'Cost',
    inputType: p('real'),
    ...over,
  });
  const cases: [Partial<ScoringPlan>, string][] = [
    [{ inputs: [] }, 'No source column is mapped to a model input; map at least one column on the Map columns page.'],
    [{ outputs: [] }, "No model output is listed; add the model's output (for example label) with its type."],
    [{ modelId: '' }, "The model ID is empty; it should be '<model name>:<version>', for example 'aml-synapse-classifier:1'."],
    [
      {
        outputs: [
          { name: 'label', type: p('bigint') },
          { name: 'LABEL', type: p('int') },
        ],
      },
      "The model output 'LABEL' is listed twice; list each model output once.",
    ],
    [
      { inputs: [input({}), input({ sourceColumn: 'Price' })] },
      "The model input 'Cost' is mapped twice (from the columns 'Cost' and 'Price'); map each model input once.",
    ],
    [
      { passThrough: [{ column: 'cost', type: p('float') }], inputs: [input({})] },
      "The pass-through column 'cost' has the same name as the model input 'Cost', and PREDICT already returns every input column; remove 'cost' from the columns to pass through.",
    ],
    [
      { passThrough: [{ column: 'Label_Out', type: p('int') }] },
      "The pass-through column 'Label_Out' has the same name as the model output 'label_out', so the result would have two columns with that name; remove 'Label_Out' from the columns to pass through.",
    ],
    [
      {
        passThrough: [
          { column: 'CustomerKey', type: p('int') },
          { column: 'customerkey', type: p('int') },
        ],
      },
      "The pass-through column 'customerkey' is listed twice; list it once.",
    ],
    [
      { inputs: [input({ modelInput: 'label_out' })] },
      "The model input 'label_out' and the model output 'label_out' have the same name, and a view cannot have two columns with one name; choose a stored procedure instead.",
    ],
    [
      { inputs: [input({ inputType: p('smallint') })] },
      "The model input 'Cost' has the type smallint, which PREDICT on Azure Synapse dedicated SQL pool does not accept; choose one of int, bigint, real, float, char, varchar, nvarchar.",
    ],
    [
      { target: 'sql-edge', inputs: [input({ sourceType: p('nvarchar(20)'), inputType: p('nvarchar(20)') })] },
      "The model input 'Cost' has the type nvarchar(20), which PREDICT on Azure SQL Edge does not accept; choose one of int, bigint, real, float.",
    ],
    [
      { outputs: [{ name: 'label', type: p('nvarchar(max)') }] },
      "The model output 'label' has the type nvarchar(max); PREDICT output columns cannot be max types.",
    ],
    [
      { outputs: [{ name: 'label', type: { name: 'strng' } }] },
      "The model output 'label' has the unknown type 'strng'; choose a type such as int, real or nvarchar(50).",
    ],
    [
      { objectName: { database: 'SQLPool01', schema: 'wwi_ml', name: 'v' } },
      'The view name SQLPool01.wwi_ml.v names a database; CREATE VIEW works in the current database only, so write it as schema.name.',
    ],
    [
      { objectName: { schema: 'wwi_ml', name: 'v'.repeat(129) } },
      `The view name: The name '${'v'.repeat(37)}...' is 129 characters long; SQL names are at most 128. Choose a shorter name.`,
    ],
    [{ source: { schema: '', name: 't' } }, 'The source table name: A name cannot be empty.'],
    [{ inputs: [input({ modelInput: '' })] }, "The model input '': A name cannot be empty."],
    [{ scriptType: 'function' as 'view' }, "Unknown script type 'function'; choose a view or a stored procedure."],
    [{ target: 'serverless' as PredictTarget }, "Unknown target 'serverless'; use synapse-dedicated, sql-mi or sql-edge."],
  ];
  for (const [over, message] of cases) {
    assert.throws(
      () => generateScoringScript(labPlan(over)),
      (e: unknown) => e instanceof ScriptPlanError && e.message === message,
      `expected: ${message}`,
    );
  }
});

test('a procedure may return a model input and an output of the same name', () => {
  const s = generateScoringScript(
    labPlan({
      scriptType: 'procedure',
      inputs: [{ sourceColumn: 'Cost', sourceType: p('real'), modelInput: 'label_out', inputType: p('real') }],
    }),
  );
  assert.match(s.text, /\[Cost\] AS \[label_out\]/);
});
