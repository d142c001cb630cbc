/**
 * Reads a scoring object's mapping back from its definition: the inverse of generateScoringScript.
 * Accepts what the generator writes and the same shape written by hand in other styles (any
 * quoting, case and spacing, `CAST` or `CONVERT`, `col AS alias` or `alias = col`, a CTE of any
 * name, aliases on PREDICT and its DATA, `CREATE OR ALTER`, `SET NOCOUNT ON`). Anything the generator
 * could not have written (a WHERE in the CTE, a join, an expression, a column list) is refused with
 * a ReadBackError that says what, so that a rewrite never drops part of a hand-made object.
 */
import { displayObjectName, preview, sameName, type ObjectName } from '../sql/names.js';
import { parseSqlType, type PredictTarget, type SqlType } from '../sql/types.js';
import type { ScoringPlan, ScriptType } from '../sql/script.js';
import { isName, readObjectName, tokenize, TokenCursor, TokenizeError, type Token } from './tokens.js';
import { ReadBackError, type ReadBackInput, type ReadBackMapping } from './types.js';
import { messageOf } from '../common/errors.js';

export interface ReadBackHints {
  /**
   * The model's input names (from the ONNX graph or the row's inputs_schema). A column selected as it
   * is counts as an input when its name is one of them, else as a pass-through column. Without
   * hints, plain columns before the first cast or renamed column are pass-through (the generator
   * lists pass-through columns first), and when nothing is cast or renamed every column is an input.
   */
  readonly modelInputs?: readonly string[];
}

interface Item {
  readonly column: string;
  readonly alias: string;
  readonly castType?: SqlType;
  /** Selected as it is (no cast, no alias). */
  readonly plain: boolean;
}

class Reader {
  readonly c: TokenCursor;
  constructor(
    readonly text: string,
    tokens: Token[],
    readonly what: string,
  ) {
    this.c = new TokenCursor(tokens);
  }

  fail(message: string): never {
    throw new ReadBackError(`Cannot read the mapping of ${this.what}: ${message}`);
  }
  near(): string {
    const t = this.c.peek();
    return t ? `'${preview(this.text.slice(t.pos, Math.min(this.text.length, t.pos + 40)))}'` : 'the end of the definition';
  }
  expectWord(w: string, context: string): void {
    if (!this.c.word(w)) this.fail(`expected ${w} ${context}, found ${this.near()}.`);
  }
  expectPunct(p: string, context: string): void {
    if (!this.c.punct(p)) this.fail(`expected '${p}' ${context}, found ${this.near()}.`);
  }
  name(context: string): ObjectName {
    const n = readObjectName(this.c);
    if (!n) this.fail(`expected a name ${context}, found ${this.near()}.`);
    return n;
  }
  /** A type at the cursor (`[varchar](30)`, `decimal(18, 4)`, `real`), parsed from its text. */
  type(context: string): SqlType {
    const first = this.c.peek();
    if (!isName(first)) this.fail(`expected a type ${context}, found ${this.near()}.`);
    this.c.i++;
    let last = first;
    if (first.kind === 'word' && first.value.toUpperCase() === 'DOUBLE' && this.c.isWord('PRECISION')) last = this.c.next()!;
    if (this.c.isPunct('(')) {
      while (!this.c.atEnd() && !this.c.isPunct(')')) this.c.i++;
      last = this.c.next() ?? this.fail(`the type ${context} is not closed.`);
    }
    const text = first.kind === 'quoted' ? `[${first.value}]${this.text.slice(first.end, last.end)}` : this.text.slice(first.pos, last.end);
    try {
      return parseSqlType(text);
    } catch (e) {
      return this.fail(`the type '${preview(text)}' ${context} is not one this tool knows (${messageOf(e)}).`);
    }
  }
  skipSemicolons(): void {
    while (this.c.punct(';'));
  }
}

