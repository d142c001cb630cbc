/**
 * A recursive-descent parser for the T-SQL the local pool runs. `parseBatch` turns a batch into
 * statements (each with its line and source text). Syntax errors are SqlError 102 ("Incorrect
 * syntax near '...'.") with the line; valid T-SQL the local pool does not implement is SqlError
 * 40517-style "The local pool does not support X (line n)." so the user knows it is a limit of
 * the local pool, not a mistake in the script.
 */
import { SqlError } from './api.js';
import type { ColumnDef, Cte, Expr, MergeClause, NameRef, OrderItem, PredictNode, ProcParam, Query, QueryBody, SelectCore, SelectItem, Statement, StatementBody, TableRef, TypeSpec } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { parseCopyInto, type TokenCursor } from './statements/copy-into-parse.js';

/** Error number used for valid T-SQL the local pool does not implement. */
export const UNSUPPORTED_ERROR = 40517;

/** Words that cannot be an unquoted alias (SQL Server's reserved keywords that matter here). */
const RESERVED = new Set(
  (
    'ADD ALL ALTER AND ANY AS ASC BEGIN BETWEEN BREAK BY CASE CHECK CLOSE COLLATE COLUMN COMMIT CONSTRAINT CONTINUE CONVERT CREATE CROSS ' +
    'CURRENT CURSOR DECLARE DEFAULT DELETE DENY DESC DISTINCT DROP ELSE END ESCAPE EXCEPT EXEC EXECUTE EXISTS FETCH FOR FOREIGN FROM ' +
    'FULL FUNCTION GO GOTO GRANT GROUP HAVING IF IN INDEX INNER INSERT INTERSECT INTO IS JOIN KEY LEFT LIKE MERGE NOT NULL OF OFF ON ' +
    'OPTION OR ORDER OUTER OVER PERCENT PRIMARY PRINT PROC PROCEDURE RAISERROR RETURN REVOKE RIGHT ROLLBACK SAVE SELECT SET TABLE THEN ' +
    'TO TOP TRAN TRANSACTION TRUNCATE UNION UNIQUE UPDATE USE VALUES VIEW WHEN WHERE WHILE WITH THROW PREDICT OFFSET APPLY PIVOT UNPIVOT ' +
    'TABLESAMPLE WITHIN RENAME BULK'
  ).split(' '),
);

/** Statement keywords of T-SQL that the local pool recognizes but does not run. */
const UNSUPPORTED_STATEMENTS: Record<string, string> = {
  GRANT: 'GRANT',
  DENY: 'DENY',
  REVOKE: 'REVOKE',
  BACKUP: 'BACKUP',
  RESTORE: 'RESTORE',
  DBCC: 'DBCC',
  BULK: 'BULK INSERT',
  OPEN: 'cursors',
  FETCH: 'cursors',
  CLOSE: 'cursors',
  DEALLOCATE: 'cursors',
  GOTO: 'GOTO',
  WAITFOR: 'WAITFOR',
  COPY: 'COPY INTO',
  SAVE: 'SAVE TRANSACTION',
  BREAK: 'BREAK',
  CONTINUE: 'CONTINUE',
  REVERT: 'REVERT',
  CHECKPOINT: 'CHECKPOINT',
  KILL: 'KILL',
  SHUTDOWN: 'SHUTDOWN',
  RECONFIGURE: 'RECONFIGURE',
  READTEXT: 'READTEXT',
  WRITETEXT: 'WRITETEXT',
  UPDATETEXT: 'UPDATETEXT',
};

const DATE_PARTS = new Set(
  'year yy yyyy quarter qq q month mm m dayofyear dy y day dd d week wk ww weekday dw w hour hh minute mi n second ss s millisecond ms microsecond mcs nanosecond ns'.split(
    ' ',
  ),
);

export function unsupported(construct: string, line: number): SqlError {
  return new SqlError(UNSUPPORTED_ERROR, `The local pool does not support ${construct} (line ${line}).`, line);
}

/** Parses a batch into statements. */
export function parseBatch(sql: string): Statement[] {
  return new Parser(sql).batch();
}

/** Parses the text of a stored view or procedure body again (its statements keep their lines). */
export function parseQueryText(sql: string): Query {
  const p = new Parser(sql);
  const q = p.queryStatement();
  return q;
}

class Parser {
  private readonly t: Token[];
  /** Nesting of queries being parsed (1: a statement's own query). */
  private queryDepth = 0;
  /** Whether the statement being parsed may be SELECT ... INTO, and its target once seen. */
  private intoAllowed = false;
  private intoTarget: NameRef | undefined;
  private i = 0;
  constructor(private readonly sql: string) {
    this.t = tokenize(sql);
  }

