/** Queries: SELECT, set operations, common table expressions, FROM sources and joins, PREDICT. */
import { SqlError } from '../api.js';
import type { Cte, Expr, OrderItem, PredictNode, Query, QueryBody, SelectCore, SelectItem, StatementBody, TableRef, TypeSpec } from '../ast.js';
import { RESERVED, unsupported } from './base.js';
import { ExpressionParser } from './expressions.js';

export abstract class QueryParser extends ExpressionParser {
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
  protected queryOrSelectInto(parse: () => Query): StatementBody {
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
  protected withClause(): Cte[] {
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

  protected queryExpr(): Query {
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
    if (this.isKw('FOR') && (this.isKw('XML', this.peek()) || this.isKw('JSON', this.peek())))
      throw unsupported(`FOR ${this.peek().value.toUpperCase()}`, this.cur.line);
    this.rejectOption();
    return { with: [], body, orderBy, offset, fetch };
  }

  protected setOps(): QueryBody {
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

  protected queryTerm(): QueryBody {
    if (this.isOp('(')) {
      this.i++;
      const q = this.queryStatement();
      this.expectOp(')');
      return { k: 'paren', query: q };
    }
    return this.selectCore();
  }

  protected selectCore(): SelectCore {
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

  protected selectItem(): SelectItem {
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
    if (
      (this.cur.kind === 'ident' || this.cur.kind === 'qident' || this.cur.kind === 'string') &&
      this.isOp('=', this.peek()) &&
      !(this.cur.kind === 'ident' && RESERVED.has(this.cur.value.toUpperCase()))
    ) {
      const alias = this.cur.value;
      this.i += 2;
      return { expr: this.expr(), alias };
    }
    const expr = this.expr();
    const alias = this.optionalAlias(true);
    return { expr, alias };
  }

  protected optionalAlias(allowString: boolean): string | undefined {
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

  protected fromList(): TableRef[] {
    const out = [this.tableSource()];
    while (this.acceptOp(',')) out.push(this.tableSource());
    return out;
  }

  protected tableSource(): TableRef {
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

  protected tablePrimary(): TableRef {
    const line = this.cur.line;
    if (this.isOp('(')) {
      if (this.isKw('SELECT', this.peek()) || this.isKw('WITH', this.peek()) || this.isOp('(', this.peek())) {
        // Derived table or parenthesized join.
        const save = this.i;
        this.i++;
        if (this.isOp('(')) {
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
    if (
      this.isKw('OPENROWSET') ||
      this.isKw('OPENJSON') ||
      this.isKw('OPENQUERY') ||
      this.isKw('OPENXML') ||
      this.isKw('STRING_SPLIT') ||
      this.isKw('CONTAINSTABLE') ||
      this.isKw('FREETEXTTABLE')
    ) {
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

  protected derivedTail(q: Query, line: number): TableRef {
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
  protected predict(): PredictNode {
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
}
