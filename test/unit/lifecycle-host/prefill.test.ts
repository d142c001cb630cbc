import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR } from '../sql/golden.js';
import { readBackMapping } from '../../../src/lifecycle/readback.js';
import { inputNamesOf, prefillFromMapping, splitModelId } from '../../../src/lifecycle-host/prefill.js';
import { mappingProblems, prefilledState } from '../../../src/wizard/prefill.js';
import { createWizardRules } from '../../../src/wizard/rules.js';
import { CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';

const rules = createWizardRules('synapse-dedicated');
const sourceColumns = CUSTOMER_TEST_COLUMNS.map((c) => ({ name: c.name, type: c.sqlType }));
const model = {
  inputs: CUSTOMER_FEATURES.map((f) => ({ name: f, type: 'float32 [-1, 1]', suggestedSqlType: 'real' })),
  outputs: [{ name: 'variable_out1', type: 'int64 [-1]', suggestedSqlType: 'bigint' }],
};
const version = { key: 'aml-synapse-classifier:2', name: 'aml-synapse-classifier', version: '2', created: '', createdBy: '', framework: 'onnx' };
const target = { connectionName: 'local', table: { schema: 'wwi_ml', name: 'CustomerTest' }, columns: sourceColumns };

const definition = `CREATE VIEW [wwi_ml].[CustomerPrediction]
AS WITH InputData AS
(
    SELECT [CustomerKey],
        CAST([Cost] AS [real]) AS [Cost],
        ${CUSTOMER_FEATURES.filter((f) => f !== 'Cost')
          .map((f) => `CAST([${f}] AS [real]) AS [${f}]`)
          .join(',\n        ')}
    FROM [wwi_ml].[CustomerTest]
)
SELECT *
FROM PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'aml-synapse-classifier:1'),
              DATA = InputData,
              RUNTIME = ONNX) WITH ([variable_out1] [bigint])`;

describe('a deployed object in the wizard', () => {
  test('model IDs split at the last colon; input names come from the recorded schema', () => {
    assert.deepEqual(splitModelId('aml-synapse-classifier:2'), { name: 'aml-synapse-classifier', version: '2' });
    assert.deepEqual(splitModelId('ns:model:10'), { name: 'ns:model', version: '10' });
    assert.deepEqual(splitModelId('plain'), { name: 'plain' });
    assert.deepEqual(inputNamesOf('[{"name": "Cost", "type": "real"}, {"name": "Gender", "type": "real"}]'), ['Cost', 'Gender']);
    assert.equal(inputNamesOf('not json'), undefined);
    assert.equal(inputNamesOf('[{"type": "tensor"}]'), undefined);
  });

  test('a read-back view fills the wizard with its casts, outputs, pass-through, names and model table', () => {
    const m = readBackMapping({ kind: 'view', name: { schema: 'wwi_ml', name: 'CustomerPrediction' }, definition }, { modelInputs: CUSTOMER_FEATURES });
    const p = prefillFromMapping(m, { registry: 'Samples', version, model, sourceColumns });
    assert.deepEqual(p.passThrough, ['CustomerKey']);
    assert.deepEqual(
      p.inputs.map((i) => [i.sourceColumn, i.modelInput, i.inputType]),
      CUSTOMER_FEATURES.map((f) => [f, f, 'real']),
    );
    assert.deepEqual(p.outputs, [{ modelOutput: 'variable_out1', outputType: 'bigint' }]);
    assert.equal(p.scriptName, 'wwi_ml.CustomerPrediction');
    assert.equal(p.modelTable, 'wwi_ml.AMLModel');
    assert.deepEqual(mappingProblems(prefilledState(target, [{ name: 'Samples', kind: 'local' }], p).state, rules), []);
  });

  test('against a version whose output has another name, the check names the output', () => {
    const m = readBackMapping({ kind: 'view', name: { schema: 'wwi_ml', name: 'CustomerPrediction' }, definition }, { modelInputs: CUSTOMER_FEATURES });
    const renamed = { ...model, outputs: [{ name: 'label', type: 'int64 [-1]', suggestedSqlType: 'bigint' }] };
    const p = prefillFromMapping(m, { registry: 'Samples', version, model: renamed, sourceColumns });
    const problems = mappingProblems(prefilledState(target, [{ name: 'Samples', kind: 'local' }], p).state, rules);
    assert.ok(
      problems.some((x) => x.includes('variable_out1')),
      problems.join(' | '),
    );
  });

  test('every golden script reads back into rows the wizard accepts for the model it was made for', () => {
    const dir = GOLDEN_DIR;
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    assert.ok(files.length > 0);
    let read = 0;
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const create = text.split(/^GO\s*$/m)[0]!;
      const kind = /CREATE\s+(OR\s+ALTER\s+)?PROC/i.test(create) ? 'procedure' : 'view';
      let m;
      try {
        m = readBackMapping({ kind, name: { schema: 'dbo', name: 'x' }, definition: create });
      } catch {
        continue; // the core's own tests cover what cannot be read back
      }
      const p = prefillFromMapping(m, { registry: 'R', version, model, sourceColumns });
      assert.equal(p.inputs.length, m.inputs.length, f);
      assert.ok(
        p.inputs.every((i) => i.inputType !== ''),
        `${f}: every input has a type`,
      );
      read++;
    }
    assert.ok(read > 0, 'no golden script was read back');
  });
});
