/**
 * COPY INTO, Synapse's load statement, as written:
 *
 *   COPY INTO [schema.]table [(column [DEFAULT value] [field_number], ...)]
 *   FROM 'location' [, 'location' ...]
 *   [WITH (FILE_TYPE = 'CSV' | 'PARQUET', FIRSTROW = n, FIELDTERMINATOR = '...', ...)]
 *
 * The parser checks the shape only; option names and values are checked by copy-into-options.ts.
 */
import type { SqlError } from '../api.js';
import type { NameRef } from '../ast.js';
import type { Token } from '../lexer.js';

/** The parser's position in a batch's tokens, lent to statement families parsed outside parser.ts. */
export interface TokenCursor {
  readonly tokens: readonly Token[];
  pos: number;
  syntax(tok?: Token): SqlError;
  nameRef(): NameRef;
}

export interface CopyIntoColumn {
  readonly name: string;
  /** `DEFAULT value`: replaces a NULL (empty) field. */
  readonly default?: { readonly kind: 'string' | 'number' | 'null'; readonly text: string };
  /** The 1-based input field loaded into this column. */
  readonly field?: number;
}

export interface CopyIntoOption {
  /** Upper-case option name. */
  readonly name: string;
  readonly value: { readonly kind: 'string' | 'number' | 'word' | 'list'; readonly text: string };
  readonly line: number;
}

export interface CopyIntoSpec {
  readonly table: NameRef;
  readonly columns?: readonly CopyIntoColumn[];
  readonly locations: readonly string[];
  readonly options: readonly CopyIntoOption[];
}

/** Parses `COPY INTO ...`; the cursor is on COPY. */
export function parseCopyInto(c: TokenCursor): CopyIntoSpec {
  const cur = (): Token => c.tokens[c.pos]!;
  const isWord = (w: string, t = cur()): boolean => t.kind === 'ident' && t.value.toUpperCase() === w;
  const isOp = (op: string, t = cur()): boolean => t.kind === 'op' && t.value === op;
  const expectOp = (op: string): void => {
    if (!isOp(op)) throw c.syntax();
    c.pos++;
  };
  c.pos += 2; // COPY INTO
  const table = c.nameRef();
  let columns: CopyIntoColumn[] | undefined;
  if (isOp('(')) {
    c.pos++;
    columns = [];
    do columns.push(column(c, cur, isWord));
    while (isOp(',') && ++c.pos);
    expectOp(')');
  }
  if (!isWord('FROM')) throw c.syntax();
  c.pos++;
  const locations: string[] = [];
  do {
    if (cur().kind !== 'string') throw c.syntax();
    locations.push(cur().value);
    c.pos++;
  } while (isOp(',') && ++c.pos);
  const options: CopyIntoOption[] = [];
  if (isWord('WITH')) {
    c.pos++;
    expectOp('(');
    do {
      const name = cur();
      if (name.kind !== 'ident') throw c.syntax();
      c.pos++;
      expectOp('=');
      options.push({ name: name.value.toUpperCase(), value: optionValue(c, cur, isOp), line: name.line });
    } while (isOp(',') && ++c.pos);
    expectOp(')');
  }
  return { table, columns, locations, options };
}

function column(c: TokenCursor, cur: () => Token, isWord: (w: string) => boolean): CopyIntoColumn {
  const name = cur();
  if (name.kind !== 'ident' && name.kind !== 'qident') throw c.syntax();
  c.pos++;
  let def: CopyIntoColumn['default'];
  if (isWord('DEFAULT')) {
    c.pos++;
    def = literal(c, cur);
  }
  let field: number | undefined;
  if (cur().kind === 'number') {
    if (!/^\d+$/.test(cur().value) || Number(cur().value) < 1) throw c.syntax();
    field = Number(cur().value);
    c.pos++;
  }
  return { name: name.value, default: def, field };
}

function literal(c: TokenCursor, cur: () => Token): NonNullable<CopyIntoColumn['default']> {
  const t = cur();
  if (t.kind === 'string') {
    c.pos++;
    return { kind: 'string', text: t.value };
  }
  if (t.kind === 'ident' && t.value.toUpperCase() === 'NULL') {
    c.pos++;
    return { kind: 'null', text: '' };
  }
  let sign = '';
  if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
    sign = t.value === '-' ? '-' : '';
    c.pos++;
  }
  const n = cur();
  if (n.kind !== 'number') throw c.syntax();
  c.pos++;
  return { kind: 'number', text: sign + n.value };
}

function optionValue(c: TokenCursor, cur: () => Token, isOp: (op: string) => boolean): CopyIntoOption['value'] {
  const t = cur();
  if (t.kind === 'string' || t.kind === 'number') {
    c.pos++;
    return { kind: t.kind, text: t.value };
  }
  if (t.kind === 'ident') {
    c.pos++;
    return { kind: 'word', text: t.value };
  }
  if (isOp('(')) {
    // CREDENTIAL = (IDENTITY = '...', SECRET = '...'): kept only to be refused by name.
    let depth = 0;
    do {
      if (cur().kind === 'eof') throw c.syntax();
      if (isOp('(')) depth++;
      else if (isOp(')')) depth--;
      c.pos++;
    } while (depth > 0);
    return { kind: 'list', text: '(...)' };
  }
  throw c.syntax();
}
