/**
 * The T-SQL functions the local pool translates, as one table `name → translate`, gathered from
 * one table per family. A name in no table is SQL Server's error 195.
 */
import { SqlError } from '../../api.js';
import type { TExpr } from '../context.js';
import { AGGREGATE_FUNCTIONS } from './aggregates.js';
import type { FunctionCall, FunctionTable, FunctionTranslator } from './call.js';
import { DATE_FUNCTIONS } from './datetime.js';
import { LOGICAL_FUNCTIONS } from './logical.js';
import { MATH_FUNCTIONS } from './math.js';
import { RENAMED_FUNCTIONS } from './renamed.js';
import { STRING_FUNCTIONS } from './strings.js';
import { SYSTEM_FUNCTIONS } from './system.js';
import { UNSUPPORTED_FUNCTIONS } from './unsupported.js';

export type { FunctionCall, FunctionTranslator } from './call.js';

/** Each family's table, by family name (a function name is in one family only). */
export const FUNCTION_FAMILIES: Readonly<Record<string, FunctionTable>> = {
  aggregates: AGGREGATE_FUNCTIONS,
  datetime: DATE_FUNCTIONS,
  logical: LOGICAL_FUNCTIONS,
  math: MATH_FUNCTIONS,
  renamed: RENAMED_FUNCTIONS,
  strings: STRING_FUNCTIONS,
  system: SYSTEM_FUNCTIONS,
  unsupported: UNSUPPORTED_FUNCTIONS,
};

const FUNCTIONS: ReadonlyMap<string, FunctionTranslator> = new Map(Object.values(FUNCTION_FAMILIES).flatMap((table) => Object.entries(table)));

/** Translates a function call by its upper-case name. */
export function translateCall(c: FunctionCall): TExpr {
  const translate = FUNCTIONS.get(c.e.name);
  if (!translate) throw new SqlError(195, `'${c.e.name}' is not a recognized built-in function name.`, c.e.line);
  return translate(c);
}
