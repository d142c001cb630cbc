/** String functions that need more than a rename (the renamed ones are in renamed.ts). */
import type { FunctionTable } from './call.js';

export const STRING_FUNCTIONS: FunctionTable = {
  LEN: (c) => {
    const a = c.args();
    return { sql: `CAST(length(rtrim(CAST(${a[0]!.sql} AS VARCHAR))) AS INTEGER)`, type: { name: 'int' } };
  },
  DATALENGTH: (c) => {
    const a = c.args();
    const t = a[0]!.type;
    const unicode = t?.name === 'nvarchar' || t?.name === 'nchar';
    const sql =
      t && (t.name === 'varbinary' || t.name === 'binary') ? `octet_length(${a[0]!.sql})` : `strlen(CAST(${a[0]!.sql} AS VARCHAR))${unicode ? ' * 2' : ''}`;
    return { sql: `CAST(${sql} AS INTEGER)`, type: { name: 'int' } };
  },
  CHARINDEX: (c) => {
    const a = c.args();
    if (a.length === 3) {
      const from = `substring(${a[1]!.sql}, ${a[2]!.sql})`;
      const found = `instr(${from}, ${a[0]!.sql})`;
      return { sql: `CAST(CASE WHEN ${found} = 0 THEN 0 ELSE ${found} + ${a[2]!.sql} - 1 END AS INTEGER)`, type: { name: 'int' } };
    }
    return { sql: `CAST(instr(${a[1]!.sql}, ${a[0]!.sql}) AS INTEGER)`, type: { name: 'int' } };
  },
  STR: (c) => {
    const a = c.args();
    return { sql: `lpad(CAST(round(${a[0]!.sql}, ${a[2]?.sql ?? 0}) AS VARCHAR), ${a[1]?.sql ?? 10}, ' ')`, type: { name: 'varchar', length: 10 } };
  },
  QUOTENAME: (c) => {
    const a = c.args();
    return { sql: `('[' || replace(${a[0]!.sql}, ']', ']]') || ']')`, type: { name: 'nvarchar', length: 258 } };
  },
};
