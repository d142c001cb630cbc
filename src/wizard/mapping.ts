/**
 * Mapping suggestions for page 2 ("Map the source table columns to the expected model inputs"):
 * match columns to model inputs by name similarity, choose each input's SQL type for the target,
 * list the outputs PREDICT can return, pick pass-through key columns, and warn per row.
 * Pure functions: no vscode, no I/O.
 */
import {
  castLossReasons,
  castNeeded,
  castTarget,
  displaySqlType,
  formatSqlType,
  isIntegerType,
  isPredictInputType,
  isStringType,
  predictTargetLabel,
  type PredictTarget,
  type SqlType,
} from '../sql/types.js';
import type { ModelDescription, ModelPort } from '../models/signature.js';

export interface TableColumn {
  name: string;
  type: SqlType;
}

export type NameMatch = 'exact' | 'case-insensitive' | 'normalized' | 'similar';

export interface InputMapping {
  modelInput: string;
  /** Undefined when no column is similar enough. */
  sourceColumn?: string;
  /** The type the column is given in the CTE (a CAST when it differs from the column's type). */
  inputType?: SqlType;
  match?: NameMatch;
  /** Name similarity, 0..1 (1 = identical). */
  similarity?: number;
  warnings: string[];
}

export interface OutputMapping {
  modelOutput: string;
  outputType: SqlType;
  warnings: string[];
}

export interface MappingProposal {
  inputs: InputMapping[];
  outputs: OutputMapping[];
  /** Outputs left out of the WITH clause, with the reason (ZipMap, sequences, …). */
  excludedOutputs: { modelOutput: string; reason: string }[];
  /** Source columns returned beside the predictions (keys to join back on). */
  passThrough: string[];
}

export interface MappingOptions {
  target: PredictTarget;
  /** The table's primary key columns, if known: they become the pass-through columns. */
  primaryKey?: readonly string[];
  /** Minimum token similarity for a fuzzy match (0..1). Default 0.75. Never mapped below it. */
  threshold?: number;
}

// ---------------------------------------------------------------------------------------------
// Names

/** Splits a name into lower-case words: `PrimaryBrandId`, `primary_brand_id`, `primary-brand id` → primary, brand, id. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])([0-9])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((t) => t.toLowerCase());
}

function normalized(name: string): string {
  return nameTokens(name).join('');
}

function tokenScore(a: string, b: string): number {
  if (a === b) return 1;
  // An abbreviation of at least three letters: qty/quantity no, stat/status yes.
  if (a.length >= 3 && b.length >= 3 && (a.startsWith(b) || b.startsWith(a))) return 0.8;
  return 0;
}

/**
 * How alike two names are, and how: exact, case-insensitive, equal once `_`, `-`, spaces and case
 * style are ignored, or similar (a Dice coefficient over words, abbreviations counting 0.8).
 */
export function nameSimilarity(a: string, b: string): { score: number; match?: NameMatch } {
  if (a === b) return { score: 1, match: 'exact' };
  if (a.toLowerCase() === b.toLowerCase()) return { score: 0.99, match: 'case-insensitive' };
  if (normalized(a) !== '' && normalized(a) === normalized(b)) return { score: 0.98, match: 'normalized' };
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (!ta.length || !tb.length) return { score: 0 };
  const used = new Set<number>();
  let sum = 0;
  for (const x of ta) {
    let best = 0;
    let bestJ = -1;
    tb.forEach((y, j) => {
      if (used.has(j)) return;
      const s = tokenScore(x, y);
      if (s > best) {
        best = s;
        bestJ = j;
      }
    });
    if (bestJ >= 0) used.add(bestJ);
    sum += best;
  }
  const score = (2 * sum) / (ta.length + tb.length);
  return score > 0 ? { score: Math.min(score, 0.97), match: 'similar' } : { score: 0 };
}

// ---------------------------------------------------------------------------------------------
// Types

