import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqlError } from '../../../src/localpool/engine/api.js';
import type { Expr } from '../../../src/localpool/engine/ast.js';
import { parseBatch } from '../../../src/localpool/engine/parser.js';
import { translateScalar, TranslateContext } from '../../../src/localpool/engine/translate.js';
import { FUNCTION_FAMILIES } from '../../../src/localpool/engine/translate/functions/index.js';

/** Translates `SELECT <expression>`'s expression with an empty catalog. */
function translate(sqlExpr: string): { sql: string; type?: { name: string } } {
  const [st] = parseBatch(`SELECT ${sqlExpr}`);
  assert.ok(st && st.k === 'query' && st.query.body.k === 'select');
  const e: Expr = st.query.body.items[0]!.expr;
  const ctx = new TranslateContext(
    { schemas: new Map([['dbo', { id: 1, name: 'dbo' }]]), objects: new Map() },
    new Map(),
    { database: 'pool', user: 'sa', spid: 51, rowcount: 0, trancount: 0, version: 'v', productVersion: '12.0.2000.8', now: new Date(0) },
    'execute',
    () => 1,
  );
  return translateScalar(ctx, e);
}

describe('T-SQL functions as a table by family', () => {
  it('lists each function name in one family only', () => {
    const seen = new Map<string, string>();
    for (const [family, table] of Object.entries(FUNCTION_FAMILIES)) {
      for (const name of Object.keys(table)) {
        assert.equal(seen.get(name), undefined, `${name} is in ${seen.get(name)} and ${family}`);
        seen.set(name, family);
      }
    }
    assert.ok(seen.size > 90);
  });
  it('translates a function of each kind by its name', () => {
    assert.deepEqual(translate("UPPER(N'a')"), { sql: "upper('a')", type: { name: 'nvarchar', length: 1 } });
    assert.equal(translate('COUNT(*)').sql, 'CAST(count(*) AS INTEGER)');
    assert.equal(translate('SQUARE(2)').sql, '(CAST(2::INTEGER AS DOUBLE) * CAST(2::INTEGER AS DOUBLE))');
    assert.equal(translate("QUOTENAME('a]b')").sql, "('[' || replace('a]b', ']', ']]') || ']')");
    assert.equal(translate('DB_NAME()').sql, "'pool'");
    assert.equal(translate("SCHEMA_ID('dbo')").sql, '1::INTEGER');
  });
  it('refuses an unknown function with error 195 and a known but unsupported one with the local pool error', () => {
    assert.throws(
      () => translate('NO_SUCH_FN(1)'),
      (e: unknown) => e instanceof SqlError && e.number === 195 && e.message === "'NO_SUCH_FN' is not a recognized built-in function name.",
    );
    assert.throws(
      () => translate("FORMAT(1, 'N')"),
      (e: unknown) => e instanceof SqlError && e.number === 40517 && /does not support the function FORMAT/.test(e.message),
    );
  });
  it('checks the argument count where SQL Server does', () => {
    assert.throws(
      () => translate('IIF(1 = 1, 2)'),
      (e: unknown) => e instanceof SqlError && e.number === 174 && /iif function requires 3/.test(e.message),
    );
    assert.throws(
      () => translate('CHOOSE(1)'),
      (e: unknown) => e instanceof SqlError && e.number === 174 && /at least 2/.test(e.message),
    );
  });
});
