import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  listSchemas,
  listObjects,
  listColumns,
  objectExists,
  findModelTables,
  serverInfo,
  informationSchemaTypeText,
  CatalogError,
  type CatalogRunner,
} from '../../../src/sql/catalog.js';
import type { QueryResult, SqlCell, SqlParameter } from '../../../src/sql/client/connection.js';

/** A catalog held in memory, answering the INFORMATION_SCHEMA queries the way a server would. */
interface FakeColumn {
  name: string;
  dataType: string;
  maxLength?: number;
  precision?: number;
  scale?: number;
  dtPrecision?: number;
  nullable: boolean;
  key?: boolean;
}
interface FakeTable {
  schema: string;
  name: string;
  type: 'BASE TABLE' | 'VIEW';
  columns: FakeColumn[];
}

function fakeServer(tables: FakeTable[], opts: { schemas?: string[]; procedures?: [string, string][]; keysFail?: boolean; keysErrorNumber?: number } = {}) {
  const seen: { sql: string; params: Record<string, SqlCell> }[] = [];
  const result = (names: string[], rows: SqlCell[][]): QueryResult => ({
    resultSets: [{ columns: names.map((n) => ({ name: n, type: 'nvarchar(128)', nullable: true })), rows, truncated: false, rowCount: rows.length }],
    messages: [],
    rowCounts: [rows.length],
  });
  const runner: CatalogRunner = {
    async query(sql: string, params: readonly SqlParameter[] = []) {
      const p: Record<string, SqlCell> = {};
      for (const x of params) p[x.name] = x.value as SqlCell;
      seen.push({ sql, params: p });
      if (/FROM INFORMATION_SCHEMA\.SCHEMATA/.test(sql)) {
        const names = opts.schemas ?? [...new Set(tables.map((t) => t.schema))];
        return result(
          ['SCHEMA_NAME'],
          names.map((n) => [n]),
        );
      }
      // The object named as OBJECT_ID's argument: its quoted two-part name.
      const named = typeof p.object === 'string' ? /^\[(.*)\]\.\[(.*)\]$/.exec(p.object) : null;
      const object = named ? tables.find((x) => x.schema === named[1] && x.name === named[2]) : undefined;
      if (/FROM sys\.indexes/.test(sql)) {
        if (opts.keysFail) throw Object.assign(new Error("Invalid object name 'sys.indexes'."), { number: opts.keysErrorNumber ?? 208 });
        return result(
          ['name'],
          (object?.columns ?? []).filter((c) => c.key).map((c) => [c.name]),
        );
      }
      if (/SELECT c\.TABLE_SCHEMA, c\.TABLE_NAME FROM INFORMATION_SCHEMA\.COLUMNS/.test(sql)) {
        const rows: SqlCell[][] = [];
        for (const t of tables) {
          if (t.type !== 'BASE TABLE') continue;
          for (const c of t.columns) if (c.dataType === 'varbinary' && c.maxLength === -1) rows.push([t.schema, t.name]);
        }
        return result(['TABLE_SCHEMA', 'TABLE_NAME'], rows);
      }
      if (/FROM sys\.columns AS c JOIN sys\.types AS own .* WHERE c\.object_id = OBJECT_ID\(@object\)/.test(sql)) {
        // As sys.columns says it: lengths in bytes (-1 = max), fractional digits as the scale of date/time types.
        const rows = (object?.columns ?? []).map((c, i) => {
          const bytes = c.maxLength === undefined || c.maxLength === -1 ? (c.maxLength ?? 4) : /^n(var)?char$/.test(c.dataType) ? c.maxLength * 2 : c.maxLength;
          const scale = c.dtPrecision ?? c.scale ?? 0;
          return [c.name, i + 1, c.dataType, bytes, c.precision ?? 0, scale, c.nullable];
        });
        return result(['name', 'column_id', 'type_name', 'max_length', 'precision', 'scale', 'is_nullable'], rows);
      }
      if (/SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA\.TABLES WHERE TABLE_SCHEMA = @schema/.test(sql)) {
        return result(
          ['TABLE_NAME', 'TABLE_TYPE'],
          tables.filter((t) => t.schema === p.schema).map((t) => [t.name, t.type]),
        );
      }
      if (/SELECT TABLE_TYPE FROM INFORMATION_SCHEMA\.TABLES/.test(sql)) {
        return result(
          ['TABLE_TYPE'],
          tables.filter((t) => t.schema === p.schema && t.name === p.name).map((t) => [t.type]),
        );
      }
      if (/INFORMATION_SCHEMA\.ROUTINES/.test(sql)) {
        return result(
          ['ROUTINE_TYPE'],
          (opts.procedures ?? []).filter(([s, n]) => s === p.schema && n === p.name).map(() => ['PROCEDURE']),
        );
      }
      if (/SERVERPROPERTY/.test(sql)) return result(['engine_edition', 'product_version', 'database_name'], [[6, '10.0.15665.0', 'SQLPool01']]);
      throw new Error(`unexpected query: ${sql}`);
    },
  };
  return { runner, seen };
}

