import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { filterVersions, initialState, nameKey, planOf, reduce, viewOf } from '../../../src/wizard/state.js';
import type { WizardAction, WizardPlan, WizardState, Transition } from '../../../src/wizard/state.js';
import { createWizardRules } from '../../../src/wizard/rules.js';
import type { ModelVersionRow, WizardEdit } from '../../../src/wizard/protocol.js';
import { FieldDrafts } from '../../../webview-ui/src/drafts.js';
import { passThroughLabel } from '../../../webview-ui/src/pass-through-label.js';
import { CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { suggestionOf, wizardModelOf } from '../../../src/wizard/model-reader.js';
import { describeModel } from '../../../src/models/signature.js';
import { parseMLmodel } from '../../../src/models/mlmodel.js';
import { readOnnxMetadata } from '../../../src/models/onnx/read.js';
import { buildSampleModel } from '../../../src/samples/models.js';

const plans: WizardPlan[] = [];
const rules = createWizardRules('synapse-dedicated', (plan) => {
  plans.push(plan);
  return `-- ${plan.scriptType} ${plan.scriptName.schema}.${plan.scriptName.name} from ${plan.modelTable.schema}.${plan.modelTable.name}`;
});

const target = {
  connectionName: 'local',
  table: { schema: 'wwi_ml', name: 'CustomerTest' },
  columns: [...CUSTOMER_TEST_COLUMNS.map((c) => ({ name: c.name, type: c.sqlType })), { name: 'Notes', type: 'nvarchar(30)' }],
};
const registries = [
  { name: 'Local models', kind: 'local' },
  { name: 'Team MLflow', kind: 'mlflow' },
] as const;
const versions: ModelVersionRow[] = [
  { key: 'aml-synapse-classifier:1', name: 'aml-synapse-classifier', version: '1', created: '2024-01-01T10:00:00Z', createdBy: 'ana', framework: 'onnx' },
  { key: 'aml-synapse-classifier:2', name: 'aml-synapse-classifier', version: '2', created: '2024-03-01T10:00:00Z', createdBy: 'ben', framework: 'onnx' },
  {
    key: 'sk-model:1',
    name: 'sk-model',
    version: '1',
    created: '2024-02-01T10:00:00Z',
    createdBy: 'ana',
    framework: 'sklearn',
    disabledReason: 'A sklearn model: PREDICT runs ONNX models only.',
  },
];
const model = {
  inputs: CUSTOMER_FEATURES.map((f) => ({ name: f, type: 'float32 [-1, 1]', suggestedSqlType: 'real' })),
  outputs: [
    { name: 'label', type: 'int64 [-1]', suggestedSqlType: 'bigint' },
    { name: 'probabilities', type: 'float32 [-1, 5]', suggestedSqlType: 'real', problem: 'multi-dimensional' },
  ],
};
const suggestion = {
  inputs: CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, modelInput: f, inputType: 'real', warnings: f === 'Cost' ? ['Suggested by name: Cost'] : [] })),
  outputs: [{ modelOutput: 'label', outputType: 'bigint', warnings: [] }],
};

function run(t: Transition, ...actions: WizardAction[]): Transition {
  let cur = t;
  for (const a of actions) cur = reduce(cur.state, a, rules);
  return cur;
}
const edit = (e: WizardEdit): WizardAction => ({ type: 'edit', edit: e });

function onMapPage(): WizardState {
  return run(
    initialState(target, registries),
    { type: 'versionsLoaded', registry: 'Local models', versions },
    edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:2' }),
    { type: 'modelLoaded', key: 'aml-synapse-classifier:2', model, suggestion },
    { type: 'next' },
  ).state;
}
function onStorePage(tables: string[] = ['wwi_ml.AMLModel']): WizardState {
  return run({ state: onMapPage(), effects: [] }, { type: 'next' }, { type: 'modelTablesLoaded', tables }).state;
}

