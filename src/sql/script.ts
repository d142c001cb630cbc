/**
 * The scoring script: from a complete ScoringPlan to the T-SQL that Synapse Studio's "Predict with a
 * model" wizard opens (REFERENCE.md §1), with three improvements over the original: string casts keep
 * their length, key columns can be passed through to the result, and every name is quoted.
 *
 * Also re-exports the model-table SQL (createModelTableSql, checkModelTable, modelRowStatements).
 */
import { displayObjectName, quoteName, quoteObjectName, quoteString, sameName, SqlNameError, type ObjectName } from './names.js';
import { dialectFor, dropIfExistsSql } from './dialect.js';
import { ScriptPlanError } from './script-error.js';
import {
  castLoss,
  castNeeded,
  castTarget,
  displaySqlType,
  formatSqlType,
  isKnownSqlType,
  isPredictInputType,
  predictInputTypes,
  predictTargetLabel,
  type PredictTarget,
  type SqlType,
} from './types.js';

export { ScriptPlanError } from './script-error.js';
export {
  createModelTableSql,
  checkModelTable,
  modelRowStatements,
  describeStatements,
  MODEL_TABLE_COLUMNS,
  REQUIRED_MODEL_TABLE_COLUMNS,
  type ModelTableColumn,
  type ModelTableColumnKey,
  type ExistingColumn,
  type ModelTableCheck,
  type ModelRow,
  type StatementParameter,
  type ParameterizedStatement,
} from './model-table.js';

/** One source column feeding one model input. */
export interface InputMapping {
  readonly sourceColumn: string;
  readonly sourceType: SqlType;
  /** The model input's name; the column's alias in the CTE (PREDICT matches inputs by name). */
  readonly modelInput: string;
  /** The type the model input gets; the column is CAST to it when castNeeded says so. */
  readonly inputType: SqlType;
}

/** A source column copied unchanged into the result, e.g. a key to join predictions back on. */
export interface PassThroughColumn {
  readonly column: string;
  readonly type: SqlType;
}

/** A model output: a column of PREDICT's WITH clause. */
export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

export type ScriptType = 'view' | 'procedure';

export interface ScoringPlan {
  readonly target: PredictTarget;
  /** The table (or view) whose rows are scored. */
  readonly source: ObjectName;
  readonly inputs: readonly InputMapping[];
  /** Columns listed first in the CTE, copied to the result as they are. */
  readonly passThrough?: readonly PassThroughColumn[];
  readonly outputs: readonly OutputColumn[];
  readonly scriptType: ScriptType;
  /** The view or stored procedure to create. */
  readonly objectName: ObjectName;
  /** The table that holds the model row. */
  readonly modelTable: ObjectName;
  /** The model row's ID: `<name>:<version>`. */
  readonly modelId: string;
  /**
   * The model table's own spelling of its ID and model columns (from checkModelTable's `columns`);
   * default `ID` and `model`, as in the lab's AMLModel.
   */
  readonly modelColumns?: { readonly id?: string; readonly model?: string };
  /** Drop an existing view/procedure of that name first (a batch of its own before the CREATE). */
  readonly replaceExisting?: boolean;
}

export interface ScoringScript {
  /** The whole script, batches separated by `GO` lines, as the editor shows it. */
  readonly text: string;
  /** The batches in order, without the `GO` lines: what a client sends one by one. */
  readonly batches: readonly string[];
  /** Index in `batches` of the CREATE VIEW / CREATE PROCEDURE batch. */
  readonly createBatch: number;
  readonly objectName: ObjectName;
  readonly scriptType: ScriptType;
  /** What the casts may lose, one sentence per input (from castLoss), e.g. "Cost: Converting float to real: …". */
  readonly warnings: readonly string[];
}

const INDENT = '    ';

/**
 * The scoring script for `plan`. Throws ScriptPlanError with a message a user can act on when the
 * plan cannot work (duplicate names, a type PREDICT refuses, a name SQL cannot hold, ...).
 */
