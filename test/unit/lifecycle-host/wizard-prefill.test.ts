import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mappingProblems, prefilledState, type WizardPrefill } from '../../../src/wizard/prefill.js';
import { planOf, reduce, viewOf } from '../../../src/wizard/state.js';
import { createWizardRules } from '../../../src/wizard/rules.js';
import { CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';

const rules = createWizardRules('synapse-dedicated', (plan) => `-- ${plan.scriptType} ${plan.scriptName.schema}.${plan.scriptName.name}`);
const target = {
  connectionName: 'local',
  table: { schema: 'wwi_ml', name: 'CustomerTest' },
  columns: CUSTOMER_TEST_COLUMNS.map((c) => ({ name: c.name, type: c.sqlType })),
};
const registries = [{ name: 'Samples', kind: 'local' }] as const;
const model = {
  inputs: CUSTOMER_FEATURES.map((f) => ({ name: f, type: 'float32 [-1, 1]', suggestedSqlType: 'real' })),
  outputs: [{ name: 'label', type: 'int64 [-1]', suggestedSqlType: 'bigint' }],
};
const prefill: WizardPrefill = {
  registry: 'Samples',
  version: { key: 'aml-synapse-classifier:2', name: 'aml-synapse-classifier', version: '2', created: '', createdBy: '', framework: 'onnx' },
  model,
  inputs: CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, modelInput: f, inputType: 'real' })),
  outputs: [{ modelOutput: 'label', outputType: 'bigint' }],
  passThrough: ['CustomerKey', 'NoSuchColumn'],
  scriptType: 'view',
  scriptName: 'wwi_ml.CustomerPrediction',
  modelTable: 'wwi_ml.AMLModel',
};

describe('the wizard opened on a deployed object', () => {
  test('opens on page 2 with the object mapping, its names and replace set, and reads the registry list', () => {
    const t = prefilledState(target, registries, prefill);
    const v = viewOf(t.state, rules);
    assert.equal(v.page, 'map');
    assert.equal(v.selectedVersion, 'aml-synapse-classifier:2');
    assert.deepEqual(
      v.inputs.map((r) => [r.sourceColumn, r.modelInput, r.inputType]),
      prefill.inputs.map((r) => [r.sourceColumn, r.modelInput, r.inputType]),
    );
    assert.deepEqual(v.passThrough, ['CustomerKey'], 'a pass-through column the table no longer has is dropped');
    assert.equal(v.scriptName.text, 'wwi_ml.CustomerPrediction');
    assert.equal(v.existingTable, 'wwi_ml.AMLModel');
    assert.equal(v.replaceExisting, true);
    assert.equal(v.canNext, true);
    assert.deepEqual(t.effects, [{ kind: 'loadVersions', registry: 'Samples' }]);
    assert.deepEqual(mappingProblems(t.state, rules), []);
  });

  test('a mapping that does not fit the version shows its problems beside the rows and blocks Next', () => {
    const other = {
      ...model,
      inputs: [...model.inputs.filter((i) => i.name !== 'Cost'), { name: 'Discount', type: 'float32 [-1, 1]', suggestedSqlType: 'real' }],
    };
    const t = prefilledState(target, registries, { ...prefill, model: other, banner: 'Version 3 differs from the mapping.' });
    const problems = mappingProblems(t.state, rules);
    assert.ok(
      problems.some((p) => p.includes('Cost')),
      problems.join(' | '),
    );
    assert.ok(
      problems.some((p) => p.includes('Discount')),
      problems.join(' | '),
    );
    const v = viewOf(t.state, rules);
    assert.equal(v.banner, 'Version 3 differs from the mapping.');
    assert.equal(v.canNext, false);
  });

  test('Next goes to page 3 with the object replaced in the existing model table', () => {
    let s = prefilledState(target, registries, prefill).state;
    s = reduce(s, { type: 'next' }, rules).state;
    s = reduce(s, { type: 'modelTablesLoaded', tables: ['wwi_ml.AMLModel'] }, rules).state;
    const key = Object.keys(s.existing)[0]!;
    s = reduce(s, { type: 'nameChecked', kind: 'script', key, exists: true }, rules).state;
    const { plan, problem } = planOf(s, rules);
    assert.equal(problem, undefined);
    assert.equal(plan?.replaceExisting, true);
    assert.equal(plan?.modelId, 'aml-synapse-classifier:2');
    assert.deepEqual(plan?.modelTable, { schema: 'wwi_ml', name: 'AMLModel' });
    assert.deepEqual(plan?.passThrough, ['CustomerKey']);
  });
});
