import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deployedMessage, scriptDocumentName } from '../../../src/wizard/deployed.js';
import { tableChoices } from '../../../src/wizard/table-picker.js';
import { ScriptConnections } from '../../../src/results-host/script-connections.js';

describe('after a deploy', () => {
  test("the script's document is named after the object, numbered when that name is open", () => {
    const view = { schema: 'wwi_ml', name: 'CustomerPrediction' };
    assert.equal(scriptDocumentName(view, []), 'CustomerPrediction.sql');
    assert.equal(scriptDocumentName(view, ['Untitled-1', 'customerprediction.sql']), 'CustomerPrediction-2.sql');
    assert.equal(scriptDocumentName(view, ['CustomerPrediction.sql', 'CustomerPrediction-2.sql']), 'CustomerPrediction-3.sql');
    assert.equal(scriptDocumentName({ name: 'a/b:c d' }, []), 'a_b_c_d.sql', 'characters a file name cannot hold are replaced');
  });

  test('the notification says which model is stored where and what the script creates', () => {
    const plan = {
      modelId: 'aml-synapse-classifier:2',
      modelTable: { schema: 'wwi_ml', name: 'AMLModel' },
      createModelTable: false,
      scriptType: 'view' as const,
      scriptName: { schema: 'wwi_ml', name: 'CustomerPrediction' },
    };
    assert.equal(
      deployedMessage(plan),
      'Model aml-synapse-classifier:2 is stored in wwi_ml.AMLModel. Run the script to create the view wwi_ml.CustomerPrediction.',
    );
    assert.equal(
      deployedMessage({ ...plan, createModelTable: true, scriptType: 'procedure', scriptName: { schema: 'wwi_ml', name: 'Score' } }),
      'Model aml-synapse-classifier:2 is stored in the new table wwi_ml.AMLModel. Run the script to create the stored procedure wwi_ml.Score.',
    );
  });

  test('Run Script knows the connection of a document the wizard opened, until it closes', () => {
    const m = new ScriptConnections();
    assert.equal(m.get('untitled:CustomerPrediction.sql'), undefined);
    m.remember('untitled:CustomerPrediction.sql', 'Lab pool');
    m.remember('untitled:Other.sql', 'Synapse');
    assert.equal(m.get('untitled:CustomerPrediction.sql'), 'Lab pool');
    m.forget('untitled:CustomerPrediction.sql');
    assert.equal(m.get('untitled:CustomerPrediction.sql'), undefined);
    assert.equal(m.get('untitled:Other.sql'), 'Synapse');
  });
});

describe("the palette's table picker", () => {
  test('puts tables with the model-table shape last, apart from the tables to score', () => {
    const tables = [
      { schema: 'wwi_ml', name: 'AMLModel' },
      { schema: 'wwi_ml', name: 'CustomerTest' },
      { schema: 'dbo', name: 'Models2' },
      { schema: 'dbo', name: 'Sales' },
    ];
    const c = tableChoices(tables, ['wwi_ml.amlmodel', 'dbo.Models2']);
    assert.deepEqual(
      c.data.map((t) => t.name),
      ['CustomerTest', 'Sales'],
    );
    assert.deepEqual(
      c.modelTables.map((t) => t.name),
      ['AMLModel', 'Models2'],
    );
    assert.deepEqual(tableChoices(tables, []).data, tables);
  });
});
