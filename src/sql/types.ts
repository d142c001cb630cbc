/**
 * The SQL type system of the project: parsing and printing T-SQL types, which types PREDICT accepts
 * as inputs on each target, and what a CAST between two types costs the user. The ONNX and MLflow
 * → SQL type tables live with the models (`src/models/sql-types.ts`).
 *
 * Conventions of `SqlType`:
 * - `name` is the lower-case base name (`nvarchar`, `decimal`, `datetime2`); synonyms are folded
 *   (`integer` → `int`, `numeric` stays `numeric`, `float(24)` → `real`, `double precision` → `float`).
 * - `length` is for char, varchar, nchar, nvarchar, binary, varbinary: characters (bytes for the
 *   binary types) or `'max'`. A missing length means "not said": T-SQL defaults it to 1 in a column or
 *   variable declaration and to 30 in CAST, so the script generator fills it in (see `castTarget`).
 * - `precision` and `scale` are for decimal/numeric (defaults 18 and 0 are filled in by the parser).
 * - `scale` alone is the fractional-second digits of time, datetime2 and datetimeoffset (default 7),
 *   as sys.columns reports it.
 */
import { preview } from './names.js';

export interface SqlType {
  /** Lower-case base name, e.g. `nvarchar`. */
  name: string;
  length?: number | 'max';
  precision?: number;
  scale?: number;
}

export class SqlTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlTypeError';
  }
}

type TypeKind = 'integer' | 'bit' | 'decimal' | 'money' | 'approximate' | 'datetime' | 'fractional-time' | 'string' | 'binary' | 'other';

interface TypeInfo {
  kind: TypeKind;
  /** Longest length for types that take one (characters, or bytes for binary types). */
  maxLength?: number;
  /** Whether `(max)` is allowed. */
  allowsMax?: boolean;
  /** Whether the string type stores Unicode (nchar, nvarchar, ntext). */
  unicode?: boolean;
}

const TYPES: Record<string, TypeInfo> = {
  bit: { kind: 'bit' },
  tinyint: { kind: 'integer' },
  smallint: { kind: 'integer' },
  int: { kind: 'integer' },
  bigint: { kind: 'integer' },
  decimal: { kind: 'decimal' },
  numeric: { kind: 'decimal' },
  money: { kind: 'money' },
  smallmoney: { kind: 'money' },
  real: { kind: 'approximate' },
  float: { kind: 'approximate' },
  date: { kind: 'datetime' },
  datetime: { kind: 'datetime' },
  smalldatetime: { kind: 'datetime' },
  time: { kind: 'fractional-time' },
  datetime2: { kind: 'fractional-time' },
  datetimeoffset: { kind: 'fractional-time' },
  char: { kind: 'string', maxLength: 8000 },
  varchar: { kind: 'string', maxLength: 8000, allowsMax: true },
  nchar: { kind: 'string', maxLength: 4000, unicode: true },
  nvarchar: { kind: 'string', maxLength: 4000, allowsMax: true, unicode: true },
  text: { kind: 'string' },
  ntext: { kind: 'string', unicode: true },
  binary: { kind: 'binary', maxLength: 8000 },
  varbinary: { kind: 'binary', maxLength: 8000, allowsMax: true },
  image: { kind: 'binary' },
  uniqueidentifier: { kind: 'other' },
  xml: { kind: 'other' },
  sql_variant: { kind: 'other' },
  rowversion: { kind: 'other' },
};

/** Names a user may type that mean another type. */
const SYNONYMS: Record<string, SqlType> = {
  integer: { name: 'int' },
  dec: { name: 'decimal' },
  'double precision': { name: 'float' },
  timestamp: { name: 'rowversion' },
  sysname: { name: 'nvarchar', length: 128 },
  character: { name: 'char' },
  'character varying': { name: 'varchar' },
  'char varying': { name: 'varchar' },
  'national character': { name: 'nchar' },
  'national char': { name: 'nchar' },
  'national character varying': { name: 'nvarchar' },
  'national char varying': { name: 'nvarchar' },
  'binary varying': { name: 'varbinary' },
};

