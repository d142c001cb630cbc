/**
 * Control flow and session statements: blocks, IF, WHILE, TRY/CATCH, transactions, DECLARE, SET,
 * PRINT, USE, RETURN, RAISERROR, THROW.
 */
import { SqlError } from '../api.js';
import type { Expr, Statement, StatementBody, TypeSpec } from '../ast.js';
import { RESERVED, unsupported } from './base.js';
import { DdlParser } from './ddl.js';

export abstract class ControlParser extends DdlParser {
  /** `BEGIN TRY statements END TRY BEGIN CATCH statements END CATCH` (CATCH must follow TRY directly). */
  protected tryCatch(): StatementBody {
    this.i += 2;
    const body = this.statementsUntil('TRY');
    this.acceptOp(';');
    if (!this.isKw('BEGIN') || !this.isKw('CATCH', this.peek())) throw this.syntax();
    this.i += 2;
    const handler = this.statementsUntil('CATCH');
    return { k: 'try', body, handler };
  }

  /** Statements up to `END word`, which is consumed. */
  protected statementsUntil(word: 'TRY' | 'CATCH'): Statement[] {
    const body: Statement[] = [];
    while (!(this.isKw('END') && this.isKw(word, this.peek()))) {
      if (this.cur.kind === 'eof' || this.isKw('END')) throw this.syntax();
      if (this.acceptOp(';')) continue;
      body.push(this.statement());
    }
    this.i += 2;
    return body;
  }

  protected optionalTranName(): void {
    if (
      this.cur.kind === 'var' ||
      this.cur.kind === 'qident' ||
      (this.cur.kind === 'ident' && !RESERVED.has(this.cur.value.toUpperCase()) && !this.startsStatement())
    )
      this.i++;
  }

  protected declare(): Extract<StatementBody, { k: 'declare' }> {
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

  protected set(): Extract<StatementBody, { k: 'setVar' | 'setOption' }> {
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

  protected ifStatement(): StatementBody {
    this.i++;
    const cond = this.expr();
    const then = this.statement();
    this.acceptOp(';');
    if (this.acceptKw('ELSE')) return { k: 'if', cond, then, else: this.statement() };
    return { k: 'if', cond, then };
  }

  protected whileStatement(): StatementBody {
    this.i++;
    const cond = this.expr();
    return { k: 'while', cond, body: this.statement() };
  }

  /** `BEGIN TRAN[SACTION]`, `BEGIN TRY ... END CATCH` or a `BEGIN ... END` block. */
  protected begin(): StatementBody {
    const tok = this.cur;
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

  /** `COMMIT | ROLLBACK [TRAN | TRANSACTION | WORK] [name]`. */
  protected commitOrRollback(): StatementBody {
    const kw = this.cur.value.toUpperCase();
    this.i++;
    if (this.acceptKw('TRAN', 'TRANSACTION', 'WORK')) this.optionalTranName();
    return { k: 'tran', action: kw === 'COMMIT' ? 'commit' : 'rollback' };
  }

  protected print(): StatementBody {
    this.i++;
    return { k: 'print', expr: this.expr() };
  }

  protected use(): StatementBody {
    this.i++;
    return { k: 'use', database: this.anyIdent() };
  }

  protected returnStatement(): StatementBody {
    this.i++;
    if (this.atStatementEnd() || this.isKw('END') || this.startsStatement()) return { k: 'return' };
    return { k: 'return', expr: this.expr() };
  }

  /** `RAISERROR (message, severity, state [, argument ...]) [WITH option]`. */
  protected raiserror(): StatementBody {
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

  /** `THROW number, message, state` or, in a CATCH block, `THROW`. */
  protected throwStatement(): StatementBody {
    this.i++;
    if (this.atStatementEnd() || this.isKw('END') || this.startsStatement()) return { k: 'rethrow' };
    const number = this.expr();
    this.expectOp(',');
    const message = this.expr();
    this.expectOp(',');
    return { k: 'throw', number, message, state: this.expr() };
  }
}
