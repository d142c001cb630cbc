/**
 * The SQL rules the wizard applies, built from the one SQL type system (src/sql/types.ts) and the
 * script generator (src/sql/script.ts). Pure; no vscode.
 */
import {
  displaySqlType,
  isPredictInputType,
  parseSqlType,
  predictInputTypes,
  predictTargetLabel,
  SqlTypeError,
  type PredictTarget,
  type SqlType,
} from '../sql/types.js';
import { generateScoringScript, type ScoringPlan } from '../sql/script.js';
import { castWarning } from './mapping.js';
import type { SourceColumnOption } from './protocol.js';
import type { WizardPlan, WizardRules } from './state.js';

/** Output types offered in the dropdown (any other valid SQL type may be typed). */
export const OUTPUT_TYPES: readonly string[] = ['bigint', 'int', 'smallint', 'tinyint', 'bit', 'real', 'float', 'nvarchar(4000)', 'varchar(8000)'];

function parse(text: string): { type?: SqlType; error?: string } {
  try {
    return { type: parseSqlType(text) };
  } catch (e) {
    return { error: e instanceof SqlTypeError ? e.message : String(e) };
  }
}

/** The SQL core's plan for a wizard plan. Throws SqlTypeError for a type text that does not parse. */
export function toScoringPlan(plan: WizardPlan, target: PredictTarget): ScoringPlan {
  return {
    target,
    source: plan.table,
    inputs: plan.inputs.map((i) => ({
      sourceColumn: i.sourceColumn,
      sourceType: parseSqlType(i.sourceType),
      modelInput: i.modelInput,
      inputType: parseSqlType(i.inputType),
    })),
    passThrough: plan.passThrough.map((column) => ({ column, type: parseSqlType(plan.passThroughTypes?.[column] ?? '') })),
    outputs: plan.outputs.map((o) => ({ name: o.modelOutput, type: parseSqlType(o.outputType) })),
    scriptType: plan.scriptType,
    objectName: plan.scriptName,
    modelTable: plan.modelTable,
    modelId: plan.modelId,
    replaceExisting: plan.replaceExisting,
  };
}

export function createWizardRules(
  target: PredictTarget,
  buildScript: (plan: WizardPlan) => string = (plan) => generateScoringScript(toScoringPlan(plan, target)).text,
): WizardRules {
  const allowed = predictInputTypes(target);
  return {
    inputTypes: allowed,
    outputTypes: OUTPUT_TYPES,
    inputTypeProblem(text) {
      const { type, error } = parse(text);
      if (!type) return error;
      if (!isPredictInputType(type, target)) {
        return `PREDICT on ${predictTargetLabel(target)} does not accept ${displaySqlType(type)} inputs; choose one of ${allowed.join(', ')}.`;
      }
      return undefined;
    },
    outputTypeProblem(text) {
      const { type, error } = parse(text);
      if (!type) return error;
      if (type.length === 'max' || ['text', 'ntext', 'image', 'xml', 'sql_variant', 'timestamp', 'rowversion'].includes(type.name)) {
        return `${displaySqlType(type)} cannot be a PREDICT output column; choose a numeric type or n(var)char up to 4000.`;
      }
      return undefined;
    },
    castWarning(column: SourceColumnOption, inputType: string) {
      const from = parse(column.type).type;
      const to = parse(inputType).type;
      if (!from || !to) return undefined;
      return castWarning(column.name, from, to);
    },
    buildScript,
  };
}