export function generateScoringScript(plan: ScoringPlan): ScoringScript {
  validatePlan(plan);
  const named = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof SqlNameError) throw new ScriptPlanError(`${what}: ${e.message}`);
      throw e;
    }
  };
  const kindWord = plan.scriptType === 'view' ? 'view' : 'stored procedure';
  const object = named(`The ${kindWord} name`, () => quoteObjectName(plan.objectName));
  const source = named('The source table name', () => quoteObjectName(plan.source));
  const modelTable = named('The model table name', () => quoteObjectName(plan.modelTable));
  const idColumn = named("The model table's ID column", () => quoteName(plan.modelColumns?.id ?? 'ID'));
  const modelColumn = named("The model table's model column", () => quoteName(plan.modelColumns?.model ?? 'model'));

  const selectList: string[] = [];
  for (const p of plan.passThrough ?? []) {
    selectList.push(named(`The pass-through column '${p.column}'`, () => quoteName(p.column)));
  }
  const warnings: string[] = [];
  for (const m of plan.inputs) {
    const col = named(`The source column '${m.sourceColumn}'`, () => quoteName(m.sourceColumn));
    const alias = named(`The model input '${m.modelInput}'`, () => quoteName(m.modelInput));
    if (castNeeded(m.sourceType, m.inputType)) {
      selectList.push(`CAST(${col} AS ${formatSqlType(castTarget(m.sourceType, m.inputType))}) AS ${alias}`);
      const loss = castLoss(m.sourceType, m.inputType);
      if (loss) warnings.push(`${m.sourceColumn}: ${loss}`);
    } else {
      selectList.push(m.sourceColumn === m.modelInput ? col : `${col} AS ${alias}`);
    }
  }
  const withList = plan.outputs.map((o) => `${named(`The model output '${o.name}'`, () => quoteName(o.name))} ${formatSqlType(o.type)}`).join(', ');

  const query = [
    '-- Select input scoring data and assign aliases.',
    'WITH InputData AS',
    '(',
    `${INDENT}SELECT`,
    ...selectList.map((s, i) => `${INDENT}${INDENT}${s}${i < selectList.length - 1 ? ',' : ''}`),
    `${INDENT}FROM ${source}`,
    ')',
    '-- Using T-SQL Predict command to score machine learning models.',
    'SELECT *',
    `FROM PREDICT (MODEL = (SELECT ${modelColumn} FROM ${modelTable} WHERE ${idColumn} = ${quoteString(plan.modelId)}),`,
    '              DATA = InputData,',
    // Written on every target: required on Synapse and SQL Edge, accepted on Managed Instance.
    `              RUNTIME = ONNX) WITH (${withList})`,
  ];

  const batches: string[] = [];
  if (plan.replaceExisting) {
    batches.push([`-- Drop the ${kindWord} if it exists, so that it can be created again.`, dropIfExistsSql(plan.scriptType, plan.objectName)].join('\n'));
  }
  const createBatch = batches.length;
  if (plan.scriptType === 'view') {
    batches.push(['-- Create a view to score machine learning models.', `CREATE VIEW ${object}`, 'AS', ...query].join('\n'));
    batches.push(['-- Display the results.', `SELECT * FROM ${object}`].join('\n'));
  } else {
    batches.push(
      [
        '-- Create a stored procedure to score machine learning models.',
        `CREATE PROCEDURE ${object}`,
        'AS',
        'BEGIN',
        ...query.map((l) => INDENT + l),
        'END',
      ].join('\n'),
    );
    batches.push(['-- Run the stored procedure to display the results.', `EXEC ${object}`].join('\n'));
  }
  checkNoSeparatorLines(plan, batches);
  return {
    text: batches.join('\nGO\n\n') + '\n',
    batches,
    createBatch,
    objectName: plan.objectName,
    scriptType: plan.scriptType,
    warnings,
  };
}

