/**
 * The scoring plan the wizard proposes for `wwi_ml.CustomerTest` and a model version: the model read
 * as the wizard reads it (readModelForWizard) against the table's columns on `conn`, and the
 * suggested mapping taken as it is, for Synapse's dedicated pool. Deploy tests, the CLI's test and
 * the deploy benchmark start from it.
 */
import type { ModelSource, ModelVersionInfo } from '../../src/models/source.js';
import { listColumns } from '../../src/sql/catalog.js';
import type { SqlConnection } from '../../src/sql/client/connection.js';
import type { ScoringPlan } from '../../src/sql/script.js';
import { parseSqlType } from '../../src/sql/types.js';
import { readModelForWizard } from '../../src/wizard/model-reader.js';

export interface SuggestedPlanOptions {
  /** The model table's name in wwi_ml. */
  readonly modelTable: string;
  /** The view's name in wwi_ml (default CustomerPrediction). */
  readonly objectName?: string;
  readonly passThrough?: ScoringPlan['passThrough'];
}

export async function suggestedPlan(conn: SqlConnection, source: ModelSource, version: ModelVersionInfo, opts: SuggestedPlanOptions): Promise<ScoringPlan> {
  const columns = (await listColumns(conn, { schema: 'wwi_ml', name: 'CustomerTest' })).map((c) => ({ name: c.name, type: c.typeText }));
  const { suggestion } = await readModelForWizard({
    registry: { name: 'Samples', kind: 'local', source },
    version,
    columns,
    target: 'synapse-dedicated',
    signal: new AbortController().signal,
  });
  return {
    target: 'synapse-dedicated',
    source: { schema: 'wwi_ml', name: 'CustomerTest' },
    inputs: suggestion.inputs.map((i) => ({
      sourceColumn: i.sourceColumn,
      sourceType: parseSqlType(columns.find((c) => c.name === i.sourceColumn)!.type),
      modelInput: i.modelInput,
      inputType: parseSqlType(i.inputType),
    })),
    ...(opts.passThrough ? { passThrough: opts.passThrough } : {}),
    outputs: suggestion.outputs.map((o) => ({ name: o.modelOutput, type: parseSqlType(o.outputType) })),
    scriptType: 'view',
    objectName: { schema: 'wwi_ml', name: opts.objectName ?? 'CustomerPrediction' },
    modelTable: { schema: 'wwi_ml', name: opts.modelTable },
    modelId: `${version.modelName}:${version.version}`,
  };
}
