// COPY INTO through tedious against the whole local pool: CSV and Parquet files under the import
// folder, each option and its documented default, conversion errors against the declared types
// (MAXERRORS, ERRORFILE), and the refusals that keep a SQL login inside the import folder.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'tedious';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { batch, connect } from '../tds/helpers.js';

const PASSWORD = 'Copy#Into-2026';

describe('COPY INTO', () => {
  let pool: LocalPool;
  let conn: Connection;
  let dir: string;
  let imports: string;
  let outside: string;

  const sql = (text: string) => batch(conn, text);
  const rows = async (text: string) => (await sql(text)).sets[0] ?? [];
  const fails = async (text: string, pattern: RegExp, number?: number): Promise<void> => {
    await assert.rejects(sql(text), (e: Error & { number?: number }) => {
      assert.match(e.message, pattern);
      if (number !== undefined) assert.equal(e.number, number);
      return true;
    });
  };
  const table = async (name: string, columns: string): Promise<void> => {
    await sql(`IF OBJECT_ID('${name}') IS NOT NULL DROP TABLE ${name}; CREATE TABLE ${name} (${columns})`);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'copy-into-'));
    imports = join(dir, 'data', 'import');
    outside = join(dir, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.csv'), '1,secret\n');
    pool = await startLocalPool({ password: PASSWORD, dataDir: join(dir, 'data'), seedCustomers: 0 });
    await mkdir(join(imports, 'sub'), { recursive: true });
    conn = await connect(pool, {}, PASSWORD);
    await sql('CREATE SCHEMA ld');
  });
  after(async () => {
    conn?.close();
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a CSV with the defaults (comma, double quote, \\r\\n or \\n, first row 1) and reports the row count', async () => {
    await table('ld.People', 'Id int NOT NULL, Name nvarchar(40), Score real, Born date');
    await writeFile(join(imports, 'people.csv'), '1,"Ann, the first",1.5,2001-02-03\r\n2,"Bob ""B""",,12/31/1999\n3,,-2,\r\n');
    const r = await sql(`COPY INTO ld.People FROM 'people.csv'`);
    assert.equal(r.rowCount, 3);
    assert.deepEqual(await rows('SELECT Id, Name, Score, CONVERT(varchar(10), Born, 23) FROM ld.People ORDER BY Id'), [
      [1, 'Ann, the first', 1.5, '2001-02-03'],
      [2, 'Bob "B"', null, '1999-12-31'],
      [3, null, -2, null],
    ]);
  });

  it('FIRSTROW, FIELDTERMINATOR, FIELDQUOTE, ROWTERMINATOR, and a column list with field numbers and DEFAULT', async () => {
    await table('ld.Opts', 'A int, B varchar(20), C varchar(20)');
    await writeFile(join(imports, 'opts.txt'), "header|x|y\n10|'p|q'|\n20||z\n");
    const r = await sql(`COPY INTO ld.Opts (C DEFAULT 'none' 2, A 1) FROM 'opts.txt'
      WITH (FILE_TYPE = 'CSV', FIRSTROW = 2, FIELDTERMINATOR = '|', FIELDQUOTE = '''', ROWTERMINATOR = '0x0A')`);
    assert.equal(r.rowCount, 2);
    assert.deepEqual(await rows('SELECT A, B, C FROM ld.Opts ORDER BY A'), [
      [10, null, 'p|q'],
      [20, null, 'none'],
    ]);
  });

  it('a tab terminator written as \\t, DATEFORMAT, ENCODING UTF16 and a gzip file (COMPRESSION from the extension)', async () => {
    await table('ld.Dates', 'D datetime2, N nvarchar(10)');
    await writeFile(
      join(imports, 'dates.tsv'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('31/12/2020 10:30:00\tété\n01/02/2021\tx\n', 'utf16le')]),
    );
    await sql(`COPY INTO ld.Dates FROM 'dates.tsv' WITH (FIELDTERMINATOR = '\\t', DATEFORMAT = 'dmy', ENCODING = 'UTF16')`);
    await writeFile(join(imports, 'more.csv.gz'), gzipSync('2022-03-04,gz\n'));
    await sql(`COPY INTO ld.Dates FROM 'more.csv.gz'`);
    assert.deepEqual(await rows('SELECT CONVERT(varchar(19), D, 120), N FROM ld.Dates ORDER BY D'), [
      ['2020-12-31 10:30:00', 'été'],
      ['2021-02-01 00:00:00', 'x'],
      ['2022-03-04 00:00:00', 'gz'],
    ]);
  });

  it('loads a Parquet file written by DuckDB, several locations and a folder', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const duck = await DuckDBInstance.create(':memory:');
    const c = await duck.connect();
    await c.run(`COPY (SELECT i AS k, 'n' || i AS name, i * 0.5 AS v FROM range(1, 1001) t(i)) TO '${join(imports, 'sub', 'part1.parquet')}' (FORMAT parquet)`);
    await c.run(
      `COPY (SELECT i AS k, NULL::VARCHAR AS name, 0.0 AS v FROM range(1001, 1003) t(i)) TO '${join(imports, 'sub', 'part2.parquet')}' (FORMAT parquet)`,
    );
    c.closeSync();
    duck.closeSync();
    await table('ld.Pq', 'K bigint NOT NULL, Name nvarchar(10), V float');
    const one = await sql(`COPY INTO ld.Pq FROM 'sub/part1.parquet' WITH (FILE_TYPE = 'PARQUET')`);
    assert.equal(one.rowCount, 1000);
    const folder = await sql(`COPY INTO ld.Pq FROM 'sub' WITH (FILE_TYPE = 'PARQUET')`);
    assert.equal(folder.rowCount, 1002);
    const two = await sql(`COPY INTO ld.Pq FROM 'sub/part2.parquet', '${join(imports, 'sub', 'part*.parquet')}' WITH (FILE_TYPE = 'PARQUET')`);
    assert.equal(two.rowCount, 1002, 'a file named twice is read once');
    assert.deepEqual(await rows('SELECT COUNT(*), CAST(SUM(K) AS varchar(20)), MAX(V) FROM ld.Pq'), [[3004, String(500_500 * 3 + (1001 + 1002) * 2), 500]]);
  });

  it('a value that does not fit the declared type fails the statement naming the file, row and column, and loads nothing', async () => {
    await table('ld.Typed', 'Id int NOT NULL, Qty smallint, Code char(3)');
    await writeFile(join(imports, 'typed.csv'), '1,5,abc\n2,70000,abd\n3,7,abcd\n4,x,abe\n,1,abf\n');
    await fails(
      `COPY INTO ld.Typed FROM 'typed.csv'`,
      /row 2, column 2 \(Qty\) in file '.*typed\.csv': '70000' is not a valid smallint\. 4 rows were rejected and MAXERRORS is 0.*the table is unchanged/,
      4864,
    );
    assert.deepEqual(await rows('SELECT COUNT(*) FROM ld.Typed'), [[0]]);
  });

  it('MAXERRORS lets rejected rows be skipped; ERRORFILE keeps them and their reasons under the import folder', async () => {
    const r = await sql(`COPY INTO ld.Typed FROM 'typed.csv' WITH (MAXERRORS = 4, ERRORFILE = 'rejects')`);
    assert.equal(r.rowCount, 1);
    assert.match(r.infos.join('\n'), /4 rows were rejected \(MAXERRORS is 4\)/);
    assert.deepEqual(await rows('SELECT Id, Qty, Code FROM ld.Typed'), [[1, 5, 'abc']]);
    const base = join(imports, 'rejects', '_rejectedrows');
    const [stamp] = await readdir(base);
    const files = (await readdir(join(base, stamp!))).sort();
    assert.equal(files.length, 2);
    const errorFile = files.find((f) => f.endsWith('.error.json'))!;
    const rowFile = files.find((f) => f.endsWith('.row.csv'))!;
    const reasons = (await readFile(join(base, stamp!, errorFile), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      reasons.map((x) => [x.row, x.column, x.error]),
      [
        [2, 'Qty', "'70000' is not a valid smallint"],
        [3, 'Code', "'abcd' is longer than char(3) allows"],
        [4, 'Qty', "'x' is not a valid smallint"],
        [5, 'Id', 'the column does not allow NULLs and the field is empty'],
      ],
    );
    assert.equal(await readFile(join(base, stamp!, rowFile), 'utf8'), '2,70000,abd\n3,7,abcd\n4,x,abe\n,1,abf\n');
    await fails(`COPY INTO ld.Typed FROM 'typed.csv' WITH (MAXERRORS = 3)`, /4 rows were rejected and MAXERRORS is 3/);
    assert.deepEqual(await rows('SELECT COUNT(*) FROM ld.Typed'), [[1]]);
  });

  it('inside a transaction the load rolls back with it', async () => {
    await table('ld.Tx', 'A int');
    await writeFile(join(imports, 'tx.csv'), '1\n2\n');
    await sql(`BEGIN TRAN; COPY INTO ld.Tx FROM 'tx.csv'; ROLLBACK`);
    assert.deepEqual(await rows('SELECT COUNT(*) FROM ld.Tx'), [[0]]);
  });

  it('identity columns follow IDENTITY_INSERT', async () => {
    await table('ld.Ident', 'Id int IDENTITY(100, 1) NOT NULL, Name varchar(10)');
    await writeFile(join(imports, 'names.csv'), 'a\nb\n');
    await writeFile(join(imports, 'ids.csv'), '7,c\n');
    await fails(`COPY INTO ld.Ident FROM 'names.csv'`, /identity column and IDENTITY_INSERT is 'OFF': give a column list/);
    await fails(`COPY INTO ld.Ident (Id, Name) FROM 'ids.csv'`, /'Id' is an identity column and IDENTITY_INSERT is 'OFF'/);
    await sql(`COPY INTO ld.Ident (Name) FROM 'names.csv'`);
    await sql(`COPY INTO ld.Ident (Id, Name) FROM 'ids.csv' WITH (IDENTITY_INSERT = 'ON')`);
    assert.deepEqual(await rows('SELECT Id, Name FROM ld.Ident ORDER BY Name'), [
      [100, 'a'],
      [101, 'b'],
      [7, 'c'],
    ]);
  });

  it('refuses options it does not run, unknown options, and CSV options on Parquet, naming the option', async () => {
    await fails(
      `COPY INTO ld.Tx FROM 'tx.csv' WITH (CREDENTIAL = (IDENTITY = 'Shared Access Signature', SECRET = 'x'))`,
      /does not support the COPY INTO option CREDENTIAL/,
      40517,
    );
    await fails(`COPY INTO ld.Tx FROM 'tx.csv' WITH (FILE_TYPE = 'ORC')`, /does not support FILE_TYPE = 'ORC'/, 40517);
    await fails(`COPY INTO ld.Tx FROM 'tx.csv' WITH (COLOR = 'red')`, /'COLOR' is not a COPY INTO option/);
    await fails(`COPY INTO ld.Tx FROM 'sub' WITH (FILE_TYPE = 'PARQUET', FIRSTROW = 2)`, /FIRSTROW applies to CSV files only/);
    await fails(`COPY INTO ld.Tx FROM 'tx.csv' WITH (MAXERRORS = -1)`, /Incorrect syntax|MAXERRORS/);
    await fails(`COPY INTO ld.Tx FROM 'tx.csv' WITH (AUTO_CREATE_TABLE = 'ON')`, /AUTO_CREATE_TABLE = 'ON' is available for Parquet files only/);
    await fails(`COPY INTO ld.Missing FROM 'tx.csv'`, /Invalid object name 'ld.Missing'/, 208);
    await fails(`COPY INTO ld.Tx (Nope) FROM 'tx.csv'`, /Invalid column name 'Nope'/, 207);
  });

  describe('security: only the import folder', () => {
    it('refuses .. , absolute paths outside, links leading out and URLs; nothing is read', async () => {
      await symlink(join(outside, 'secret.csv'), join(imports, 'link.csv'));
      await symlink(outside, join(imports, 'linkdir'));
      await table('ld.Sec', 'A int, B varchar(20)');
      await fails(`COPY INTO ld.Sec FROM '../../outside/secret.csv'`, /'\.\.' is not allowed/, 4861);
      await fails(`COPY INTO ld.Sec FROM 'sub/../../../outside/secret.csv'`, /'\.\.' is not allowed/, 4861);
      await fails(`COPY INTO ld.Sec FROM '${join(outside, 'secret.csv')}'`, /outside the import folder/, 4861);
      await fails(`COPY INTO ld.Sec FROM '/etc/passwd'`, /outside the import folder/, 4861);
      await fails(`COPY INTO ld.Sec FROM 'link.csv'`, /a link that leads out of the import folder/, 4861);
      await fails(`COPY INTO ld.Sec FROM 'linkdir/secret.csv'`, /a link that leads out of the import folder/, 4861);
      await fails(`COPY INTO ld.Sec FROM 'linkdir'`, /a link that leads out of the import folder/, 4861);
      await fails(`COPY INTO ld.Sec FROM 'link*'`, /a link that leads out of the import folder/, 4861);
      for (const url of [
        'https://example.com/x.csv',
        'http://127.0.0.1/x.csv',
        's3://bucket/x.csv',
        'azure://c/x.csv',
        'abfss://c@a.dfs.core.windows.net/x.csv',
        'file:///etc/passwd',
      ]) {
        await fails(`COPY INTO ld.Sec FROM '${url}'`, /URLs are not allowed.*--allow-url-import/, 4861);
      }
      await fails(`COPY INTO ld.Sec FROM 'tx.csv' WITH (ERRORFILE = '../outside')`, /'\.\.' is not allowed/, 4861);
      await fails(`COPY INTO ld.Sec FROM 'tx.csv' WITH (ERRORFILE = 'linkdir')`, /a link that leads out/, 4861);
      await fails(`COPY INTO ld.Sec FROM 'nothere.csv'`, /does not exist in the import folder/, 4860);
      assert.deepEqual(await rows('SELECT COUNT(*) FROM ld.Sec'), [[0]]);
    });

    it('accepts a full path inside the import folder', async () => {
      const r = await sql(`COPY INTO ld.Sec (A) FROM '${join(imports, 'tx.csv')}'`);
      assert.equal(r.rowCount, 2);
    });

    it('other T-SQL cannot reach DuckDB file functions: names stay names, unknown functions are refused', async () => {
      await fails(`SELECT * FROM [read_csv('/etc/passwd')]`, /Invalid object name/, 208);
      await fails(`SELECT * FROM "read_text('/etc/passwd')"`, /Invalid object name/, 208);
      await fails(`SELECT read_text('/etc/passwd')`, /not a recognized built-in function name/, 195);
      await fails(`SELECT * FROM read_csv('/etc/passwd')`, /./);
      await fails(`SELECT * FROM glob('/*')`, /./);
    });
  });
});