/** The mapping a scoring object's definition says; throws ReadBackError when it cannot be read. */
export function readBackMapping(obj: { kind: ScriptType; name: ObjectName; definition: string }, hints: ReadBackHints = {}): ReadBackMapping {
  const what = `the ${obj.kind === 'view' ? 'view' : 'stored procedure'} ${displayObjectName(obj.name)}`;
  let tokens: Token[];
  try {
    tokens = tokenize(obj.definition);
  } catch (e) {
    if (e instanceof TokenizeError) throw new ReadBackError(`Cannot read the mapping of ${what}: ${e.message}`);
    throw e;
  }
  const r: Reader = new Reader(obj.definition, tokens, what);
  const c = r.c;
  const begin = readHeader(r, obj.kind);

  let cte: { name: string; items: Item[]; source: ObjectName; sourceAlias?: string } | undefined;
  if (c.word('WITH')) cte = readCte(r);
  r.expectWord('SELECT', 'to start the query');
  if (!c.punct('*')) r.fail(`the query selects ${r.near()}; a scoring object the wizard can change selects * from PREDICT.`);
  r.expectWord('FROM', 'after SELECT *');
  r.expectWord('PREDICT', 'after SELECT * FROM');
  r.expectPunct('(', 'after PREDICT');
  const args = readPredictArgs(r);
  r.expectWord('WITH', "after PREDICT's arguments");
  const outputs = readOutputs(r);
  if (c.word('AS')) r.name('as the alias of PREDICT');
  else if (isName(c.peek()) && !c.isWord('END')) c.i++;
  r.skipSemicolons();
  if (begin) {
    r.expectWord('END', 'to close BEGIN');
    r.skipSemicolons();
  }
  if (!c.atEnd()) r.fail(`the definition goes on after PREDICT with ${r.near()}; only a single scoring query can be read back.`);

  if (!cte) r.fail(`PREDICT reads ${args.data} directly; the wizard reads the mapping from a CTE (WITH InputData AS (SELECT …)) that names each input.`);
  if (!sameName(args.data, cte.name)) r.fail(`PREDICT's DATA is ${args.data}, not the CTE ${cte.name}.`);
  const { inputs, passThrough } = splitItems(cte.items, hints);
  if (inputs.length === 0) r.fail('the CTE selects no model input.');
  return {
    scriptType: obj.kind,
    objectName: obj.name,
    modelTable: args.modelTable,
    modelId: args.modelId,
    modelColumns: { id: args.idColumn, model: args.modelColumn },
    source: cte.source,
    inputs,
    passThrough,
    outputs,
  };
}

/** Reads up to the query; true when the procedure's body is in BEGIN … END. */
function readHeader(r: Reader, kind: ScriptType): boolean {
  const c = r.c;
  if (c.word('CREATE')) {
    if (c.word('OR')) r.expectWord('ALTER', 'after CREATE OR');
  } else r.expectWord('ALTER', 'or CREATE at the start');
  const isView = c.word('VIEW');
  if (!isView && !c.word('PROCEDURE') && !c.word('PROC')) r.fail(`expected VIEW or PROCEDURE, found ${r.near()}.`);
  if (isView !== (kind === 'view')) r.fail(`the definition creates a ${isView ? 'view' : 'procedure'}, but the object is a ${kind}.`);
  r.name(`after CREATE ${isView ? 'VIEW' : 'PROCEDURE'}`);
  if (c.isPunct('(')) r.fail('the view names its columns in a list; the wizard writes views without a column list.');
  if (c.peek()?.kind === 'variable') r.fail('the procedure takes parameters; the wizard writes procedures without parameters.');
  if (c.isWord('WITH')) r.fail(`the definition has options (${r.near()}); the wizard writes none.`);
  r.expectWord('AS', 'before the query');
  const begin = kind === 'procedure' && c.word('BEGIN');
  for (;;) {
    r.skipSemicolons();
    if (c.isWord('SET') && c.isWord('NOCOUNT', 1) && (c.isWord('ON', 2) || c.isWord('OFF', 2))) c.i += 3;
    else break;
  }
  return begin;
}

function readCte(r: Reader): { name: string; items: Item[]; source: ObjectName } {
  const c = r.c;
  const nameTok = c.next();
  if (!isName(nameTok)) r.fail(`expected the CTE's name after WITH, found ${r.near()}.`);
  if (c.isPunct('(')) r.fail(`the CTE ${nameTok.value} names its columns in a list; the wizard names them with AS in the SELECT.`);
  r.expectWord('AS', `after the CTE name ${nameTok.value}`);
  r.expectPunct('(', `to open the CTE ${nameTok.value}`);
  r.expectWord('SELECT', `in the CTE ${nameTok.value}`);
  if (c.isWord('DISTINCT') || c.isWord('TOP')) r.fail(`the CTE ${nameTok.value} uses ${r.near()}; the wizard scores every row of the source.`);
  const items: Item[] = [];
  do items.push(readItem(r));
  while (c.punct(','));
  r.expectWord('FROM', `after the columns of the CTE ${nameTok.value}`);
  const source = r.name('after FROM in the CTE');
  if (c.word('AS')) r.name('as the alias of the source');
  else if (c.peek()?.kind === 'quoted' || (c.peek()?.kind === 'word' && !c.isPunct(')'))) {
    if (!isReserved(c.peek()!)) c.i++;
  }
  if (!c.punct(')')) {
    r.fail(`the CTE ${nameTok.value} goes on after FROM ${displayObjectName(source)} with ${r.near()}; the wizard reads every row of one table.`);
  }
  if (c.punct(',')) r.fail('the definition has more than one CTE; the wizard writes one.');
  return { name: nameTok.value, items, source };
}

