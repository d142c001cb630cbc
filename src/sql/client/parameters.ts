/** Parameters of a request: our SQL types as tedious's, and values read into memory. */
import { Readable } from 'node:stream';
import { TYPES, type Request } from 'tedious';
import type { ParameterSqlType, SqlParameter } from '../port.js';

const MAX_BINARY_PARAMETER = 2 ** 31 - 1;

/** Maps our SQL type to tedious's parameter type and options. Throws for a type that cannot be a parameter. */
export function tediousParameterType(t: ParameterSqlType): { type: (typeof TYPES)[keyof typeof TYPES]; length?: number; precision?: number; scale?: number } {
  const name = t.name.toLowerCase();
  const len = (max: number) => (t.length === 'max' ? max + 1 : t.length);
  switch (name) {
    case 'bit':
      return { type: TYPES.Bit };
    case 'tinyint':
      return { type: TYPES.TinyInt };
    case 'smallint':
      return { type: TYPES.SmallInt };
    case 'int':
      return { type: TYPES.Int };
    case 'bigint':
      return { type: TYPES.BigInt };
    case 'real':
      return { type: TYPES.Real };
    case 'float':
      return { type: TYPES.Float };
    case 'decimal':
    case 'numeric':
      return { type: name === 'decimal' ? TYPES.Decimal : TYPES.Numeric, precision: t.precision ?? 18, scale: t.scale ?? 0 };
    case 'money':
      return { type: TYPES.Money };
    case 'smallmoney':
      return { type: TYPES.SmallMoney };
    case 'char':
      return { type: TYPES.Char, length: t.length === 'max' ? 8000 : t.length };
    case 'nchar':
      return { type: TYPES.NChar, length: t.length === 'max' ? 4000 : t.length };
    case 'varchar':
      return { type: TYPES.VarChar, length: len(8000) };
    case 'nvarchar':
    case 'sysname':
      return { type: TYPES.NVarChar, length: name === 'sysname' ? 128 : len(4000) };
    case 'binary':
      return { type: TYPES.Binary, length: t.length === 'max' ? 8000 : t.length };
    case 'varbinary':
      return { type: TYPES.VarBinary, length: len(8000) };
    case 'date':
      return { type: TYPES.Date };
    case 'datetime':
      return { type: TYPES.DateTime };
    case 'smalldatetime':
      return { type: TYPES.SmallDateTime };
    case 'datetime2':
      return { type: TYPES.DateTime2, scale: t.scale ?? 7 };
    case 'datetimeoffset':
      return { type: TYPES.DateTimeOffset, scale: t.scale ?? 7 };
    case 'time':
      return { type: TYPES.Time, scale: t.scale ?? 7 };
    case 'uniqueidentifier':
      return { type: TYPES.UniqueIdentifier };
    default:
      throw new TypeError(
        `The SQL type '${t.name}' cannot be used for a parameter: use one of bit, int, bigint, real, float, decimal, nvarchar, varchar, varbinary, datetime2, date, uniqueidentifier.`,
      );
  }
}

async function readAll(stream: Readable, limit: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    total += b.length;
    if (total > limit) {
      stream.destroy();
      throw new RangeError(`The value of parameter ${name} is larger than ${limit} bytes, the most a varbinary(max) can hold.`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

/** A parameter as tedious takes it: the name without '@', tedious's type, the value in memory. */
export interface TediousParameter {
  readonly name: string;
  readonly type: ReturnType<typeof tediousParameterType>;
  readonly value: unknown;
}

/** Maps each parameter's type and reads Readable values to their end (tedious 19 sends values from memory). */
export async function prepareParameters(list: readonly SqlParameter[]): Promise<TediousParameter[]> {
  const params: TediousParameter[] = [];
  for (const p of list) {
    const name = p.name.replace(/^@/, '');
    const mapped = tediousParameterType(p.type);
    let value: unknown = p.value;
    if (value instanceof Readable) value = await readAll(value, MAX_BINARY_PARAMETER, `@${name}`);
    else if (value instanceof Uint8Array && !Buffer.isBuffer(value)) value = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    params.push({ name, type: mapped, value });
  }
  return params;
}

export function addParameters(request: Request, params: readonly TediousParameter[]): void {
  for (const p of params) {
    request.addParameter(p.name, p.type.type, p.value, {
      ...(p.type.length !== undefined ? { length: p.type.length } : {}),
      ...(p.type.precision !== undefined ? { precision: p.type.precision } : {}),
      ...(p.type.scale !== undefined ? { scale: p.type.scale } : {}),
    });
  }
}
