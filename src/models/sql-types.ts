/**
 * The ONNX and MLflow → SQL type tables: the SQL type the wizard proposes for each ONNX tensor
 * element type and each MLflow signature type, as the Synapse wizard does (float → real,
 * long → bigint, string → nvarchar(4000)).
 */
import { sqlTypeMaxLength, SqlTypeError, type SqlType } from '../sql/types.js';

export interface StringTypeOptions {
  /** `nvarchar` (default) keeps any Unicode text; `varchar` halves the storage for ASCII text. */
  stringType?: 'nvarchar' | 'varchar';
  /** Default 4000: the longest nvarchar that is not a LOB; see the note on DEFAULT_STRING_TYPE. */
  stringLength?: number | 'max';
}

/**
 * The SQL type for text model inputs and outputs when nothing else is said: nvarchar(4000).
 * nvarchar because ONNX and MLflow strings are UTF-8 text and varchar would turn characters outside
 * the database's code page into '?'; 4000 because it is the longest nvarchar that is not a max
 * (LOB) type, and LOB columns are slower and are refused in places (indexes, some PREDICT inputs).
 * A user who knows the column is shorter or ASCII picks another type in the mapping.
 */
export const DEFAULT_STRING_TYPE: SqlType = { name: 'nvarchar', length: 4000 };

function stringType(opts?: StringTypeOptions): SqlType {
  const name = opts?.stringType ?? 'nvarchar';
  const length = opts?.stringLength ?? 4000;
  const maxLength = sqlTypeMaxLength(name)!;
  if (length !== 'max' && (!Number.isInteger(length) || length < 1 || length > maxLength)) {
    throw new SqlTypeError(`The string length ${length} is not valid for ${name}; use 1 to ${maxLength}, or max.`);
  }
  return { name, length };
}

/** ONNX TensorProto.DataType numbers → the names used here. */
const ONNX_ELEMENT_NAMES: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

const ONNX_TO_SQL: Record<string, SqlType | 'string'> = {
  float: { name: 'real' },
  float16: { name: 'real' },
  bfloat16: { name: 'real' },
  double: { name: 'float' },
  int64: { name: 'bigint' },
  int32: { name: 'int' },
  int16: { name: 'smallint' },
  int8: { name: 'smallint' }, // tinyint is unsigned in SQL; smallint holds -128..127
  uint8: { name: 'tinyint' },
  uint16: { name: 'int' },
  uint32: { name: 'bigint' },
  uint64: { name: 'bigint' }, // values above 2^63-1 do not fit; rare in practice
  bool: { name: 'bit' },
  string: 'string',
};

/** The lower-case ONNX element type name for a TensorProto.DataType number or a name like `tensor(float)`. */
export function onnxElementTypeName(elementType: string | number): string | undefined {
  if (typeof elementType === 'number') return ONNX_ELEMENT_NAMES[elementType];
  const s = elementType.trim().toLowerCase();
  const m = /^tensor\((.*)\)$/.exec(s);
  return m ? m[1]!.trim() : s;
}

/**
 * The SQL type for an ONNX tensor element type, given as the TensorProto.DataType number (1 = FLOAT)
 * or a name (`float`, `FLOAT`, `tensor(int64)`). float → real, double → float, int64 → bigint,
 * int32 → int, int16 → smallint, uint8 → tinyint, bool → bit, string → nvarchar(4000) (see
 * DEFAULT_STRING_TYPE; change with `opts`). Undefined for types SQL cannot hold (complex numbers).
 */
export function sqlTypeForOnnx(elementType: string | number, opts?: StringTypeOptions): SqlType | undefined {
  const name = onnxElementTypeName(elementType);
  if (name === undefined || !Object.prototype.hasOwnProperty.call(ONNX_TO_SQL, name)) return undefined;
  const t = ONNX_TO_SQL[name]!;
  return t === 'string' ? stringType(opts) : { ...t };
}

const MLFLOW_TO_SQL: Record<string, SqlType | 'string'> = {
  // MLflow column-based signature types
  string: 'string',
  integer: { name: 'int' },
  long: { name: 'bigint' },
  float: { name: 'real' },
  double: { name: 'float' },
  boolean: { name: 'bit' },
  datetime: { name: 'datetime2', scale: 7 },
  binary: { name: 'varbinary', length: 'max' },
  // numpy dtypes used by tensor-based signatures
  float32: { name: 'real' },
  float16: { name: 'real' },
  float64: { name: 'float' },
  int64: { name: 'bigint' },
  int32: { name: 'int' },
  int16: { name: 'smallint' },
  int8: { name: 'smallint' },
  uint8: { name: 'tinyint' },
  uint16: { name: 'int' },
  uint32: { name: 'bigint' },
  uint64: { name: 'bigint' },
  bool: { name: 'bit' },
  str: 'string',
  object: 'string',
  bytes: { name: 'varbinary', length: 'max' },
};

/**
 * The SQL type for an MLflow signature type: column types (string, integer, long, float, double,
 * boolean, datetime, binary) and the numpy dtypes of tensor signatures (float32, int64, ...).
 * As the Synapse wizard does: float → real, long → bigint. Undefined for types it does not know.
 */
export function sqlTypeForMlflow(type: string, opts?: StringTypeOptions): SqlType | undefined {
  const key = type.trim().toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(MLFLOW_TO_SQL, key)) return undefined;
  const t = MLFLOW_TO_SQL[key]!;
  return t === 'string' ? stringType(opts) : { ...t };
}
