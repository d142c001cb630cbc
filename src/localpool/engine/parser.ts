/**
 * A recursive-descent parser for the T-SQL the local pool runs. `parseBatch` turns a batch into
 * statements (each with its line and source text). Syntax errors are SqlError 102 ("Incorrect
 * syntax near '...'.") with the line; valid T-SQL the local pool does not implement is SqlError
 * 40517-style "The local pool does not support X (line n)." so the user knows it is a limit of
 * the local pool, not a mistake in the script.
 *
 * The statement families live in parse/, as a chain of classes over the tokens (base, expressions,
 * queries, DML, procedures, DDL, control flow); this file holds the statement dispatch.
 */
import type { Query, Statement, StatementBody } from './ast.js';
import { UNSUPPORTED_STATEMENTS, unsupported } from './parse/base.js';
import { ControlParser } from './parse/control.js';
import { parseCopyInto } from './statements/copy-into-parse.js';

export { UNSUPPORTED_ERROR, unsupported } from './parse/base.js';

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

/** A statement's parser by its first keyword; `undefined` lets the keyword fall through to the checks after the table. */
type StatementParser = (p: Parser) => StatementBody | undefined;

class Parser extends ControlParser {
  private static readonly STATEMENTS: Readonly<Record<string, StatementParser>> = {
    SELECT: (p) => p.queryOrSelectInto(() => p.queryStatement()),
    WITH: (p) => p.withStatement(),
    INSERT: (p) => p.insert(),
    UPDATE: (p) => (p.isKw('STATISTICS', p.peek()) ? p.updateStatistics() : p.update()),
    DELETE: (p) => p.delete(),
    MERGE: (p) => p.merge(),
    CREATE: (p) => p.createOrAlter(),
    ALTER: (p) => p.createOrAlter(),
    DROP: (p) => p.drop(),
    TRUNCATE: (p) => p.truncate(),
    EXEC: (p) => p.exec(),
    EXECUTE: (p) => p.exec(),
    DECLARE: (p) => p.declare(),
    SET: (p) => p.set(),
    IF: (p) => p.ifStatement(),
    WHILE: (p) => p.whileStatement(),
    BEGIN: (p) => p.begin(),
    COMMIT: (p) => p.commitOrRollback(),
    ROLLBACK: (p) => p.commitOrRollback(),
    PRINT: (p) => p.print(),
    USE: (p) => p.use(),
    RETURN: (p) => p.returnStatement(),
    RAISERROR: (p) => p.raiserror(),
    RENAME: (p) => p.rename(),
    COPY: (p) => (p.isKw('INTO', p.peek()) ? { k: 'copyInto', copy: parseCopyInto(p.cursor()) } : undefined),
    THROW: (p) => p.throwStatement(),
  };

  // ---- batch and statements ----
  batch(): Statement[] {
    const out: Statement[] = [];
    while (this.cur.kind !== 'eof') {
      if (this.acceptOp(';')) continue;
      out.push(this.statement());
    }
    return out;
  }

  protected statement(): Statement {
    const start = this.i;
    const line = this.cur.line;
    const body = this.statementBody();
    return { ...body, line, text: this.textFrom(start) } as Statement;
  }

  protected statementBody(): StatementBody {
    const tok = this.cur;
    if (tok.kind === 'op' && tok.value === '(') return { k: 'query', query: this.queryStatement() };
    if (tok.kind !== 'ident') throw this.syntax();
    const kw = tok.value.toUpperCase();
    const parse = Object.hasOwn(Parser.STATEMENTS, kw) ? Parser.STATEMENTS[kw] : undefined;
    const body = parse?.(this);
    if (body) return body;
    if (UNSUPPORTED_STATEMENTS[kw]) throw unsupported(UNSUPPORTED_STATEMENTS[kw]!, tok.line);
    // A procedure call without EXEC is allowed as the first statement of a batch.
    if (this.i === 0) return this.execBody(tok.line);
    throw this.syntax();
  }
}