const customerTest: FakeTable = {
  schema: 'wwi_ml',
  name: 'CustomerTest',
  type: 'BASE TABLE',
  columns: [
    { name: 'CustomerId', dataType: 'int', precision: 10, scale: 0, nullable: false, key: true },
    { name: 'Cost', dataType: 'decimal', precision: 18, scale: 4, nullable: true },
    { name: 'Name', dataType: 'nvarchar', maxLength: 30, nullable: true },
    { name: 'Price', dataType: 'float', precision: 53, nullable: true },
    { name: 'Loaded', dataType: 'datetime2', dtPrecision: 3, nullable: true },
    { name: 'Shape', dataType: 'geography', nullable: true },
  ],
};
const amlModel: FakeTable = {
  schema: 'wwi_ml',
  name: 'AMLModel',
  type: 'BASE TABLE',
  columns: [
    { name: 'ID', dataType: 'nvarchar', maxLength: 1024, nullable: false },
    { name: 'model', dataType: 'varbinary', maxLength: -1, nullable: true },
  ],
};
const prediction: FakeTable = {
  schema: 'wwi_ml',
  name: 'CustomerPrediction',
  type: 'VIEW',
  columns: [{ name: 'model', dataType: 'varbinary', maxLength: -1, nullable: true }],
};
const dboT: FakeTable = { schema: 'dbo', name: 't', type: 'BASE TABLE', columns: [{ name: 'x', dataType: 'int', nullable: true }] };

test('schemas: system schemas are left out, the rest sorted', async () => {
  const { runner } = fakeServer([], { schemas: ['wwi_ml', 'db_owner', 'dbo', 'sys', 'INFORMATION_SCHEMA', 'guest', 'db_datareader', 'Sales'] });
  assert.deepEqual(await listSchemas(runner), ['dbo', 'Sales', 'wwi_ml']);
});

test('objects of a schema: tables and views by name, the schema passed as a parameter', async () => {
  const { runner, seen } = fakeServer([customerTest, amlModel, prediction, dboT]);
  assert.deepEqual(await listObjects(runner, 'wwi_ml'), [
    { schema: 'wwi_ml', name: 'AMLModel', kind: 'table' },
    { schema: 'wwi_ml', name: 'CustomerPrediction', kind: 'view' },
    { schema: 'wwi_ml', name: 'CustomerTest', kind: 'table' },
  ]);
  assert.equal(seen[0]!.params.schema, 'wwi_ml');
  assert.doesNotMatch(seen[0]!.sql, /wwi_ml/, 'names never go into the SQL text');
});

test('columns: declared types parsed, nullability, key columns, unknown types kept as text', async () => {
  const { runner } = fakeServer([customerTest]);
  const cols = await listColumns(runner, { schema: 'wwi_ml', name: 'CustomerTest' });
  assert.deepEqual(
    cols.map((c) => [c.name, c.typeText, c.type, c.nullable, c.isKey]),
    [
      ['CustomerId', 'int', { name: 'int' }, false, true],
      ['Cost', 'decimal(18,4)', { name: 'decimal', precision: 18, scale: 4 }, true, false],
      ['Name', 'nvarchar(30)', { name: 'nvarchar', length: 30 }, true, false],
      ['Price', 'float', { name: 'float' }, true, false],
      ['Loaded', 'datetime2(3)', { name: 'datetime2', scale: 3 }, true, false],
      ['Shape', 'geography', undefined, true, false],
    ],
  );
});