  // ---- token helpers ----
  private get cur(): Token {
    return this.t[this.i]!;
  }
  private peek(k = 1): Token {
    return this.t[Math.min(this.i + k, this.t.length - 1)]!;
  }
  private isKw(word: string, tok: Token = this.cur): boolean {
    return tok.kind === 'ident' && tok.value.toUpperCase() === word;
  }
  private isOp(op: string, tok: Token = this.cur): boolean {
    return tok.kind === 'op' && tok.value === op;
  }
  private acceptKw(...words: string[]): boolean {
    if (words.some((w) => this.isKw(w))) {
      this.i++;
      return true;
    }
    return false;
  }
  private acceptOp(op: string): boolean {
    if (this.isOp(op)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expectKw(word: string): void {
    if (!this.acceptKw(word)) throw this.syntax();
  }
  private expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.syntax();
  }
  syntax(tok: Token = this.cur): SqlError {
    if (tok.kind === 'eof') {
      const prev = this.t[Math.max(0, this.i - 1)]!;
      return new SqlError(102, `Incorrect syntax near '${this.sql.slice(prev.start, prev.end)}'.`, prev.line, 15);
    }
    return new SqlError(102, `Incorrect syntax near '${this.sql.slice(tok.start, tok.end)}'.`, tok.line, 15);
  }
  private ident(): string {
    const tok = this.cur;
    if (tok.kind === 'qident' || (tok.kind === 'ident' && !RESERVED.has(tok.value.toUpperCase()))) {
      this.i++;
      return tok.value;
    }
    throw this.syntax();
  }
  /** Identifier that may be a keyword (after a dot, in column definitions). */
  private anyIdent(): string {
    const tok = this.cur;
    if (tok.kind === 'qident' || tok.kind === 'ident') {
      this.i++;
      return tok.value;
    }
    throw this.syntax();
  }
  /** The position in the tokens, for statement families parsed in their own files (statements/). */
  private cursor(): TokenCursor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      tokens: this.t,
      get pos() {
        return self.i;
      },
      set pos(v: number) {
        self.i = v;
      },
      syntax: (tok) => this.syntax(tok),
      nameRef: () => this.nameRef(),
    };
  }

  private atStatementEnd(): boolean {
    return this.cur.kind === 'eof' || this.isOp(';');
  }

  // ---- batch and statements ----
  batch(): Statement[] {
    const out: Statement[] = [];
    while (this.cur.kind !== 'eof') {
      if (this.acceptOp(';')) continue;
      out.push(this.statement());
    }
    return out;
  }

  private textFrom(startTok: number): string {
    const a = this.t[startTok]!;
    const b = this.t[Math.max(startTok, this.i - 1)]!;
    return this.sql.slice(a.start, b.end);
  }

  private statement(): Statement {
    const start = this.i;
    const line = this.cur.line;
    const body = this.statementBody();
    return { ...body, line, text: this.textFrom(start) } as Statement;
  }

  private statementBody(): StatementBody {
    const tok = this.cur;
    if (tok.kind === 'op' && tok.value === '(') return { k: 'query', query: this.queryStatement() };
    if (tok.kind !== 'ident') throw this.syntax();
    const kw = tok.value.toUpperCase();
    switch (kw) {
      case 'SELECT':
        return this.queryOrSelectInto(() => this.queryStatement());
      case 'WITH':
        return this.withStatement();
      case 'INSERT':
        return this.insert();
      case 'UPDATE':
        if (this.isKw('STATISTICS', this.peek())) {
          // UPDATE STATISTICS table [statistics | (statistics, ...)] [WITH options]
          this.i += 2;
          const table = this.nameRef();
          if (this.acceptOp('(')) {
            this.anyIdent();
            while (this.acceptOp(',')) this.anyIdent();
            this.expectOp(')');
          } else if (this.cur.kind === 'ident' || this.cur.kind === 'qident') {
            if (!this.isKw('WITH') && !this.startsStatement()) this.i++;
          }
          this.statisticsOptions();
          return { k: 'statistics', action: 'update', tables: [table] };
        }
        return this.update();
      case 'DELETE':
        return this.delete();
      case 'MERGE':
        return this.merge();
      case 'CREATE':
      case 'ALTER':
        return this.createOrAlter();
      case 'DROP':
        return this.drop();
      case 'TRUNCATE': {
        this.i++;
        this.expectKw('TABLE');
        return { k: 'truncate', table: this.nameRef() };
      }
      case 'EXEC':
      case 'EXECUTE':
        return this.exec();
      case 'DECLARE':
        return this.declare();
      case 'SET':
        return this.set();
      case 'IF': {
        this.i++;
        const cond = this.expr();
        const then = this.statement();
        this.acceptOp(';');
        if (this.acceptKw('ELSE')) return { k: 'if', cond, then, else: this.statement() };
        return { k: 'if', cond, then };
      }
      case 'WHILE': {
        this.i++;
        const cond = this.expr();
        return { k: 'while', cond, body: this.statement() };
      }
      case 'BEGIN': {
        if (this.isKw('TRAN', this.peek()) || this.isKw('TRANSACTION', this.peek())) {
          this.i += 2;
          this.optionalTranName();
          return { k: 'tran', action: 'begin' };
        }
        if (this.isKw('TRY', this.peek())) return this.tryCatch();
        if (this.isKw('CATCH', this.peek())) throw this.syntax(this.peek());
        if (this.isKw('DISTRIBUTED', this.peek())) throw unsupported('distributed transactions', tok.line);
        this.i++;
        const body: Statement[] = [];
        while (!this.isKw('END')) {
          if (this.cur.kind === 'eof') throw this.syntax();
          if (this.acceptOp(';')) continue;
          body.push(this.statement());
        }
        this.i++;
        return { k: 'block', body };
      }
      case 'COMMIT':
      case 'ROLLBACK': {
        this.i++;
        if (this.acceptKw('TRAN', 'TRANSACTION', 'WORK')) this.optionalTranName();
        return { k: 'tran', action: kw === 'COMMIT' ? 'commit' : 'rollback' };
      }
      case 'PRINT':
        this.i++;
        return { k: 'print', expr: this.expr() };
      case 'USE':
        this.i++;
        return { k: 'use', database: this.anyIdent() };
      case 'RETURN': {
        this.i++;
        if (this.atStatementEnd() || this.isKw('END') || this.startsStatement()) return { k: 'return' };
        return { k: 'return', expr: this.expr() };
      }
      case 'RAISERROR': {
        this.i++;
        this.expectOp('(');
        const message = this.expr();
        this.expectOp(',');
        const severity = this.expr();
        this.expectOp(',');
        const state = this.expr();
        while (this.acceptOp(',')) this.expr();
        this.expectOp(')');
        if (this.acceptKw('WITH')) this.anyIdent();
        return { k: 'raiserror', message, severity, state };
      }
      case 'RENAME': {
        this.i++;
        if (!this.acceptKw('OBJECT')) {
          if (this.isKw('DATABASE')) throw unsupported('RENAME DATABASE', tok.line);
          throw this.syntax();
        }
        this.acceptOp('::');
        const table = this.nameRef();
        this.expectKw('TO');
        return { k: 'rename', table, newName: this.ident() };
      }
      case 'COPY':
        if (this.isKw('INTO', this.peek())) return { k: 'copyInto', copy: parseCopyInto(this.cursor()) };
        break;
      case 'THROW': {
        this.i++;
        if (this.atStatementEnd() || this.isKw('END') || this.startsStatement()) return { k: 'rethrow' };
        const number = this.expr();
        this.expectOp(',');
        const message = this.expr();
        this.expectOp(',');
        return { k: 'throw', number, message, state: this.expr() };
      }
    }
    if (UNSUPPORTED_STATEMENTS[kw]) throw unsupported(UNSUPPORTED_STATEMENTS[kw]!, tok.line);
    // A procedure call without EXEC is allowed as the first statement of a batch.
    if (this.i === 0) return this.execBody(tok.line);
    throw this.syntax();
  }

  /**
   * `ROWS|RANGE bound` or `ROWS|RANGE BETWEEN bound AND bound`, normalized to the BETWEEN form (a
   * single bound is the frame's start, up to the current row). RANGE takes only UNBOUNDED and
   * CURRENT ROW, as in SQL Server.
   */
  private windowFrame(): string {
    const unit = this.cur.value.toUpperCase();
    const line = this.cur.line;
    this.i++;
    const bound = (): string => {
      const direction = (): string => {
        if (this.acceptKw('PRECEDING')) return 'PRECEDING';
        this.expectKw('FOLLOWING');
        return 'FOLLOWING';
      };
      if (this.acceptKw('UNBOUNDED')) return `UNBOUNDED ${direction()}`;
      if (this.acceptKw('CURRENT')) {
        this.expectKw('ROW');
        return 'CURRENT ROW';
      }
      const tok = this.cur;
      if (tok.kind !== 'number' || !/^\d+$/.test(tok.value)) throw this.syntax();
      if (unit === 'RANGE') throw new SqlError(4194, 'RANGE is only supported with UNBOUNDED and CURRENT ROW window frame delimiters.', line, 16);
      this.i++;
      return `${tok.value} ${direction()}`;
    };
    if (this.acceptKw('BETWEEN')) {
      const start = bound();
      this.expectKw('AND');
      return `${unit} BETWEEN ${start} AND ${bound()}`;
    }
    return `${unit} BETWEEN ${bound()} AND CURRENT ROW`;
  }

  /** A statistics statement's `WITH FULLSCAN | SAMPLE n PERCENT | NORECOMPUTE | ...`, skipped. */
  private statisticsOptions(): void {
    if (!this.acceptKw('WITH')) return;
    do {
      // FULLSCAN | SAMPLE n PERCENT|ROWS | RESAMPLE | NORECOMPUTE | name = value | ...
      if (this.cur.kind !== 'ident') throw this.syntax();
      const word = this.cur.value.toUpperCase();
      this.i++;
      if (word === 'SAMPLE') {
        if (this.t[this.i]!.kind !== 'number') throw this.syntax();
        this.i++;
        this.expectKw(this.isKw('ROWS') ? 'ROWS' : 'PERCENT');
      } else if (this.acceptOp('=')) {
        if (this.cur.kind !== 'ident' && this.cur.kind !== 'number') throw this.syntax();
        this.i++;
      }
    } while (this.acceptOp(','));
  }

  /** `BEGIN TRY statements END TRY BEGIN CATCH statements END CATCH` (CATCH must follow TRY directly). */
  private tryCatch(): StatementBody {
    this.i += 2;
    const body = this.statementsUntil('TRY');
    this.acceptOp(';');
    if (!this.isKw('BEGIN') || !this.isKw('CATCH', this.peek())) throw this.syntax();
    this.i += 2;
    const handler = this.statementsUntil('CATCH');
    return { k: 'try', body, handler };
  }

  /** Statements up to `END word`, which is consumed. */
  private statementsUntil(word: 'TRY' | 'CATCH'): Statement[] {
    const body: Statement[] = [];
    while (!(this.isKw('END') && this.isKw(word, this.peek()))) {
      if (this.cur.kind === 'eof' || this.isKw('END')) throw this.syntax();
      if (this.acceptOp(';')) continue;
      body.push(this.statement());
    }
    this.i += 2;
    return body;
  }

  private startsStatement(): boolean {
    return (
      this.cur.kind === 'ident' &&
      ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'IF', 'BEGIN', 'END', 'DECLARE', 'SET', 'PRINT', 'EXEC', 'EXECUTE', 'RETURN', 'WITH', 'THROW', 'RAISERROR', 'COMMIT', 'ROLLBACK', 'WHILE'].includes(
        this.cur.value.toUpperCase(),
      )
    );
  }

  private optionalTranName(): void {
    if (this.cur.kind === 'var' || this.cur.kind === 'qident' || (this.cur.kind === 'ident' && !RESERVED.has(this.cur.value.toUpperCase()) && !this.startsStatement()))
      this.i++;
  }

  private insert(): Extract<StatementBody, { k: 'insert' }> {
    this.i++;
    this.acceptKw('INTO');
    const table = this.nameRef();
    let columns: string[] | undefined;
    if (this.isOp('(') && !this.isKw('SELECT', this.peek())) {
      this.i++;
      columns = [this.anyIdent()];
      while (this.acceptOp(',')) columns.push(this.anyIdent());
      this.expectOp(')');
    }
    if (this.acceptKw('VALUES')) {
      const values: Expr[][] = [];
      do {
        this.expectOp('(');
        const row = [this.expr()];
        while (this.acceptOp(',')) row.push(this.expr());
        this.expectOp(')');
        values.push(row);
      } while (this.acceptOp(','));
      return { k: 'insert', table, columns, values };
    }
    if (this.isKw('DEFAULT') && this.isKw('VALUES', this.peek())) {
      this.i += 2;
      return { k: 'insert', table, columns, values: [[]] };
    }
    if (this.isKw('EXEC') || this.isKw('EXECUTE')) {
      throw unsupported('INSERT ... EXEC', this.cur.line);
    }
    return { k: 'insert', table, columns, query: this.queryStatement() };
  }

  private update(): Extract<StatementBody, { k: 'update' }> {
    this.i++;
    if (this.isKw('TOP')) throw unsupported('UPDATE TOP', this.cur.line);
    const table = this.nameRef();
    const sets = this.setList();
    const from = this.acceptKw('FROM') ? this.fromList() : [];
    const where = this.acceptKw('WHERE') ? this.expr() : undefined;
    this.rejectOption();
    return { k: 'update', table, sets, from, where };
  }

  /** `SET column = expr [, ...]` (also `+=` and the like), of UPDATE and of MERGE's WHEN ... THEN UPDATE. */
  private setList(): { column: string; expr: Expr }[] {
    this.expectKw('SET');
    const sets: { column: string; expr: Expr }[] = [];
    do {
      const parts = [this.anyIdent()];
      while (this.acceptOp('.')) parts.push(this.anyIdent());
      if (this.cur.kind === 'op' && ['+=', '-=', '*=', '/='].includes(this.cur.value)) {
        const op = this.cur.value[0]!;
        this.i++;
        const rhs = this.expr();
        sets.push({ column: parts[parts.length - 1]!, expr: { k: 'bin', op, left: { k: 'col', parts, line: this.cur.line }, right: rhs } });
      } else {
        this.expectOp('=');
        sets.push({ column: parts[parts.length - 1]!, expr: this.expr() });
      }
    } while (this.acceptOp(','));
    return sets;
  }

  /**
   * `MERGE [INTO] target [[AS] alias] USING source ON condition WHEN ... THEN ...;` — WHEN MATCHED,
   * WHEN NOT MATCHED [BY TARGET] and WHEN NOT MATCHED BY SOURCE, each with an optional AND condition.
   * As in SQL Server, the statement must end with a semicolon.
   */
  private merge(): StatementBody {
    const line = this.cur.line;
    this.i++;
    if (this.isKw('TOP')) throw unsupported('MERGE TOP', this.cur.line);
    this.acceptKw('INTO');
    const target = this.nameRef();
    const alias = this.isKw('USING') ? undefined : this.optionalAlias(false);
    this.expectKw('USING');
    const source = this.tableSource();
    this.expectKw('ON');
    const on = this.expr();
    const clauses: MergeClause[] = [];
    while (this.acceptKw('WHEN')) {
      let when: MergeClause['when'];
      if (this.acceptKw('MATCHED')) when = 'matched';
      else {
        this.expectKw('NOT');
        this.expectKw('MATCHED');
        if (this.acceptKw('BY')) {
          if (this.acceptKw('SOURCE')) when = 'notMatchedBySource';
          else {
            this.expectKw('TARGET');
            when = 'notMatchedByTarget';
          }
        } else when = 'notMatchedByTarget';
      }
      const cond = this.acceptKw('AND') ? this.expr() : undefined;
      this.expectKw('THEN');
      let action: MergeClause['action'];
      if (this.isKw('UPDATE')) {
        this.i++;
        action = { k: 'update', sets: this.setList() };
      } else if (this.acceptKw('DELETE')) action = { k: 'delete' };
      else if (this.isKw('INSERT')) {
        this.i++;
        let columns: string[] | undefined;
        if (this.acceptOp('(')) {
          columns = [this.anyIdent()];
          while (this.acceptOp(',')) columns.push(this.anyIdent());
          this.expectOp(')');
        }
        if (this.isKw('DEFAULT')) throw unsupported('MERGE ... INSERT DEFAULT VALUES', this.cur.line);
        this.expectKw('VALUES');
        this.expectOp('(');
        const values = [this.expr()];
        while (this.acceptOp(',')) values.push(this.expr());
        this.expectOp(')');
        action = { k: 'insert', columns, values };
      } else throw this.syntax();
      if ((when === 'notMatchedByTarget') !== (action.k === 'insert')) {
        const clause = when === 'matched' ? 'WHEN MATCHED' : when === 'notMatchedBySource' ? 'WHEN NOT MATCHED BY SOURCE' : 'WHEN NOT MATCHED';
        throw new SqlError(10710, `An action of type '${action.k.toUpperCase()}' is not allowed in the '${clause}' clause of a MERGE statement.`, line, 15);
      }
      clauses.push({ when, cond, action });
    }
    if (!clauses.length) throw this.syntax();
    if (this.isKw('OUTPUT')) throw unsupported('MERGE ... OUTPUT', this.cur.line);
    this.rejectOption();
    if (!this.isOp(';')) throw new SqlError(10713, 'A MERGE statement must be terminated by a semi-colon (;).', line, 15);
    return { k: 'merge', target, alias, source, on, clauses };
  }

  private delete(): Extract<StatementBody, { k: 'delete' }> {
    this.i++;
    if (this.isKw('TOP')) throw unsupported('DELETE TOP', this.cur.line);
    this.acceptKw('FROM');
    const table = this.nameRef();
    const from = this.acceptKw('FROM') ? this.fromList() : [];
    const where = this.acceptKw('WHERE') ? this.expr() : undefined;
    this.rejectOption();
    return { k: 'delete', table, from, where };
  }

  private createOrAlter(): StatementBody {
    const line = this.cur.line;
    const isAlter = this.isKw('ALTER');
    this.i++;
    let mode: 'create' | 'alter' | 'createOrAlter' = isAlter ? 'alter' : 'create';
    if (!isAlter && this.isKw('OR') && this.isKw('ALTER', this.peek())) {
      this.i += 2;
      mode = 'createOrAlter';
    }
    const what = this.cur.kind === 'ident' ? this.cur.value.toUpperCase() : '';
    if (what === 'STATISTICS' && !isAlter && mode === 'create') {
      // CREATE STATISTICS name ON table (columns) [WHERE filter] [WITH options]
      this.i++;
      this.ident();
      this.expectKw('ON');
      const table = this.nameRef();
      this.expectOp('(');
      const columns = [this.anyIdent()];
      while (this.acceptOp(',')) columns.push(this.anyIdent());
      this.expectOp(')');
      if (this.acceptKw('WHERE')) this.expr();
      this.statisticsOptions();
      return { k: 'statistics', action: 'create', tables: [table], columns };
    }
    if (what === 'VIEW') {
      this.i++;
      const name = this.nameRef();
      let columns: string[] | undefined;
      if (this.acceptOp('(')) {
        columns = [this.anyIdent()];
        while (this.acceptOp(',')) columns.push(this.anyIdent());
        this.expectOp(')');
      }
      if (this.isKw('WITH')) throw unsupported('view options (WITH SCHEMABINDING and the like)', this.cur.line);
      this.expectKw('AS');
      const bodyStart = this.cur.start;
      const query = this.queryStatement();
      const bodyText = this.sql.slice(bodyStart, this.t[this.i - 1]!.end);
      return { k: 'createView', name, mode, columns, query, bodyText };
    }
    if (what === 'PROC' || what === 'PROCEDURE') {
      this.i++;
      const name = this.nameRef();
      const params: ProcParam[] = [];
      const paren = this.acceptOp('(');
      if (this.cur.kind === 'var') {
        do {
          const pname = this.cur.value;
          if (this.cur.kind !== 'var') throw this.syntax();
          this.i++;
          this.acceptKw('AS');
          const type = this.typeSpec();
          let def: Expr | undefined;
          if (this.acceptOp('=')) def = this.expr();
          const output = this.acceptKw('OUTPUT', 'OUT');
          this.acceptKw('READONLY');
          params.push({ name: pname, type, default: def, output });
        } while (this.acceptOp(','));
      }
      if (paren) this.expectOp(')');
      if (this.isKw('WITH')) {
        this.i++;
        do this.anyIdent();
        while (this.acceptOp(','));
      }
      this.expectKw('AS');
      const bodyStart = this.cur.start;
      const bodyLine = this.cur.line;
      const body: Statement[] = [];
      while (this.cur.kind !== 'eof') {
        if (this.acceptOp(';')) continue;
        body.push(this.statement());
      }
      void bodyLine;
      const bodyText = this.sql.slice(bodyStart);
      return { k: 'createProc', name, mode, params, body, bodyText };
    }
    if (isAlter) {
      if (what === 'TABLE') throw unsupported('ALTER TABLE', line);
      if (what === 'DATABASE') throw unsupported('ALTER DATABASE', line);
      throw unsupported(`ALTER ${what}`.trim(), line);
    }
    if (what === 'SCHEMA') {
      this.i++;
      const name = this.ident();
      if (this.acceptKw('AUTHORIZATION')) this.anyIdent();
      return { k: 'createSchema', name };
    }
    if (what === 'TABLE') {
      this.i++;
      return this.createTable();
    }
    const unsupportedCreate: Record<string, string> = {
      FUNCTION: 'CREATE FUNCTION',
      INDEX: 'CREATE INDEX',
      UNIQUE: 'CREATE INDEX',
      CLUSTERED: 'CREATE INDEX',
      NONCLUSTERED: 'CREATE INDEX',
      TRIGGER: 'CREATE TRIGGER',
      DATABASE: 'CREATE DATABASE',
      USER: 'CREATE USER',
      LOGIN: 'CREATE LOGIN',
      ROLE: 'CREATE ROLE',
      TYPE: 'CREATE TYPE',
      SYNONYM: 'CREATE SYNONYM',
      EXTERNAL: 'external tables and data sources',
      MASTER: 'CREATE MASTER KEY',
      SEQUENCE: 'CREATE SEQUENCE',
      MATERIALIZED: 'materialized views',
    };
    if (unsupportedCreate[what]) throw unsupported(unsupportedCreate[what]!, line);
    throw this.syntax();
  }

  private createTable(): Extract<StatementBody, { k: 'createTable' }> {
    const name = this.nameRef();
    const columns: ColumnDef[] = [];
    if (this.isKw('WITH') || this.isKw('AS')) {
      // CREATE TABLE AS SELECT (Synapse's CTAS).
      const options = this.isKw('WITH') ? this.tableOptions() : '';
      this.expectKw('AS');
      return { k: 'createTable', name, columns, options, asQuery: this.queryStatement() };
    }
    this.expectOp('(');
    do {
      if (this.isKw('CONSTRAINT') || this.isKw('PRIMARY') || this.isKw('UNIQUE') || this.isKw('INDEX') || this.isKw('FOREIGN') || this.isKw('CHECK')) {
        this.skipBalanced();
        continue;
      }
      const cname = this.anyIdent();
      const type = this.typeSpec();
      let notNull = false;
      let identity: ColumnDef['identity'];
      let def: Expr | undefined;
      for (;;) {
        if (this.isKw('NOT') && this.isKw('NULL', this.peek())) {
          this.i += 2;
          notNull = true;
        } else if (this.acceptKw('NULL')) notNull = false;
        else if (this.acceptKw('IDENTITY')) {
          identity = { seed: 1, increment: 1 };
          if (this.acceptOp('(')) {
            const s = this.signedNumber();
            this.expectOp(',');
            const inc = this.signedNumber();
            this.expectOp(')');
            identity = { seed: s, increment: inc };
          }
        } else if (this.acceptKw('DEFAULT')) def = this.primary();
        else if (this.acceptKw('COLLATE')) this.anyIdent();
        else if (this.acceptKw('CONSTRAINT')) this.anyIdent();
        else if (this.acceptKw('PRIMARY')) {
          this.expectKw('KEY');
          this.acceptKw('CLUSTERED', 'NONCLUSTERED');
          notNull = true;
        } else if (this.acceptKw('UNIQUE')) this.acceptKw('CLUSTERED', 'NONCLUSTERED');
        else if (this.isKw('CHECK') || this.isKw('REFERENCES') || this.isKw('FOREIGN')) throw unsupported('constraints other than PRIMARY KEY and UNIQUE', this.cur.line);
        else break;
      }
      columns.push({ name: cname, type, notNull, identity, default: def });
    } while (this.acceptOp(','));
    this.expectOp(')');
    const options = this.isKw('WITH') ? this.tableOptions() : '';
    return { k: 'createTable', name, columns, options };
  }

  /** Synapse's `WITH (DISTRIBUTION = ..., HEAP | CLUSTERED COLUMNSTORE INDEX ...)`: kept as text. */
  private tableOptions(): string {
    this.expectKw('WITH');
    const start = this.cur.start;
    if (!this.isOp('(')) throw this.syntax();
    this.skipBalanced();
    return 'WITH ' + this.sql.slice(start, this.t[this.i - 1]!.end);
  }

  /** Skips a table constraint or a parenthesized list up to the next top-level comma or ')'. */
  private skipBalanced(): void {
    let depth = 0;
    for (;;) {
      const tok = this.cur;
      if (tok.kind === 'eof') throw this.syntax();
      if (this.isOp('(')) depth++;
      else if (this.isOp(')')) {
        if (depth === 0) return;
        depth--;
        if (depth === 0) {
          this.i++;
          if (!this.isOp(',') && !this.isOp(')') && this.cur.kind !== 'eof' && !this.isKw('WITH') && !this.isKw('AS')) continue;
          return;
        }
      } else if (this.isOp(',') && depth === 0) return;
      this.i++;
    }
  }

  private signedNumber(): number {
    const neg = this.acceptOp('-');
    if (this.cur.kind !== 'number') throw this.syntax();
    const v = Number(this.cur.value);
    this.i++;
    return neg ? -v : v;
  }

  private drop(): Extract<StatementBody, { k: 'drop' | 'statistics' }> {
    const line = this.cur.line;
    this.i++;
    const w = this.cur.kind === 'ident' ? this.cur.value.toUpperCase() : '';
    const what = w === 'PROC' ? 'PROCEDURE' : w;
    if (what === 'STATISTICS') {
      // DROP STATISTICS table.statistics [, ...]
      this.i++;
      const tables: NameRef[] = [];
      do {
        const ref = this.nameRef();
        if (ref.parts.length < 2) throw this.syntax(this.t[this.i - 1]);
        tables.push({ ...ref, parts: ref.parts.slice(0, -1), text: ref.text.slice(0, ref.text.lastIndexOf('.')) });
      } while (this.acceptOp(','));
      return { k: 'statistics', action: 'drop', tables };
    }
    if (what !== 'TABLE' && what !== 'VIEW' && what !== 'PROCEDURE' && what !== 'SCHEMA') {
      if (['FUNCTION', 'INDEX', 'TRIGGER', 'DATABASE', 'USER', 'LOGIN', 'TYPE', 'SYNONYM', 'EXTERNAL'].includes(w)) throw unsupported(`DROP ${w}`, line);
      throw this.syntax();
    }
    this.i++;
    let ifExists = false;
    if (this.isKw('IF') && this.isKw('EXISTS', this.peek())) {
      this.i += 2;
      ifExists = true;
    }
    const names = [this.nameRef()];
    while (this.acceptOp(',')) names.push(this.nameRef());
    return { k: 'drop', what, ifExists, names };
  }

  private exec(): Extract<StatementBody, { k: 'exec' | 'execSql' }> {
    const line = this.cur.line;
    this.i++;
    if (this.isOp('(')) {
      this.i++;
      const sql = this.expr();
      this.expectOp(')');
      return { k: 'execSql', sql };
    }
    return this.execBody(line);
  }

  private execBody(_line: number): Extract<StatementBody, { k: 'exec' }> {
    let returnVar: string | undefined;
    if (this.cur.kind === 'var' && this.isOp('=', this.peek())) {
      returnVar = this.cur.value;
      this.i += 2;
    }
    const proc = this.nameRef();
    const args: { name?: string; expr: Expr; output: boolean }[] = [];
    if (!this.atStatementEnd() && !this.startsStatement() && !this.isKw('ELSE')) {
      do {
        let name: string | undefined;
        if (this.cur.kind === 'var' && this.isOp('=', this.peek())) {
          name = this.cur.value;
          this.i += 2;
        }
        const expr = this.isKw('DEFAULT') ? (this.i++, { k: 'lit', type: 'null', value: 'DEFAULT' } as Expr) : this.expr();
        const output = this.acceptKw('OUTPUT', 'OUT');
        args.push({ name, expr, output });
      } while (this.acceptOp(','));
    }
    return { k: 'exec', proc, args, returnVar };
  }

  private declare(): Extract<StatementBody, { k: 'declare' }> {
    this.i++;
    const vars: { name: string; type: TypeSpec; init?: Expr }[] = [];
    do {
      if (this.cur.kind !== 'var') throw this.syntax();
      const name = this.cur.value;
      this.i++;
      this.acceptKw('AS');
      if (this.isKw('TABLE')) throw unsupported('table variables', this.cur.line);
      if (this.isKw('CURSOR')) throw unsupported('cursors', this.cur.line);
      const type = this.typeSpec();
      const init = this.acceptOp('=') ? this.expr() : undefined;
      vars.push({ name, type, init });
    } while (this.acceptOp(','));
    return { k: 'declare', vars };
  }

  private set(): Extract<StatementBody, { k: 'setVar' | 'setOption' }> {
    this.i++;
    if (this.cur.kind === 'var') {
      const name = this.cur.value;
      this.i++;
      const opTok = this.cur;
      if (opTok.kind !== 'op' || !['=', '+=', '-=', '*=', '/='].includes(opTok.value)) throw this.syntax();
      this.i++;
      return { k: 'setVar', name, op: opTok.value, expr: this.expr() };
    }
    // Session options: SET NOCOUNT ON, SET TEXTSIZE 2147483647, SET TRANSACTION ISOLATION LEVEL ...,
    // SET DATEFORMAT mdy, SET ANSI_NULLS, QUOTED_IDENTIFIER ON (lists allowed).
    const words: string[] = [];
    let on: boolean | undefined;
    const line = this.cur.line;
    while (!this.atStatementEnd()) {
      const tok = this.cur;
      if (tok.kind === 'ident' && (tok.value.toUpperCase() === 'ON' || tok.value.toUpperCase() === 'OFF')) {
        on = tok.value.toUpperCase() === 'ON';
        this.i++;
        break;
      }
      if (tok.kind === 'number' || tok.kind === 'string') {
        words.push(tok.value);
        this.i++;
        if (this.isKw('ON') || this.isKw('OFF')) continue;
        break;
      }
      if (tok.kind === 'op' && tok.value !== ',' && tok.value !== '-') break;
      if (tok.kind === 'ident' && words.length > 0 && this.startsStatement()) break;
      if (tok.kind === 'ident' && words.length > 0 && words[0] === 'TRANSACTION' && words.length >= 3) {
        words.push(tok.value.toUpperCase());
        this.i++;
        if (['COMMITTED', 'UNCOMMITTED', 'READ', 'SERIALIZABLE', 'SNAPSHOT'].includes(tok.value.toUpperCase()) && words[words.length - 2] !== 'REPEATABLE') {
          if (tok.value.toUpperCase() !== 'READ') break;
        }
        continue;
      }
      words.push(tok.kind === 'ident' ? tok.value.toUpperCase() : tok.value);
      this.i++;
    }
    if (words.length === 0) throw new SqlError(102, `Incorrect syntax near 'SET'.`, line, 15);
    return { k: 'setOption', option: words.join(' '), on };
  }

  private rejectOption(): void {
    if (this.isKw('OPTION')) throw unsupported('query hints (OPTION)', this.cur.line);
  }

  // ---- names and types ----
  nameRef(): NameRef {
    const start = this.cur.start;
    const line = this.cur.line;
    const parts: string[] = [];
    const first = this.cur;
    if (first.kind === 'ident' && RESERVED.has(first.value.toUpperCase())) throw this.syntax();
    if (first.kind !== 'ident' && first.kind !== 'qident') throw this.syntax();
    parts.push(first.value);
    this.i++;
    while (this.isOp('.')) {
      this.i++;
      if (this.isOp('.')) {
        parts.push('');
        continue;
      }
      parts.push(this.anyIdent());
    }
    if (parts.length > 4) throw this.syntax();
    return { parts, line, text: this.sql.slice(start, this.t[this.i - 1]!.end) };
  }

  typeSpec(): TypeSpec {
    let name = this.anyIdent().toLowerCase();
    // `[sys].[int]` or `dbo.type`
    if (this.acceptOp('.')) name = this.anyIdent().toLowerCase();
    if (name === 'double' && this.acceptKw('PRECISION')) name = 'float';
    if ((name === 'national' || name === 'char' || name === 'character') && this.isKw('VARYING')) {
      this.i++;
      name = name === 'national' ? 'nvarchar' : 'varchar';
    }
    if (this.acceptOp('(')) {
      let a: number | 'max';
      if (this.acceptKw('MAX')) a = 'max';
      else {
        if (this.cur.kind !== 'number') throw this.syntax();
        a = Number(this.cur.value);
        this.i++;
      }
      let b: number | undefined;
      if (this.acceptOp(',')) {
        if (this.cur.kind !== 'number') throw this.syntax();
        b = Number(this.cur.value);
        this.i++;
      }
      this.expectOp(')');
      if (name === 'decimal' || name === 'numeric' || name === 'dec') return { name: name === 'dec' ? 'decimal' : name, precision: a === 'max' ? 38 : a, scale: b ?? 0 };
      if (name === 'float') return a !== 'max' && a <= 24 ? { name: 'real' } : { name: 'float' };
      if (name === 'datetime2' || name === 'time' || name === 'datetimeoffset') return { name, scale: a === 'max' ? 7 : a };
      return { name, length: a };
    }
    if (name === 'decimal' || name === 'numeric' || name === 'dec') return { name: name === 'dec' ? 'decimal' : name, precision: 18, scale: 0 };
    if (name === 'datetime2') return { name, scale: 7 };
    if (name === 'integer') return { name: 'int' };
    return { name };
  }

  // ---- queries ----
  queryStatement(): Query {
    this.queryDepth++;
    try {
      const ctes = this.isKw('WITH') ? this.withClause() : [];
      const q = this.queryExpr();
      return { ...q, with: ctes };
    } finally {
      this.queryDepth--;
    }
  }

  /** A statement that is a query; `SELECT ... INTO t ...` becomes CREATE TABLE t AS the query. */
  private queryOrSelectInto(parse: () => Query): StatementBody {
    this.intoAllowed = true;
    this.intoTarget = undefined;
    let query: Query;
    try {
      query = parse();
    } finally {
      this.intoAllowed = false;
    }
    const into = this.intoTarget;
    this.intoTarget = undefined;
    return into ? { k: 'createTable', name: into, columns: [], options: '', asQuery: query } : { k: 'query', query };
  }

  /** `WITH name [(columns)] AS (query), ...` before a SELECT or an INSERT. */
  private withClause(): Cte[] {
    this.expectKw('WITH');
    if (this.isKw('XMLNAMESPACES')) throw unsupported('WITH XMLNAMESPACES', this.cur.line);
    const ctes: Cte[] = [];
    do {
      const name = this.ident();
      let columns: string[] | undefined;
      if (this.acceptOp('(')) {
        columns = [this.anyIdent()];
        while (this.acceptOp(',')) columns.push(this.anyIdent());
        this.expectOp(')');
      }
      this.expectKw('AS');
      this.expectOp('(');
      const query = this.queryStatement();
      this.expectOp(')');
      ctes.push({ name, columns, query });
    } while (this.acceptOp(','));
    return ctes;
  }

  /**
   * A statement that starts with WITH: a query, or `WITH ... INSERT [INTO] t ... SELECT ...`, whose
   * common table expressions the SELECT may read (the way to store PREDICT's rows in a table).
   */
  private withStatement(): StatementBody {
    const ctes = this.withClause();
    if (this.isKw('INSERT')) {
      const ins = this.insert();
      if (!ins.query) return ins;
      return { ...ins, query: { ...ins.query, with: [...ctes, ...ins.query.with] } };
    }
    for (const kw of ['UPDATE', 'DELETE', 'MERGE']) {
      if (this.isKw(kw)) throw unsupported(`WITH ... ${kw} (a common table expression before ${kw})`, this.cur.line);
    }
    return this.queryOrSelectInto(() => {
      this.queryDepth++;
      try {
        return { ...this.queryExpr(), with: ctes };
      } finally {
        this.queryDepth--;
      }
    });
  }

  private queryExpr(): Query {
    const body = this.setOps();
    const orderBy: OrderItem[] = [];
    let offset: Expr | undefined;
    let fetch: Expr | undefined;
    if (this.isKw('ORDER') && this.isKw('BY', this.peek())) {
      this.i += 2;
      orderBy.push(...this.orderList());
      if (this.acceptKw('OFFSET')) {
        offset = this.expr();
        this.acceptKw('ROWS', 'ROW');
        if (this.acceptKw('FETCH')) {
          this.acceptKw('NEXT', 'FIRST');
          fetch = this.expr();
          this.acceptKw('ROWS', 'ROW');
          this.expectKw('ONLY');
        }
      }
    }
    if (this.isKw('FOR') && (this.isKw('XML', this.peek()) || this.isKw('JSON', this.peek()))) throw unsupported(`FOR ${this.peek().value.toUpperCase()}`, this.cur.line);
    this.rejectOption();
    return { with: [], body, orderBy, offset, fetch };
  }

  private orderList(): OrderItem[] {
    const out: OrderItem[] = [];
    do {
      const expr = this.expr();
      let desc = false;
      if (this.acceptKw('DESC')) desc = true;
      else this.acceptKw('ASC');
      out.push({ expr, desc });
    } while (this.acceptOp(','));
    return out;
  }

  private setOps(): QueryBody {
    let left = this.queryTerm();
    for (;;) {
      if (this.acceptKw('UNION')) {
        const all = this.acceptKw('ALL');
        left = { k: 'setop', op: all ? 'UNION ALL' : 'UNION', left, right: this.queryTerm() };
      } else if (this.acceptKw('EXCEPT')) left = { k: 'setop', op: 'EXCEPT', left, right: this.queryTerm() };
      else if (this.acceptKw('INTERSECT')) left = { k: 'setop', op: 'INTERSECT', left, right: this.queryTerm() };
      else return left;
    }
  }

  private queryTerm(): QueryBody {
    if (this.isOp('(')) {
      this.i++;
      const q = this.queryStatement();
      this.expectOp(')');
      return { k: 'paren', query: q };
    }
    return this.selectCore();
  }

  private selectCore(): SelectCore {
    this.expectKw('SELECT');
    let distinct = false;
    if (this.acceptKw('DISTINCT')) distinct = true;
    else this.acceptKw('ALL');
    let top: SelectCore['top'];
    if (this.acceptKw('TOP')) {
      let count: Expr;
      if (this.acceptOp('(')) {
        count = this.expr();
        this.expectOp(')');
      } else {
        if (this.cur.kind !== 'number' && this.cur.kind !== 'var') throw this.syntax();
        count = this.primary();
      }
      const percent = this.acceptKw('PERCENT');
      if (this.isKw('WITH') && this.isKw('TIES', this.peek())) throw unsupported('TOP ... WITH TIES', this.cur.line);
      top = { count, percent };
    }
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptOp(','));
    if (this.isKw('INTO')) {
      // SELECT ... INTO t: only in a statement's own (first) SELECT, where it creates t like CTAS.
      if (!this.intoAllowed || this.queryDepth !== 1 || this.intoTarget) throw this.syntax();
      this.i++;
      this.intoTarget = this.nameRef();
    }
    const from = this.acceptKw('FROM') ? this.fromList() : [];
    const where = this.acceptKw('WHERE') ? this.expr() : undefined;
    const groupBy: Expr[] = [];
    if (this.isKw('GROUP') && this.isKw('BY', this.peek())) {
      this.i += 2;
      if (this.isKw('ROLLUP') || this.isKw('CUBE') || this.isKw('GROUPING')) throw unsupported(`GROUP BY ${this.cur.value.toUpperCase()}`, this.cur.line);
      do groupBy.push(this.expr());
      while (this.acceptOp(','));
    }
    const having = this.acceptKw('HAVING') ? this.expr() : undefined;
    return { k: 'select', distinct, top, items, from, where, groupBy, having };
  }

  private selectItem(): SelectItem {
    if (this.isOp('*')) {
      this.i++;
      return { expr: { k: 'star' } };
    }
    if (this.cur.kind === 'var' && !this.cur.value.startsWith('@@') && this.isOp('=', this.peek())) {
      const assignTo = this.cur.value;
      this.i += 2;
      return { expr: this.expr(), assignTo };
    }
    // alias = expr
    if ((this.cur.kind === 'ident' || this.cur.kind === 'qident' || this.cur.kind === 'string') && this.isOp('=', this.peek()) && !(this.cur.kind === 'ident' && RESERVED.has(this.cur.value.toUpperCase()))) {
      const alias = this.cur.value;
      this.i += 2;
      return { expr: this.expr(), alias };
    }
    const expr = this.expr();
    const alias = this.optionalAlias(true);
    return { expr, alias };
  }

  private optionalAlias(allowString: boolean): string | undefined {
    if (this.acceptKw('AS')) {
      if (allowString && this.cur.kind === 'string') {
        const v = this.cur.value;
        this.i++;
        return v;
      }
      return this.anyIdent();
    }
    if (this.cur.kind === 'qident') return this.anyIdent();
    if (allowString && this.cur.kind === 'string') {
      const v = this.cur.value;
      this.i++;
      return v;
    }
    if (this.cur.kind === 'ident' && !RESERVED.has(this.cur.value.toUpperCase())) return this.anyIdent();
    return undefined;
  }

  private fromList(): TableRef[] {
    const out = [this.tableSource()];
    while (this.acceptOp(',')) out.push(this.tableSource());
    return out;
  }

  private tableSource(): TableRef {
    let left = this.tablePrimary();
    for (;;) {
      let type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | undefined;
      const line = this.cur.line;
      if (this.isKw('JOIN')) {
        this.i++;
        type = 'INNER';
      } else if (this.isKw('INNER') && this.isKw('JOIN', this.peek())) {
        this.i += 2;
        type = 'INNER';
      } else if (this.isKw('LEFT') || this.isKw('RIGHT') || this.isKw('FULL')) {
        type = this.cur.value.toUpperCase() as 'LEFT';
        this.i++;
        this.acceptKw('OUTER');
        if (this.isKw('HASH') || this.isKw('MERGE') || this.isKw('LOOP')) throw unsupported('join hints', line);
        this.expectKw('JOIN');
      } else if (this.isKw('CROSS') && this.isKw('JOIN', this.peek())) {
        this.i += 2;
        type = 'CROSS';
      } else if ((this.isKw('CROSS') || this.isKw('OUTER')) && this.isKw('APPLY', this.peek())) {
        throw unsupported(`${this.cur.value.toUpperCase()} APPLY`, line);
      } else if (this.isKw('PIVOT') || this.isKw('UNPIVOT')) {
        throw unsupported(this.cur.value.toUpperCase(), line);
      } else return left;
      const right = this.tablePrimary();
      let on: Expr | undefined;
      if (type !== 'CROSS') {
        this.expectKw('ON');
        on = this.expr();
      }
      left = { k: 'join', type, left, right, on };
    }
  }

  private tablePrimary(): TableRef {
    const line = this.cur.line;
    if (this.isOp('(')) {
      if (this.isKw('SELECT', this.peek()) || this.isKw('WITH', this.peek()) || this.isOp('(', this.peek())) {
        // Derived table or parenthesized join.
        const save = this.i;
        this.i++;
        if (this.isOp('(') ) {
          // Could be ((SELECT ...)) or ((a JOIN b)); try a query first.
          try {
            const q = this.queryStatement();
            this.expectOp(')');
            return this.derivedTail(q, line);
          } catch {
            this.i = save + 1;
            const inner = this.tableSource();
            this.expectOp(')');
            return inner;
          }
        }
        const q = this.queryStatement();
        this.expectOp(')');
        return this.derivedTail(q, line);
      }
      if (this.isKw('VALUES', this.peek())) throw unsupported('table value constructors in FROM', line);
      this.i++;
      const inner = this.tableSource();
      this.expectOp(')');
      return inner;
    }
    if (this.isKw('PREDICT') && this.isOp('(', this.peek())) {
      const predict = this.predict();
      const alias = this.optionalAlias(false);
      return { k: 'predict', predict, alias };
    }
    if (this.isKw('OPENROWSET') || this.isKw('OPENJSON') || this.isKw('OPENQUERY') || this.isKw('OPENXML') || this.isKw('STRING_SPLIT') || this.isKw('CONTAINSTABLE') || this.isKw('FREETEXTTABLE')) {
      throw unsupported(this.cur.value.toUpperCase(), line);
    }
    const name = this.nameRef();
    if (this.isOp('(')) throw unsupported(`table-valued functions (${name.text})`, line);
    if (this.isKw('FOR') && this.isKw('SYSTEM_TIME', this.peek())) throw unsupported('temporal tables', line);
    if (this.isKw('TABLESAMPLE')) throw unsupported('TABLESAMPLE', line);
    const alias = this.optionalAlias(false);
    if (this.isKw('WITH') && this.isOp('(', this.peek())) {
      // Table hints such as WITH (NOLOCK) are accepted and ignored.
      this.i += 2;
      while (!this.isOp(')')) {
        if (this.cur.kind === 'eof') throw this.syntax();
        this.i++;
      }
      this.i++;
    }
    return { k: 'table', name, alias };
  }

  private derivedTail(q: Query, line: number): TableRef {
    const alias = this.optionalAlias(false);
    if (!alias) throw new SqlError(102, `Incorrect syntax near '${this.sql.slice(this.t[this.i - 1]!.start, this.t[this.i - 1]!.end)}'.`, line, 15);
    let columns: string[] | undefined;
    if (this.isOp('(')) {
      this.i++;
      columns = [this.anyIdent()];
      while (this.acceptOp(',')) columns.push(this.anyIdent());
      this.expectOp(')');
    }
    return { k: 'derived', query: q, alias, columns };
  }

  /** `PREDICT (MODEL = m, DATA = src [AS alias] [, RUNTIME = ONNX]) WITH (col type [NULL|NOT NULL], ...)` */
  private predict(): PredictNode {
    const line = this.cur.line;
    this.i += 2;
    let model: Expr | undefined;
    let data: TableRef | undefined;
    let dataAlias: string | undefined;
    let runtime: string | undefined;
    do {
      const argTok = this.cur;
      const arg = this.anyIdent().toUpperCase();
      this.expectOp('=');
      if (arg === 'MODEL') {
        if (model) throw this.syntax(argTok);
        model = this.isOp('(') ? this.primary() : this.expr();
      } else if (arg === 'DATA') {
        if (data) throw this.syntax(argTok);
        if (this.isOp('(')) {
          this.i++;
          const q = this.queryStatement();
          this.expectOp(')');
          data = { k: 'derived', query: q, alias: '' };
        } else data = { k: 'table', name: this.nameRef() };
        dataAlias = this.optionalAlias(false);
        if (data.k === 'derived') data = { ...data, alias: dataAlias ?? 'data' };
      } else if (arg === 'RUNTIME') {
        runtime = this.anyIdent().toUpperCase();
      } else if (arg === 'PARAMETERS') {
        throw unsupported('PREDICT PARAMETERS', argTok.line);
      } else throw this.syntax(argTok);
    } while (this.acceptOp(','));
    this.expectOp(')');
    if (!model || !data) throw new SqlError(102, `Incorrect syntax near 'PREDICT'. PREDICT needs MODEL = ... and DATA = ....`, line, 15);
    const outputs: { name: string; type: TypeSpec; notNull: boolean }[] = [];
    this.expectKw('WITH');
    this.expectOp('(');
    do {
      const name = this.anyIdent();
      const type = this.typeSpec();
      if (this.acceptKw('COLLATE')) this.anyIdent();
      let notNull = false;
      if (this.isKw('NOT') && this.isKw('NULL', this.peek())) {
        this.i += 2;
        notNull = true;
      } else this.acceptKw('NULL');
      outputs.push({ name, type, notNull });
    } while (this.acceptOp(','));
    this.expectOp(')');
    return { model, data, dataAlias, runtime, outputs, line };
  }

  // ---- expressions ----
  expr(): Expr {
    return this.orExpr();
  }
  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.acceptKw('OR')) left = { k: 'bin', op: 'OR', left, right: this.andExpr() };
    return left;
  }
  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.acceptKw('AND')) left = { k: 'bin', op: 'AND', left, right: this.notExpr() };
    return left;
  }
  private notExpr(): Expr {
    if (this.acceptKw('NOT')) return { k: 'unary', op: 'NOT', arg: this.notExpr() };
    return this.predicate();
  }
  private predicate(): Expr {
    if (this.acceptKw('EXISTS')) {
      this.expectOp('(');
      const query = this.queryStatement();
      this.expectOp(')');
      return { k: 'exists', query };
    }
    const left = this.additive();
    const tok = this.cur;
    if (tok.kind === 'op' && ['=', '<>', '!=', '<', '>', '<=', '>=', '!<', '!>'].includes(tok.value)) {
      this.i++;
      const op = tok.value === '!=' ? '<>' : tok.value === '!<' ? '>=' : tok.value === '!>' ? '<=' : tok.value;
      if (this.isKw('ALL') || this.isKw('ANY') || this.isKw('SOME')) throw unsupported(`${this.cur.value.toUpperCase()} subqueries`, this.cur.line);
      return { k: 'bin', op, left, right: this.additive() };
    }
    if (this.isKw('IS')) {
      this.i++;
      const not = this.acceptKw('NOT');
      this.expectKw('NULL');
      return { k: 'isnull', arg: left, not };
    }
    let not = false;
    if (this.isKw('NOT') && (this.isKw('IN', this.peek()) || this.isKw('LIKE', this.peek()) || this.isKw('BETWEEN', this.peek()))) {
      this.i++;
      not = true;
    }
    if (this.acceptKw('IN')) {
      this.expectOp('(');
      if (this.isKw('SELECT') || this.isKw('WITH')) {
        const query = this.queryStatement();
        this.expectOp(')');
        return { k: 'in', arg: left, not, query };
      }
      const list = [this.expr()];
      while (this.acceptOp(',')) list.push(this.expr());
      this.expectOp(')');
      return { k: 'in', arg: left, not, list };
    }
    if (this.acceptKw('LIKE')) {
      const pattern = this.additive();
      if (this.isKw('ESCAPE')) throw unsupported('LIKE ... ESCAPE', this.cur.line);
      return { k: 'like', arg: left, not, pattern };
    }
    if (this.acceptKw('BETWEEN')) {
      const low = this.additive();
      this.expectKw('AND');
      return { k: 'between', arg: left, not, low, high: this.additive() };
    }
    if (not) throw this.syntax();
    return left;
  }
  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const tok = this.cur;
      if (tok.kind === 'op' && ['+', '-', '&', '|', '^', '||'].includes(tok.value)) {
        this.i++;
        left = { k: 'bin', op: tok.value === '||' ? '+' : tok.value, left, right: this.multiplicative() };
      } else return left;
    }
  }
  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const tok = this.cur;
      if (tok.kind === 'op' && ['*', '/', '%'].includes(tok.value)) {
        this.i++;
        left = { k: 'bin', op: tok.value, left, right: this.unary() };
      } else return left;
    }
  }
  private unary(): Expr {
    const tok = this.cur;
    if (tok.kind === 'op' && (tok.value === '-' || tok.value === '+' || tok.value === '~')) {
      this.i++;
      const arg = this.unary();
      if (tok.value === '+') return arg;
      if (tok.value === '-' && arg.k === 'lit' && arg.type === 'number') return { ...arg, value: arg.value.startsWith('-') ? arg.value.slice(1) : '-' + arg.value };
      return { k: 'unary', op: tok.value, arg };
    }
    const e = this.primary();
    if (this.isKw('COLLATE')) {
      this.i++;
      this.anyIdent();
    }
    if (this.isKw('AT') && this.isKw('TIME', this.peek())) throw unsupported('AT TIME ZONE', this.cur.line);
    return e;
  }

  primary(): Expr {
    const tok = this.cur;
    switch (tok.kind) {
      case 'number':
        this.i++;
        return { k: 'lit', type: 'number', value: tok.value };
      case 'string':
        this.i++;
        return { k: 'lit', type: 'string', value: tok.value, national: tok.national };
      case 'binary':
        this.i++;
        return { k: 'lit', type: 'binary', value: tok.value };
      case 'var':
        this.i++;
        return { k: 'var', name: tok.value, line: tok.line };
      case 'op':
        if (tok.value === '(') {
          this.i++;
          if (this.isKw('SELECT') || this.isKw('WITH')) {
            const query = this.queryStatement();
            this.expectOp(')');
            return { k: 'subquery', query };
          }
          const e = this.expr();
          this.expectOp(')');
          return e;
        }
        if (tok.value === '*') {
          this.i++;
          return { k: 'star' };
        }
        throw this.syntax();
      case 'qident':
        return this.columnOrCall();
      case 'ident': {
        const up = tok.value.toUpperCase();
        if (up === 'NULL') {
          this.i++;
          return { k: 'lit', type: 'null', value: 'NULL' };
        }
        if (up === 'CASE') return this.caseExpr();
        if ((up === 'CAST' || up === 'TRY_CAST') && this.isOp('(', this.peek())) {
          this.i += 2;
          const arg = this.expr();
          this.expectKw('AS');
          const type = this.typeSpec();
          this.expectOp(')');
          return { k: 'cast', fn: up, arg, type };
        }
        if ((up === 'CONVERT' || up === 'TRY_CONVERT') && this.isOp('(', this.peek())) {
          this.i += 2;
          const type = this.typeSpec();
          this.expectOp(',');
          const arg = this.expr();
          const style = this.acceptOp(',') ? this.expr() : undefined;
          this.expectOp(')');
          return { k: 'cast', fn: up, arg, type, style };
        }
        if (['DATEADD', 'DATEDIFF', 'DATEDIFF_BIG', 'DATEPART', 'DATENAME', 'DATETRUNC'].includes(up) && this.isOp('(', this.peek())) {
          this.i += 2;
          const partTok = this.cur;
          const part = partTok.kind === 'string' ? partTok.value.toLowerCase() : this.anyIdent().toLowerCase();
          if (partTok.kind === 'string') this.i++;
          if (!DATE_PARTS.has(part)) throw new SqlError(155, `'${part}' is not a recognized ${up.toLowerCase()} option.`, partTok.line);
          const args: Expr[] = [];
          while (this.acceptOp(',')) args.push(this.expr());
          this.expectOp(')');
          return { k: 'datefn', name: up, part, args };
        }
        if (RESERVED.has(up) && !['LEFT', 'RIGHT', 'CONVERT'].includes(up)) {
          if (up === 'CURRENT_TIMESTAMP') {
            this.i++;
            return { k: 'call', name: 'GETDATE', args: [], line: tok.line };
          }
          throw this.syntax();
        }
        if (['CURRENT_TIMESTAMP', 'CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'USER'].includes(up) && !this.isOp('(', this.peek())) {
          this.i++;
          return { k: 'call', name: up === 'CURRENT_TIMESTAMP' ? 'GETDATE' : 'SUSER_SNAME', args: [], line: tok.line };
        }
        return this.columnOrCall();
      }
      default:
        throw this.syntax();
    }
  }

  private caseExpr(): Expr {
    this.i++;
    const operand = this.isKw('WHEN') ? undefined : this.expr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.acceptKw('WHEN')) {
      const when = this.expr();
      this.expectKw('THEN');
      whens.push({ when, then: this.expr() });
    }
    if (!whens.length) throw this.syntax();
    const elseExpr = this.acceptKw('ELSE') ? this.expr() : undefined;
    this.expectKw('END');
    return { k: 'case', operand, whens, else: elseExpr };
  }

  private columnOrCall(): Expr {
    const line = this.cur.line;
    const parts = [this.anyIdent()];
    while (this.isOp('.')) {
      this.i++;
      if (this.isOp('*')) {
        this.i++;
        return { k: 'star', qualifier: parts };
      }
      parts.push(this.anyIdent());
    }
    if (this.isOp('(')) {
      this.i++;
      const name = parts[parts.length - 1]!.toUpperCase();
      const args: Expr[] = [];
      let distinct = false;
      if (!this.isOp(')')) {
        if (this.acceptKw('DISTINCT')) distinct = true;
        else this.acceptKw('ALL');
        do args.push(this.expr());
        while (this.acceptOp(','));
      }
      this.expectOp(')');
      if (this.isKw('WITHIN')) throw unsupported('WITHIN GROUP', this.cur.line);
      let over: { partitionBy: Expr[]; orderBy: OrderItem[]; frame?: string } | undefined;
      if (this.acceptKw('OVER')) {
        this.expectOp('(');
        const partitionBy: Expr[] = [];
        let orderBy: OrderItem[] = [];
        if (this.isKw('PARTITION')) {
          this.i++;
          this.expectKw('BY');
          do partitionBy.push(this.expr());
          while (this.acceptOp(','));
        }
        if (this.isKw('ORDER')) {
          this.i++;
          this.expectKw('BY');
          orderBy = this.orderList();
        }
        let frame: string | undefined;
        if (this.isKw('ROWS') || this.isKw('RANGE')) {
          if (!orderBy.length) throw new SqlError(10756, 'Window frame with ROWS or RANGE must have an ORDER BY clause.', this.cur.line, 15);
          frame = this.windowFrame();
        }
        this.expectOp(')');
        over = { partitionBy, orderBy, frame };
      }
      return { k: 'call', name, args, distinct, over, line };
    }
    return { k: 'col', parts, line };
  }
}
