/** Expressions: operators by precedence, literals, variables, CASE, CAST/CONVERT, date functions, calls and OVER. */
import { SqlError } from '../api.js';
import type { Expr, OrderItem } from '../ast.js';
import { ParserBase, RESERVED, unsupported } from './base.js';

const DATE_PARTS = new Set(
  'year yy yyyy quarter qq q month mm m dayofyear dy y day dd d week wk ww weekday dw w hour hh minute mi n second ss s millisecond ms microsecond mcs nanosecond ns'.split(
    ' ',
  ),
);

export abstract class ExpressionParser extends ParserBase {
  expr(): Expr {
    return this.orExpr();
  }
  protected orExpr(): Expr {
    let left = this.andExpr();
    while (this.acceptKw('OR')) left = { k: 'bin', op: 'OR', left, right: this.andExpr() };
    return left;
  }
  protected andExpr(): Expr {
    let left = this.notExpr();
    while (this.acceptKw('AND')) left = { k: 'bin', op: 'AND', left, right: this.notExpr() };
    return left;
  }
  protected notExpr(): Expr {
    if (this.acceptKw('NOT')) return { k: 'unary', op: 'NOT', arg: this.notExpr() };
    return this.predicate();
  }
  protected predicate(): Expr {
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
  protected additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const tok = this.cur;
      if (tok.kind === 'op' && ['+', '-', '&', '|', '^', '||'].includes(tok.value)) {
        this.i++;
        left = { k: 'bin', op: tok.value === '||' ? '+' : tok.value, left, right: this.multiplicative() };
      } else return left;
    }
  }
  protected multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const tok = this.cur;
      if (tok.kind === 'op' && ['*', '/', '%'].includes(tok.value)) {
        this.i++;
        left = { k: 'bin', op: tok.value, left, right: this.unary() };
      } else return left;
    }
  }
  protected unary(): Expr {
    const tok = this.cur;
    if (tok.kind === 'op' && (tok.value === '-' || tok.value === '+' || tok.value === '~')) {
      this.i++;
      const arg = this.unary();
      if (tok.value === '+') return arg;
      if (tok.value === '-' && arg.k === 'lit' && arg.type === 'number')
        return { ...arg, value: arg.value.startsWith('-') ? arg.value.slice(1) : '-' + arg.value };
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

  protected caseExpr(): Expr {
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

  protected columnOrCall(): Expr {
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

  /**
   * `ROWS|RANGE bound` or `ROWS|RANGE BETWEEN bound AND bound`, normalized to the BETWEEN form (a
   * single bound is the frame's start, up to the current row). RANGE takes only UNBOUNDED and
   * CURRENT ROW, as in SQL Server.
   */
  protected windowFrame(): string {
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

  protected orderList(): OrderItem[] {
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
}