const INTEGER_RANGES: Record<string, { min: bigint; max: bigint; digits: number }> = {
  tinyint: { min: 0n, max: 255n, digits: 3 },
  smallint: { min: -32768n, max: 32767n, digits: 5 },
  int: { min: -2147483648n, max: 2147483647n, digits: 10 },
  bigint: { min: -9223372036854775808n, max: 9223372036854775807n, digits: 19 },
};

/** The base names this module knows, for messages and pickers. */
export const KNOWN_SQL_TYPES: readonly string[] = Object.keys(TYPES);

/** Whether `name` (lower-case base name) is a type this module knows. */
export function isKnownSqlType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(TYPES, name.toLowerCase());
}

/** The longest length `name` takes (characters, or bytes for the binary types); undefined for a type that takes none. */
export function sqlTypeMaxLength(name: string): number | undefined {
  return isKnownSqlType(name) ? TYPES[name.toLowerCase()]!.maxLength : undefined;
}

function info(t: SqlType): TypeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(TYPES, t.name) ? TYPES[t.name] : undefined;
}

/** True for char, varchar, nchar, nvarchar, text, ntext. */
export function isStringType(t: SqlType): boolean {
  return info(t)?.kind === 'string';
}
/** True for nchar, nvarchar, ntext. */
export function isUnicodeStringType(t: SqlType): boolean {
  return info(t)?.kind === 'string' && info(t)?.unicode === true;
}
/** True for tinyint, smallint, int, bigint. */
export function isIntegerType(t: SqlType): boolean {
  return info(t)?.kind === 'integer';
}
/** True for real and float. */
export function isApproximateType(t: SqlType): boolean {
  return info(t)?.kind === 'approximate';
}
/** True for binary, varbinary, image. */
export function isBinaryType(t: SqlType): boolean {
  return info(t)?.kind === 'binary';
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parses a T-SQL type as a user or a catalog writes it: `nvarchar(30)`, `varchar(max)`,
 * `[decimal](18, 4)`, `datetime2(7)`, `float(24)` (= real), `DOUBLE PRECISION`. Case-insensitive.
 * Throws `SqlTypeError` with a message saying what is wrong and what to write instead.
 */
export function parseSqlType(text: string): SqlType {
  const src = text.trim();
  if (src === '') throw new SqlTypeError('A SQL type cannot be empty; write one such as int, real or nvarchar(50).');
  let rest = src;
  let rawName: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new SqlTypeError(`The SQL type '${preview(src)}' has an unclosed '['.`);
    rawName = rest.slice(1, close).trim();
    rest = rest.slice(close + 1);
    if (/\(/.test(rawName)) {
      throw new SqlTypeError(`The SQL type '${preview(src)}' has its length inside the brackets; write it outside, e.g. [nvarchar](30).`);
    }
  } else {
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\s+[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest);
    if (!m) throw new SqlTypeError(`'${preview(src)}' is not a SQL type; write one such as int, real or nvarchar(50).`);
    rawName = m[1]!.replace(/\s+/g, ' ');
    rest = rest.slice(m[0].length);
    // `int not null`: a known first word followed by other words is a type with extra text.
    const first = rawName.split(' ')[0]!.toLowerCase();
    if (rawName.includes(' ') && !isTypeName(rawName.toLowerCase()) && isTypeName(first)) {
      throw new SqlTypeError(`The SQL type '${preview(src)}' has unexpected text '${preview(rawName.slice(first.length + 1))}' after it.`);
    }
  }
  if (rawName === '') throw new SqlTypeError(`The SQL type '${preview(src)}' has an empty name.`);

  let args: (number | 'max')[] | undefined;
  rest = rest.trim();
  if (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    if (close < 0) throw new SqlTypeError(`The SQL type '${preview(src)}' is missing a closing ')'.`);
    const inner = rest.slice(1, close);
    rest = rest.slice(close + 1).trim();
    args = inner.split(',').map((a) => {
      const s = a.trim();
      if (/^max$/i.test(s)) return 'max';
      if (/^\d{1,9}$/.test(s)) return Number(s);
      throw new SqlTypeError(
        s === ''
          ? `The SQL type '${preview(src)}' has an empty length or precision between the parentheses.`
          : `In the SQL type '${preview(src)}', '${preview(s)}' is not a length; use a whole number or max.`,
      );
    });
  }
  if (rest !== '') {
    throw new SqlTypeError(`The SQL type '${preview(src)}' has unexpected text '${preview(rest)}' after it.`);
  }

  const lower = rawName.toLowerCase();
  const synonym = Object.prototype.hasOwnProperty.call(SYNONYMS, lower) ? SYNONYMS[lower] : undefined;
  const baseName = synonym ? synonym.name : lower;
  if (!Object.prototype.hasOwnProperty.call(TYPES, baseName)) {
    throw new SqlTypeError(
      `Unknown SQL type '${preview(rawName)}'. Use one of: int, bigint, smallint, tinyint, bit, real, float, decimal(p,s), ` +
        `char(n), varchar(n|max), nchar(n), nvarchar(n|max), varbinary(n|max), date, datetime2(n).`,
    );
  }
  if (synonym?.length !== undefined) {
    if (args) throw new SqlTypeError(`The SQL type '${preview(src)}' takes no length; ${lower} is always nvarchar(128).`);
    return { ...synonym };
  }
  return buildType(baseName, args, src);
}

function isTypeName(lower: string): boolean {
  return Object.prototype.hasOwnProperty.call(SYNONYMS, lower) || Object.prototype.hasOwnProperty.call(TYPES, lower);
}

function buildType(name: string, args: (number | 'max')[] | undefined, src: string): SqlType {
  const ti = TYPES[name]!;
  const shown = preview(src);
  const noArgs = (): SqlType => {
    if (args) throw new SqlTypeError(`The SQL type '${shown}': ${name} takes no length or precision; write just ${name}.`);
    return { name };
  };
  const numberArgs = (max: number): number[] => {
    if (!args) return [];
    if (args.length > max) {
      throw new SqlTypeError(`The SQL type '${shown}' has ${args.length} numbers in parentheses; ${name} takes ${max === 1 ? 'one' : `at most ${max}`}.`);
    }
    return args.map((a) => {
      if (a === 'max') throw new SqlTypeError(`The SQL type '${shown}': ${name} cannot be max.`);
      return a;
    });
  };

  switch (ti.kind) {
    case 'string':
    case 'binary': {
      if (ti.maxLength === undefined) return noArgs(); // text, ntext, image
      if (!args) return { name };
      if (args.length !== 1) {
        throw new SqlTypeError(`The SQL type '${shown}' has ${args.length} numbers in parentheses; ${name} takes one length.`);
      }
      const len = args[0]!;
      if (len === 'max') {
        if (!ti.allowsMax) {
          const suggestion = name === 'char' ? 'varchar(max)' : name === 'nchar' ? 'nvarchar(max)' : 'varbinary(max)';
          throw new SqlTypeError(`The SQL type '${shown}': ${name} cannot be max; use ${suggestion}.`);
        }
        return { name, length: 'max' };
      }
      if (len < 1 || len > ti.maxLength) {
        throw new SqlTypeError(`The SQL type '${shown}': the length of ${name} must be 1 to ${ti.maxLength}${ti.allowsMax ? ', or max' : ''}.`);
      }
      return { name, length: len };
    }
    case 'decimal': {
      const [p = 18, s = 0] = numberArgs(2);
      if (p < 1 || p > 38) throw new SqlTypeError(`The SQL type '${shown}': the precision of ${name} must be 1 to 38.`);
      if (s > p) {
        throw new SqlTypeError(`The SQL type '${shown}': the scale (${s}) cannot be larger than the precision (${p}).`);
      }
      return { name, precision: p, scale: s };
    }
    case 'approximate': {
      if (name === 'real') return noArgs();
      const [n] = numberArgs(1);
      if (n === undefined) return { name: 'float' };
      if (n < 1 || n > 53) throw new SqlTypeError(`The SQL type '${shown}': the precision of float must be 1 to 53.`);
      return { name: n <= 24 ? 'real' : 'float' };
    }
    case 'fractional-time': {
      const [s = 7] = numberArgs(1);
      if (s > 7) throw new SqlTypeError(`The SQL type '${shown}': the fractional-second precision of ${name} must be 0 to 7.`);
      return { name, scale: s };
    }
    default:
      return noArgs();
  }
}

/**
 * Makes a SqlType from the columns of sys.columns / sys.types (`max_length` is in bytes and -1
 * for max; nchar/nvarchar take two bytes per character).
 */
export function sqlTypeFromCatalog(c: { typeName: string; maxLength: number; precision: number; scale: number }): SqlType {
  const name = c.typeName.toLowerCase();
  if (name === 'sysname') return { name: 'nvarchar', length: 128 };
  if (name === 'timestamp') return { name: 'rowversion' };
  const ti = Object.prototype.hasOwnProperty.call(TYPES, name) ? TYPES[name] : undefined;
  if (!ti) throw new SqlTypeError(`The column type '${preview(c.typeName)}' is not a type this tool knows.`);
  if ((ti.kind === 'string' || ti.kind === 'binary') && ti.maxLength !== undefined) {
    if (c.maxLength === -1) return { name, length: 'max' };
    return { name, length: ti.unicode ? c.maxLength / 2 : c.maxLength };
  }
  if (ti.kind === 'decimal') return { name, precision: c.precision, scale: c.scale };
  if (ti.kind === 'fractional-time') return { name, scale: c.scale };
  return { name };
}

// ---------------------------------------------------------------------------------------------
// Printing

/**
 * How `displaySqlType` writes a type.
 * - `brackets`: `[nvarchar](30)`, as the Synapse wizard writes types in its scripts, instead of `nvarchar(30)`.
 * - `mode` says what to do with what this module does not know or was not told:
 *   - `'strict'` (default): a name it does not know throws SqlTypeError; the defaults a parser fills
 *     in are written (`decimal(18,0)`, `time(7)`); a length only on the types that take one.
 *   - `'catalog'`: as strict, but a server type it does not know (geography, hierarchyid) is written
 *     by its name alone. For the rows of INFORMATION_SCHEMA.COLUMNS.
 *   - `'declared'`: the type as a declaration wrote it: any name as it is, a length on whatever type
 *     was given one, a fractional-second precision only when given (decimal still gets 18,0). For
 *     the local pool's catalog, which keeps each column's declared type as text.
 */
export interface SqlTypeTextOptions {
  brackets?: boolean;
  mode?: 'strict' | 'catalog' | 'declared';
}

/**
 * The one writer of SQL type text. By default the type as a user reads it in a message or a picker:
 * `nvarchar(30)`, `real`, `decimal(18,4)`, `varchar(max)`; see SqlTypeTextOptions for the others.
 */
export function displaySqlType(t: SqlType, options: SqlTypeTextOptions = {}): string {
  const name = options.brackets ? `[${t.name}]` : t.name;
  return `${name}${typeSuffix(t, options.mode ?? 'strict')}`;
}

/** The type as the Synapse wizard prints it: `[nvarchar](30)`, `[real]`, `[decimal](18,4)`, `[varchar](max)`. */
export function formatSqlType(t: SqlType): string {
  return displaySqlType(t, { brackets: true });
}

function typeSuffix(t: SqlType, mode: 'strict' | 'catalog' | 'declared'): string {
  const ti = info(t);
  if (mode === 'declared') {
    if (ti?.kind === 'decimal') return `(${t.precision ?? 18},${t.scale ?? 0})`;
    if (t.length !== undefined) return `(${t.length})`;
    return ti?.kind === 'fractional-time' && t.scale !== undefined ? `(${t.scale})` : '';
  }
  if (!ti) {
    if (mode === 'catalog') return '';
    throw new SqlTypeError(`Unknown SQL type '${preview(t.name)}'.`);
  }
  switch (ti.kind) {
    case 'string':
    case 'binary':
      return t.length !== undefined && ti.maxLength !== undefined ? `(${t.length})` : ''; // text, ntext and image take none
    case 'decimal':
      return `(${t.precision ?? 18},${t.scale ?? 0})`;
    case 'fractional-time':
      return `(${t.scale ?? 7})`;
    default:
      return '';
  }
}

/** Fills in the defaults a parser would: decimal(18,0), datetime2(7). String lengths stay as they are. */
export function normalizeSqlType(t: SqlType): SqlType {
  const name = t.name.toLowerCase();
  const ti = Object.prototype.hasOwnProperty.call(TYPES, name) ? TYPES[name] : undefined;
  if (!ti) throw new SqlTypeError(`Unknown SQL type '${preview(t.name)}'.`);
  switch (ti.kind) {
    case 'string':
    case 'binary':
      return ti.maxLength !== undefined && t.length !== undefined ? { name, length: t.length } : { name };
    case 'decimal':
      return { name, precision: t.precision ?? 18, scale: t.scale ?? 0 };
    case 'fractional-time':
      return { name, scale: t.scale ?? 7 };
    default:
      return { name };
  }
}

/** Same base type, length, precision and scale (after defaults). */
export function sameSqlType(a: SqlType, b: SqlType): boolean {
  const x = normalizeSqlType(a);
  const y = normalizeSqlType(b);
  return x.name === y.name && x.length === y.length && x.precision === y.precision && x.scale === y.scale;
}

// ---------------------------------------------------------------------------------------------
// PREDICT

/** Where a scoring script runs. */
export type PredictTarget = 'synapse-dedicated' | 'sql-mi' | 'sql-edge';

/**
 * Base types PREDICT accepts for model inputs, per target.
 * - Synapse dedicated SQL pool: int, bigint, real, float, char, varchar, nvarchar (documented).
 * - SQL Managed Instance: the same list. The PREDICT reference documents no other input types for
 *   ONNX models on Managed Instance, so we offer only what is documented somewhere rather than
 *   guess (smallint or decimal would have to be cast anyway: ONNX has no decimal tensor).
 * - Azure SQL Edge: numeric only: int, bigint, real, float (documented).
 */
const PREDICT_INPUT_TYPES: Record<PredictTarget, readonly string[]> = {
  'synapse-dedicated': ['int', 'bigint', 'real', 'float', 'char', 'varchar', 'nvarchar'],
  'sql-mi': ['int', 'bigint', 'real', 'float', 'char', 'varchar', 'nvarchar'],
  'sql-edge': ['int', 'bigint', 'real', 'float'],
};

export const PREDICT_TARGETS: readonly PredictTarget[] = ['synapse-dedicated', 'sql-mi', 'sql-edge'];

/** A target's name as a user reads it. */
export function predictTargetLabel(target: PredictTarget): string {
  switch (target) {
    case 'synapse-dedicated':
      return 'Azure Synapse dedicated SQL pool';
    case 'sql-mi':
      return 'Azure SQL Managed Instance';
    case 'sql-edge':
      return 'Azure SQL Edge';
  }
}

/** The base type names PREDICT accepts as model inputs on `target`. */
export function predictInputTypes(target: PredictTarget): readonly string[] {
  return PREDICT_INPUT_TYPES[target];
}

/** Whether a DATA column of type `t` can feed a model input on `target`. Any length is accepted. */
export function isPredictInputType(t: SqlType, target: PredictTarget): boolean {
  return PREDICT_INPUT_TYPES[target].includes(t.name.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Casts

/** The characters a value of a non-string type needs when written as text. */
function textLengthOf(t: SqlType): number | 'max' {
  const ti = info(t);
  if (!ti) return 'max';
  switch (ti.kind) {
    case 'bit':
      return 1;
    case 'integer':
      return INTEGER_RANGES[t.name]!.digits + 1;
    case 'decimal':
      return (t.precision ?? 18) + 2;
    case 'money':
      return 30;
    case 'approximate':
      return 30;
    case 'datetime':
      return t.name === 'date' ? 10 : 23;
    case 'fractional-time':
      return 34;
    case 'binary':
      return t.length === 'max' || t.length === undefined ? 'max' : Math.min(t.length * 2 + 2, 8000);
    default:
      return t.name === 'uniqueidentifier' ? 36 : 'max';
  }
}

/**
 * The type to write in `CAST(column AS ...)` when a column of type `from` feeds an input of type
 * `to`. A string `to` with no length takes the source's length (or the length the source's values
 * need as text), so `nvarchar(30)` → `varchar` becomes `varchar(30)` instead of the truncating bare
 * `[varchar]` of the Synapse wizard.
 */
export function castTarget(from: SqlType, to: SqlType): SqlType {
  const target = normalizeSqlType(to);
  const ti = info(target);
  if (ti && (ti.kind === 'string' || ti.kind === 'binary') && ti.maxLength !== undefined && target.length === undefined) {
    const src = normalizeSqlType(from);
    let len: number | 'max';
    if (isStringType(src) || (isBinaryType(src) && ti.kind === 'binary')) {
      len = src.length ?? 'max';
      if (src.name === 'text' || src.name === 'ntext' || src.name === 'image') len = 'max';
    } else {
      len = textLengthOf(src);
    }
    if (len !== 'max' && len > ti.maxLength) len = ti.allowsMax ? 'max' : ti.maxLength;
    if (len === 'max' && !ti.allowsMax) len = ti.maxLength;
    return { name: target.name, length: len };
  }
  return target;
}

/** Whether a column of type `from` must be CAST to feed an input of type `to` (see castTarget). */
export function castNeeded(from: SqlType, to: SqlType): boolean {
  return !sameSqlType(from, castTarget(from, to));
}

function lengthText(len: number | 'max' | undefined): string {
  return len === 'max' || len === undefined ? 'unlimited' : String(len);
}

/**
 * What a user loses when a column of type `from` is CAST to `to`, in words they can act on, or
 * undefined when nothing is lost. Covers rounding (float → real, decimal → real), overflow
 * (bigint → int), truncation of fractions (decimal/float → int) and of text (longer → shorter),
 * characters lost going from Unicode to varchar, and conversions that fail on some values.
 */
export function castLoss(from: SqlType, to: SqlType): string | undefined {
  const problems = castLossReasons(from, to);
  if (problems.length === 0) return undefined;
  return `Converting ${displaySqlType(normalizeSqlType(from))} to ${displaySqlType(castTarget(from, to))}: ${problems.join('; ')}.`;
}

/**
 * The clauses of castLoss without its opening and its full stop (empty when nothing is lost), for
 * a caller that words the sentence's subject itself, e.g. "Casting Cost (float) to [real] can lose
 * data: real keeps about 7 significant digits, …".
 */
export function castLossReasons(from: SqlType, to: SqlType): string[] {
  const src = normalizeSqlType(from);
  const dst = castTarget(from, to);
  if (sameSqlType(src, dst)) return [];
  const a = info(src)!;
  const b = info(dst)!;
  const S = displaySqlType(src);
  const D = displaySqlType(dst);
  const problems: string[] = [];

  const numericKinds: TypeKind[] = ['integer', 'bit', 'decimal', 'money', 'approximate'];
  const isNum = (k: TypeKind) => numericKinds.includes(k);

  if (b.kind === 'bit' && a.kind !== 'bit') {
    problems.push(`every non-zero value becomes 1, so ${S} values other than 0 and 1 are lost`);
  } else if (b.kind === 'integer') {
    if (a.kind === 'integer') {
      const r = INTEGER_RANGES[src.name]!;
      const q = INTEGER_RANGES[dst.name]!;
      if (r.min < q.min || r.max > q.max) {
        problems.push(`values outside ${fmtInt(q.min)} to ${fmtInt(q.max)} do not fit in ${D}; the query fails with an arithmetic overflow error`);
      }
    } else if (a.kind === 'decimal' || a.kind === 'money' || a.kind === 'approximate') {
      problems.push(`the fractional part is cut off (2.7 becomes 2)`);
      const q = INTEGER_RANGES[dst.name]!;
      problems.push(`values outside ${fmtInt(q.min)} to ${fmtInt(q.max)} make the query fail with an arithmetic overflow error`);
    }
  } else if (b.kind === 'approximate') {
    const digits = dst.name === 'real' ? 7 : 15;
    const exactUpTo = dst.name === 'real' ? '16,777,216' : '9,007,199,254,740,992';
    if (a.kind === 'approximate' && src.name === 'float' && dst.name === 'real') {
      problems.push(`real keeps about 7 significant digits, so float values are rounded (0.123456789 becomes 0.1234568)`);
      problems.push(`values beyond ±3.4E+38 make the query fail with an arithmetic overflow error`);
    } else if (a.kind === 'integer') {
      const bits = dst.name === 'real' ? 24 : 53;
      const r = INTEGER_RANGES[src.name]!;
      if (r.max > 2n ** BigInt(bits)) {
        problems.push(`whole numbers larger than ${exactUpTo} are rounded (${D} keeps about ${digits} significant digits)`);
      }
    } else if (a.kind === 'decimal' || a.kind === 'money') {
      const p = a.kind === 'money' ? 19 : (src.precision ?? 18);
      if (p > digits) problems.push(`${D} keeps about ${digits} significant digits, so ${S} values are rounded`);
    }
  } else if (b.kind === 'decimal') {
    const p = dst.precision ?? 18;
    const s = dst.scale ?? 0;
    // Digits before and after the point the source can have.
    let before = Infinity;
    let after = Infinity;
    if (a.kind === 'integer') [before, after] = [INTEGER_RANGES[src.name]!.digits, 0];
    else if (a.kind === 'bit') [before, after] = [1, 0];
    else if (a.kind === 'decimal') [before, after] = [(src.precision ?? 18) - (src.scale ?? 0), src.scale ?? 0];
    else if (a.kind === 'money') [before, after] = [15, 4];
    if (isNum(a.kind)) {
      if (after > s) problems.push(`values are rounded to ${s} decimal place${s === 1 ? '' : 's'}`);
      if (before > p - s) {
        problems.push(`values with more than ${p - s} digits before the point make the query fail with an arithmetic overflow error`);
      }
    }
  }

  if (b.kind === 'string') {
    if (a.kind === 'string') {
      if (a.unicode && !b.unicode) {
        problems.push(`characters outside the database's code page (for example Chinese text, emoji or many accented letters) become '?' in ${dst.name}`);
      }
      const sl = src.length ?? (src.name === 'text' || src.name === 'ntext' ? 'max' : 1);
      const dl = dst.length ?? 'max';
      if (dl !== 'max' && (sl === 'max' || sl > dl)) {
        problems.push(`text longer than ${dl} characters is cut to ${dl} (the column holds up to ${lengthText(sl)})`);
      }
    } else {
      const need = textLengthOf(src);
      const dl = dst.length ?? 'max';
      if (dl !== 'max' && (need === 'max' || need > dl)) {
        problems.push(`some ${S} values need more than ${dl} characters as text; they are cut off or make the query fail`);
      }
    }
  } else if (a.kind === 'string') {
    problems.push(`text that is not a valid ${D} value makes the query fail with a conversion error`);
  }

  return problems;
}

function fmtInt(n: bigint): string {
  const neg = n < 0n;
  const s = (neg ? -n : n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${s}` : s;
}