const RESERVED = new Set(['WHERE', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'GROUP', 'ORDER', 'UNION', 'HAVING', 'OPTION', 'WITH']);
function isReserved(t: Token): boolean {
  return t.kind === 'word' && RESERVED.has(t.value.toUpperCase());
}

/** A column (maybe qualified) at the cursor; its last part. */
function column(r: Reader): string | undefined {
  const n = readObjectName(r.c);
  if (n && r.c.isPunct('(')) return undefined;
  return n?.name;
}

function readItem(r: Reader): Item {
  const c = r.c;
  const start = c.peek();
  const expression = (): never => {
    let depth = 0;
    const from = c.peek()?.pos ?? r.text.length;
    while (!c.atEnd() && !(depth === 0 && (c.isPunct(',') || c.isWord('FROM')))) {
      if (c.isPunct('(')) depth++;
      if (c.isPunct(')')) depth--;
      c.i++;
    }
    const to = c.peek()?.pos ?? r.text.length;
    return r.fail(`the CTE selects an expression, not a column: ${preview(r.text.slice(start?.pos ?? from, to).trim())}.`);
  };
  // alias = value (T-SQL's other way of naming a column)
  let named: string | undefined;
  if (isName(c.peek()) && c.isPunct('=', 1)) {
    named = c.next()!.value;
    c.i++;
  }
  let col: string | undefined;
  let castType: SqlType | undefined;
  if ((c.isWord('CAST') || c.isWord('TRY_CAST')) && c.isPunct('(', 1)) {
    if (c.isWord('TRY_CAST')) return expression();
    c.i += 2;
    col = column(r);
    if (col === undefined || !c.word('AS')) return expression();
    castType = r.type(`in the CAST of ${col}`);
    if (!c.punct(')')) return expression();
  } else if (c.isWord('CONVERT') && c.isPunct('(', 1)) {
    c.i += 2;
    castType = r.type('in a CONVERT');
    if (!c.punct(',')) return expression();
    col = column(r);
    if (col === undefined || !c.punct(')')) return expression();
  } else {
    col = column(r);
    if (col === undefined) return expression();
  }
  let alias: string | undefined = named;
  if (named !== undefined) {
    // nothing follows `alias = value` but the next item
  } else if (c.word('AS')) {
    const t = c.next();
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted' && t.kind !== 'string')) r.fail(`expected a name after AS in the CTE, found ${r.near()}.`);
    alias = t.value;
  } else if (isName(c.peek()) && !c.isWord('FROM')) {
    alias = c.next()!.value;
  }
  if (!(c.isPunct(',') || c.isWord('FROM'))) return expression();
  if (castType && alias === undefined) r.fail(`the CAST of ${col} in the CTE has no name (AS …); PREDICT matches inputs by name.`);
  return { column: col, alias: alias ?? col, castType, plain: castType === undefined && (alias === undefined || alias === col) };
}

function splitItems(items: readonly Item[], hints: ReadBackHints): { inputs: ReadBackInput[]; passThrough: string[] } {
  const inputs: ReadBackInput[] = [];
  const passThrough: string[] = [];
  const firstChanged = items.findIndex((i) => !i.plain);
  items.forEach((item, idx) => {
    let isInput: boolean;
    if (!item.plain) isInput = true;
    else if (hints.modelInputs) isInput = hints.modelInputs.some((m) => sameName(m, item.column));
    else isInput = firstChanged < 0 || idx > firstChanged;
    if (isInput) inputs.push({ sourceColumn: item.column, modelInput: item.alias, ...(item.castType ? { castType: item.castType } : {}) });
    else passThrough.push(item.column);
  });
  return { inputs, passThrough };
}

