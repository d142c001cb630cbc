import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine, EngineSession } from '../../../src/localpool/engine/api.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { insertModel, ok, open, run } from './helpers.js';

describe('T-SQL on the local pool engine', () => {
  let engine: Engine;
  let s: EngineSession;
  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: 50 });
    s = await open(engine);
  });
  after(async () => {
    await s.close();
    await engine.close();
  });

  const firstError = async (sql: string) => {
    const o = await run(s, sql);
    assert.ok(o.errors.length >= 1, `expected an error from: ${sql}`);
    return o.errors[0]!;
  };

  it('reports SQL Server errors with their number, text and line', async () => {
    const cases: [string, number, string, number][] = [
      ['SELECT 1\nSELECT FROM x', 102, "Incorrect syntax near 'FROM'.", 2],
      ['SELECT 1\n\nSELECT Nope FROM wwi_ml.CustomerTest', 207, "Invalid column name 'Nope'.", 3],
      ['SELECT * FROM dbo.Missing', 208, "Invalid object name 'dbo.Missing'.", 1],
      ['CREATE TABLE wwi_ml.CustomerTest (a int)', 2714, "There is already an object named 'CustomerTest' in the database.", 1],
      ['\nEXEC dbo.NoSuchProc', 2812, "Could not find stored procedure 'dbo.NoSuchProc'.", 2],
      ['SELECT @x', 137, 'Must declare the scalar variable "@x".', 1],
      ["DECLARE @i int\nSET @i = 'abc'", 245, "Conversion failed when converting the nvarchar value 'abc' to data type int.", 2],
      ['SELECT CAST(3000000000 AS int)', 8115, 'Arithmetic overflow error converting expression to data type int.', 1],
      ["SELECT 1\nSELECT 2\nBULK INSERT dbo.t FROM 'rows.csv'", 40517, 'The local pool does not support BULK INSERT (line 3).', 3],
      ['SELECT * FROM wwi_ml.CustomerTest CROSS APPLY dbo.f(1)', 40517, 'The local pool does not support CROSS APPLY (line 1).', 1],
      ['DROP TABLE dbo.Nothing', 3701, "Cannot drop the table 'dbo.Nothing', because it does not exist or you do not have permission.", 1],
      ['SELECT NOSUCHFN(1)', 195, "'NOSUCHFN' is not a recognized built-in function name.", 1],
      ['COMMIT', 3902, 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.', 1],
    ];
    for (const [sql, number, message, line] of cases) {
      const e = await firstError(sql);
      assert.deepEqual({ number: e.number, message: e.message, line: e.line }, { number, message, line }, sql);
    }
  });

  it('creates schemas, tables, views and procedures and reports declared types in the catalog', async () => {
    await ok(
      s,
      `CREATE SCHEMA sales
GO
CREATE TABLE [sales].[Orders] ([Id] int NOT NULL, [Customer] nvarchar(30) NULL, [Amount] decimal(18,4), [Score] real, [Blob] varbinary(max), [At] datetime2(7))
WITH (DISTRIBUTION = ROUND_ROBIN, CLUSTERED COLUMNSTORE INDEX)
GO
INSERT INTO sales.Orders (Id, Customer, Amount, Score, At) VALUES (1, N'Ann', 12.5, 0.25, '2024-01-02 03:04:05'), (2, N'Bob', 3, 1.5, NULL)
GO
CREATE VIEW sales.BigOrders AS SELECT Id, Customer, Amount * 2 AS Doubled FROM sales.Orders WHERE Amount > 5
GO
CREATE PROCEDURE sales.GetOrder @id int AS BEGIN SELECT Customer FROM sales.Orders WHERE Id = @id END`,
    );
    const cols = await ok(
      s,
      `SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE
      FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'sales' AND TABLE_NAME = 'Orders' ORDER BY ORDINAL_POSITION`,
    );
    assert.deepEqual(cols.resultSets[0]!.rows, [
      ['Id', 'int', null, 10, 0, 'NO'],
      ['Customer', 'nvarchar', 30, null, null, 'YES'],
      ['Amount', 'decimal', null, 18, 4, 'YES'],
      ['Score', 'real', null, 24, null, 'YES'],
      ['Blob', 'varbinary', -1, null, null, 'YES'],
      ['At', 'datetime2', null, null, null, 'YES'],
    ]);
    const sel = await ok(s, 'SELECT * FROM sales.Orders ORDER BY Id');
    assert.deepEqual(
      sel.resultSets[0]!.columns.map((c) => c.type),
      [
        { name: 'int' },
        { name: 'nvarchar', length: 30 },
        { name: 'decimal', precision: 18, scale: 4 },
        { name: 'real' },
        { name: 'varbinary', length: 'max' },
        { name: 'datetime2', scale: 7 },
      ],
    );
    assert.deepEqual(sel.resultSets[0]!.rows[0]!.slice(0, 4), [1, 'Ann', '12.5000', 0.25]);
    assert.deepEqual(sel.resultSets[0]!.rows[0]![5], new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
    const tables = await ok(s, `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'sales' ORDER BY TABLE_NAME`);
    assert.deepEqual(tables.resultSets[0]!.rows, [
      ['sales', 'BigOrders', 'VIEW'],
      ['sales', 'Orders', 'BASE TABLE'],
    ]);
    const sys = await ok(
      s,
      `SELECT c.name, t.name AS type_name, c.max_length FROM sys.columns c JOIN sys.types t ON c.user_type_id = t.user_type_id
      WHERE c.object_id = OBJECT_ID(N'sales.Orders') ORDER BY c.column_id`,
    );
    assert.deepEqual(sys.resultSets[0]!.rows.slice(0, 2), [
      ['Id', 'int', 4],
      ['Customer', 'nvarchar', 60],
    ]);
    const routines = await ok(s, `SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE FROM INFORMATION_SCHEMA.ROUTINES`);
    assert.deepEqual(routines.resultSets[0]!.rows, [['sales', 'GetOrder', 'PROCEDURE']]);
    const views = await ok(s, `SELECT v.name, s.name FROM sys.views v JOIN sys.schemas s ON s.schema_id = v.schema_id`);
    assert.deepEqual(views.resultSets[0]!.rows, [['BigOrders', 'sales']]);
    const viewCols = await ok(s, 'SELECT * FROM sales.BigOrders');
    assert.deepEqual(
      viewCols.resultSets[0]!.columns.map((c) => c.type.name),
      ['int', 'nvarchar', 'decimal'],
    );
    const proc = await ok(s, 'EXEC sales.GetOrder @id = 2');
    assert.deepEqual(proc.resultSets[0]!.rows, [['Bob']]);
    const missing = await firstError('EXEC sales.GetOrder');
    assert.equal(missing.message, "Procedure or function 'GetOrder' expects parameter '@id', which was not supplied.");
    const tooLong = await firstError("INSERT INTO sales.Orders (Id, Customer) VALUES (3, N'a name longer than thirty characters')");
    assert.equal(tooLong.number, 2628);
  });

  it('runs variables, IF/ELSE, PRINT, OBJECT_ID, @@ROWCOUNT, transactions and session facts', async () => {
    const o = await ok(
      s,
      `SET NOCOUNT OFF
DECLARE @n int = 5, @name nvarchar(20)
SET @n += 2
SELECT @name = N'seven'
IF OBJECT_ID(N'wwi_ml.CustomerTest', N'U') IS NOT NULL PRINT 'table exists' ELSE PRINT 'no table'
IF OBJECT_ID(N'wwi_ml.CustomerTest', N'V') IS NOT NULL PRINT 'is a view'
SELECT @n AS n, @name AS name, DB_NAME() AS db, SUSER_SNAME() AS who, SCHEMA_NAME() AS sch
UPDATE wwi_ml.CustomerTest SET Size = Size WHERE CustomerKey <= 3
SELECT @@ROWCOUNT AS rc, @@TRANCOUNT AS tc, SERVERPROPERTY('EngineEdition') AS ee`,
    );
    assert.deepEqual(
      o.infos.map((i) => i.message),
      ['table exists'],
    );
    assert.deepEqual(o.resultSets[0]!.rows, [[7, 'seven', 'SQLPool01', 'sa', 'dbo']]);
    assert.deepEqual(o.resultSets[1]!.rows, [[3, 0, 6]]);
    const tx = await run(
      s,
      `BEGIN TRAN
INSERT INTO sales.Orders (Id) VALUES (99)
SELECT @@TRANCOUNT
ROLLBACK`,
    );
    assert.deepEqual(
      tx.events.filter((e) => e.kind === 'transaction').map((e) => (e as { state: string }).state),
      ['begin', 'rollback'],
    );
    assert.deepEqual(tx.resultSets[0]!.rows, [[1]]);
    const after99 = await ok(s, 'SELECT COUNT(*) FROM sales.Orders WHERE Id = 99');
    assert.deepEqual(after99.resultSets[0]!.rows, [[0]]);
    const v = await ok(s, "SELECT @@VERSION, SERVERPROPERTY('Edition'), CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(30))");
    assert.match(String(v.resultSets[0]!.rows[0]![0]), /local pool/);
    // tedious's connection options
    await ok(
      s,
      'set textsize 2147483647\nset quoted_identifier on\nset ansi_nulls on\nset transaction isolation level read committed\nset language us_english\nset dateformat mdy',
    );
  });

  it('supports CTEs, joins, GROUP BY/HAVING, UNION, subqueries, OFFSET/FETCH, CASE and string functions', async () => {
    const o = await ok(
      s,
      `WITH c AS (SELECT CustomerKey, GenderId FROM wwi_ml.CustomerTest WHERE CustomerKey <= 10)
SELECT GenderId, COUNT(*) AS n, MAX(CustomerKey) AS top FROM c GROUP BY GenderId HAVING COUNT(*) > 0 ORDER BY GenderId`,
    );
    const total = o.resultSets[0]!.rows.reduce((a, r) => a + (r[1] as number), 0);
    assert.equal(total, 10);
    const page = await ok(s, 'SELECT CustomerKey FROM wwi_ml.CustomerTest ORDER BY CustomerKey OFFSET 5 ROWS FETCH NEXT 3 ROWS ONLY');
    assert.deepEqual(page.resultSets[0]!.rows, [[6], [7], [8]]);
    const misc = await ok(
      s,
      `SELECT UPPER(N'ab') + N'c' AS s, LEN(N'abc  ') AS l, ISNULL(NULL, 4) AS i, CASE WHEN 1 = 1 THEN 'y' ELSE 'n' END AS c,
      (SELECT MAX(CustomerKey) FROM wwi_ml.CustomerTest) AS mx, CONVERT(nvarchar(10), 12) AS cv, TRY_CAST('x' AS int) AS tc, 7 / 2 AS idiv
      UNION ALL SELECT N'z', 0, 0, 'n', 0, N'0', 0, 0`,
    );
    assert.deepEqual(misc.resultSets[0]!.rows, [
      ['ABc', 3, 4, 'y', 50, '12', null, 3],
      ['z', 0, 0, 'n', 0, '0', 0, 0],
    ]);
    const choose = await ok(
      s,
      "SELECT CHOOSE(2, N'a', N'b', N'c'), CHOOSE(4, N'a', N'b', N'c'), CHOOSE(CustomerKey, 10, 20) FROM wwi_ml.CustomerTest WHERE CustomerKey = 1",
    );
    assert.deepEqual(choose.resultSets[0]!.rows, [['b', null, 10]]);
    assert.deepEqual(
      (await run(s, 'SELECT CHOOSE(1)')).errors.map((e) => e.number),
      [174],
    );
  });

  it('runs TRY...CATCH with ERROR_*(), RAISERROR, THROW and XACT_STATE() as SQL Server does', async () => {
    // A runtime error goes to CATCH, with its number, message, severity, state and line in the batch.
    const caught = await ok(
      s,
      `PRINT 'before'
BEGIN TRY
  SELECT 10 / (SELECT COUNT(*) FROM wwi_ml.CustomerTest WHERE CustomerKey < 0)
  PRINT 'not reached'
END TRY
BEGIN CATCH
  SELECT ERROR_NUMBER() AS n, ERROR_MESSAGE() AS m, ERROR_SEVERITY() AS sev, ERROR_STATE() AS st, ERROR_LINE() AS l, ERROR_PROCEDURE() AS p
END CATCH
SELECT ERROR_NUMBER() AS outside`,
    );
    assert.deepEqual(
      caught.infos.map((i) => i.message),
      ['before'],
    );
    assert.deepEqual(
      caught.resultSets.map((r) => r.rows),
      [[[8134, 'Divide by zero error encountered.', 16, 1, 3, null]], [[null]]],
    );
    // Outside TRY the same error reaches the client and ends the batch.
    const plain = await run(s, "SELECT 7 % 0\nPRINT 'not reached'");
    assert.deepEqual(
      plain.errors.map((e) => [e.number, e.line]),
      [[8134, 1]],
    );
    assert.equal(plain.infos.length, 0);

    // The pattern production scripts use: an error dooms the transaction, CATCH reads XACT_STATE() and
    // @@TRANCOUNT, rolls back and rethrows; nothing of the transaction stays.
    await ok(s, 'CREATE TABLE dbo.Ledger ([Id] [int] NOT NULL, [Note] [nvarchar](20) NOT NULL)');
    const tx = await run(
      s,
      `BEGIN TRY
  BEGIN TRAN
  INSERT INTO dbo.Ledger VALUES (1, N'first')
  INSERT INTO dbo.Ledger VALUES (2, NULL)
  COMMIT
END TRY
BEGIN CATCH
  SELECT XACT_STATE() AS xs, @@TRANCOUNT AS tc, ERROR_NUMBER() AS n
  IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
  THROW;
END CATCH`,
    );
    assert.deepEqual(
      tx.resultSets.map((r) => r.rows),
      [[[-1, 1, 515]]],
    );
    assert.deepEqual(
      tx.errors.map((e) => [e.number, e.line]),
      [[515, 4]],
      'THROW; sends the caught error with its own line',
    );
    assert.match(tx.errors[0]!.message, /Cannot insert the value NULL into column 'Note'/);
    assert.deepEqual((await ok(s, 'SELECT COUNT(*) FROM dbo.Ledger')).resultSets[0]!.rows, [[0]]);

    // In a doomed transaction reads still run, writes and COMMIT fail with 3930, ROLLBACK ends it.
    const doomed = await run(
      s,
      `BEGIN TRAN
INSERT INTO dbo.Ledger VALUES (3, NULL)`,
    );
    assert.deepEqual(
      doomed.errors.map((e) => e.number),
      [515],
    );
    assert.deepEqual((await ok(s, 'SELECT XACT_STATE(), @@TRANCOUNT, COUNT(*) FROM wwi_ml.CustomerTest')).resultSets[0]!.rows, [[-1, 1, 50]]);
    assert.deepEqual(
      (await run(s, "INSERT INTO dbo.Ledger VALUES (4, N'four')")).errors.map((e) => e.number),
      [3930],
    );
    assert.deepEqual(
      (await run(s, 'COMMIT')).errors.map((e) => e.number),
      [3930],
    );
    await ok(s, 'ROLLBACK');
    assert.deepEqual((await ok(s, "INSERT INTO dbo.Ledger VALUES (5, N'five'); SELECT XACT_STATE(), COUNT(*) FROM dbo.Ledger")).resultSets[0]!.rows, [[0, 1]]);

    // RAISERROR of severity 11-19 and THROW with arguments go to CATCH; RAISERROR 10 is a message.
    const raised = await ok(
      s,
      `BEGIN TRY
  RAISERROR(N'just so', 10, 1)
  RAISERROR(N'bad input', 16, 7)
END TRY
BEGIN CATCH
  SELECT ERROR_NUMBER(), ERROR_MESSAGE(), ERROR_STATE()
END CATCH
BEGIN TRY
  THROW 50001, N'custom failure', 3
END TRY
BEGIN CATCH
  SELECT ERROR_NUMBER(), ERROR_MESSAGE(), ERROR_STATE()
END CATCH`,
    );
    assert.deepEqual(
      raised.infos.map((i) => i.message),
      ['just so'],
    );
    assert.deepEqual(
      raised.resultSets.map((r) => r.rows),
      [[[50000, 'bad input', 7]], [[50001, 'custom failure', 3]]],
    );

    // Like SQL Server, TRY does not catch a missing object at its own level, only one level down.
    const sameLevel = await run(s, "BEGIN TRY SELECT * FROM dbo.NoSuchTable END TRY BEGIN CATCH PRINT 'caught' END CATCH");
    assert.deepEqual([sameLevel.errors.map((e) => e.number), sameLevel.infos.length], [[208], 0]);
    await ok(s, 'CREATE PROCEDURE dbo.ReadsNothing AS SELECT * FROM dbo.NoSuchTable');
    const below = await ok(
      s,
      `BEGIN TRY EXEC dbo.ReadsNothing END TRY BEGIN CATCH SELECT ERROR_NUMBER(), ERROR_PROCEDURE() END CATCH
BEGIN TRY EXEC (N'SELECT * FROM dbo.NoSuchTable') END TRY BEGIN CATCH SELECT ERROR_NUMBER() END CATCH`,
    );
    assert.deepEqual(
      below.resultSets.map((r) => r.rows),
      [[[208, 'ReadsNothing']], [[208]]],
    );

    // A procedure called in TRY sends its RAISERROR to the caller's CATCH; one called in CATCH still
    // sees the error being handled.
    await ok(s, `CREATE PROCEDURE dbo.Complains AS BEGIN RAISERROR(N'from the procedure', 16, 2); PRINT 'not reached' END`);
    await ok(s, 'CREATE PROCEDURE dbo.Reports AS SELECT ERROR_NUMBER() AS n, ERROR_MESSAGE() AS m');
    const nested = await ok(s, 'BEGIN TRY EXEC dbo.Complains END TRY BEGIN CATCH EXEC dbo.Reports END CATCH');
    assert.deepEqual([nested.infos.length, nested.resultSets[0]!.rows], [0, [[50000, 'from the procedure']]]);

    const rethrowOutside = await run(s, 'THROW');
    assert.deepEqual(
      rethrowOutside.errors.map((e) => e.number),
      [10704],
    );
  });

  it('accepts CREATE, UPDATE and DROP STATISTICS on tables and columns that exist', async () => {
    const o = await ok(
      s,
      `CREATE STATISTICS stat_cost ON wwi_ml.CustomerTest (Cost, Price) WITH FULLSCAN, NORECOMPUTE
UPDATE STATISTICS wwi_ml.CustomerTest
UPDATE STATISTICS [wwi_ml].[CustomerTest] (stat_cost) WITH SAMPLE 20 PERCENT
UPDATE STATISTICS wwi_ml.CustomerTest stat_cost WITH FULLSCAN
DROP STATISTICS wwi_ml.CustomerTest.stat_cost
SELECT COUNT(*) FROM wwi_ml.CustomerTest`,
    );
    assert.deepEqual(
      o.resultSets.map((r) => r.rows),
      [[[50]]],
    );
    const errs = async (sql: string) => (await run(s, sql)).errors.map((e) => [e.number, e.message]);
    assert.deepEqual(await errs('CREATE STATISTICS s ON dbo.Nope (a)'), [
      [1088, 'Cannot find the object "dbo.Nope" because it does not exist or you do not have permissions.'],
    ]);
    assert.deepEqual(await errs('CREATE STATISTICS s ON wwi_ml.CustomerTest (Cost, Nope)'), [
      [1911, "Column name 'Nope' does not exist in the target table or view."],
    ]);
    assert.deepEqual(await errs('UPDATE STATISTICS wwi_ml.NoSuchTable'), [
      [1088, 'Cannot find the object "wwi_ml.NoSuchTable" because it does not exist or you do not have permissions.'],
    ]);
  });

  it('runs SELECT ... INTO as CREATE TABLE ... AS SELECT, with its row count and column types', async () => {
    const o = await ok(
      s,
      `WITH c AS (SELECT CustomerKey, CAST(Cost AS decimal(9,2)) AS Cost FROM wwi_ml.CustomerTest WHERE CustomerKey <= 4)
SELECT CustomerKey, Cost, N'x' AS Tag INTO dbo.Copied FROM c ORDER BY CustomerKey
SELECT @@ROWCOUNT`,
    );
    assert.deepEqual(o.rowCounts.slice(0, 1), [4]);
    assert.deepEqual(o.resultSets[0]!.rows, [[4]]);
    const cols = await ok(
      s,
      `SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'Copied' ORDER BY ORDINAL_POSITION`,
    );
    assert.deepEqual(
      cols.resultSets[0]!.rows.map((r) => r.slice(0, 2)),
      [
        ['CustomerKey', 'int'],
        ['Cost', 'decimal'],
        ['Tag', 'nvarchar'],
      ],
    );
    assert.deepEqual(
      (await run(s, 'SELECT 1 AS a INTO dbo.Copied')).errors.map((e) => e.number),
      [2714],
    );
    assert.deepEqual(
      (await run(s, 'SELECT a FROM (SELECT 1 AS a INTO dbo.Inner1) t')).errors.map((e) => [e.number, e.message]),
      [[102, "Incorrect syntax near 'INTO'."]],
    );
    assert.deepEqual(
      (await run(s, 'INSERT INTO dbo.Copied SELECT 1, 2, 3 INTO dbo.Other')).errors.map((e) => e.number),
      [102],
    );
  });

  it('runs window frames, and sums integers with SQL Server result types and overflow', async () => {
    const o = await ok(
      s,
      `SELECT TOP 4 CustomerKey,
  SUM(CustomerKey) OVER (ORDER BY CustomerKey ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair,
  SUM(CustomerKey) OVER (ORDER BY CustomerKey ROWS UNBOUNDED PRECEDING) AS running,
  COUNT(*) OVER (ORDER BY CustomerKey RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS total
FROM wwi_ml.CustomerTest ORDER BY CustomerKey`,
    );
    assert.deepEqual(
      o.resultSets[0]!.columns.map((c) => c.type.name),
      ['int', 'int', 'int', 'int'],
    );
    assert.deepEqual(o.resultSets[0]!.rows, [
      [1, 1, 1, 50],
      [2, 3, 3, 50],
      [3, 5, 6, 50],
      [4, 7, 10, 50],
    ]);
    const errs = async (sql: string) => (await run(s, sql)).errors.map((e) => [e.number, e.message]);
    assert.deepEqual(await errs('SELECT SUM(CustomerKey) OVER (ROWS UNBOUNDED PRECEDING) FROM wwi_ml.CustomerTest'), [
      [10756, 'Window frame with ROWS or RANGE must have an ORDER BY clause.'],
    ]);
    assert.deepEqual(await errs('SELECT SUM(CustomerKey) OVER (ORDER BY CustomerKey RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM wwi_ml.CustomerTest'), [
      [4194, 'RANGE is only supported with UNBOUNDED and CURRENT ROW window frame delimiters.'],
    ]);
    await ok(s, 'CREATE TABLE dbo.Big ([x] [int]); INSERT INTO dbo.Big VALUES (2147483647), (1)');
    assert.deepEqual(await errs('SELECT SUM(x) FROM dbo.Big'), [[8115, 'Arithmetic overflow error converting expression to data type int.']]);
    const big = await ok(s, 'SELECT SUM(CAST(x AS bigint)) FROM dbo.Big');
    assert.deepEqual([big.resultSets[0]!.columns[0]!.type.name, big.resultSets[0]!.rows], ['bigint', [[2147483648n]]]);
  });

  it('keeps #temp tables per session, with their types, through transactions, until dropped', async () => {
    const o = await ok(
      s,
      `IF OBJECT_ID('tempdb..#picked') IS NOT NULL DROP TABLE #picked
CREATE TABLE #picked ([Key] [int] NOT NULL, [Note] [nvarchar](5) NULL, [Seq] [int] IDENTITY(1,1))
INSERT INTO #picked ([Key]) SELECT CustomerKey FROM wwi_ml.CustomerTest WHERE CustomerKey <= 4
UPDATE #picked SET [Note] = N'even' WHERE [Key] % 2 = 0
SELECT [Key], [Note], [Seq] FROM #picked ORDER BY [Key]
SELECT [Note], COUNT(*) AS n INTO #notes FROM #picked GROUP BY [Note]
SELECT COUNT(*) FROM #notes`,
    );
    assert.deepEqual(
      o.resultSets.map((r) => r.rows),
      [
        [
          [1, null, 1],
          [2, 'even', 2],
          [3, null, 3],
          [4, 'even', 4],
        ],
        [[2]],
      ],
    );
    assert.deepEqual(
      o.resultSets[0]!.columns.map((c) => `${c.name} ${c.type.name}`),
      ['Key int', 'Note nvarchar', 'Seq int'],
    );
    // Declared lengths hold, as in a permanent table.
    assert.deepEqual(
      (await run(s, "INSERT INTO #picked ([Key], [Note]) VALUES (9, N'toolong')")).errors.map((e) => e.number),
      [2628],
    );
    // Not in the database's catalog; not visible to another session.
    assert.deepEqual((await ok(s, "SELECT COUNT(*) FROM sys.tables WHERE name LIKE '#%'")).resultSets[0]!.rows, [[0]]);
    const other = await open(engine, 58);
    try {
      assert.deepEqual(
        (await run(other, 'SELECT * FROM #picked')).errors.map((e) => [e.number, e.message]),
        [[208, "Invalid object name '#picked'."]],
      );
      await ok(other, 'CREATE TABLE #picked ([x] [int])');
    } finally {
      await other.close();
    }
    // A rolled-back transaction takes back the #temp tables it made and dropped.
    const tx = await ok(
      s,
      `BEGIN TRAN
CREATE TABLE #inTran ([a] [int])
DROP TABLE #picked
ROLLBACK
SELECT OBJECT_ID('tempdb..#inTran'), (SELECT COUNT(*) FROM #picked)`,
    );
    assert.deepEqual(tx.resultSets[0]!.rows, [[null, 4]]);
    assert.deepEqual(
      (await run(s, 'CREATE TABLE #picked ([a] [int])')).errors.map((e) => e.number),
      [2714],
    );
    await ok(s, 'DROP TABLE #picked; DROP TABLE #notes; DROP TABLE IF EXISTS #never');
    assert.deepEqual((await ok(s, "SELECT OBJECT_ID('tempdb..#picked')")).resultSets[0]!.rows, [[null]]);
    assert.deepEqual(
      (await run(s, 'CREATE TABLE ##shared ([a] [int])')).errors.map((e) => e.number),
      [40517],
    );
  });

  it('renames tables with RENAME OBJECT (the CTAS swap) and sp_rename', async () => {
    const swap = await ok(
      s,
      `CREATE TABLE dbo.Fact ([a] [int]); INSERT INTO dbo.Fact VALUES (1)
CREATE TABLE dbo.Fact_new WITH (DISTRIBUTION = ROUND_ROBIN, CLUSTERED COLUMNSTORE INDEX) AS SELECT a + 1 AS a FROM dbo.Fact
RENAME OBJECT dbo.Fact TO Fact_old
RENAME OBJECT::dbo.Fact_new TO Fact
DROP TABLE dbo.Fact_old
SELECT a FROM dbo.Fact
SELECT name FROM sys.tables WHERE name LIKE 'Fact%'`,
    );
    assert.deepEqual(
      swap.resultSets.map((r) => r.rows),
      [[[2]], [['Fact']]],
    );
    const renamed = await ok(s, "CREATE TABLE dbo.Staging ([b] [int]); EXEC sp_rename 'dbo.Staging', 'Staged'; SELECT COUNT(*) FROM dbo.Staged");
    assert.deepEqual(
      renamed.infos.map((i) => [i.number, i.message]),
      [[15477, 'Caution: Changing any part of an object name could break scripts and stored procedures.']],
    );
    assert.deepEqual(renamed.resultSets[0]!.rows, [[0]]);
    const errs = async (sql: string) => (await run(s, sql)).errors.map((e) => [e.number, e.message]);
    assert.deepEqual(await errs('RENAME OBJECT dbo.Nope TO Other'), [[208, "Invalid object name 'dbo.Nope'."]]);
    assert.deepEqual(await errs('RENAME OBJECT dbo.Staged TO Fact'), [[2714, "There is already an object named 'Fact' in the database."]]);
    assert.deepEqual(await errs("EXEC sp_rename 'dbo.Missing', 'x'"), [
      [15225, "No item by the name of 'dbo.Missing' could be found in the current database 'SQLPool01', given that @itemtype was input as '(null)'."],
    ]);
    assert.deepEqual(await errs("EXEC sp_rename 'dbo.Staged.b', 'c', 'COLUMN'"), [
      [40517, 'The local pool does not support sp_rename of a COLUMN (tables only) (line 1).'],
    ]);
  });

  it('runs MERGE with matched, not matched and not matched by source clauses, and its errors', async () => {
    await ok(
      s,
      "CREATE TABLE dbo.Target ([Id] [int] NOT NULL, [Val] [nvarchar](10), [Hits] [int]); INSERT INTO dbo.Target VALUES (1, N'one', 1), (2, N'two', 1), (60, N'old', 1)",
    );
    const o = await ok(
      s,
      `MERGE INTO dbo.Target AS t
USING (SELECT CustomerKey AS Id, N'new' AS Val FROM wwi_ml.CustomerTest WHERE CustomerKey <= 3) AS src
ON t.Id = src.Id
WHEN MATCHED AND t.Id = 1 THEN UPDATE SET Val = src.Val, Hits += 1
WHEN MATCHED THEN DELETE
WHEN NOT MATCHED BY TARGET THEN INSERT (Id, Val, Hits) VALUES (src.Id, src.Val, 0)
WHEN NOT MATCHED BY SOURCE AND t.Id > 50 THEN UPDATE SET Val = N'orphan';
SELECT Id, Val, Hits FROM dbo.Target ORDER BY Id`,
    );
    assert.deepEqual(o.rowCounts[0], 4, 'one update, one delete, one insert, one orphan update');
    assert.deepEqual(o.resultSets[0]!.rows, [
      [1, 'new', 2],
      [3, 'new', 0],
      [60, 'orphan', 1],
    ]);
    const errs = async (sql: string) => (await run(s, sql)).errors.map((e) => [e.number, e.message]);
    assert.deepEqual(await errs('MERGE dbo.Target t USING wwi_ml.CustomerTest c ON t.Id = c.CustomerKey WHEN MATCHED THEN DELETE'), [
      [10713, 'A MERGE statement must be terminated by a semi-colon (;).'],
    ]);
    assert.deepEqual(await errs('MERGE dbo.Target t USING wwi_ml.CustomerTest c ON t.Id = c.CustomerKey WHEN MATCHED THEN INSERT (Id) VALUES (1);'), [
      [10710, "An action of type 'INSERT' is not allowed in the 'WHEN MATCHED' clause of a MERGE statement."],
    ]);
    assert.deepEqual(await errs('MERGE dbo.Target t USING wwi_ml.CustomerTest c ON t.Id = c.CustomerKey WHEN NOT MATCHED THEN INSERT (Nope) VALUES (1);'), [
      [207, "Invalid column name 'Nope'."],
    ]);
    assert.deepEqual(
      (await errs('MERGE dbo.Target t USING wwi_ml.CustomerTest c ON t.Id = c.CustomerKey WHEN NOT MATCHED THEN INSERT (Id) VALUES (1, 2);')).map((e) => e[0]),
      [110],
    );
    assert.deepEqual(
      (await errs('INSERT INTO dbo.Target (Id, Val) VALUES (1)')).map((e) => e[0]),
      [109],
    );
    const twice = await errs(`MERGE dbo.Target t USING (SELECT 3 AS k UNION ALL SELECT 3) AS src ON t.Id = src.k WHEN MATCHED THEN UPDATE SET Hits = 9;`);
    assert.equal(twice[0]?.[0], 8672);
    assert.deepEqual((await ok(s, 'SELECT Hits FROM dbo.Target WHERE Id = 3')).resultSets[0]!.rows, [[0]], 'the refused MERGE changed nothing');
  });

  it('runs WITH ... INSERT: the SELECT reads the common table expressions', async () => {
    await ok(s, 'CREATE TABLE dbo.FirstCustomers ([CustomerKey] [int] NOT NULL, [GenderId] [int])');
    const ins = await ok(
      s,
      `WITH c AS (SELECT CustomerKey, GenderId FROM wwi_ml.CustomerTest WHERE CustomerKey <= 7),
  d AS (SELECT * FROM c WHERE CustomerKey > 2)
INSERT INTO dbo.FirstCustomers (CustomerKey, GenderId) SELECT CustomerKey, GenderId FROM d`,
    );
    assert.deepEqual(ins.rowCounts, [5]);
    const stored = await ok(s, 'SELECT CustomerKey FROM dbo.FirstCustomers ORDER BY CustomerKey');
    assert.deepEqual(stored.resultSets[0]!.rows, [[3], [4], [5], [6], [7]]);
    // A CTE the SELECT does not define is still unknown afterwards.
    const after = await run(s, 'SELECT * FROM d');
    assert.equal(after.errors[0]?.number, 208);
  });

  it('keeps tables, views, procedures and models across a restart on the same data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'localpool-'));
    try {
      const onnx = buildSampleModel('linear-classifier').onnx;
      let e1: Engine | undefined = await createLocalPoolEngine({ dataDir: dir, seedCustomers: 20 });
      let a = await open(e1);
      await insertModel(a, 'aml-synapse-classifier:1', onnx);
      await ok(
        a,
        `CREATE TABLE dbo.T (x nvarchar(12))
GO
INSERT INTO dbo.T VALUES (N'kept')
GO
CREATE VIEW dbo.V AS SELECT x FROM dbo.T
GO
CREATE PROCEDURE dbo.P AS SELECT COUNT(*) AS n FROM wwi_ml.CustomerTest`,
      );
      await a.close();
      await e1.close();
      e1 = undefined;
      const e2 = await createLocalPoolEngine({ dataDir: dir, seedCustomers: 20 });
      a = await open(e2);
      const v = await ok(a, 'SELECT * FROM dbo.V');
      assert.deepEqual(v.resultSets[0]!.rows, [['kept']]);
      assert.deepEqual(v.resultSets[0]!.columns[0]!.type, { name: 'nvarchar', length: 12 });
      assert.deepEqual((await ok(a, 'EXEC dbo.P')).resultSets[0]!.rows, [[20]]);
      const m = await ok(a, "SELECT DATALENGTH(model) FROM wwi_ml.AMLModel WHERE ID = 'aml-synapse-classifier:1'");
      assert.deepEqual(m.resultSets[0]!.rows, [[onnx.length]]);
      await a.close();
      await e2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves two sessions at once, each with its own variables and transaction', async () => {
    const a = await open(engine, 60);
    const b = await open(engine, 61);
    try {
      await ok(a, 'CREATE TABLE dbo.Shared (v int)');
      await ok(a, 'BEGIN TRAN\nINSERT INTO dbo.Shared VALUES (1)');
      const [ra, rb] = await Promise.all([ok(a, 'SELECT COUNT(*) FROM dbo.Shared'), ok(b, 'SELECT COUNT(*) FROM dbo.Shared')]);
      assert.deepEqual(ra.resultSets[0]!.rows, [[1]]);
      assert.deepEqual(rb.resultSets[0]!.rows, [[0]], 'the other session does not see the uncommitted row');
      await ok(a, 'COMMIT');
      assert.deepEqual((await ok(b, 'SELECT COUNT(*) FROM dbo.Shared')).resultSets[0]!.rows, [[1]]);
      assert.deepEqual((await ok(b, 'SELECT @@SPID')).resultSets[0]!.rows, [[61]]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
