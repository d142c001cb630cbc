import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suggestMapping, nameSimilarity, nameTokens, checkInputMapping, castWarning, type TableColumn } from '../../../src/wizard/mapping.js';
import { describeModel } from '../../../src/models/signature.js';
import { parseMLmodel } from '../../../src/models/mlmodel.js';
import { readOnnxMetadata } from '../../../src/models/onnx/read.js';
import { buildSampleModel, type SampleModelKind } from '../../../src/samples/models.js';
import { CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { parseSqlType, formatSqlType } from '../../../src/sql/types.js';

const described = new Map<SampleModelKind, ReturnType<typeof describeModel>>();
function model(kind: SampleModelKind) {
  if (!described.has(kind)) {
    const s = buildSampleModel(kind);
    described.set(kind, describeModel({ mlmodel: parseMLmodel(s.mlmodelYaml), onnx: readOnnxMetadata(s.onnx) }));
  }
  return described.get(kind)!;
}
const cols = (spec: string): TableColumn[] =>
  spec.split(';').map((s) => {
    const [name, type] = s.split(':');
    return { name: name!.trim(), type: parseSqlType(type!.trim()) };
  });
const LAB_TABLE: TableColumn[] = CUSTOMER_TEST_COLUMNS.map((c) => ({ name: c.name, type: parseSqlType(c.sqlType) }));

test("the lab's table maps every input by exact name, casting as the Synapse wizard does, and passes CustomerKey through", () => {
  const m = suggestMapping(LAB_TABLE, model('linear-classifier'), { target: 'synapse-dedicated' });
  assert.deepEqual(
    m.inputs.map((i) => `${i.sourceColumn} -> ${i.modelInput} ${formatSqlType(i.inputType!)} ${i.match}`),
    [
      'Cost -> Cost [real] exact',
      'Size -> Size [real] exact',
      'Price -> Price [real] exact',
      'PrimaryBrandId -> PrimaryBrandId [bigint] exact',
      'GenderId -> GenderId [bigint] exact',
      'MaritalStatus -> MaritalStatus [bigint] exact',
      'LowerIncomeBound -> LowerIncomeBound [bigint] exact',
      'UpperIncomeBound -> UpperIncomeBound [bigint] exact',
    ],
  );
  assert.deepEqual(m.inputs[0]!.warnings, [
    'Casting Cost (float) to [real] can lose data: real keeps about 7 significant digits, so float values are rounded (0.123456789 becomes 0.1234568); values beyond ±3.4E+38 make the query fail with an arithmetic overflow error.',
  ]);
  // int → bigint loses nothing: no warning at all.
  assert.deepEqual(m.inputs[3]!.warnings, []);
  assert.deepEqual(
    m.outputs.map((o) => `${o.modelOutput} ${formatSqlType(o.outputType)}`),
    ['label_out [bigint]', 'probability_out [real]'],
  );
  assert.deepEqual(m.excludedOutputs, []);
  assert.deepEqual(m.passThrough, ['CustomerKey']);
});

test('names that differ in case style, separators and case still map', () => {
  const table = cols(
    'customer_key:int; COST:real; size:real; price:real; primary_brand_id:bigint; gender-id:bigint; Marital Status:bigint; lowerIncomeBound:bigint; UPPER_INCOME_BOUND:bigint',
  );
  const m = suggestMapping(table, model('linear-classifier'), { target: 'synapse-dedicated' });
  assert.deepEqual(
    m.inputs.map((i) => i.sourceColumn),
    ['COST', 'size', 'price', 'primary_brand_id', 'gender-id', 'Marital Status', 'lowerIncomeBound', 'UPPER_INCOME_BOUND'],
  );
  assert.deepEqual(
    m.inputs.map((i) => i.match),
    ['case-insensitive', 'case-insensitive', 'case-insensitive', 'normalized', 'normalized', 'normalized', 'case-insensitive', 'normalized'],
  );
  // Types already match: no casts, no warnings.
  assert.deepEqual(
    m.inputs.flatMap((i) => i.warnings),
    [],
  );
  assert.deepEqual(m.passThrough, ['customer_key']);
});

test('a messy table: similar names above the threshold map with a warning, others stay unmapped', () => {
  const table = cols(
    'Id:bigint; UnitCost:decimal(10,2); ProductSize:float; Price_USD:money; PrimaryBrand:int; Gender:nvarchar(10); MaritalStat:tinyint; IncomeLower:int; Notes:nvarchar(max)',
  );
  const m = suggestMapping(table, model('linear-classifier'), { target: 'synapse-dedicated' });
  const by = Object.fromEntries(m.inputs.map((i) => [i.modelInput, i]));
  assert.equal(by.PrimaryBrandId!.sourceColumn, 'PrimaryBrand');
  assert.equal(by.PrimaryBrandId!.match, 'similar');
  assert.equal(by.PrimaryBrandId!.warnings[0], 'Matched by a similar name ("PrimaryBrand" for "PrimaryBrandId"); check it.');
  assert.equal(by.MaritalStatus!.sourceColumn, 'MaritalStat');
  assert.equal(by.LowerIncomeBound!.sourceColumn, 'IncomeLower', 'two words of three in another order');
  assert.equal(by.UpperIncomeBound!.sourceColumn, undefined, 'never the Lower column for the Upper input');
  assert.equal(by.Cost!.sourceColumn, undefined);
  assert.equal(by.GenderId!.sourceColumn, undefined);
  assert.deepEqual(by.UpperIncomeBound!.warnings, ['No column is mapped to required input "UpperIncomeBound"; PREDICT fails without every model input.']);
  assert.deepEqual(m.passThrough, ['Id']);
});

test('a lower threshold admits weaker matches; the default never maps unrelated names', () => {
  const table = cols('UnitCost:real; Size:real');
  const strict = suggestMapping(table, model('linear-classifier'), { target: 'synapse-dedicated' });
  assert.equal(strict.inputs[0]!.sourceColumn, undefined);
  const loose = suggestMapping(table, model('linear-classifier'), { target: 'synapse-dedicated', threshold: 0.6 });
  assert.equal(loose.inputs[0]!.sourceColumn, 'UnitCost');
  assert.equal(nameSimilarity('Size', 'Price').score, 0);
});

test('the primary key, when given, is the pass-through', () => {
  const m = suggestMapping(
    [{ name: 'RowNo', type: { name: 'int' } }, { name: 'SourceId', type: { name: 'int' } }, ...LAB_TABLE.slice(1)],
    model('linear-classifier'),
    {
      target: 'synapse-dedicated',
      primaryKey: ['RowNo'],
    },
  );
  assert.deepEqual(m.passThrough, ['RowNo']);
});

test('ZipMap outputs are excluded with the reason', () => {
  const m = suggestMapping(LAB_TABLE, model('zipmap-output'), { target: 'sql-mi' });
  assert.deepEqual(
    m.outputs.map((o) => o.modelOutput),
    ['output_label'],
  );
  assert.deepEqual(m.excludedOutputs, [
    {
      modelOutput: 'output_probability',
      reason: 'it is a sequence of maps (a ZipMap output, seq(map(int64,tensor(float)))); PREDICT cannot return it; leave it out of the WITH clause',
    },
  ]);
});

test('string inputs keep the column type; on SQL Edge they are unsupported', () => {
  const table = cols('marital_status_text:nvarchar(30); CustomerKey:int');
  const mi = suggestMapping(table, model('string-input'), { target: 'synapse-dedicated' });
  assert.equal(formatSqlType(mi.inputs[0]!.inputType!), '[nvarchar](30)');
  assert.deepEqual(mi.inputs[0]!.warnings, []);
  const edge = suggestMapping(table, model('string-input'), { target: 'sql-edge' });
  assert.equal(edge.inputs[0]!.inputType, undefined);
  assert.deepEqual(edge.inputs[0]!.warnings, ['No input type PREDICT accepts on Azure SQL Edge fits input "MaritalStatusText" (nvarchar(4000)).']);
});

test('a multi-dimensional input is flagged on its row', () => {
  const m = suggestMapping(cols('float_input:real'), model('multi-dim-input'), { target: 'synapse-dedicated' });
  assert.match(m.inputs[0]!.warnings[0]!, /^PREDICT cannot feed input "float_input": it is multi-dimensional \(shape \[N,8\]\)/);
});

test('edited mappings: two inputs from one column, a type the target refuses, an unknown column', () => {
  const d = model('linear-classifier');
  const w = checkInputMapping(
    [
      { modelInput: 'Cost', sourceColumn: 'Cost', inputType: { name: 'real' } },
      { modelInput: 'Size', sourceColumn: 'Cost', inputType: { name: 'real' } },
      { modelInput: 'Price', sourceColumn: 'Price', inputType: { name: 'decimal', precision: 10, scale: 2 } },
      { modelInput: 'GenderId', sourceColumn: 'Gender', inputType: { name: 'bigint' } },
    ],
    LAB_TABLE,
    d,
    'synapse-dedicated',
  );
  assert.ok(w[0]!.includes('Column "Cost" also feeds input "Size"; check that this is intended.'));
  assert.ok(w[1]!.includes('Column "Cost" also feeds input "Cost"; check that this is intended.'));
  assert.ok(w[2]!.includes('Azure Synapse dedicated SQL pool does not accept decimal(10,2) as a PREDICT input type.'), w[2]!.join('|'));
  assert.deepEqual(w[3], ['The table has no column "Gender".']);
});

test('name tokens split case styles, separators and digits', () => {
  assert.deepEqual(nameTokens('PrimaryBrandId'), ['primary', 'brand', 'id']);
  assert.deepEqual(nameTokens('primary_brand_id'), ['primary', 'brand', 'id']);
  assert.deepEqual(nameTokens('HTTPStatusCode2'), ['http', 'status', 'code', '2']);
  assert.equal(nameSimilarity('primary_brand_id', 'PrimaryBrandId').match, 'normalized');
});

test('a cast warns once, in one sentence, only when it can lose data', () => {
  const p = parseSqlType;
  // Lossless casts: nothing to warn about.
  for (const [from, to] of [
    ['int', 'bigint'],
    ['smallint', 'int'],
    ['real', 'float'],
    ['tinyint', 'bigint'],
    ['varchar(30)', 'nvarchar(30)'],
    ['float', 'float'],
  ] as const) {
    assert.equal(castWarning('C', p(from), p(to)), undefined, `${from} → ${to}`);
  }
  // Lossy casts: one sentence naming the column, ending with exactly one full stop.
  for (const [from, to] of [
    ['float', 'real'],
    ['bigint', 'int'],
    ['decimal(18,4)', 'int'],
    ['nvarchar(30)', 'varchar'],
    ['int', 'real'],
  ] as const) {
    const w = castWarning('Col', p(from), p(to));
    assert.ok(w, `${from} → ${to} warns`);
    assert.match(w, /^Casting Col \(/);
    assert.match(w, /[^.]\.$/, `one full stop at the end: ${w}`);
    assert.doesNotMatch(w, /\.\./);
    assert.equal(w.split(': ').length, 2, `one colon introduces the reasons: ${w}`);
  }
  assert.equal(
    castWarning('Id', p('bigint'), p('int')),
    'Casting Id (bigint) to [int] can lose data: values outside -2,147,483,648 to 2,147,483,647 do not fit in int; the query fails with an arithmetic overflow error.',
  );
});

test("checkInputMapping: the lab's float → real rows warn once; its int → bigint rows do not warn", () => {
  const m = suggestMapping(LAB_TABLE, model('linear-classifier'), { target: 'synapse-dedicated' });
  const w = checkInputMapping(m.inputs, LAB_TABLE, model('linear-classifier'), 'synapse-dedicated');
  for (const [i, row] of m.inputs.entries()) {
    const col = LAB_TABLE.find((c) => c.name === row.sourceColumn)!;
    if (col.type.name === 'float') assert.equal(w[i]!.length, 1, `${row.modelInput}: ${w[i]!.join(' | ')}`);
    else assert.deepEqual(w[i], [], `${row.modelInput} (${col.type.name})`);
  }
});
