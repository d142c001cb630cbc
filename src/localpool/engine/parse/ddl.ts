/**
 * DDL: CREATE/ALTER/DROP of schemas, tables (and CTAS), views and statistics, TRUNCATE TABLE,
 * RENAME OBJECT; CREATE/ALTER PROCEDURE is parsed in procedures.ts.
 */
import type { ColumnDef, Expr, NameRef, StatementBody } from '../ast.js';
import { unsupported } from './base.js';
import { ProcedureParser } from './procedures.js';

export abstract class DdlParser extends ProcedureParser {
  protected createOrAlter(): StatementBody {
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
    if (what === 'PROC' || what === 'PROCEDURE') return this.createProcedure(mode);
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

  protected createTable(): Extract<StatementBody, { k: 'createTable' }> {
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
        else if (this.isKw('CHECK') || this.isKw('REFERENCES') || this.isKw('FOREIGN'))
          throw unsupported('constraints other than PRIMARY KEY and UNIQUE', this.cur.line);
        else break;
      }
      columns.push({ name: cname, type, notNull, identity, default: def });
    } while (this.acceptOp(','));
    this.expectOp(')');
    const options = this.isKw('WITH') ? this.tableOptions() : '';
    return { k: 'createTable', name, columns, options };
  }

  /** Synapse's `WITH (DISTRIBUTION = ..., HEAP | CLUSTERED COLUMNSTORE INDEX ...)`: kept as text. */
  protected tableOptions(): string {
    this.expectKw('WITH');
    const start = this.cur.start;
    if (!this.isOp('(')) throw this.syntax();
    this.skipBalanced();
    return 'WITH ' + this.sql.slice(start, this.t[this.i - 1]!.end);
  }

  /** Skips a table constraint or a parenthesized list up to the next top-level comma or ')'. */
  protected skipBalanced(): void {
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

  protected signedNumber(): number {
    const neg = this.acceptOp('-');
    if (this.cur.kind !== 'number') throw this.syntax();
    const v = Number(this.cur.value);
    this.i++;
    return neg ? -v : v;
  }

  protected drop(): Extract<StatementBody, { k: 'drop' | 'statistics' }> {
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

  /** A statistics statement's `WITH FULLSCAN | SAMPLE n PERCENT | NORECOMPUTE | ...`, skipped. */
  protected statisticsOptions(): void {
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

  /** `UPDATE STATISTICS table [statistics | (statistics, ...)] [WITH options]`; the cursor is on UPDATE. */
  protected updateStatistics(): StatementBody {
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

  /** `TRUNCATE TABLE name`. */
  protected truncate(): StatementBody {
    this.i++;
    this.expectKw('TABLE');
    return { k: 'truncate', table: this.nameRef() };
  }

  /** Synapse's `RENAME OBJECT [::] table TO new_name`. */
  protected rename(): StatementBody {
    const line = this.cur.line;
    this.i++;
    if (!this.acceptKw('OBJECT')) {
      if (this.isKw('DATABASE')) throw unsupported('RENAME DATABASE', line);
      throw this.syntax();
    }
    this.acceptOp('::');
    const table = this.nameRef();
    this.expectKw('TO');
    return { k: 'rename', table, newName: this.ident() };
  }
}