describe('wizard state: page 1, choose a model', () => {
  test('opens on the first registry, loads its versions and proposes names from the table', () => {
    const t = initialState(target, registries);
    assert.equal(t.state.page, 'model');
    assert.deepEqual(t.effects, [{ kind: 'loadVersions', registry: 'Local models' }]);
    const v = viewOf(t.state, rules);
    assert.equal(v.title, 'local · wwi_ml.CustomerTest');
    assert.equal(v.scriptName.text, 'wwi_ml.CustomerPrediction');
    assert.equal(v.newTableName.text, 'wwi_ml.AMLModel');
    assert.equal(v.canNext, false);
    assert.equal(v.blockedReason, 'Choose a model version.');
    assert.equal(v.canBack, false);
  });

  test('without registries says how to add one', () => {
    const t = initialState(target, []);
    assert.deepEqual(t.effects, []);
    assert.match(viewOf(t.state, rules).banner ?? '', /No model registry is configured\. Add one to the predictWizard\.modelRegistries setting/);
  });

  test('lists versions newest first and filters them by the search text', () => {
    const s = run(initialState(target, registries), { type: 'versionsLoaded', registry: 'Local models', versions }).state;
    assert.deepEqual(
      viewOf(s, rules).versions.map((r) => r.key),
      ['aml-synapse-classifier:2', 'sk-model:1', 'aml-synapse-classifier:1'],
    );
    const searched = reduce(s, edit({ field: 'search', value: 'ANA' }), rules).state;
    assert.deepEqual(
      viewOf(searched, rules).versions.map((r) => r.key),
      ['sk-model:1', 'aml-synapse-classifier:1'],
    );
    assert.deepEqual(filterVersions(versions, '  '), versions);
  });

  test('versions of a registry the user left are ignored', () => {
    const t = run(initialState(target, registries), edit({ field: 'registry', value: 'Team MLflow' }));
    assert.deepEqual(t.effects, [{ kind: 'loadVersions', registry: 'Team MLflow' }]);
    const s = reduce(t.state, { type: 'versionsLoaded', registry: 'Local models', versions }, rules).state;
    assert.equal(s.versions.length, 0);
    assert.equal(s.versionsStatus, 'loading');
    const failed = reduce(s, { type: 'versionsFailed', registry: 'Team MLflow', error: 'Could not reach http://mlflow:5000.' }, rules).state;
    assert.equal(viewOf(failed, rules).versionsError, 'Could not reach http://mlflow:5000.');
  });

  test('an unknown registry name from the webview changes nothing', () => {
    const t0 = initialState(target, registries);
    const t = reduce(t0.state, edit({ field: 'registry', value: 'Nope' }), rules);
    assert.equal(t.state, t0.state);
    assert.deepEqual(t.effects, []);
  });

  test('a non-ONNX version can be selected but blocks Next with its reason, and is not read', () => {
    const t = run(
      initialState(target, registries),
      { type: 'versionsLoaded', registry: 'Local models', versions },
      edit({ field: 'selectedVersion', value: 'sk-model:1' }),
    );
    assert.deepEqual(t.effects, []);
    const v = viewOf(t.state, rules);
    assert.equal(v.canNext, false);
    assert.equal(v.blockedReason, 'A sklearn model: PREDICT runs ONNX models only.');
    assert.equal(reduce(t.state, { type: 'next' }, rules).state.page, 'model');
  });

  test('choosing an ONNX version reads it; Next waits for it, then the mapping is pre-filled', () => {
    const t = run(
      initialState(target, registries),
      { type: 'versionsLoaded', registry: 'Local models', versions },
      edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:2' }),
    );
    assert.deepEqual(t.effects, [{ kind: 'loadModel', registry: 'Local models', version: versions[1] }]);
    assert.equal(viewOf(t.state, rules).blockedReason, 'Reading the model…');
    const loaded = reduce(t.state, { type: 'modelLoaded', key: 'aml-synapse-classifier:2', model, suggestion }, rules).state;
    const v = viewOf(loaded, rules);
    assert.equal(v.canNext, true);
    assert.equal(v.inputs.length, 8);
    assert.deepEqual(v.inputs[0]!.warnings.slice(0, 1), ['Suggested by name: Cost']);
    assert.deepEqual(
      v.outputs.map((o) => [o.modelOutput, o.outputType]),
      [['label', 'bigint']],
    );
  });

  test('a model read for a version no longer selected is ignored; a failed read blocks Next with its error', () => {
    const t = run(
      initialState(target, registries),
      { type: 'versionsLoaded', registry: 'Local models', versions },
      edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:2' }),
      edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:1' }),
      { type: 'modelLoaded', key: 'aml-synapse-classifier:2', model, suggestion },
    );
    assert.equal(t.state.inputs.length, 0);
    const failed = reduce(t.state, { type: 'modelFailed', key: 'aml-synapse-classifier:1', error: 'model.onnx is not a valid ONNX file.' }, rules).state;
    assert.equal(viewOf(failed, rules).blockedReason, 'model.onnx is not a valid ONNX file.');
  });
});

