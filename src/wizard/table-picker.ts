/**
 * The palette's choice of a table to score: tables that hold models (the model-table shape that
 * `checkModelTable` accepts) are not data to score, so they come last, apart, after the others.
 */
import { displayObjectName, type ObjectName } from '../sql/names.js';

export interface TableChoices {
  /** Tables to score, in the catalog's order. */
  readonly data: readonly ObjectName[];
  /** Tables with the model-table shape. */
  readonly modelTables: readonly ObjectName[];
}

/** Splits `tables` by whether `schema.name` is among `modelTables` (compared case-insensitively). */
export function tableChoices(tables: readonly ObjectName[], modelTables: readonly string[]): TableChoices {
  const models = new Set(modelTables.map((t) => t.toLowerCase()));
  const isModel = (t: ObjectName) => models.has(displayObjectName(t).toLowerCase());
  return { data: tables.filter((t) => !isModel(t)), modelTables: tables.filter(isModel) };
}
