/** COUNT and COUNT_BIG (SUM, AVG, MIN, MAX and the statistical aggregates are translated by renaming: renamed.ts). */
import type { FunctionTranslator, FunctionTable } from './call.js';

const count: FunctionTranslator = (c) => {
  const { e, over, dist } = c;
  const inner =
    e.args.length === 1 && e.args[0]!.k === 'star'
      ? '*'
      : dist +
        c
          .args()
          .map((a) => a.sql)
          .join(', ');
  return { sql: `CAST(count(${inner})${over} AS ${e.name === 'COUNT' ? 'INTEGER' : 'BIGINT'})`, type: { name: e.name === 'COUNT' ? 'int' : 'bigint' } };
};

export const AGGREGATE_FUNCTIONS: FunctionTable = { COUNT: count, COUNT_BIG: count };