describe('wizard state: page 2, map columns', () => {
  test('the suggested mapping is valid and shows the cost of casting float to real', () => {
    const v = viewOf(onMapPage(), rules);
    assert.equal(v.page, 'map');
    assert.deepEqual(v.mappingErrors, []);
    assert.equal(v.canNext, true);
    assert.equal(v.canBack, true);
    const cost = v.inputs.find((r) => r.modelInput === 'Cost')!;
    assert.ok(
      cost.warnings.some((w) => w.startsWith('Casting Cost (float) to [real] can lose data: real keeps about 7 significant digits')),
      cost.warnings.join('|'),
    );
    assert.deepEqual(v.inputTypes, ['int', 'bigint', 'real', 'float', 'char', 'varchar', 'nvarchar']);
  });

  test('each field of an input row says what is wrong', () => {
    const s = onMapPage();
    const id = s.inputs[0]!.id;
    const cases: [WizardEdit, string, string][] = [
      [{ field: 'input', id, sourceColumn: '' }, 'sourceColumn', 'Choose a source column.'],
      [{ field: 'input', id, sourceColumn: 'Missing' }, 'sourceColumn', "The table has no column 'Missing'."],
      [{ field: 'input', id, modelInput: ' ' }, 'modelInput', 'Enter the name of a model input.'],
      [{ field: 'input', id, modelInput: 'cost' }, 'modelInput', "Model input names are case-sensitive: did you mean 'Cost'?"],
      [{ field: 'input', id, modelInput: 'Weight' }, 'modelInput', `The model has no input 'Weight'. Its inputs are: ${CUSTOMER_FEATURES.join(', ')}.`],
      [{ field: 'input', id, modelInput: 'Size' }, 'modelInput', "The model input 'Size' is mapped more than once."],
      [{ field: 'input', id, inputType: '' }, 'inputType', 'Choose an input type.'],
      [
        { field: 'input', id, inputType: 'datetime2' },
        'inputType',
        'PREDICT on Azure Synapse dedicated SQL pool does not accept datetime2(7) inputs; choose one of int, bigint, real, float, char, varchar, nvarchar.',
      ],
    ];
    for (const [e, field, message] of cases) {
      const v = viewOf(reduce(s, edit(e), rules).state, rules);
      const row = v.inputs.find((r) => r.id === id)!;
      assert.equal((row.errors as Record<string, string | undefined>)[field], message, JSON.stringify(e));
      assert.equal(v.canNext, false);
    }
  });

  test("an invalid type text gets the type parser's message", () => {
    const s = onMapPage();
    const v = viewOf(reduce(s, edit({ field: 'input', id: s.inputs[0]!.id, inputType: 'nvarchar(' }), rules).state, rules);
    assert.ok(v.inputs[0]!.errors.inputType && v.inputs[0]!.errors.inputType.length > 10);
  });

  test('a model input left unmapped is named; removing and re-adding a row fills in that input', () => {
    const s = onMapPage();
    const gender = s.inputs.find((r) => r.modelInput === 'GenderId')!;
    const removed = reduce(s, edit({ field: 'removeInput', id: gender.id }), rules).state;
    const v = viewOf(removed, rules);
    assert.deepEqual(v.mappingErrors, ["The model input 'GenderId' is not mapped to a source column."]);
    assert.equal(v.blockedReason, "The model input 'GenderId' is not mapped to a source column.");
    const added = reduce(removed, edit({ field: 'addInput' }), rules).state;
    const row = added.inputs[added.inputs.length - 1]!;
    assert.deepEqual([row.sourceColumn, row.modelInput, row.inputType], ['', 'GenderId', 'real']);
    assert.equal(viewOf(added, rules).blockedReason, 'Choose a source column.');
    const fixed = reduce(added, edit({ field: 'input', id: row.id, sourceColumn: 'GenderId' }), rules).state;
    assert.equal(viewOf(fixed, rules).canNext, true);
  });

  test("changing a suggested row drops the suggestion's warning", () => {
    const s = onMapPage();
    const cost = s.inputs.find((r) => r.modelInput === 'Cost')!;
    const changed = reduce(s, edit({ field: 'input', id: cost.id, inputType: 'float' }), rules).state;
    const row = viewOf(changed, rules).inputs.find((r) => r.id === cost.id)!;
    assert.deepEqual(row.warnings, []);
  });

  test('outputs: at least one, known names, no duplicates, usable types', () => {
    const s = onMapPage();
    const id = s.outputs[0]!.id;
    const none = viewOf(reduce(s, edit({ field: 'removeOutput', id }), rules).state, rules);
    assert.deepEqual(none.mappingErrors, ['Add at least one model output.']);
    const unknown = viewOf(reduce(s, edit({ field: 'output', id, modelOutput: 'score' }), rules).state, rules);
    assert.equal(unknown.outputs[0]!.errors.modelOutput, "The model has no output 'score'. Its outputs are: label, probabilities.");
    const lob = viewOf(reduce(s, edit({ field: 'output', id, outputType: 'varchar(max)' }), rules).state, rules);
    assert.equal(lob.outputs[0]!.errors.outputType, 'varchar(max) cannot be a PREDICT output column; choose a numeric type or n(var)char up to 4000.');
    const dup = run({ state: s, effects: [] }, edit({ field: 'addOutput' }));
    const added = dup.state.outputs[1]!;
    assert.equal(added.modelOutput, 'probabilities');
    const twice = viewOf(reduce(dup.state, edit({ field: 'output', id: added.id, modelOutput: 'label' }), rules).state, rules);
    assert.equal(twice.outputs[1]!.errors.modelOutput, "The model output 'label' is listed more than once.");
  });

  test('pass-through columns keep the table order and may not clash with model inputs', () => {
    const s = onMapPage();
    const ok = reduce(s, edit({ field: 'passThrough', value: ['Notes', 'customerkey', 'Notes'] }), rules).state;
    assert.deepEqual(ok.passThrough, ['CustomerKey', 'Notes']);
    assert.deepEqual(viewOf(ok, rules).mappingErrors, []);
    const clash = viewOf(reduce(s, edit({ field: 'passThrough', value: ['Cost'] }), rules).state, rules);
    assert.deepEqual(clash.mappingErrors, ["The pass-through column 'Cost' has the same name as a model input; remove it from the pass-through columns."]);
    const unknown = viewOf(reduce(s, edit({ field: 'passThrough', value: ['Ghost'] }), rules).state, rules);
    assert.deepEqual(unknown.mappingErrors, ["The pass-through column 'Ghost' is not a column of the table."]);
  });

  test('Next from the mapping loads the model tables and checks the proposed view name', () => {
    const t = reduce(onMapPage(), { type: 'next' }, rules);
    assert.equal(t.state.page, 'store');
    assert.deepEqual(t.effects, [
      { kind: 'loadModelTables' },
      {
        kind: 'checkName',
        which: 'script',
        key: nameKey('script', { schema: 'wwi_ml', name: 'CustomerPrediction' }),
        name: { schema: 'wwi_ml', name: 'CustomerPrediction' },
        objectType: 'view',
      },
    ]);
  });

  test('Next on an invalid mapping stays on the page', () => {
    const s = onMapPage();
    const bad = reduce(s, edit({ field: 'removeOutput', id: s.outputs[0]!.id }), rules).state;
    assert.equal(reduce(bad, { type: 'next' }, rules).state.page, 'map');
  });
});

