/**
 * The explorer's catalog pages through tedious against the local pool: a schema of many tables and
 * views read page by page gives every object once, tables first, in the order a single query gives;
 * a table of 1 000 columns gives every column once with its declared type, in declaration order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { SqlConnection } from '../../../src/sql/client/connection.js';
import { quoteName, quoteObjectName } from '../../../src/sql/names.js';
import {
  listColumns,
  listColumnsPage,
  listObjects,
  listObjectsPage,
  type CatalogColumn,
  type CatalogObject,
  type ObjectCursor,
} from '../../../src/sql/catalog.js';

const PASSWORD = 'Catalog-Paging-Pw-1';
const TABLES = 1_200;
const COLUMNS = 1_000;
const TYPES = ['int', 'nvarchar(40)', 'decimal(18,4)', 'float', 'datetime2(3)'];
let pool: LocalPool;
let conn: SqlConnection;

before(async () => {
  pool = await startLocalPool({ port: 0, password: PASSWORD, seedCustomers: 0 });
  conn = await SqlConnection.open({
    server: pool.host,
    port: pool.port,
    database: 'SQLPool01',
    authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
    ...(pool.caCertPem ? { encrypt: 'strict' as const, caCertPem: pool.caCertPem } : { encrypt: 'optional' as const }),
  });
  await conn.execute('CREATE SCHEMA [wide]');
  for (let i = 0; i < TABLES; i += 400) {
    const batch: string[] = [];
    for (let k = i; k < Math.min(TABLES, i + 400); k++) batch.push(`CREATE TABLE [wide].[T${String(k).padStart(5, '0')}] ([id] int NOT NULL)`);
    await conn.execute(batch.join(';\n'));
  }
  await conn.execute('CREATE VIEW [wide].[A first view] AS SELECT 1 AS [x]');
  await conn.execute('CREATE VIEW [wide].[Z last view] AS SELECT 1 AS [x]');
  const cols = Array.from({ length: COLUMNS }, (_, k) => `[c${k}] ${TYPES[k % TYPES.length]}${k === 0 ? ' NOT NULL' : ' NULL'}`);
  await conn.execute(`CREATE TABLE [dbo].[Wide] (${cols.join(', ')})`);
});
after(async () => {
  await conn?.close();
  await pool?.close();
});

test(`a schema of ${TABLES} tables and 2 views, page by page: every object once, tables first, views last`, async () => {
  const all: CatalogObject[] = [];
  let after: ObjectCursor | undefined;
  let pages = 0;
  do {
    const page = await listObjectsPage(conn, 'wide', { limit: 250, after });
    assert.ok(page.objects.length <= 250);
    all.push(...page.objects);
    after = page.next;
    pages++;
  } while (after);
  assert.equal(pages, Math.ceil((TABLES + 2) / 250));
  assert.equal(all.length, TABLES + 2);
  assert.equal(new Set(all.map((o) => o.name)).size, TABLES + 2);
  assert.deepEqual(
    all.slice(0, 2).map((o) => [o.name, o.kind]),
    [
      ['T00000', 'table'],
      ['T00001', 'table'],
    ],
  );
  assert.deepEqual(
    all.slice(-3).map((o) => [o.name, o.kind]),
    [
      [`T0${TABLES - 1}`, 'table'],
      ['A first view', 'view'],
      ['Z last view', 'view'],
    ],
  );
  // The same objects as the one-query list.
  const whole = await listObjects(conn, 'wide');
  assert.deepEqual(new Set(whole.map((o) => `${o.kind}:${o.name}`)), new Set(all.map((o) => `${o.kind}:${o.name}`)));
});

test(`a table of ${COLUMNS} columns, page by page and whole: every column once, in order, with its declared type`, async () => {
  const paged: CatalogColumn[] = [];
  let afterOrdinal: number | undefined;
  do {
    const page = await listColumnsPage(conn, { schema: 'dbo', name: 'Wide' }, { limit: 200, afterOrdinal });
    paged.push(...page.columns);
    afterOrdinal = page.next;
  } while (afterOrdinal !== undefined);
  const whole = await listColumns(conn, { schema: 'dbo', name: 'Wide' });
  for (const cols of [paged, whole]) {
    assert.equal(cols.length, COLUMNS);
    assert.deepEqual(
      cols.map((c) => c.ordinal),
      Array.from({ length: COLUMNS }, (_, k) => k + 1),
    );
    assert.deepEqual(
      cols.slice(0, 5).map((c) => [c.name, c.typeText, c.nullable]),
      [
        ['c0', 'int', false],
        ['c1', 'nvarchar(40)', true],
        ['c2', 'decimal(18,4)', true],
        ['c3', 'float', true],
        ['c4', 'datetime2(3)', true],
      ],
    );
    assert.deepEqual(cols[COLUMNS - 1]!.name, `c${COLUMNS - 1}`);
  }
  await assert.rejects(listColumnsPage(conn, { schema: 'dbo', name: 'NoSuchTable' }, { limit: 200 }), /does not exist/);
});

test('columns: every declared type reads back as declared, under hostile names', async () => {
  const declared = [
    'tinyint',
    'smallint',
    'int',
    'bigint',
    'bit',
    'real',
    'float',
    'decimal(38,10)',
    'numeric(5,0)',
    'money',
    'date',
    'datetime',
    'datetime2(7)',
    'datetime2(0)',
    'time(3)',
    'char(3)',
    'varchar(100)',
    'varchar(max)',
    'nchar(2)',
    'nvarchar(4000)',
    'nvarchar(max)',
    'binary(16)',
    'varbinary(8000)',
    'varbinary(max)',
    'uniqueidentifier',
  ];
  const table = { schema: "it's ] a", name: 'all [types]' };
  await conn.execute(`CREATE SCHEMA ${quoteName(table.schema)}`);
  await conn.execute(`CREATE TABLE ${quoteObjectName(table)} (${declared.map((t, i) => `[c${i}] ${t} NULL`).join(', ')})`);
  const cols = await listColumns(conn, table);
  assert.deepEqual(
    cols.map((c) => c.typeText),
    declared,
  );
  assert.ok(cols.every((c) => c.nullable && !c.isKey));
});
