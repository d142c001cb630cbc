/**
 * Functions translated by renaming (T-SQL name → DuckDB name), with the result types SQL Server
 * gives: string functions, math, aggregates, window functions, YEAR/MONTH/DAY.
 */
import { isIntType, STRING_TYPES, type TExpr } from '../context.js';
import type { TypeSpec } from '../../ast.js';
import type { FunctionCall, FunctionTable } from './call.js';

/** Functions translated by renaming (T-SQL name → DuckDB name). */
const RENAMED: Record<string, string> = {
  ISNULL: 'coalesce',
  COALESCE: 'coalesce',
  NULLIF: 'nullif',
  UPPER: 'upper',
  LOWER: 'lower',
  LTRIM: 'ltrim',
  RTRIM: 'rtrim',
  TRIM: 'trim',
  REPLACE: 'replace',
  REVERSE: 'reverse',
  SUBSTRING: 'substring',
  LEFT: 'left',
  RIGHT: 'right',
  CONCAT: 'concat',
  REPLICATE: 'repeat',
  ABS: 'abs',
  CEILING: 'ceil',
  FLOOR: 'floor',
  SQRT: 'sqrt',
  EXP: 'exp',
  LOG10: 'log10',
  SIGN: 'sign',
  POWER: 'pow',
  SIN: 'sin',
  COS: 'cos',
  TAN: 'tan',
  ASIN: 'asin',
  ACOS: 'acos',
  ATAN: 'atan',
  ATN2: 'atan2',
  DEGREES: 'degrees',
  RADIANS: 'radians',
  PI: 'pi',
  RAND: 'random',
  SUM: 'sum',
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
  STDEV: 'stddev_samp',
  STDEVP: 'stddev_pop',
  VAR: 'var_samp',
  VARP: 'var_pop',
  ROW_NUMBER: 'row_number',
  RANK: 'rank',
  DENSE_RANK: 'dense_rank',
  NTILE: 'ntile',
  LAG: 'lag',
  LEAD: 'lead',
  FIRST_VALUE: 'first_value',
  LAST_VALUE: 'last_value',
  YEAR: 'year',
  MONTH: 'month',
  DAY: 'day',
  ASCII: 'ascii',
  UNICODE: 'unicode',
  CHAR: 'chr',
  NCHAR: 'chr',
  SPACE: 'space',
  STRING_AGG: 'string_agg',
  CONCAT_WS: 'concat_ws',
  EOMONTH: 'last_day',
};

function renamedFunction(c: FunctionCall): TExpr {
  const { over, dist } = c;
  const renamed = RENAMED[c.e.name]!;
  const a = c.args();
  let type: TypeSpec | undefined;
  if (
    [
      'coalesce',
      'nullif',
      'min',
      'max',
      'abs',
      'ceil',
      'floor',
      'sign',
      'upper',
      'lower',
      'ltrim',
      'rtrim',
      'trim',
      'replace',
      'reverse',
      'left',
      'right',
      'substring',
      'lag',
      'lead',
      'first_value',
      'last_value',
    ].includes(renamed)
  ) {
    type = a[0]?.type;
    if (type && STRING_TYPES.has(type.name) && ['replace', 'substring', 'left', 'right', 'coalesce'].includes(renamed)) type = { ...type, length: 'max' };
  }
  if (['row_number', 'rank', 'dense_rank', 'ntile'].includes(renamed)) {
    return { sql: `CAST(${renamed}(${a.map((x) => x.sql).join(', ')})${over} AS BIGINT)`, type: { name: 'bigint' } };
  }
  if (['year', 'month', 'day'].includes(renamed)) return { sql: `CAST(${renamed}(${a[0]!.sql}) AS INTEGER)`, type: { name: 'int' } };
  if (renamed === 'sum' && isIntType(a[0]?.type)) {
    // As in SQL Server: SUM of bigint is bigint, of a smaller integer int; a sum that does not fit is
    // error 8115 (DuckDB sums in 128 bits, and the cast reports the overflow).
    const big = a[0]!.type!.name === 'bigint';
    return { sql: `CAST(sum(${dist}${a[0]!.sql})${over} AS ${big ? 'BIGINT' : 'INTEGER'})`, type: { name: big ? 'bigint' : 'int' } };
  }
  if (renamed === 'avg' && isIntType(a[0]?.type)) return { sql: `CAST(trunc(avg(${dist}${a[0]!.sql})${over}) AS INTEGER)`, type: { name: 'int' } };
  return { sql: `${renamed}(${dist}${a.map((x) => x.sql).join(', ')})${over}`, type };
}

export const RENAMED_FUNCTIONS: FunctionTable = Object.fromEntries(Object.keys(RENAMED).map((name) => [name, renamedFunction]));
