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
  castLoss,
  SqlTypeError,
  type PredictTarget,
  type SqlType,
} from '../sql/types.js';
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

export function createWizardRules(target: PredictTarget, buildScript: (plan: WizardPlan) => string): WizardRules {
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
      const loss = castLoss(from, to);
      return loss ? `${column.name}: ${loss}` : undefined;
    },
    buildScript,
  };
}
