/** Mathematical functions that need more than a rename (the renamed ones are in renamed.ts). */
import type { FunctionTable } from './call.js';

export const MATH_FUNCTIONS: FunctionTable = {
  ROUND: (c) => {
    const a = c.args();
    if (a.length === 3) return { sql: `trunc(${a[0]!.sql} * pow(10, ${a[1]!.sql})) / pow(10, ${a[1]!.sql})`, type: a[0]!.type };
    return { sql: `round(${a[0]!.sql}, ${a[1]?.sql ?? 0})`, type: a[0]!.type };
  },
  LOG: (c) => {
    const a = c.args();
    return { sql: a.length === 2 ? `(ln(${a[0]!.sql}) / ln(${a[1]!.sql}))` : `ln(${a[0]!.sql})`, type: { name: 'float' } };
  },
  SQUARE: (c) => {
    const a = c.args();
    return { sql: `(CAST(${a[0]!.sql} AS DOUBLE) * CAST(${a[0]!.sql} AS DOUBLE))`, type: { name: 'float' } };
  },
};