describe('wizard state: page 3, store objects', () => {
  test('a valid page shows the generated script and allows Deploy', () => {
    const v = viewOf(onStorePage(), rules);
    assert.equal(v.existingTable, 'wwi_ml.AMLModel');
    assert.equal(v.blockedReason, undefined);
    assert.equal(v.script, '-- view wwi_ml.CustomerPrediction from wwi_ml.AMLModel');
    assert.equal(v.canDeploy, true);
    assert.equal(v.canNext, false);
  });

  test('script names: empty, unparsable, with a database', () => {
    const s = onStorePage();
    const msg = (e: WizardEdit[]) =>
      viewOf(
        e.reduce((st, x) => reduce(st, edit(x), rules).state, s),
        rules,
      ).scriptName.error;
    assert.equal(msg([{ field: 'scriptName', value: '' }]), 'Enter a view name.');
    assert.equal(
      msg([
        { field: 'scriptType', value: 'procedure' },
        { field: 'scriptName', value: ' ' },
      ]),
      'Enter a stored procedure name.',
    );
    assert.equal(msg([{ field: 'scriptName', value: 'my view' }]), "Unexpected 'v' in the name 'my view'.");
    assert.equal(msg([{ field: 'scriptName', value: 'wwi_ml.[Cust' }]), "The name 'wwi_ml.[Cust' has an unclosed '['.");
    assert.equal(msg([{ field: 'scriptName', value: 'db.wwi_ml.V' }]), 'A view is created in the current database: use schema.name, without a database.');
    assert.equal(msg([{ field: 'scriptName', value: '[my view]' }]), undefined);
    const v = viewOf(reduce(s, edit({ field: 'scriptName', value: 'x y' }), rules).state, rules);
    assert.equal(v.canDeploy, false);
    assert.equal(v.script, '');
  });

  test('an existing view must be replaced explicitly; the choice reaches the plan and is reset by a new name', () => {
    const s = onStorePage();
    const key = nameKey('script', { schema: 'wwi_ml', name: 'CustomerPrediction' });
    const exists = reduce(s, { type: 'nameChecked', kind: 'script', key, exists: true }, rules).state;
    const v = viewOf(exists, rules);
    assert.equal(v.scriptName.exists, true);
    assert.equal(v.scriptName.error, 'An object named wwi_ml.CustomerPrediction already exists. Choose another name, or replace it.');
    assert.equal(v.canDeploy, false);
    const replace = reduce(exists, edit({ field: 'replaceExisting', value: true }), rules).state;
    assert.equal(viewOf(replace, rules).canDeploy, true);
    assert.equal(planOf(replace, rules).plan!.replaceExisting, true);
    const renamed = reduce(replace, edit({ field: 'scriptName', value: 'wwi_ml.CustomerPrediction2' }), rules);
    assert.equal(renamed.state.replaceExisting, false);
    assert.equal(renamed.effects.length, 1);
    assert.equal(renamed.effects[0]!.kind, 'checkName');
    // The check for the same name (another spelling) is not asked again.
    const again = reduce(replace, edit({ field: 'scriptName', value: '[WWI_ML].[customerprediction]' }), rules);
    assert.deepEqual(again.effects, []);
    assert.equal(viewOf(again.state, rules).scriptName.exists, true);
  });

  test('replaceExisting is not set in the plan when the object does not exist', () => {
    const s = reduce(onStorePage(), edit({ field: 'replaceExisting', value: true }), rules).state;
    assert.equal(planOf(s, rules).plan!.replaceExisting, false);
  });

  test('with no model table in the database the wizard switches to Create new', () => {
    const s = onStorePage([]);
    assert.equal(s.modelTableMode, 'new');
    const back = viewOf(reduce(s, edit({ field: 'modelTableMode', value: 'existing' }), rules).state, rules);
    assert.equal(back.existingTableError, 'No table in this database can hold models. Choose Create new.');
    assert.equal(back.blockedReason, 'No table in this database can hold models. Choose Create new.');
  });

  test('a new model table: name checks, existing table, same name as the view', () => {
    const s = reduce(onStorePage(), edit({ field: 'modelTableMode', value: 'new' }), rules);
    const key = nameKey('newTable', { schema: 'wwi_ml', name: 'AMLModel' });
    assert.deepEqual(s.effects, [{ kind: 'checkName', which: 'newTable', key, name: { schema: 'wwi_ml', name: 'AMLModel' }, objectType: 'table' }]);
    const exists = viewOf(reduce(s.state, { type: 'nameChecked', kind: 'newTable', key, exists: true }, rules).state, rules);
    assert.equal(exists.newTableName.error, 'A table named wwi_ml.AMLModel already exists. Choose another name, or choose Existing table.');
    assert.equal(exists.canDeploy, false);
    const same = viewOf(reduce(s.state, edit({ field: 'newTableName', value: 'wwi_ml.CustomerPrediction' }), rules).state, rules);
    assert.equal(same.newTableName.error, 'The model table and the view cannot have the same name.');
    const empty = viewOf(reduce(s.state, edit({ field: 'newTableName', value: '' }), rules).state, rules);
    assert.equal(empty.newTableName.error, 'Enter a name for the new model table.');
    const fresh = reduce(s.state, edit({ field: 'newTableName', value: 'Models' }), rules).state;
    const { plan } = planOf(fresh, rules);
    assert.deepEqual(plan!.modelTable, { schema: 'wwi_ml', name: 'Models' });
    assert.equal(plan!.createModelTable, true);
  });

  test('an existing table the database did not list is refused', () => {
    const v = viewOf(reduce(onStorePage(), edit({ field: 'existingTable', value: 'dbo.Other' }), rules).state, rules);
    assert.equal(v.existingTableError, "'dbo.Other' is not a model table of this database.");
  });

  test('the plan carries the mapping with the source types, the model ID and the pass-through columns', () => {
    const s = reduce(onStorePage(), edit({ field: 'passThrough', value: ['CustomerKey'] }), rules).state;
    const { plan, problem } = planOf(s, rules);
    assert.equal(problem, undefined);
    assert.equal(plan!.modelId, 'aml-synapse-classifier:2');
    assert.deepEqual(plan!.inputs[0], { sourceColumn: 'Cost', sourceType: 'float', modelInput: 'Cost', inputType: 'real' });
    assert.deepEqual(plan!.outputs, [{ modelOutput: 'label', outputType: 'bigint' }]);
    assert.deepEqual(plan!.passThrough, ['CustomerKey']);
    assert.deepEqual(plan!.scriptName, { schema: 'wwi_ml', name: 'CustomerPrediction' });
    assert.equal(plan!.createModelTable, false);
  });

  test('a script generator error blocks Deploy with its message', () => {
    const failing = createWizardRules('synapse-dedicated', () => {
      throw new Error('The model table wwi_ml.AMLModel has no [model] column.');
    });
    const v = viewOf(onStorePage(), failing);
    assert.equal(v.canDeploy, false);
    assert.equal(v.blockedReason, 'The model table wwi_ml.AMLModel has no [model] column.');
  });

  test('while deploying, edits and Back are ignored', () => {
    const s = reduce(onStorePage(), { type: 'deploy', deploy: { status: 'running', step: 'Downloading the model' } }, rules).state;
    assert.equal(reduce(s, edit({ field: 'scriptName', value: 'x' }), rules).state, s);
    assert.equal(reduce(s, { type: 'back' }, rules).state.page, 'store');
    const v = viewOf(s, rules);
    assert.equal(v.canDeploy, false);
    assert.equal(v.canBack, false);
  });

  test('Back returns to the mapping with its rows intact', () => {
    const s = reduce(onStorePage(), { type: 'back' }, rules).state;
    assert.equal(s.page, 'map');
    assert.equal(s.inputs.length, 8);
  });
});

