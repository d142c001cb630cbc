/**
 * A session that creates tables keeps its catalog up to date without reloading it after each one:
 * what it then sees of a new table (columns, types, nullability) is what a session that reads the
 * catalog afresh sees; another session's DDL in between, or a rolled-back CREATE, is not missed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Engine, EngineSession } from '../../../src/localpool/engine/api.js';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import { ok, open, run } from './helpers.js';

const TYPES = [
  'int NOT NULL',
  'nvarchar(40) NULL',
  'varchar(max)',
  'decimal(18,4)',
  'float',
  'real',
  'datetime2(3)',
  'date',
  'bit',
  'varbinary(max)',
  'char(3)',
  'bigint IDENTITY(1,1)',
];

describe('the catalog of a session that creates tables', () => {
  let engine: Engine;
  let a: EngineSession;
  let b: EngineSession;
  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: 0 });
    a = await open(engine, 51);
    b = await open(engine, 52);
  });
  after(async () => {
    await a.close();
    await b.close();
    await engine.close();
  });

  const shape = async (s: EngineSession, table: string) => {
    const o = await ok(s, `SELECT TOP 0 * FROM ${table}`);
    return o.resultSets[0]!.columns.map((c) => `${c.name} ${JSON.stringify(c.type)} ${c.nullable}`);
  };

  it('sees each new table as a fresh session does, types and nullability included', async () => {
    await ok(a, `CREATE TABLE dbo.Probe (k int)`);
    await ok(a, 'SELECT * FROM dbo.Probe');
    const batch = Array.from({ length: 40 }, (_, i) => `CREATE TABLE dbo.T${i} (${TYPES.map((t, j) => `c${j} ${t}`).join(', ')})`).join(';\n');
    await ok(a, batch);
    await ok(a, 'SELECT * INTO dbo.Copy FROM dbo.T7');
    const fresh = await open(engine, 53);
    try {
      for (const t of ['dbo.T0', 'dbo.T39', 'dbo.Copy']) assert.deepEqual(await shape(a, t), await shape(fresh, t), t);
      assert.equal((await ok(a, "INSERT INTO dbo.T3 (c0, c1) VALUES (1, N'x')")).rowCounts[0], 1);
      assert.deepEqual((await ok(a, 'SELECT c0, c1, c11 FROM dbo.T3')).resultSets[0]!.rows, [[1, 'x', 1n]]);
    } finally {
      await fresh.close();
    }
  });

  it('does not miss a table another session created in between, nor keep one a rollback removed', async () => {
    await ok(a, 'SELECT * FROM dbo.Probe');
    await ok(b, 'CREATE TABLE dbo.FromB (x int)');
    await ok(a, 'CREATE TABLE dbo.AfterB (y int)');
    assert.deepEqual(await shape(a, 'dbo.FromB'), ['x {"name":"int"} true']);
    await ok(a, 'BEGIN TRANSACTION; CREATE TABLE dbo.Gone (z int); ROLLBACK');
    const o = await run(a, 'SELECT * FROM dbo.Gone');
    assert.equal(o.errors[0]?.number, 208);
    const dup = await run(a, 'CREATE TABLE dbo.AfterB (y int)');
    assert.equal(dup.errors[0]?.number, 2714);
  });
});