function readPredictArgs(r: Reader): { data: string; modelTable: ObjectName; modelColumn: string; idColumn: string; modelId: string } {
  const c = r.c;
  let data: string | undefined;
  let model: { modelTable: ObjectName; modelColumn: string; idColumn: string; modelId: string } | undefined;
  do {
    if (c.word('MODEL')) {
      r.expectPunct('=', 'after MODEL');
      if (c.peek()?.kind === 'variable') r.fail(`MODEL is the variable ${c.peek()!.value}; the wizard selects the model row inside PREDICT.`);
      r.expectPunct('(', 'after MODEL =');
      r.expectWord('SELECT', 'in MODEL = (…)');
      const modelColumn = column(r) ?? r.fail(`expected the model column in MODEL = (SELECT …), found ${r.near()}.`);
      r.expectWord('FROM', 'in MODEL = (SELECT …)');
      const modelTable = r.name('after FROM in MODEL = (…)');
      if (c.word('AS')) r.name('as the alias of the model table');
      else if (isName(c.peek()) && !c.isWord('WHERE')) c.i++;
      r.expectWord('WHERE', 'in MODEL = (SELECT …)');
      let idColumn: string | undefined;
      let literal: Token | undefined;
      if (c.peek()?.kind === 'string') {
        literal = c.next();
        r.expectPunct('=', "after the model's ID");
        idColumn = column(r);
      } else {
        idColumn = column(r);
        r.expectPunct('=', 'after the ID column');
        if (c.peek()?.kind === 'string') literal = c.next();
      }
      if (idColumn === undefined || literal === undefined) {
        r.fail(`MODEL = (…) does not select the model row by a literal ID such as [ID] = N'name:version'.`);
      }
      if (!c.punct(')')) r.fail(`MODEL = (…) goes on after the ID with ${r.near()}.`);
      model = { modelTable, modelColumn, idColumn, modelId: literal.value };
    } else if (c.word('DATA')) {
      r.expectPunct('=', 'after DATA');
      const n = r.name('after DATA =');
      if (n.schema !== undefined || n.database !== undefined) data = displayObjectName(n);
      else data = n.name;
      if (c.word('AS')) r.name("as the alias of PREDICT's DATA");
      else if (isName(c.peek()) && !c.isWord('RUNTIME') && !c.isWord('MODEL')) c.i++;
    } else if (c.word('RUNTIME')) {
      r.expectPunct('=', 'after RUNTIME');
      if (!c.word('ONNX')) r.fail(`RUNTIME is ${r.near()}; the wizard scores ONNX models.`);
    } else r.fail(`unexpected ${r.near()} in PREDICT's arguments.`);
  } while (c.punct(','));
  r.expectPunct(')', "to close PREDICT's arguments");
  if (!model) r.fail('PREDICT has no MODEL argument.');
  if (data === undefined) r.fail('PREDICT has no DATA argument.');
  return { data, ...model };
}

function readOutputs(r: Reader): { name: string; type: SqlType }[] {
  const c = r.c;
  r.expectPunct('(', "to open PREDICT's WITH clause");
  const outputs: { name: string; type: SqlType }[] = [];
  do {
    const t = c.next();
    if (!isName(t)) r.fail(`expected an output column in PREDICT's WITH clause, found ${r.near()}.`);
    const type = r.type(`of the output ${t.value}`);
    if (c.word('NOT')) r.expectWord('NULL', 'after NOT');
    else c.word('NULL');
    outputs.push({ name: t.value, type });
  } while (c.punct(','));
  r.expectPunct(')', "to close PREDICT's WITH clause");
  return outputs;
}

/**
 * The scoring plan that generates the object again (the read-back mapping with the source's column
 * types): `generateScoringScript(toScoringPlan(readBackMapping(o)))` writes the object's CREATE.
 */
export function toScoringPlan(m: ReadBackMapping, ctx: { target: PredictTarget; sourceColumns: readonly { name: string; type: SqlType }[] }): ScoringPlan {
  const typeOf = (col: string): SqlType => {
    const found = ctx.sourceColumns.find((c) => sameName(c.name, col));
    if (!found) {
      throw new ReadBackError(
        `${displayObjectName(m.objectName)} reads the column ${col} of ${displayObjectName(m.source)}, which has no such column now ` +
          `(its columns: ${ctx.sourceColumns.map((c) => c.name).join(', ')}).`,
      );
    }
    return found.type;
  };
  return {
    target: ctx.target,
    source: m.source,
    inputs: m.inputs.map((i) => {
      const sourceType = typeOf(i.sourceColumn);
      return { sourceColumn: i.sourceColumn, sourceType, modelInput: i.modelInput, inputType: i.castType ?? sourceType };
    }),
    passThrough: m.passThrough.map((p) => ({ column: p, type: typeOf(p) })),
    outputs: m.outputs,
    scriptType: m.scriptType,
    objectName: m.objectName,
    modelTable: m.modelTable,
    modelId: m.modelId,
    modelColumns: m.modelColumns,
  };
}

/**
 * The input names of a model row's inputs_schema, as deploy writes it (`[{"name": "Cost", …}]`) or an
 * MLflow signature's inputs; undefined when the text says none (then readBackMapping guesses).
 */
export function inputNamesFromSchema(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    const list = Array.isArray(parsed) ? parsed : (parsed as { inputs?: unknown })?.inputs;
    if (!Array.isArray(list)) return undefined;
    const names = list.map((x) => (x && typeof x === 'object' ? (x as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === 'string');
    return names.length ? names : undefined;
  } catch {
    return undefined;
  }
}
