/**
 * The parser's core: the tokens, the position in them, and what every statement family uses
 * (keywords, operators, names, types, SQL Server's syntax error). The families build on it in a
 * chain of classes (expressions, queries, DML, procedures, DDL, control flow), each in its own
 * file; parser.ts holds the statement dispatch.
 */
import { SqlError } from '../api.js';
import type { Expr, NameRef, Query, Statement, TypeSpec } from '../ast.js';
import { tokenize, type Token } from '../lexer.js';
import type { TokenCursor } from '../statements/copy-into-parse.js';

/** Error number used for valid T-SQL the local pool does not implement. */
export const UNSUPPORTED_ERROR = 40517;

/** Words that cannot be an unquoted alias (SQL Server's reserved keywords that matter here). */
export const RESERVED = new Set(
  (
    'ADD ALL ALTER AND ANY AS ASC BEGIN BETWEEN BREAK BY CASE CHECK CLOSE COLLATE COLUMN COMMIT CONSTRAINT CONTINUE CONVERT CREATE CROSS ' +
    'CURRENT CURSOR DECLARE DEFAULT DELETE DENY DESC DISTINCT DROP ELSE END ESCAPE EXCEPT EXEC EXECUTE EXISTS FETCH FOR FOREIGN FROM ' +
    'FULL FUNCTION GO GOTO GRANT GROUP HAVING IF IN INDEX INNER INSERT INTERSECT INTO IS JOIN KEY LEFT LIKE MERGE NOT NULL OF OFF ON ' +
    'OPTION OR ORDER OUTER OVER PERCENT PRIMARY PRINT PROC PROCEDURE RAISERROR RETURN REVOKE RIGHT ROLLBACK SAVE SELECT SET TABLE THEN ' +
    'TO TOP TRAN TRANSACTION TRUNCATE UNION UNIQUE UPDATE USE VALUES VIEW WHEN WHERE WHILE WITH THROW PREDICT OFFSET APPLY PIVOT UNPIVOT ' +
    'TABLESAMPLE WITHIN RENAME BULK'
  ).split(' '),
);

export const UNSUPPORTED_STATEMENTS: Record<string, string> = {
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

export function unsupported(construct: string, line: number): SqlError {
  return new SqlError(UNSUPPORTED_ERROR, `The local pool does not support ${construct} (line ${line}).`, line);
}

export abstract class ParserBase {
  protected readonly t: Token[];
  /** Nesting of queries being parsed (1: a statement's own query). */
  protected queryDepth = 0;
  /** Whether the statement being parsed may be SELECT ... INTO, and its target once seen. */
  protected intoAllowed = false;
  protected intoTarget: NameRef | undefined;
  protected i = 0;
  constructor(protected readonly sql: string) {
    this.t = tokenize(sql);
  }

  // ---- token helpers ----
  protected get cur(): Token {
    return this.t[this.i]!;
  }
  protected peek(k = 1): Token {
    return this.t[Math.min(this.i + k, this.t.length - 1)]!;
  }
  protected isKw(word: string, tok: Token = this.cur): boolean {
    return tok.kind === 'ident' && tok.value.toUpperCase() === word;
  }
  protected isOp(op: string, tok: Token = this.cur): boolean {
    return tok.kind === 'op' && tok.value === op;
  }
  protected acceptKw(...words: string[]): boolean {
    if (words.some((w) => this.isKw(w))) {
      this.i++;
      return true;
    }
    return false;
  }
  protected acceptOp(op: string): boolean {
    if (this.isOp(op)) {
      this.i++;
      return true;
    }
    return false;
  }
  protected expectKw(word: string): void {
    if (!this.acceptKw(word)) throw this.syntax();
  }
  protected expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.syntax();
  }
  syntax(tok: Token = this.cur): SqlError {
    if (tok.kind === 'eof') {
      const prev = this.t[Math.max(0, this.i - 1)]!;
      return new SqlError(102, `Incorrect syntax near '${this.sql.slice(prev.start, prev.end)}'.`, prev.line, 15);
    }
    return new SqlError(102, `Incorrect syntax near '${this.sql.slice(tok.start, tok.end)}'.`, tok.line, 15);
  }
  protected ident(): string {
    const tok = this.cur;
    if (tok.kind === 'qident' || (tok.kind === 'ident' && !RESERVED.has(tok.value.toUpperCase()))) {
      this.i++;
      return tok.value;
    }
    throw this.syntax();
  }
  /** Identifier that may be a keyword (after a dot, in column definitions). */
  protected anyIdent(): string {
    const tok = this.cur;
    if (tok.kind === 'qident' || tok.kind === 'ident') {
      this.i++;
      return tok.value;
    }
    throw this.syntax();
  }
  /** The position in the tokens, for statement families parsed in their own files (statements/). */
  protected cursor(): TokenCursor {
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

  protected atStatementEnd(): boolean {
    return this.cur.kind === 'eof' || this.isOp(';');
  }

  protected textFrom(startTok: number): string {
    const a = this.t[startTok]!;
    const b = this.t[Math.max(startTok, this.i - 1)]!;
    return this.sql.slice(a.start, b.end);
  }

  protected startsStatement(): boolean {
    return (
      this.cur.kind === 'ident' &&
      [
        'SELECT',
        'INSERT',
        'UPDATE',
        'DELETE',
        'IF',
        'BEGIN',
        'END',
        'DECLARE',
        'SET',
        'PRINT',
        'EXEC',
        'EXECUTE',
        'RETURN',
        'WITH',
        'THROW',
        'RAISERROR',
        'COMMIT',
        'ROLLBACK',
        'WHILE',
      ].includes(this.cur.value.toUpperCase())
    );
  }

  protected rejectOption(): void {
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
      if (name === 'decimal' || name === 'numeric' || name === 'dec')
        return { name: name === 'dec' ? 'decimal' : name, precision: a === 'max' ? 38 : a, scale: b ?? 0 };
      if (name === 'float') return a !== 'max' && a <= 24 ? { name: 'real' } : { name: 'float' };
      if (name === 'datetime2' || name === 'time' || name === 'datetimeoffset') return { name, scale: a === 'max' ? 7 : a };
      return { name, length: a };
    }
    if (name === 'decimal' || name === 'numeric' || name === 'dec') return { name: name === 'dec' ? 'decimal' : name, precision: 18, scale: 0 };
    if (name === 'datetime2') return { name, scale: 7 };
    if (name === 'integer') return { name: 'int' };
    return { name };
  }

  // ---- what the statement families provide ----
  abstract expr(): Expr;
  abstract primary(): Expr;
  abstract queryStatement(): Query;
  protected abstract statement(): Statement;
}