describe('wizard state with the real script generator', () => {
  const real = createWizardRules('synapse-dedicated');
  test('page 3 shows the PREDICT script of the lab, with casts, the model ID and the pass-through key', () => {
    let s = onStorePage();
    s = reduce(s, edit({ field: 'passThrough', value: ['CustomerKey'] }), real).state;
    const v = viewOf(s, real);
    assert.equal(v.blockedReason, undefined);
    assert.match(v.script, /CREATE VIEW \[wwi_ml\]\.\[CustomerPrediction\]/);
    assert.match(v.script, /CAST\(\[Cost\] AS \[real\]\) AS \[Cost\]/);
    assert.match(v.script, /\[CustomerKey\]/);
    assert.match(v.script, /'aml-synapse-classifier:2'/);
    assert.match(v.script, /FROM \[wwi_ml\]\.\[CustomerTest\]/);
    assert.match(v.script, /WITH \(\s*\[label\] \[bigint\]\s*\)/);
    assert.equal(v.canDeploy, true);
  });

  test('a stored procedure replacing an existing one drops it first', () => {
    let s = onStorePage();
    s = reduce(s, edit({ field: 'scriptType', value: 'procedure' }), real).state;
    s = reduce(s, { type: 'nameChecked', kind: 'script', key: nameKey('script', { schema: 'wwi_ml', name: 'CustomerPrediction' }), exists: true }, real).state;
    assert.equal(viewOf(s, real).script, '');
    s = reduce(s, edit({ field: 'replaceExisting', value: true }), real).state;
    const v = viewOf(s, real);
    assert.match(v.script, /CREATE PROCEDURE \[wwi_ml\]\.\[CustomerPrediction\]/);
    assert.match(v.script, /DROP PROCEDURE/i);
  });
});