function validatePlan(plan: ScoringPlan): void {
  const target = plan.target;
  let targetLabel: string;
  try {
    dialectFor(target);
    targetLabel = predictTargetLabel(target);
  } catch {
    throw new ScriptPlanError(`Unknown target '${String(target)}'; use synapse-dedicated, sql-mi or sql-edge.`);
  }
  if (plan.scriptType !== 'view' && plan.scriptType !== 'procedure') {
    throw new ScriptPlanError(`Unknown script type '${String(plan.scriptType)}'; choose a view or a stored procedure.`);
  }
  const kindWord = plan.scriptType === 'view' ? 'view' : 'stored procedure';
  if (plan.objectName.database !== undefined) {
    throw new ScriptPlanError(
      `The ${kindWord} name ${displayObjectName(plan.objectName)} names a database; CREATE ${plan.scriptType === 'view' ? 'VIEW' : 'PROCEDURE'} works in the current database only, so write it as schema.name.`,
    );
  }
  if (plan.inputs.length === 0) {
    throw new ScriptPlanError('No source column is mapped to a model input; map at least one column on the Map columns page.');
  }
  if (plan.outputs.length === 0) {
    throw new ScriptPlanError("No model output is listed; add the model's output (for example label) with its type.");
  }
  if (plan.modelId === '') {
    throw new ScriptPlanError("The model ID is empty; it should be '<model name>:<version>', for example 'aml-synapse-classifier:1'.");
  }
  const checkType = (t: SqlType, what: string) => {
    if (!isKnownSqlType(t.name) || t.name !== t.name.toLowerCase()) {
      throw new ScriptPlanError(`${what} has the unknown type '${t.name}'; choose a type such as int, real or nvarchar(50).`);
    }
  };

  const allowed = predictInputTypes(target);
  plan.inputs.forEach((m, i) => {
    checkType(m.sourceType, `The source column '${m.sourceColumn}'`);
    checkType(m.inputType, `The model input '${m.modelInput}'`);
    if (!isPredictInputType(m.inputType, target)) {
      throw new ScriptPlanError(
        `The model input '${m.modelInput}' has the type ${displaySqlType(m.inputType)}, which PREDICT on ${targetLabel} does not accept; choose one of ${allowed.join(', ')}.`,
      );
    }
    const j = plan.inputs.findIndex((o) => sameName(o.modelInput, m.modelInput));
    if (j < i) {
      const other = plan.inputs[j]!;
      throw new ScriptPlanError(
        `The model input '${m.modelInput}' is mapped twice (from the columns '${other.sourceColumn}' and '${m.sourceColumn}'); map each model input once.`,
      );
    }
  });
  plan.outputs.forEach((o, i) => {
    checkType(o.type, `The model output '${o.name}'`);
    if (o.type.length === 'max') {
      throw new ScriptPlanError(`The model output '${o.name}' has the type ${displaySqlType(o.type)}; PREDICT output columns cannot be max types.`);
    }
    if (plan.outputs.findIndex((x) => sameName(x.name, o.name)) < i) {
      throw new ScriptPlanError(`The model output '${o.name}' is listed twice; list each model output once.`);
    }
    const input = plan.inputs.find((m) => sameName(m.modelInput, o.name));
    if (input && plan.scriptType === 'view') {
      throw new ScriptPlanError(
        `The model input '${input.modelInput}' and the model output '${o.name}' have the same name, and a view cannot have two columns with one name; choose a stored procedure instead.`,
      );
    }
  });
  const pass = plan.passThrough ?? [];
  pass.forEach((p, i) => {
    checkType(p.type, `The pass-through column '${p.column}'`);
    if (pass.findIndex((x) => sameName(x.column, p.column)) < i) {
      throw new ScriptPlanError(`The pass-through column '${p.column}' is listed twice; list it once.`);
    }
    const input = plan.inputs.find((m) => sameName(m.modelInput, p.column));
    if (input) {
      throw new ScriptPlanError(
        `The pass-through column '${p.column}' has the same name as the model input '${input.modelInput}', and PREDICT already returns every input column; remove '${p.column}' from the columns to pass through.`,
      );
    }
    const output = plan.outputs.find((o) => sameName(o.name, p.column));
    if (output) {
      throw new ScriptPlanError(
        `The pass-through column '${p.column}' has the same name as the model output '${output.name}', so the result would have two columns with that name; remove '${p.column}' from the columns to pass through.`,
      );
    }
  });
}

/**
 * Lines that client tools treat as commands rather than SQL: the batch separator `GO [n]` and the
 * sqlcmd commands (`:r`, `:setvar`, `!!`, `exit`, ...). A name with a line break can put such a line
 * into the script, where SSMS, sqlcmd or an editor's batch splitter would cut or run it.
 */
const TOOL_COMMAND_LINE = /^\s*(go(\s+\d+)?\s*(--.*)?|:.*|!!.*|(exit|quit|reset|ed)(\s.*|\(.*)?)$/i;

function checkNoSeparatorLines(plan: ScoringPlan, batches: readonly string[]): void {
  const names: [string, string][] = [
    ['The view or stored procedure name', displayObjectName(plan.objectName)],
    ['The source table name', displayObjectName(plan.source)],
    ['The model table name', displayObjectName(plan.modelTable)],
    ['The model ID', plan.modelId],
    ["The model table's ID column", plan.modelColumns?.id ?? 'ID'],
    ["The model table's model column", plan.modelColumns?.model ?? 'model'],
    ...plan.inputs.flatMap((m): [string, string][] => [
      [`The source column '${m.sourceColumn.split(/\r\n|\r|\n/)[0]}...'`, m.sourceColumn],
      [`The model input '${m.modelInput.split(/\r\n|\r|\n/)[0]}...'`, m.modelInput],
    ]),
    ...(plan.passThrough ?? []).map((p): [string, string] => [`The pass-through column '${p.column.split(/\r\n|\r|\n/)[0]}...'`, p.column]),
    ...plan.outputs.map((o): [string, string] => [`The model output '${o.name.split(/\r\n|\r|\n/)[0]}...'`, o.name]),
  ];
  for (const [what, name] of names) {
    const lines = name.split(/\r\n|\r|\n/);
    // The first line follows other text and the last is followed by ']' or "'": only whole lines count.
    const bad = lines.slice(1, -1).find((l) => TOOL_COMMAND_LINE.test(l));
    if (bad !== undefined) {
      throw new ScriptPlanError(
        `${what} contains a line '${bad.trim()}', which SQL tools read as a command (GO ends a batch); rename it or remove the line break.`,
      );
    }
  }
  // Belt and braces: no line of any batch may be a tool command outside our own structure.
  for (const b of batches) {
    for (const line of b.split(/\r\n|\r|\n/)) {
      if (TOOL_COMMAND_LINE.test(line)) {
        throw new ScriptPlanError(
          `A name in the plan puts the line '${line.trim()}' into the script, which SQL tools read as a command; rename it or remove the line break.`,
        );
      }
    }
  }
}