test('columns: a server without key-constraint views still lists the columns', async () => {
  const { runner } = fakeServer([customerTest], { keysFail: true });
  const cols = await listColumns(runner, { schema: 'wwi_ml', name: 'CustomerTest' });
  assert.equal(cols.length, 6);
  assert.ok(cols.every((c) => !c.isKey));
});

test('columns: a server without key-constraint views is not asked for keys again; other failures are', async () => {
  const keyQueries = (seen: { sql: string }[]) => seen.filter((q) => /sys\.indexes/.test(q.sql)).length;
  const missing = fakeServer([customerTest], { keysFail: true });
  for (let i = 0; i < 3; i++) assert.equal((await listColumns(missing.runner, { schema: 'wwi_ml', name: 'CustomerTest' })).length, 6);
  assert.equal(keyQueries(missing.seen), 1);
  // A timeout or a lost connection says nothing about the views: the next listing asks again.
  const flaky = fakeServer([customerTest], { keysFail: true, keysErrorNumber: -2 });
  for (let i = 0; i < 2; i++) await listColumns(flaky.runner, { schema: 'wwi_ml', name: 'CustomerTest' });
  assert.equal(keyQueries(flaky.seen), 2);
});

test('columns of a missing table: an error that says what to do', async () => {
  const { runner } = fakeServer([customerTest]);
  await assert.rejects(
    listColumns(runner, { schema: 'wwi_ml', name: 'Nope' }),
    (e: unknown) =>
      e instanceof CatalogError && e.message === 'The table or view wwi_ml.Nope does not exist, or you have no permission to see it. Refresh the explorer.',
  );
});

test('objectExists: table, view, procedure or nothing; default schema dbo; bracketed names', async () => {
  const { runner } = fakeServer([customerTest, prediction, dboT], { procedures: [['wwi_ml', 'Score']] });
  assert.equal(await objectExists(runner, 'wwi_ml.CustomerTest'), 'table');
  assert.equal(await objectExists(runner, '[wwi_ml].[CustomerPrediction]'), 'view');
  assert.equal(await objectExists(runner, { schema: 'wwi_ml', name: 'Score' }), 'procedure');
  assert.equal(await objectExists(runner, 't'), 'table');
  assert.equal(await objectExists(runner, 'wwi_ml.Missing'), undefined);
});

test('model tables: base tables with a varbinary(max) column, with their columns; views left out', async () => {
  const { runner } = fakeServer([customerTest, amlModel, prediction, dboT]);
  const found = await findModelTables(runner);
  assert.deepEqual(
    found.map((f) => `${f.table.schema}.${f.table.name}`),
    ['wwi_ml.AMLModel'],
  );
  assert.deepEqual(
    found[0]!.columns.map((c) => c.typeText),
    ['nvarchar(1024)', 'varbinary(max)'],
  );
});

test('server info maps the engine edition to the PREDICT dialect', async () => {
  const { runner } = fakeServer([]);
  assert.deepEqual(await serverInfo(runner), { engineEdition: 6, productVersion: '10.0.15665.0', database: 'SQLPool01', predictTarget: 'synapse-dedicated' });
});

test('INFORMATION_SCHEMA type text: lengths, max, precision and fractional seconds', () => {
  assert.equal(informationSchemaTypeText({ dataType: 'NVARCHAR', maxLength: -1 }), 'nvarchar(max)');
  assert.equal(informationSchemaTypeText({ dataType: 'varbinary', maxLength: 8000 }), 'varbinary(8000)');
  assert.equal(informationSchemaTypeText({ dataType: 'numeric', precision: 10, scale: 2 }), 'numeric(10,2)');
  assert.equal(informationSchemaTypeText({ dataType: 'time' }), 'time(7)');
  assert.equal(informationSchemaTypeText({ dataType: 'bigint', precision: 19, scale: 0 }), 'bigint');
});