describe('wizard state: cast warnings on page 2', () => {
  test("the lab's model: each float → real row warns once in one sentence; int → bigint rows do not warn", () => {
    const sample = buildSampleModel('linear-classifier');
    const d = describeModel({ mlmodel: parseMLmodel(sample.mlmodelYaml), onnx: readOnnxMetadata(sample.onnx) });
    const t = run(
      initialState(target, registries),
      { type: 'versionsLoaded', registry: 'Local models', versions },
      edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:2' }),
      { type: 'modelLoaded', key: 'aml-synapse-classifier:2', model: wizardModelOf(d), suggestion: suggestionOf(d, target.columns, 'synapse-dedicated') },
      { type: 'next' },
    );
    const check = (v: ReturnType<typeof viewOf>) => {
      for (const r of v.inputs) {
        const type = target.columns.find((c) => c.name === r.sourceColumn)!.type;
        const casts = r.warnings.filter((w) => /cast|convert/i.test(w));
        if (type === 'float') {
          assert.equal(casts.length, 1, `${r.modelInput}: ${r.warnings.join(' | ')}`);
          assert.match(casts[0]!, new RegExp(`^Casting ${r.sourceColumn} \\(float\\) to \\[real\\] can lose data: .*[^.]\\.$`));
        } else {
          assert.deepEqual(r.warnings, [], `${r.modelInput} (${type}) -> ${r.inputType}`);
        }
      }
    };
    check(viewOf(t.state, rules));
    // After the user edits a row (the suggestion's warnings go), the check still warns once.
    const cost = t.state.inputs.find((r) => r.modelInput === 'Cost')!;
    const edited = run(t, edit({ field: 'input', id: cost.id, inputType: 'float' }), edit({ field: 'input', id: cost.id, inputType: 'real' }));
    check(viewOf(edited.state, rules));
  });
});