/**
 * The input type for a model input on `target`: the model's SQL type when PREDICT accepts it,
 * else the nearest type it accepts (smallint/tinyint/bit → int, decimal → float). A string input
 * keeps a string column's own type and length (no CAST, no truncation). Undefined when the
 * target accepts nothing that fits (strings on Azure SQL Edge).
 */
export function inputTypeFor(port: ModelPort, target: PredictTarget, column?: TableColumn): SqlType | undefined {
  const t = port.sqlType;
  if (!t) return undefined;
  if (isStringType(t)) {
    if (column && isStringType(column.type) && isPredictInputType(column.type, target)) return column.type;
    return isPredictInputType(t, target) ? t : undefined;
  }
  if (isPredictInputType(t, target)) return t;
  const fallback: SqlType = isIntegerType(t) || t.name === 'bit' ? { name: 'int' } : { name: 'float' };
  return isPredictInputType(fallback, target) ? fallback : undefined;
}

// ---------------------------------------------------------------------------------------------
// Checks

export interface MappingRow {
  modelInput: string;
  sourceColumn?: string;
  inputType?: SqlType;
}

/**
 * Warnings for each row of an input mapping, suggested or edited: unmapped input, unknown column,
 * a CAST, a lossy CAST, a column feeding two inputs, a type PREDICT does not accept on the target,
 * a model input PREDICT cannot feed.
 */
export function checkInputMapping(rows: readonly MappingRow[], columns: readonly TableColumn[], model: ModelDescription, target: PredictTarget): string[][] {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const uses = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.sourceColumn) continue;
    const key = r.sourceColumn.toLowerCase();
    uses.set(key, [...(uses.get(key) ?? []), r.modelInput]);
  }
  return rows.map((r) => {
    const w: string[] = [];
    const port = model.inputs.find((p) => p.name === r.modelInput);
    if (!port) w.push(`The model has no input named "${r.modelInput}"; PREDICT matches inputs by name.`);
    if (port?.problem) w.push(`PREDICT cannot feed input "${port.name}": ${port.problem}.`);
    if (!r.sourceColumn) {
      if (port && !port.problem)
        w.push(`No column is mapped to ${port.required ? 'required ' : ''}input "${port.name}"; PREDICT fails without every model input.`);
      return w;
    }
    const col = byName.get(r.sourceColumn.toLowerCase());
    if (!col) {
      w.push(`The table has no column "${r.sourceColumn}".`);
      return w;
    }
    const others = (uses.get(col.name.toLowerCase()) ?? []).filter((i) => i !== r.modelInput);
    if (others.length) w.push(`Column "${col.name}" also feeds input ${others.map((o) => `"${o}"`).join(', ')}; check that this is intended.`);
    if (!r.inputType) {
      w.push(
        `No input type PREDICT accepts on ${predictTargetLabel(target)} fits input "${r.modelInput}" (${port?.sqlType ? displaySqlType(port.sqlType) : 'unknown type'}).`,
      );
      return w;
    }
    if (!isPredictInputType(r.inputType, target)) {
      w.push(`${predictTargetLabel(target)} does not accept ${displaySqlType(r.inputType)} as a PREDICT input type.`);
    }
    if (port?.sqlType && !isStringType(port.sqlType) !== !isStringType(r.inputType)) {
      w.push(`Input "${r.modelInput}" expects ${port.elementType ?? 'another type'}; ${displaySqlType(r.inputType)} will fail when the model runs.`);
    }
    const cast = castWarning(col.name, col.type, r.inputType);
    if (cast) w.push(cast);
    return w;
  });
}

/**
 * The one warning page 2 shows for casting column `columnName` of type `from` to `to`: a single
 * sentence saying what can be lost, or undefined when the CAST loses nothing (int → bigint) or no
 * CAST is needed. The suggestion and the wizard's own check both word it here, so a row never
 * shows it twice.
 */
