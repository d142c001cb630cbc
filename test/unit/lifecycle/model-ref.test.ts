import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findModelReferences } from '../../../src/lifecycle/model-ref.js';
import { listScoringObjects } from '../../../src/lifecycle/deployed.js';
import type { CatalogRunner } from '../../../src/sql/catalog.js';
import type { QueryResult } from '../../../src/sql/client/connection.js';

const ref = (def: string) => {
  const r = findModelReferences(def)[0];
  return r && { table: [r.modelTable.schema, r.modelTable.name], model: r.modelColumn, id: r.idColumn, modelId: r.modelId };
};

test('model references in every quoting style', () => {
  const expected = { table: ['wwi_ml', 'AMLModel'], model: 'model', id: 'ID', modelId: 'a:1' };
  for (const where of [
    `SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'a:1'`,
    `select "model" from "wwi_ml"."AMLModel" where "ID"='a:1'`,
    `SELECT model FROM wwi_ml.AMLModel WHERE ID='a:1'`,
    `SELECT  model\nFROM   wwi_ml . AMLModel   -- the lab's table\nWHERE  N'a:1'  =  ID`,
    `SELECT TOP (1) m.[model] FROM wwi_ml.AMLModel AS m WHERE m.ID = n'a:1'`,
    `SELECT /* bytes */ model FROM wwi_ml.AMLModel m WHERE ID = 'a:1'`,
  ]) {
    assert.deepEqual(ref(`CREATE VIEW v AS SELECT * FROM PREDICT(MODEL = (${where}), DATA = d, RUNTIME = ONNX) WITH (x int) AS p`), expected, where);
  }
  assert.deepEqual(
    ref(
      `CREATE PROCEDURE p AS DECLARE @m varbinary(max) = (SELECT model FROM wwi_ml.AMLModel WHERE ID = 'a:1'); SELECT * FROM PREDICT(MODEL = @m, DATA = d) WITH (x int) AS p`,
    ),
    expected,
  );
  // Quotes inside names and IDs.
  assert.deepEqual(
    ref(`CREATE VIEW v AS SELECT * FROM PREDICT(MODEL = (SELECT [m]]x] FROM [s'1].[t"2] WHERE [I D] = N'it''s:1'), DATA = d) WITH (x int) AS p`),
    {
      table: ["s'1", 't"2'],
      model: 'm]x',
      id: 'I D',
      modelId: "it's:1",
    },
  );
  assert.equal(ref(`CREATE VIEW v AS SELECT model FROM wwi_ml.AMLModel WHERE ID = 'a:1'`), undefined, 'no PREDICT: not a scoring object');
  assert.equal(ref(`CREATE VIEW v AS SELECT * FROM PREDICT(MODEL = (SELECT model FROM t WHERE ID = @id), DATA = d) WITH (x int) AS p`), undefined);
  // A string that only looks like SQL is not read as SQL.
  assert.equal(ref(`CREATE VIEW v AS SELECT 'PREDICT SELECT model FROM t WHERE ID = ''a:1''' AS x`), undefined);
});

function result(rows: unknown[][]): QueryResult {
  return {
    resultSets: [
      { columns: [1, 2, 3, 4].map((i) => ({ name: `c${i}`, type: 'nvarchar', nullable: true })), rows: rows as never, truncated: false, rowCount: rows.length },
    ],
    messages: [],
    rowCounts: [],
  };
}

test('without sys.sql_modules, definitions come from INFORMATION_SCHEMA', async () => {
  const asked: string[] = [];
  const db: CatalogRunner = {
    query: async (sql) => {
      asked.push(sql);
      if (sql.includes('sys.sql_modules')) throw new Error("Invalid object name 'sys.sql_modules'.");
      return result([
        ['s', 'v', 'V', `CREATE VIEW s.v AS SELECT * FROM PREDICT(MODEL = (SELECT model FROM s.M WHERE ID = 'a:2'), DATA = d) WITH (x int) AS p`],
        ['s', 'p', 'P', `CREATE PROCEDURE s.p AS SELECT 1`],
      ]);
    },
  };
  const objects = await listScoringObjects(db);
  assert.equal(asked.length, 2, 'definitions under 4000 characters are taken as INFORMATION_SCHEMA gives them');
  assert.match(asked[1]!, /INFORMATION_SCHEMA\.VIEWS/);
  assert.deepEqual(
    objects.map((o) => [o.kind, o.name.name, o.modelTable.name, o.modelId]),
    [['view', 'v', 'M', 'a:2']],
  );
});

test('a definition INFORMATION_SCHEMA cut at 4000 characters is read whole with OBJECT_DEFINITION', async () => {
  const long = `CREATE VIEW s.v AS /* ${'x'.repeat(4100)} */ SELECT * FROM PREDICT(MODEL = (SELECT model FROM s.M WHERE ID = 'a:2'), DATA = d) WITH (x int) AS p`;
  const params: unknown[] = [];
  const db: CatalogRunner = {
    query: async (sql, p) => {
      if (sql.includes('sys.sql_modules')) throw new Error('no');
      if (sql.includes('OBJECT_DEFINITION')) {
        params.push(p?.[0]?.value);
        return result([[long]]);
      }
      return result([['s', 'v', 'V', long.slice(0, 4000)]]);
    },
  };
  const objects = await listScoringObjects(db);
  assert.deepEqual(params, ['[s].[v]']);
  assert.deepEqual(
    objects.map((o) => o.modelId),
    ['a:2'],
  );
});

test('when neither catalog answers, the error says both and what permission is needed', async () => {
  const db: CatalogRunner = {
    query: async () => {
      throw new Error('permission denied');
    },
  };
  await assert.rejects(listScoringObjects(db), /sys\.sql_modules: permission denied; INFORMATION_SCHEMA: permission denied.*VIEW DEFINITION/);
});
