/** DML: INSERT, UPDATE, DELETE, MERGE, and WITH ... INSERT. */
import { SqlError } from '../api.js';
import type { Expr, MergeClause, StatementBody } from '../ast.js';
import { unsupported } from './base.js';
import { QueryParser } from './queries.js';

export abstract class DmlParser extends QueryParser {
  /**
   * A statement that starts with WITH: a query, or `WITH ... INSERT [INTO] t ... SELECT ...`, whose
   * common table expressions the SELECT may read (the way to store PREDICT's rows in a table).
   */
  protected withStatement(): StatementBody {
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

  protected insert(): Extract<StatementBody, { k: 'insert' }> {
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

  protected update(): Extract<StatementBody, { k: 'update' }> {
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
  protected setList(): { column: string; expr: Expr }[] {
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
  protected merge(): StatementBody {
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

  protected delete(): Extract<StatementBody, { k: 'delete' }> {
    this.i++;
    if (this.isKw('TOP')) throw unsupported('DELETE TOP', this.cur.line);
    this.acceptKw('FROM');
    const table = this.nameRef();
    const from = this.acceptKw('FROM') ? this.fromList() : [];
    const where = this.acceptKw('WHERE') ? this.expr() : undefined;
    this.rejectOption();
    return { k: 'delete', table, from, where };
  }
}
