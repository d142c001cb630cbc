/** What tedious reports about results: column metadata as SQL type text, info and error tokens as messages. */
import type { SqlMessage } from '../port.js';

export interface TediousMetadata {
  colName: string;
  type: { name: string };
  dataLength?: number;
  precision?: number;
  scale?: number;
  flags?: number;
}

/** The SQL type of a result column as text, from tedious's column metadata. Exported for tests. */
export function columnTypeText(meta: Pick<TediousMetadata, 'type' | 'dataLength' | 'precision' | 'scale'>): string {
  const n = meta.type.name;
  const len = meta.dataLength;
  switch (n) {
    case 'IntN':
      return len === 1 ? 'tinyint' : len === 2 ? 'smallint' : len === 8 ? 'bigint' : 'int';
    case 'FloatN':
      return len === 4 ? 'real' : 'float';
    case 'MoneyN':
      return len === 4 ? 'smallmoney' : 'money';
    case 'DateTimeN':
      return len === 4 ? 'smalldatetime' : 'datetime';
    case 'BitN':
      return 'bit';
    case 'DecimalN':
    case 'Decimal':
      return `decimal(${meta.precision ?? 18},${meta.scale ?? 0})`;
    case 'NumericN':
    case 'Numeric':
      return `numeric(${meta.precision ?? 18},${meta.scale ?? 0})`;
    case 'NVarChar':
    case 'NChar':
      return `${n.toLowerCase()}(${len === undefined || len > 8000 ? 'max' : len / 2})`;
    case 'VarChar':
    case 'Char':
    case 'VarBinary':
    case 'Binary':
      return `${n.toLowerCase()}(${len === undefined || len > 8000 ? 'max' : len})`;
    case 'DateTime2':
    case 'Time':
    case 'DateTimeOffset':
      return `${n.toLowerCase()}(${meta.scale ?? 7})`;
    default:
      return n.toLowerCase();
  }
}

/** The fields of tedious's INFO and ERROR tokens that a message keeps. */
export type TediousMessageToken = { number: number; state: number; class: number; message: string; lineNumber: number; procName?: string };

export function toMessage(kind: 'info' | 'error', t: TediousMessageToken): SqlMessage {
  return { kind, number: t.number, state: t.state, severity: t.class, message: t.message, line: t.lineNumber, ...(t.procName ? { procName: t.procName } : {}) };
}
