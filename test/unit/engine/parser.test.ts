import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqlError } from '../../../src/localpool/engine/api.js';
import { splitGoBatches, tokenize } from '../../../src/localpool/engine/lexer.js';
import { parseBatch } from '../../../src/localpool/engine/parser.js';

describe('T-SQL tokenizer', () => {
  it('reads bracketed and quoted names, N strings, comments and variables with their lines', () => {
    const t = tokenize("SELECT [a]]b], \"c d\" -- note\n/* block\n */ N'it''s', @x, @@SPID");
    assert.deepEqual(
      t.filter((x) => x.kind !== 'op' && x.kind !== 'eof').map((x) => [x.kind, x.value, x.line, !!x.national]),
      [
        ['ident', 'SELECT', 1, false],
        ['qident', 'a]b', 1, false],
        ['qident', 'c d', 1, false],
        ['string', "it's", 3, true],
        ['var', '@x', 3, false],
        ['var', '@@SPID', 3, false],
      ],
    );
  });
  it('reports an unclosed string with its line', () => {
    assert.throws(
      () => tokenize("SELECT 1\nSELECT 'abc"),
      (e: unknown) => e instanceof SqlError && e.line === 2 && /Unclosed quotation mark/.test(e.message),
    );
  });
  it('splits batches at GO lines only', () => {
    assert.deepEqual(
      splitGoBatches('SELECT 1\nGO\nSELECT 2 -- GO\n  go  \nSELECT 3').map((b) => b.text.trim()),
      ['SELECT 1', 'SELECT 2 -- GO', 'SELECT 3'],
    );
  });
});

describe('T-SQL parser', () => {
  it('splits a batch into statements without semicolons and keeps their lines and text', () => {
    const st = parseBatch("DECLARE @a int = 1\nSELECT @a\nIF @a = 1 PRINT N'one' ELSE PRINT N'other'\nEXEC dbo.p 1, @b = 2");
    assert.deepEqual(
      st.map((s) => [s.k, s.line]),
      [
        ['declare', 1],
        ['query', 2],
        ['if', 3],
        ['exec', 4],
      ],
    );
    assert.equal(st[1]!.text, 'SELECT @a');
  });
  it('parses the lab view with PREDICT, its CTE and WITH outputs', () => {
    const [v] = parseBatch(`CREATE VIEW [wwi_ml].[CustomerPrediction] AS
WITH InputData AS (SELECT CAST([Cost] AS [real]) AS [Cost] FROM [wwi_ml].[CustomerTest])
SELECT * FROM PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = 'aml-synapse-classifier:1'),
  DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint], [p] real NOT NULL)`);
    assert.equal(v!.k, 'createView');
    if (v!.k !== 'createView') return;
    assert.deepEqual(v.name.parts, ['wwi_ml', 'CustomerPrediction']);
    const body = v.query.body;
    assert.equal(v.query.with[0]!.name, 'InputData');
    assert.ok(body.k === 'select' && body.from[0]!.k === 'predict');
    if (body.k === 'select' && body.from[0]!.k === 'predict') {
      const p = body.from[0].predict;
      assert.equal(p.runtime, 'ONNX');
      assert.equal(p.line, 3);
      assert.deepEqual(
        p.outputs.map((o) => [o.name, o.type.name, o.notNull]),
        [
          ['label_out', 'bigint', false],
          ['p', 'real', true],
        ],
      );
    }
  });
  it('parses CREATE TABLE with Synapse options and types with lengths', () => {
    const [t] = parseBatch(
      'CREATE TABLE dbo.M ([ID] [nvarchar](1024) NOT NULL, [model] [varbinary](max) NULL, d decimal(18,4), k int IDENTITY(1,1))\nWITH (DISTRIBUTION = REPLICATE, HEAP)',
    );
    assert.ok(t!.k === 'createTable');
    if (t!.k !== 'createTable') return;
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.type, c.notNull]),
      [
        ['ID', { name: 'nvarchar', length: 1024 }, true],
        ['model', { name: 'varbinary', length: 'max' }, false],
        ['d', { name: 'decimal', precision: 18, scale: 4 }, false],
        ['k', { name: 'int' }, false],
      ],
    );
    assert.equal(t.options, 'WITH (DISTRIBUTION = REPLICATE, HEAP)');
  });
  it('reports syntax errors as 102 with the line, and unsupported T-SQL by name', () => {
    const err = (sql: string) => {
      try {
        parseBatch(sql);
      } catch (e) {
        if (e instanceof SqlError) return [e.number, e.message, e.line];
      }
      return undefined;
    };
    assert.deepEqual(err('SELECT 1\nSELECT * FROM'), [102, "Incorrect syntax near 'FROM'.", 2]);
    assert.deepEqual(err('SELECT (1'), [102, "Incorrect syntax near '1'.", 1]);
    assert.deepEqual(err('\n\nMERGE t USING s ON 1=1'), [102, "Incorrect syntax near '1'.", 3]);
    assert.deepEqual(err('MERGE TOP (1) t USING s ON 1=1 WHEN MATCHED THEN DELETE;'), [40517, 'The local pool does not support MERGE TOP (line 1).', 1]);
    assert.deepEqual(err('BEGIN TRY SELECT 1 END TRY'), [102, "Incorrect syntax near 'TRY'.", 1]);
    assert.deepEqual(err('BEGIN TRY SELECT 1 END TRY\nSELECT 2'), [102, "Incorrect syntax near 'SELECT'.", 2]);
    assert.deepEqual(err('BEGIN CATCH SELECT 1 END CATCH'), [102, "Incorrect syntax near 'CATCH'.", 1]);
    assert.deepEqual(err('BEGIN TRY SELECT 1 END CATCH'), [102, "Incorrect syntax near 'END'.", 1]);
    assert.deepEqual(err('CREATE FUNCTION f() RETURNS int AS BEGIN RETURN 1 END'), [40517, 'The local pool does not support CREATE FUNCTION (line 1).', 1]);
    assert.deepEqual(err('RENAME DATABASE a TO b'), [40517, 'The local pool does not support RENAME DATABASE (line 1).', 1]);
    assert.deepEqual(err('RENAME OBJECT dbo.t'), [102, "Incorrect syntax near 't'.", 1]);
    assert.deepEqual(err('WITH c AS (SELECT 1 AS a)\nUPDATE t SET a = 2'), [
      40517,
      'The local pool does not support WITH ... UPDATE (a common table expression before UPDATE) (line 2).',
      2,
    ]);
    assert.deepEqual(err('WITH c AS (SELECT 1 AS a)\nDELETE FROM t'), [
      40517,
      'The local pool does not support WITH ... DELETE (a common table expression before DELETE) (line 2).',
      2,
    ]);
    assert.deepEqual(err('WITH c AS (SELECT 1 AS a) INSERT INTO t SELECT * FROM'), [102, "Incorrect syntax near 'FROM'.", 1]);
  });
});
