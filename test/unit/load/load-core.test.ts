// The Load data core without a server: DuckDB reads a CSV and a Parquet file into columns with
// suggested SQL types and streams their rows in the shape tedious sends; plans for a new and an
// existing table, their checks, and the CREATE TABLE they write.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dataFileKind, inspectDataFile, readDataRows, sqlTypeForDuck, type BulkValue } from '../../../src/load/file.js';
import { columnType, createTableSql, planExistingTable, planNewTable, planProblems } from '../../../src/load/plan.js';
import { displaySqlType } from '../../../src/sql/types.js';

describe('Load data: reading files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-core-'));
    await writeFile(join(dir, 'customers.csv'), 'CustomerKey,Name,Cost,Joined,Active\n1,Ann,1.5,2020-01-02,true\n2,"Bob, Jr.",2.25,2021-03-04,false\n3,,,,\n');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const duck = await DuckDBInstance.create(':memory:');
    const c = await duck.connect();
    await c.run(`COPY (SELECT i::INTEGER AS k, i::BIGINT * 10000000000 AS big, (i / 4)::DECIMAL(10,2) AS price, 'x' || i AS label, TIMESTAMP '2024-01-01 10:00:00' + INTERVAL (i) MINUTE AS at
      FROM range(0, 5000) t(i)) TO '${join(dir, 'big.parquet')}' (FORMAT parquet)`);
    c.closeSync();
    duck.closeSync();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('knows CSV and Parquet files by their extension', () => {
    assert.equal(dataFileKind('/a/b.CSV'), 'csv');
    assert.equal(dataFileKind('b.csv.gz'), 'csv');
    assert.equal(dataFileKind('b.parquet'), 'parquet');
    assert.equal(dataFileKind('b.xlsx'), undefined);
  });

  it('a CSV: header names, inferred types, string lengths rounded up, row count', async () => {
    const f = await inspectDataFile(join(dir, 'customers.csv'));
    assert.equal(f.rowCount, 3);
    assert.deepEqual(
      f.columns.map((c) => [c.name, displaySqlType(c.suggested)]),
      [
        ['CustomerKey', 'bigint'],
        ['Name', 'nvarchar(10)'],
        ['Cost', 'float'],
        ['Joined', 'date'],
        ['Active', 'bit'],
      ],
    );
    const rows: BulkValue[][] = [];
    for await (const r of readDataRows(
      f,
      f.columns.map((c) => ({ source: c.name, type: c.suggested })),
    ))
      rows.push(r);
    assert.deepEqual(rows, [
      [1n, 'Ann', 1.5, new Date(Date.UTC(2020, 0, 2)), true],
      [2n, 'Bob, Jr.', 2.25, new Date(Date.UTC(2021, 2, 4)), false],
      [3n, null, null, null, null],
    ]);
  });

  it('a Parquet file: its schema types, rows streamed in order and converted to the chosen types', async () => {
    const f = await inspectDataFile(join(dir, 'big.parquet'));
    assert.equal(f.rowCount, 5000);
    assert.deepEqual(
      f.columns.map((c) => displaySqlType(c.suggested)),
      ['int', 'bigint', 'decimal(10,2)', 'nvarchar(10)', 'datetime2(7)'],
    );
    let n = 0;
    let last: BulkValue[] = [];
    for await (const r of readDataRows(f, [
      { source: 'k', type: { name: 'int' } },
      { source: 'big', type: { name: 'bigint' } },
      { source: 'price', type: { name: 'decimal', precision: 10, scale: 2 } },
      { source: 'label', type: { name: 'varchar', length: 20 } },
      { source: 'at', type: { name: 'datetime2', scale: 7 } },
    ])) {
      assert.equal(r[0], n);
      n++;
      last = r;
    }
    assert.equal(n, 5000);
    assert.deepEqual(last, [4999, 49990000000000n, 1249.75, 'x4999', new Date(Date.UTC(2024, 0, 4, 21, 19))]);
  });

  it('a file that is not CSV or Parquet, or does not parse, fails with the file named', async () => {
    await assert.rejects(inspectDataFile(join(dir, 'x.xlsx')), /x\.xlsx is not a CSV or Parquet file/);
    await writeFile(join(dir, 'bad.parquet'), 'not parquet');
    await assert.rejects(inspectDataFile(join(dir, 'bad.parquet')), /Could not read .*bad\.parquet as Parquet/);
  });

  it('maps DuckDB types to SQL types', () => {
    assert.deepEqual(
      ['BOOLEAN', 'UTINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL(18,3)', 'DATE', 'TIMESTAMP', 'UUID', 'BLOB'].map((t) =>
        displaySqlType(sqlTypeForDuck(t)),
      ),
      [
        'bit',
        'tinyint',
        'smallint',
        'int',
        'bigint',
        'decimal(38,0)',
        'real',
        'float',
        'decimal(18,3)',
        'date',
        'datetime2(7)',
        'uniqueidentifier',
        'varbinary(max)',
      ],
    );
    assert.equal(displaySqlType(sqlTypeForDuck('VARCHAR', 4001)), 'nvarchar(max)');
    assert.equal(displaySqlType(sqlTypeForDuck('VARCHAR', 0)), 'nvarchar(10)');
  });
});

describe('Load data: plans', () => {
  const file = {
    path: '/data/c.csv',
    kind: 'csv' as const,
    rowCount: 2,
    columns: [
      { name: 'CustomerKey', duckType: 'BIGINT', suggested: { name: 'bigint' } },
      { name: 'Odd]Name', duckType: 'VARCHAR', suggested: { name: 'nvarchar', length: 20 } },
      { name: 'Extra', duckType: 'DOUBLE', suggested: { name: 'float' } },
    ],
  };

  it('a new table: one column per file column, names quoted in the CREATE TABLE', () => {
    const plan = planNewTable(file, { schema: 'wwi_ml', name: 'New]Customers' });
    assert.deepEqual(planProblems(plan), []);
    assert.equal(
      createTableSql(plan),
      'CREATE TABLE [wwi_ml].[New]]Customers] (\n  [CustomerKey] [bigint] NULL,\n  [Odd]]Name] [nvarchar](20) NULL,\n  [Extra] [float] NULL\n)',
    );
  });

  it('an existing table: columns matched by name, whatever the case; the rest reported', () => {
    const m = planExistingTable(file, { schema: 'dbo', name: 'T' }, [
      { name: 'customerkey', ordinal: 1, typeText: 'int', type: { name: 'int' }, nullable: false, isKey: true },
      { name: 'Other', ordinal: 2, typeText: 'real', type: { name: 'real' }, nullable: true, isKey: false },
    ]);
    assert.deepEqual(m.plan.columns, [{ source: 'CustomerKey', name: 'customerkey', type: { name: 'int' } }]);
    assert.deepEqual(m.unmatchedFile, ['Odd]Name', 'Extra']);
    assert.deepEqual(m.unmatchedTable, ['Other']);
  });

  it('checks names, duplicates and types', () => {
    const plan = planNewTable(file, { schema: 'dbo', name: '' });
    const bad = { ...plan, columns: [...plan.columns, { source: 'Extra', name: 'extra', type: { name: 'int' } }] };
    const problems = planProblems(bad);
    assert.match(problems.join('\n'), /Table name: /);
    assert.match(problems.join('\n'), /Column 'extra' appears twice/);
    assert.deepEqual(columnType('nvarchar(30)'), { name: 'nvarchar', length: 30 });
    assert.throws(() => columnType('geography'), /geography/);
    assert.throws(() => columnType('nvarchar(30'), /./);
  });
});
