/**
 * The one place where SQL identifiers and string literals are quoted and parsed.
 * Every SQL text the project writes goes through `quoteName`, `quoteObjectName` and `quoteString`.
 */

/**
 * SQL Server's limit on the length of an identifier: sysname is nvarchar(128), so the limit is 128
 * UTF-16 code units. A character outside the Basic Multilingual Plane (most emoji, some CJK) counts
 * as two, as it does in SQL Server's LEN() under a non-SC collation and in the sysname column.
 */
export const MAX_IDENTIFIER_LENGTH = 128;

export class SqlNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlNameError';
  }
}

/** Checks that `name` can be an identifier; returns a message saying why not, or undefined. */
export function identifierProblem(name: string): string | undefined {
  if (name.length === 0) return 'A name cannot be empty.';
  if (name.length > MAX_IDENTIFIER_LENGTH) {
    const astral = name.length !== [...name].length;
    return (
      `The name '${preview(name)}' is ${name.length} characters long; SQL names are at most ${MAX_IDENTIFIER_LENGTH}` +
      (astral ? ' (emoji and other characters outside the Basic Multilingual Plane count as two).' : '.') +
      ' Choose a shorter name.'
    );
  }
  if (name.includes('\u0000')) return `The name '${preview(name)}' contains a NUL character; remove it.`;
  if (/\p{Surrogate}/u.test(name)) {
    return `The name '${preview(name)}' contains a broken Unicode character (an unpaired surrogate); retype the name.`;
  }
  return undefined;
}

/** `[name]` with `]` doubled, like T-SQL's QUOTENAME. Throws SqlNameError for an empty or too-long name. */
export function quoteName(name: string): string {
  const problem = identifierProblem(name);
  if (problem) throw new SqlNameError(problem);
  return `[${name.replace(/]/g, ']]')}]`;
}

/** A one-, two- or three-part object name: [database].[schema].[object]. */
export interface ObjectName {
  readonly database?: string;
  readonly schema?: string;
  readonly name: string;
}

/** `[schema].[name]` (or `[db].[schema].[name]`), each part through quoteName. */
export function quoteObjectName(obj: ObjectName): string {
  const parts: string[] = [];
  if (obj.database !== undefined) {
    parts.push(quoteName(obj.database));
    parts.push(obj.schema !== undefined ? quoteName(obj.schema) : '');
  } else if (obj.schema !== undefined) {
    parts.push(quoteName(obj.schema));
  }
  parts.push(quoteName(obj.name));
  return parts.join('.');
}

/** `N'text'` with `'` doubled. */
export function quoteString(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

/** `'text'` with `'` doubled, for varchar contexts. */
export function quoteVarcharString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Reads back a string literal as `quoteString` or `quoteVarcharString` writes it: `N'it''s'` → `it's`.
 * Throws SqlNameError if `literal` is not exactly one such literal.
 */
export function parseStringLiteral(literal: string): string {
  const m = /^\s*N?'((?:[^']|'')*)'\s*$/su.exec(literal);
  if (!m) throw new SqlNameError(`${preview(literal)} is not a SQL string literal such as N'text'.`);
  return m[1]!.replace(/''/g, "'");
}

/**
 * Parses a multipart name as a user types it: `dbo.t`, `[a.b].[c]`, `"x"."y"`, `wwi_ml.CustomerTest`.
 * Parts are separated by dots outside brackets and quotes; surrounding whitespace is ignored;
 * bracketed parts may contain `]]` (a literal `]`), quoted parts `""`.
 * A middle part may be omitted (`db..name`); it is returned as ''.
 * Returns the unquoted parts, 1 to `maxParts` of them.
 */
export function parseMultipartName(text: string, maxParts = 3): string[] {
  const parts: string[] = [];
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= n) throw new SqlNameError(parts.length ? `The name '${preview(text)}' ends with a dot.` : 'A name cannot be empty.');
    const c = text[i]!;
    let part: string;
    if (c === '[' || c === '"') {
      const close = c === '[' ? ']' : '"';
      i++;
      let buf = '';
      for (;;) {
        if (i >= n) throw new SqlNameError(`The name '${preview(text)}' has an unclosed '${c}'.`);
        const d = text[i]!;
        if (d === close) {
          if (text[i + 1] === close) {
            buf += close;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        buf += d;
        i++;
      }
      part = buf;
    } else if (c === '.' && parts.length > 0 && parts.length < maxParts - 1) {
      // An omitted middle part, as in `db..name` (the default schema).
      parts.push('');
      i++;
      continue;
    } else {
      let buf = '';
      while (i < n && text[i] !== '.' && !/\s/.test(text[i]!)) {
        const d = text[i]!;
        if (d === '[' || d === ']' || d === '"') {
          throw new SqlNameError(`The name '${preview(text)}' has a '${d}' inside an unquoted part; put the part in [brackets].`);
        }
        buf += d;
        i++;
      }
      part = buf;
      if (part === '') throw new SqlNameError(`The name '${preview(text)}' has an empty part; write a name between the dots.`);
      if (!/^[\p{L}_#@][\p{L}\p{N}_@#$]*$/u.test(part)) {
        throw new SqlNameError(`'${preview(part)}' is not a valid unquoted name; put it in [brackets] if it has spaces or symbols.`);
      }
    }
    const problem = identifierProblem(part);
    if (problem) throw new SqlNameError(problem);
    parts.push(part);
    skipSpace();
    if (i >= n) break;
    if (text[i] !== '.') throw new SqlNameError(`Unexpected '${text[i]}' in the name '${preview(text)}'.`);
    i++;
    if (parts.length >= maxParts) {
      throw new SqlNameError(`The name '${preview(text)}' has more than ${maxParts} parts.`);
    }
  }
  return parts;
}

/** Parses `[db.]schema.name` (or a bare name, which takes `defaultSchema`). */
export function parseObjectName(text: string, defaultSchema?: string): ObjectName {
  const parts = parseMultipartName(text, 3);
  if (parts.length === 3) {
    return parts[1] === '' ? { database: parts[0], name: parts[2]! } : { database: parts[0], schema: parts[1], name: parts[2]! };
  }
  if (parts.length === 2) return { schema: parts[0], name: parts[1]! };
  return defaultSchema !== undefined ? { schema: defaultSchema, name: parts[0]! } : { name: parts[0]! };
}

/** Case-insensitive comparison as the pool's default collation (SQL_Latin1_General_CP1_CI_AS) does it. */
export function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, 'en', { sensitivity: 'accent' }) === 0;
}

/** Name as a user would read it in a message: `schema.name`, unquoted. */
export function displayObjectName(obj: ObjectName): string {
  return [obj.database, obj.schema, obj.name].filter((p) => p !== undefined).join('.');
}

/** Text as a message quotes it: on one line, cut to 40 characters. */
export function preview(s: string): string {
  const flat = s.replace(/[\r\n\t]/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 37)}...` : flat;
}
