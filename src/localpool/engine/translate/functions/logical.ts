/** Logical functions: IIF and CHOOSE. */
import { SqlError } from '../../api.js';
import type { FunctionTable } from './call.js';

export const LOGICAL_FUNCTIONS: FunctionTable = {
  IIF: (c) => {
    const a = c.args();
    if (a.length !== 3) throw new SqlError(174, 'The iif function requires 3 argument(s).', c.e.line);
    return { sql: `(CASE WHEN ${a[0]!.sql} THEN ${a[1]!.sql} ELSE ${a[2]!.sql} END)`, type: a[1]!.type };
  },
  CHOOSE: (c) => {
    // CHOOSE(index, v1, v2, ...): the index-th value, NULL when the index is out of range.
    if (c.e.args.length < 2) throw new SqlError(174, `The choose function requires at least 2 argument(s).`, c.e.line, 15);
    const [index, ...values] = c.args();
    const whens = values.map((v, i) => `WHEN ${i + 1} THEN ${v.sql}`).join(' ');
    return { sql: `(CASE CAST(${index!.sql} AS INTEGER) ${whens} END)`, type: values[0]!.type };
  },
};