describe('wizard state: the pass-through selector names the chosen columns', () => {
  test('names, or the count and the first names when they do not fit; None when empty', () => {
    assert.equal(passThroughLabel([]), 'None');
    assert.equal(passThroughLabel(['CustomerKey']), 'CustomerKey');
    assert.equal(passThroughLabel(['CustomerKey', 'StoreId']), 'CustomerKey, StoreId');
    assert.equal(passThroughLabel(['CustomerKey', 'StoreId', 'LowerIncomeBound', 'UpperIncomeBound']), '4 columns: CustomerKey, StoreId, …');
    const long = 'AVeryLongColumnNameThatDoesNotFitInFortyCharacters';
    assert.equal(passThroughLabel([long]), long, 'one name is shown whole');
    assert.equal(passThroughLabel([long, 'Id']), `2 columns: ${long}, …`);
    for (const n of [2, 3, 5, 9]) {
      const cols = Array.from({ length: n }, (_, i) => `Column${i}Key`);
      const label = passThroughLabel(cols);
      assert.ok(label.length <= 40 || label.startsWith(`${n} columns: Column0Key`), label);
      assert.ok(label === cols.join(', ') || label.startsWith(`${n} columns: `), label);
    }
  });
});

describe('webview text fields keep what the user types', () => {
  test('typing fast into New table: states answering older keystrokes never replace newer text, before or after Tab', () => {
    const d = new FieldDrafts();
    const typed = 'wwi_ml.Models2';
    const shown: string[] = [];
    // The host answers each keystroke's edit with a state carrying that keystroke's text, late.
    const hostTexts: string[] = ['wwi_ml.AMLModel'];
    for (let i = 1; i <= typed.length; i++) {
      d.typed('newTable', typed.slice(0, i));
      hostTexts.push(typed.slice(0, i));
      // A state arrives, answering an edit three keystrokes back (or the field's old value).
      shown.push(d.shown('newTable', hostTexts[Math.max(0, hostTexts.length - 4)]!));
    }
    assert.deepEqual(
      shown,
      Array.from({ length: typed.length }, (_, i) => typed.slice(0, i + 1)),
    );
    d.blurred('newTable');
    // After Tab, the answers to the last keystrokes are still on their way: the field keeps the full text.
    for (const late of hostTexts.slice(-4, -1)) assert.equal(d.shown('newTable', late), typed);
    // The host has caught up; from now on its text is shown (nothing else changes it).
    assert.equal(d.shown('newTable', typed), typed);
    assert.equal(d.shown('newTable', 'wwi_ml.Other'), 'wwi_ml.Other');
  });

  test('a field the user has not typed into shows the host text; fields are independent; clear forgets drafts', () => {
    const d = new FieldDrafts();
    assert.equal(d.shown('scriptName', 'wwi_ml.CustomerPrediction'), 'wwi_ml.CustomerPrediction');
    d.typed('scriptName', 'wwi_ml.P');
    assert.equal(d.shown('newTable', 'wwi_ml.AMLModel'), 'wwi_ml.AMLModel');
    assert.equal(d.shown('scriptName', 'wwi_ml.CustomerPrediction'), 'wwi_ml.P', 'focused: the host text does not replace the typing');
    d.clear();
    assert.equal(d.shown('scriptName', 'wwi_ml.CustomerPrediction'), 'wwi_ml.CustomerPrediction');
  });

  test('a focused field keeps what it shows before the first keystroke; focused and left untouched, it follows the host again', () => {
    const d = new FieldDrafts();
    d.focused('scriptName', 'wwi_ml.CustomerPrediction');
    // The state answering the script type choice arrives while the user has selected the text.
    assert.equal(d.shown('scriptName', 'wwi_ml.PredictCustomer'), 'wwi_ml.CustomerPrediction');
    d.typed('scriptName', 'w');
    assert.equal(d.shown('scriptName', 'wwi_ml.PredictCustomer'), 'w');
    d.blurred('scriptName');
    assert.equal(d.shown('scriptName', 'w'), 'w');
    assert.equal(d.shown('scriptName', 'dbo.Other'), 'dbo.Other');
    d.focused('newTable', 'wwi_ml.AMLModel');
    d.blurred('newTable');
    assert.equal(d.shown('newTable', 'wwi_ml.Models'), 'wwi_ml.Models', 'never typed into: the host text shows at once');
  });
});
