/**
 * The CLI's options applied through the wizard's state machine: a real sample model (read as the
 * wizard reads it) over a table and a fake catalog. What the CLI accepts and refuses, with the
 * wizard's messages and the option to change.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import { openLocalSource } from '../../../src/models/sources/local.js';
import { CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { readModelForWizard } from '../../../src/wizard/model-reader.js';
import { resolvePlan, type PlanInput } from '../../../src/cli/plan.js';
import type { PlanOptions } from '../../../src/cli/args.js';
import { CliFailure } from '../../../src/cli/errors.js';
import { displayObjectName, type ObjectName } from '../../../src/sql/names.js';
import { generateScoringScript } from '../../../src/sql/script.js';
import { toScoringPlan } from '../../../src/wizard/rules.js';
import type { WizardRegistry } from '../../../src/wizard/services.js';
import type { SourceColumnOption } from '../../../src/wizard/protocol.js';

let root: string;
let registry: WizardRegistry;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-plan-'));
  await writeSampleRegistry(join(root, 'registry'));
  registry = { name: 'Samples', kind: 'local', source: await openLocalSource(join(root, 'registry')) };
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const TABLE: ObjectName = { schema: 'wwi_ml', name: 'CustomerTest' };
const LAB_COLUMNS: SourceColumnOption[] = CUSTOMER_TEST_COLUMNS.map((c) => ({ name: c.name, type: c.sqlType }));

function options(o: Partial<PlanOptions> = {}): PlanOptions {
  return {
    table: TABLE,
    registry: 'registry',
    model: { name: 'aml-synapse-classifier', version: '2' },
    maps: [],
    inputTypes: [],
    scriptType: 'view',
    replace: false,
    createModelTable: false,
    ...o,
  };
}

async function input(o: Partial<PlanOptions>, db: { existing?: string[]; modelTables?: string[]; columns?: SourceColumnOption[] } = {}): Promise<PlanInput> {
  const columns = db.columns ?? LAB_COLUMNS;
  const version = await registry.source.getVersion('aml-synapse-classifier', '2');
  const { model, suggestion } = await readModelForWizard({ registry, version, columns, target: 'synapse-dedicated', signal: new AbortController().signal });
  const existing = new Set((db.existing ?? []).map((n) => n.toLowerCase()));
  return {
    connectionName: '127.0.0.1:1433/SQLPool01',
    table: TABLE,
    columns,
    registry,
    version,
    model,
    suggestion,
    target: 'synapse-dedicated',
    options: options(o),
    catalog: {
      objectExists: async (name) => existing.has(displayObjectName(name).toLowerCase()),
      modelTables: async () => db.modelTables ?? ['wwi_ml.AMLModel'],
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CliFailure, `expected a CliFailure, got ${String(e)}`);
    return e.message;
  }
  assert.fail('the plan was accepted');
}

describe('the suggested plan', () => {
  test("the lab's table and classifier: every input mapped by name, the key passed through, the wizard's default names", async () => {
    const { plan, warnings } = await resolvePlan(await input({}, { existing: ['wwi_ml.AMLModel'] }));
    assert.deepEqual(
      plan.inputs.map((i) => `${i.sourceColumn}→${i.modelInput}:${i.inputType}`),
      [
        'Cost→Cost:real',
        'Size→Size:real',
        'Price→Price:real',
        'PrimaryBrandId→PrimaryBrandId:bigint',
        'GenderId→GenderId:bigint',
        'MaritalStatus→MaritalStatus:bigint',
        'LowerIncomeBound→LowerIncomeBound:bigint',
        'UpperIncomeBound→UpperIncomeBound:bigint',
      ],
    );
    assert.deepEqual(plan.passThrough, ['CustomerKey']);
    assert.equal(displayObjectName(plan.scriptName), 'wwi_ml.CustomerPrediction');
    assert.equal(displayObjectName(plan.modelTable), 'wwi_ml.AMLModel');
    assert.equal(plan.createModelTable, false);
    assert.equal(plan.modelId, 'aml-synapse-classifier:2');
    // float → real loses digits: said once per column, not twice.
    assert.equal(warnings.filter((w) => w.startsWith('Cost:')).length, 1);
    assert.match(
      warnings.find((w) => w.startsWith('Cost:'))!,
      /can lose data/,
    );
  });

  test("the script is the generator's for that plan", async () => {
    const { plan, rules } = await resolvePlan(await input({ scriptType: 'procedure', scriptName: 'wwi_ml.ScoreCustomers' }));
    assert.equal(rules.buildScript(plan), generateScoringScript(toScoringPlan(plan, 'synapse-dedicated')).text);
    assert.match(rules.buildScript(plan), /^CREATE PROCEDURE \[wwi_ml\]\.\[ScoreCustomers\]$/m);
  });
});

describe('mapping options', () => {
  test('--map points an input at another column; the column keeps its own name in the CTE', async () => {
    const columns = LAB_COLUMNS.map((c) => (c.name === 'Cost' ? { ...c, name: 'UnitCost' } : c));
    const { plan } = await resolvePlan(await input({ maps: [{ input: 'Cost', column: 'UnitCost' }] }, { columns }));
    assert.deepEqual(
      plan.inputs.find((i) => i.modelInput === 'Cost'),
      { sourceColumn: 'UnitCost', sourceType: 'float', modelInput: 'Cost', inputType: 'real' },
    );
  });

  test('an input no column matches: the input is named, with the option that fixes it', async () => {
    const columns = LAB_COLUMNS.map((c) => (c.name === 'Cost' ? { ...c, name: 'UnitCost' } : c));
    assert.equal(
      await refusal(resolvePlan(await input({}, { columns }))),
      "Model input 'Cost': Choose a source column. (fix the mapping with --map input=column, --input-type input=type or --pass-through)",
    );
  });

  test('--map to a column the table does not have', async () => {
    assert.equal(
      await refusal(resolvePlan(await input({ maps: [{ input: 'Cost', column: 'Costs' }] }))),
      "Model input 'Cost': The table has no column 'Costs'. (fix the mapping with --map input=column, --input-type input=type or --pass-through)",
    );
  });

  test('--map of an input the model does not have lists its inputs', async () => {
    assert.equal(
      await refusal(resolvePlan(await input({ maps: [{ input: 'cost', column: 'Cost' }] }))),
      "Model input 'cost': Model input names are case-sensitive: did you mean 'Cost'? (fix the mapping with --map input=column, --input-type input=type or --pass-through)",
    );
  });

  test('--input-type that PREDICT does not accept on the target', async () => {
    const message = await refusal(resolvePlan(await input({ inputTypes: [{ input: 'Cost', type: 'decimal(18,2)' }] })));
    assert.match(message, /^Model input 'Cost': PREDICT on .* does not accept decimal\(18,2\) inputs; choose one of /);
  });

  test('--pass-through replaces the key columns; an unknown column is refused', async () => {
    const { plan } = await resolvePlan(await input({ passThrough: [] }));
    assert.deepEqual(plan.passThrough, []);
    assert.equal(
      await refusal(resolvePlan(await input({ passThrough: ['CustomerKey', 'Region'] }))),
      "The pass-through column 'Region' is not a column of the table. (fix the mapping with --map input=column, --input-type input=type or --pass-through)",
    );
  });
});

describe('object options', () => {
  test('an existing view is refused unless --replace', async () => {
    const db = { existing: ['wwi_ml.CustomerPrediction', 'wwi_ml.AMLModel'] };
    assert.equal(
      await refusal(resolvePlan(await input({}, db))),
      'An object named wwi_ml.CustomerPrediction already exists. Choose another name, or replace it. (fix the names with --view, --procedure, --replace, --model-table or --create-model-table)',
    );
    const { plan, rules } = await resolvePlan(await input({ replace: true }, db));
    assert.equal(plan.replaceExisting, true);
    assert.match(rules.buildScript(plan), /DROP VIEW \[wwi_ml\]\.\[CustomerPrediction\]/);
  });

  test('--model-table in another spelling picks the listed table; an unlisted one is refused', async () => {
    const { plan } = await resolvePlan(await input({ modelTable: '[WWI_ML].[amlmodel]' }, { modelTables: ['wwi_ml.Other', 'wwi_ml.AMLModel'] }));
    assert.equal(displayObjectName(plan.modelTable), 'wwi_ml.AMLModel');
    assert.equal(
      await refusal(resolvePlan(await input({ modelTable: 'wwi_ml.Models' }))),
      "'wwi_ml.Models' is not a model table of this database. (fix the names with --view, --procedure, --replace, --model-table or --create-model-table)",
    );
  });

  test('--create-model-table: a new name is accepted, an existing one refused', async () => {
    const { plan } = await resolvePlan(await input({ createModelTable: true, modelTable: 'wwi_ml.PredictModels' }));
    assert.equal(plan.createModelTable, true);
    assert.equal(displayObjectName(plan.modelTable), 'wwi_ml.PredictModels');
    assert.equal(
      await refusal(resolvePlan(await input({ createModelTable: true }, { existing: ['wwi_ml.AMLModel'] }))),
      'A table named wwi_ml.AMLModel already exists. Choose another name, or choose Existing table. (fix the names with --view, --procedure, --replace, --model-table or --create-model-table)',
    );
  });

  test('no model table in the database and none to create', async () => {
    assert.equal(
      await refusal(resolvePlan(await input({}, { modelTables: [] }))),
      'No table in 127.0.0.1:1433/SQLPool01 can hold models: name one with --model-table schema.table, or add --create-model-table to create wwi_ml.AMLModel.',
    );
  });
});
