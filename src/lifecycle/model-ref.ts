/**
 * Finds the model row a view or procedure scores with: the `SELECT <model> FROM <table> WHERE <ID> =
 * N'name:version'` inside its PREDICT (or assigned to the variable PREDICT reads), whatever the
 * quoting ([brackets], "double quotes" or none; N'' or ''; spacing and case; schema-qualified or not).
 */
import type { ObjectName } from '../sql/names.js';
import { isName, readObjectName, tokenize, TokenCursor, type Token } from './tokens.js';

export interface ModelReference {
  readonly modelTable: ObjectName;
  readonly modelColumn: string;
  readonly idColumn: string;
  readonly modelId: string;
  /** Offsets of the ID literal in the definition (for a rewrite that changes the ID only). */
  readonly literal: { readonly pos: number; readonly end: number };
}

/**
 * The model references of a definition that uses PREDICT, in order; empty when it does not use
 * PREDICT or selects no model row by a literal ID. Throws TokenizeError on unreadable text.
 */
export function findModelReferences(definition: string): ModelReference[] {
  const tokens = tokenize(definition);
  if (!tokens.some((t) => t.kind === 'word' && t.value.toUpperCase() === 'PREDICT')) return [];
  const refs: ModelReference[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || t.value.toUpperCase() !== 'SELECT') continue;
    const ref = readReference(new TokenCursor(tokens.slice(i + 1)));
    if (ref) refs.push(ref);
  }
  return refs;
}

/** `[TOP (1)] col FROM table [AS alias] WHERE idcol = 'literal'` (or `'literal' = idcol`). */
function readReference(c: TokenCursor): ModelReference | undefined {
  if (c.word('TOP')) {
    const paren = c.punct('(');
    if (c.peek()?.kind !== 'number') return undefined;
    c.i++;
    if (paren && !c.punct(')')) return undefined;
  }
  const col = readColumn(c);
  if (col === undefined || !c.word('FROM')) return undefined;
  const table = readObjectName(c);
  if (!table) return undefined;
  if (c.word('AS')) {
    if (!isName(c.next())) return undefined;
  } else if (c.peek()?.kind === 'quoted' || (c.peek()?.kind === 'word' && !c.isWord('WHERE'))) c.i++;
  if (!c.word('WHERE')) return undefined;
  let idColumn: string | undefined;
  let literal: Token | undefined;
  if (c.peek()?.kind === 'string') {
    literal = c.next();
    if (!c.punct('=')) return undefined;
    idColumn = readColumn(c);
  } else {
    idColumn = readColumn(c);
    if (!c.punct('=')) return undefined;
    literal = c.peek()?.kind === 'string' ? c.next() : undefined;
  }
  if (idColumn === undefined || literal === undefined) return undefined;
  return { modelTable: table, modelColumn: col, idColumn, modelId: literal.value, literal: { pos: literal.pos, end: literal.end } };
}

/** A column, possibly qualified by an alias or table (`m.[model]`); returns its last part. */
function readColumn(c: TokenCursor): string | undefined {
  const name = readObjectName(c);
  return name?.name;
}
