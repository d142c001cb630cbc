/** Date and time functions. */
import { SqlError } from '../../api.js';
import type { TypeSpec } from '../../ast.js';
import type { TExpr } from '../context.js';
import type { FunctionCall, FunctionTable } from './call.js';

/** T-SQL date parts (and their abbreviations) as DuckDB's. */
export const DATEPART: Record<string, string> = {
  year: 'year',
  yy: 'year',
  yyyy: 'year',
  quarter: 'quarter',
  qq: 'quarter',
  q: 'quarter',
  month: 'month',
  mm: 'month',
  m: 'month',
  dayofyear: 'dayofyear',
  dy: 'dayofyear',
  y: 'dayofyear',
  day: 'day',
  dd: 'day',
  d: 'day',
  week: 'week',
  wk: 'week',
  ww: 'week',
  weekday: 'dayofweek',
  dw: 'dayofweek',
  w: 'dayofweek',
  hour: 'hour',
  hh: 'hour',
  minute: 'minute',
  mi: 'minute',
  n: 'minute',
  second: 'second',
  ss: 'second',
  s: 'second',
  millisecond: 'millisecond',
  ms: 'millisecond',
  microsecond: 'microsecond',
  mcs: 'microsecond',
  nanosecond: 'nanosecond',
  ns: 'nanosecond',
};

/** DATEADD, DATEDIFF, DATEDIFF_BIG, DATEPART, DATENAME, DATETRUNC (`part`: a DuckDB date part, `a`: the other arguments translated). */
export function dateFunction(name: string, part: string, a: readonly TExpr[]): TExpr {
  switch (name) {
    case 'DATEADD': {
      if (a.length !== 2) throw new SqlError(174, 'The dateadd function requires 3 argument(s).', 0);
      const unit = part === 'quarter' ? 'month' : part === 'week' ? 'day' : part === 'dayofyear' || part === 'dayofweek' ? 'day' : part;
      const mult = part === 'quarter' ? 3 : part === 'week' ? 7 : 1;
      const n = `CAST(${a[0]!.sql} AS BIGINT)${mult !== 1 ? ` * ${mult}` : ''}`;
      const interval = unit === 'nanosecond' ? `to_microseconds(${n} // 1000)` : `to_${unit}s(${n})`;
      return { sql: `(${a[1]!.sql} + ${interval})`, type: a[1]!.type ?? { name: 'datetime2', scale: 7 } };
    }
    case 'DATEDIFF':
    case 'DATEDIFF_BIG':
      if (a.length !== 2) throw new SqlError(174, `The ${name.toLowerCase()} function requires 3 argument(s).`, 0);
      return {
        sql: `CAST(date_diff('${part}', CAST(${a[0]!.sql} AS TIMESTAMP), CAST(${a[1]!.sql} AS TIMESTAMP)) AS ${name === 'DATEDIFF' ? 'INTEGER' : 'BIGINT'})`,
        type: { name: name === 'DATEDIFF' ? 'int' : 'bigint' },
      };
    case 'DATEPART':
      return { sql: `CAST(date_part('${part}', ${a[0]!.sql})${part === 'dayofweek' ? ' + 1' : ''} AS INTEGER)`, type: { name: 'int' } };
    case 'DATENAME':
      return {
        sql:
          part === 'month' ? `monthname(${a[0]!.sql})` : part === 'dayofweek' ? `dayname(${a[0]!.sql})` : `CAST(date_part('${part}', ${a[0]!.sql}) AS VARCHAR)`,
        type: { name: 'nvarchar', length: 30 },
      };
    default:
      return { sql: `date_trunc('${part}', ${a[0]!.sql})`, type: a[0]!.type };
  }
}

/** The current date and time, fixed for the statement (as SQL Server evaluates it once). */
function now(c: FunctionCall): TExpr {
  const d = c.ctx.facts.now;
  const name = c.e.name;
  const type: TypeSpec = name === 'GETDATE' || name === 'GETUTCDATE' ? { name: 'datetime' } : { name: 'datetime2', scale: 7 };
  return { sql: `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`, type };
}

export const DATE_FUNCTIONS: FunctionTable = {
  GETDATE: now,
  SYSDATETIME: now,
  GETUTCDATE: now,
  SYSUTCDATETIME: now,
  SYSDATETIMEOFFSET: now,
  CURRENT_TIMESTAMP: now,
};
