import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeployedModel, ModelTableRef, ScoringObject } from '../../../src/lifecycle/types.js';
import { formatBytes, formatCreated, modelDescription, modelLabel, modelTooltip, schemaText } from '../../../src/tree/model-items.js';

const table: ModelTableRef = {
  table: { schema: 'wwi_ml', name: 'AMLModel' },
  idColumn: 'ID',
  modelColumn: 'model',
  columns: { name: 'name', version: 'version' },
  allColumns: ['ID', 'model', 'name', 'version'],
};
const v2: DeployedModel = {
  modelTable: table,
  id: 'aml-synapse-classifier:2',
  name: 'aml-synapse-classifier',
  version: '2',
  sizeBytes: 1536,
  createdTime: new Date('2026-12-04T13:45:10Z'),
  createdBy: 'dana',
  framework: 'sklearn',
  inputsSchema: '[{"name": "Cost", "type": "double"}, {"name": "Gender", "type": "string"}]',
  outputsSchema: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]',
};
const view: ScoringObject = {
  kind: 'view',
  name: { schema: 'wwi_ml', name: 'CustomerPrediction' },
  modelTable: { schema: 'wwi_ml', name: 'AMLModel' },
  modelId: 'aml-synapse-classifier:2',
  definition: '',
};

describe('Models node items', () => {
  test('a model shows its ID, then size and creation time (and the version when the ID does not say it)', () => {
    assert.equal(modelLabel(v2), 'aml-synapse-classifier:2');
    assert.equal(modelDescription(v2), '1.5 KB · 2026-12-04 13:45');
    assert.equal(modelDescription(v2, { showTable: true, users: 2 }), '1.5 KB · 2026-12-04 13:45 · 2 users · wwi_ml.AMLModel');
    assert.equal(modelDescription({ ...v2, id: 'classifier-prod' }), 'version 2 · 1.5 KB · 2026-12-04 13:45');
  });

  test('a row with only ID and model shows its ID, and says when it holds no bytes', () => {
    const bare: DeployedModel = { modelTable: table, id: 'm:7' };
    assert.equal(modelLabel(bare), 'm:7');
    assert.equal(modelDescription(bare), 'no bytes');
  });

  test('sizes and dates', () => {
    assert.equal(formatBytes(900), '900 B');
    assert.equal(formatBytes(5 * 1024 * 1024), '5 MB');
    assert.equal(formatBytes(150 * 1024), '150 KB');
    assert.equal(formatCreated(new Date('invalid')), undefined);
  });

  test('the tooltip lists the input and output schemas and the objects that use the model', () => {
    const t = modelTooltip(v2, [view]);
    assert.match(t, /Inputs: `Cost` double, `Gender` string/);
    assert.match(t, /Outputs: `\?` int64/);
    assert.match(t, /Used by view wwi\\_ml\\.CustomerPrediction/);
    assert.match(modelTooltip({ modelTable: table, id: 'x:1' }, []), /Inputs: \(not recorded\)[\s\S]*No view or procedure scores with it\./);
  });

  test('a schema that is not MLflow JSON is shown as written', () => {
    assert.equal(schemaText('Cost real, Gender nvarchar'), 'Cost real, Gender nvarchar');
  });
});
