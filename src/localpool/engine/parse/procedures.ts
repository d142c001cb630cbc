/** Procedures: CREATE/ALTER PROCEDURE and EXEC (of a procedure, with arguments, or of a string). */
import type { Expr, ProcParam, Statement, StatementBody } from '../ast.js';
import { DmlParser } from './dml.js';

export abstract class ProcedureParser extends DmlParser {
  /** `CREATE [OR ALTER] | ALTER PROC[EDURE] name [params] [WITH options] AS statements`; the cursor is on PROC. */
  protected createProcedure(mode: 'create' | 'alter' | 'createOrAlter'): Extract<StatementBody, { k: 'createProc' }> {
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

  protected exec(): Extract<StatementBody, { k: 'exec' | 'execSql' }> {
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

  protected execBody(_line: number): Extract<StatementBody, { k: 'exec' }> {
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
}