export function castWarning(columnName: string, from: SqlType, to: SqlType): string | undefined {
  if (!castNeeded(from, to)) return undefined;
  const reasons = castLossReasons(from, to);
  if (!reasons.length) return undefined;
  return `Casting ${columnName} (${displaySqlType(from)}) to ${formatSqlType(castTarget(from, to))} can lose data: ${reasons.join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------
// Suggestion

function isKeyName(name: string): boolean {
  const t = nameTokens(name);
  const last = t[t.length - 1];
  return last === 'key' || last === 'id' || last === 'guid' || last === 'uuid';
}

/** Proposes the whole mapping of page 2 for a table and a described model. */
export function suggestMapping(columns: readonly TableColumn[], model: ModelDescription, options: MappingOptions): MappingProposal {
  const threshold = options.threshold ?? 0.75;
  // Score every (input, column) pair, then assign best-first so each column feeds at most one input.
  const pairs: { input: number; column: number; score: number; match: NameMatch }[] = [];
  model.inputs.forEach((p, i) =>
    columns.forEach((c, j) => {
      const s = nameSimilarity(p.name, c.name);
      if (s.match && (s.match !== 'similar' || s.score >= threshold)) pairs.push({ input: i, column: j, score: s.score, match: s.match });
    }),
  );
  pairs.sort((a, b) => b.score - a.score || a.input - b.input || a.column - b.column);
  const chosen = new Map<number, (typeof pairs)[number]>();
  const usedColumns = new Set<number>();
  for (const p of pairs) {
    if (chosen.has(p.input) || usedColumns.has(p.column)) continue;
    chosen.set(p.input, p);
    usedColumns.add(p.column);
  }
  const inputs: InputMapping[] = model.inputs.map((port, i) => {
    const pick = chosen.get(i);
    const column = pick ? columns[pick.column] : undefined;
    const m: InputMapping = { modelInput: port.name, warnings: [] };
    if (column && pick) {
      m.sourceColumn = column.name;
      m.match = pick.match;
      m.similarity = Math.round(pick.score * 100) / 100;
    }
    const t = port.problem ? undefined : inputTypeFor(port, options.target, column);
    if (t) m.inputType = t;
    return m;
  });
  const warnings = checkInputMapping(inputs, columns, model, options.target);
  inputs.forEach((m, i) => {
    m.warnings = warnings[i]!;
    if (m.match === 'similar' && m.sourceColumn) m.warnings.unshift(`Matched by a similar name ("${m.sourceColumn}" for "${m.modelInput}"); check it.`);
  });

  const outputs: OutputMapping[] = [];
  const excludedOutputs: MappingProposal['excludedOutputs'] = [];
  const columnNames = new Set(columns.map((c) => c.name.toLowerCase()));
  for (const port of model.outputs) {
    if (port.problem || !port.sqlType) {
      excludedOutputs.push({ modelOutput: port.name, reason: port.problem ?? 'it has no SQL type' });
      continue;
    }
    const w: string[] = [];
    if (columnNames.has(port.name.toLowerCase())) {
      w.push(`The table also has a column "${port.name}"; if it is passed through, the result has two columns of that name.`);
    }
    outputs.push({ modelOutput: port.name, outputType: port.sqlType, warnings: w });
  }

  const mapped = new Set(inputs.map((m) => m.sourceColumn?.toLowerCase()).filter((n): n is string => !!n));
  const pk = options.primaryKey?.length ? new Set(options.primaryKey.map((k) => k.toLowerCase())) : undefined;
  const outputNames = new Set(outputs.map((o) => o.modelOutput.toLowerCase()));
  const passThrough = columns
    .filter((c) => !mapped.has(c.name.toLowerCase()) && !outputNames.has(c.name.toLowerCase()))
    .filter((c) => (pk ? pk.has(c.name.toLowerCase()) : isKeyName(c.name)))
    .map((c) => c.name);
  return { inputs, outputs, excludedOutputs, passThrough };
}
