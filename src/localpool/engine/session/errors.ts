/** DuckDB's errors as SQL Server's numbers and texts. */
import { messageOf } from '../../../common/errors.js';
import { SqlError } from '../api.js';
import { uncommittable } from './support.js';

const DUCK_TO_TSQL: Record<string, string> = {
  INT32: 'int',
  INTEGER: 'int',
  INT64: 'bigint',
  BIGINT: 'bigint',
  INT16: 'smallint',
  SMALLINT: 'smallint',
  UINT8: 'tinyint',
  UTINYINT: 'tinyint',
  INT8: 'tinyint',
  DOUBLE: 'float',
  FLOAT: 'real',
  DATE: 'date',
  TIMESTAMP: 'datetime2',
  BOOLEAN: 'bit',
  BOOL: 'bit',
  UUID: 'uniqueidentifier',
  BLOB: 'varbinary',
  VARCHAR: 'nvarchar',
  TIME: 'time',
};
const tsqlName = (d: string) => DUCK_TO_TSQL[d.toUpperCase()] ?? (/^DECIMAL/i.test(d) ? 'numeric' : d.toLowerCase());

/** Maps a DuckDB error to SQL Server's number and text. */
export function mapDuckError(e: unknown, line: number): SqlError {
  const msg = messageOf(e);
  let m: RegExpExecArray | null;
  if ((m = /Could not convert string '(.*?)' to '?([A-Z0-9_]+)/i.exec(msg))) {
    const to = tsqlName(m[2]!);
    if (['float', 'real', 'numeric', 'decimal'].includes(to)) return new SqlError(8114, `Error converting data type nvarchar to ${to}.`, line);
    if (['date', 'datetime2', 'time'].includes(to)) return new SqlError(241, 'Conversion failed when converting date and/or time from character string.', line);
    return new SqlError(245, `Conversion failed when converting the nvarchar value '${m[1]}' to data type ${to}.`, line);
  }
  if (
    (m = /out of range for the destination type ([A-Z0-9_]+)/i.exec(msg)) ||
    (m = /Overflow in (?:\w+ )?(?:cast|conversion).* to ([A-Z0-9_(),]+)/i.exec(msg))
  ) {
    return new SqlError(8115, `Arithmetic overflow error converting expression to data type ${tsqlName(m[1]!)}.`, line);
  }
  if (/Overflow|out of range/i.test(msg) && /Out of Range Error/i.test(msg))
    return new SqlError(8115, 'Arithmetic overflow error converting expression to data type int.', line);
  if (/Division by zero/i.test(msg)) return new SqlError(8134, 'Divide by zero error encountered.', line);
  if ((m = /NOT NULL constraint failed: ([^.\s]+)\.([^\s]+)/i.exec(msg))) {
    return new SqlError(515, `Cannot insert the value NULL into column '${m[2]}', table '${m[1]}'; column does not allow nulls. INSERT fails.`, line);
  }
  if ((m = /CHECK constraint failed.*length\((?:"((?:[^"]|"")*)"|([^")\s]+))\)\s*<=\s*(\d+)/is.exec(msg))) {
    const column = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!;
    return new SqlError(2628, `String or binary data would be truncated in column '${column}' (longer than ${m[3]} characters).`, line);
  }
  if (/Duplicate key|PRIMARY KEY or UNIQUE constraint violat/i.test(msg))
    return new SqlError(2627, `Violation of PRIMARY KEY or UNIQUE constraint. Cannot insert duplicate key. ${msg.replace(/^[A-Za-z ]+Error: /, '')}`, line);
  if (/More than one row returned by a subquery/i.test(msg)) {
    return new SqlError(
      512,
      'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.',
      line,
    );
  }
  if ((m = /Scalar Function with name "?(\w+)"? does not exist/i.exec(msg)))
    return new SqlError(195, `'${m[1]}' is not a recognized built-in function name.`, line);
  if (/Conflict on|write-write conflict|Transaction conflict/i.test(msg)) {
    return new SqlError(3960, 'Snapshot isolation transaction aborted due to update conflict. Retry the transaction.', line);
  }
  if (/Current transaction is aborted/i.test(msg)) {
    return uncommittable(line);
  }
  if (/INTERRUPT/i.test(msg)) return new SqlError(3617, 'The query was cancelled.', line, 11);
  if ((m = /Binder Error: .*column "?([^"\s]+)"? not found/i.exec(msg))) return new SqlError(207, `Invalid column name '${m[1]}'.`, line);
  if ((m = /GROUP BY clause|must appear in the GROUP BY/i.exec(msg))) {
    const col = /column "?([^"\s]+)"? must appear/i.exec(msg)?.[1] ?? '?';
    return new SqlError(
      8120,
      `Column '${col}' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.`,
      line,
    );
  }
  if ((m = /No function matches the given name and argument types '(\w+)\(([^)]*)\)'/i.exec(msg))) {
    return new SqlError(8117, `Operand data type ${m[2]} is invalid for ${m[1]} operator.`, line);
  }
  if ((m = /Cannot compare values of type (\w+) and (?:type )?(\w+)/i.exec(msg)) || (m = /Cannot mix values of type (\w+) and (\w+)/i.exec(msg))) {
    return new SqlError(206, `Operand type clash: ${tsqlName(m[1]!)} is incompatible with ${tsqlName(m[2]!)}`, line);
  }
  return new SqlError(40520, `The local pool's storage failed to run the statement: ${msg.replace(/\s+/g, ' ').slice(0, 1500)}`, line);
}
