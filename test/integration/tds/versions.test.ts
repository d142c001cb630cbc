/**
 * Every TDS version from 7.0 to 7.4, through the local pool's real engine: FreeTDS tsql with
 * TDSVER=7.0 … 7.4 and tedious with tdsVersion 7_1 … 7_4, each running typed queries, a
 * parameterised query, an error and a PREDICT, and seeing the types its version has.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Connection, Request, TYPES } from 'tedious';
import type { Engine } from '../../../src/localpool/engine/api.js';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import { startTdsServer, type TdsServer } from '../../../src/localpool/tds/server.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { LAB_INPUT_CTE } from '../../support/lab-sql.js';
import { insertModel, ok, open } from '../engine/helpers.js';
import { PASSWORD } from './helpers.js';

const hasTsql = spawnSync('tsql', ['-C'], { encoding: 'utf8' }).status === 0;
const CUSTOMERS = 30;
const PREDICT_SQL = `${LAB_INPUT_CTE}
SELECT TOP 5 [CustomerKey], [label_out] FROM PREDICT (MODEL = (SELECT [model] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'aml-synapse-classifier:2'),
  DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p`;

const TYPED_SQL = `SELECT CAST(42 AS int) AS i, CAST(9000000000 AS bigint) AS bi, CAST(1.5 AS real) AS r, CAST(2.25 AS float) AS f,
  CAST(12.34 AS decimal(10,2)) AS dec, N'hello' AS nv, CAST(0x0A0B AS varbinary(10)) AS vb, CAST(1 AS bit) AS bt,
  CAST('2024-01-02 03:04:05.5' AS datetime2(1)) AS dt2, CAST('2024-05-06' AS date) AS d, CAST('2024-01-02 03:04:05' AS datetime) AS dt,
  CAST(N'long text' AS nvarchar(max)) AS nm, CAST('plain' AS varchar(max)) AS vm, CAST(0x0102 AS varbinary(max)) AS bm,
  CAST(NULL AS nvarchar(max)) AS nmNull, CAST(NULL AS int) AS iNull, CAST(NULL AS datetime2) AS dt2Null`;

/** Runs tsql with `script` on stdin, speaking TDS `version` without encryption. */
function tsql(port: number, version: string, script: string): Promise<{ stdout: string; all: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('tsql', ['-H', '127.0.0.1', '-p', String(port), '-U', 'sa', '-P', PASSWORD, '-o', 'v'], {
      env: { ...process.env, TDSVER: version, FREETDSCONF: '/dev/null' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stdout, all: stdout + stderr });
    });
    child.stdin.end(script);
  });
}

/** The tab-separated lines tsql printed after the header line `header` (which follows its prompts). */
function rowsAfter(stdout: string, header: string, count: number): string[][] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.endsWith(`> ${header}`));
  assert.ok(at >= 0, `no result with header ${header} in:\n${stdout}`);
  return lines.slice(at + 1, at + 1 + count).map((l) => l.split('\t'));
}

function connectAs(port: number, tdsVersion: string): Promise<Connection> {
  const conn = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: 'sa', password: PASSWORD } },
    options: { port, encrypt: false, tdsVersion, connectTimeout: 15_000, database: 'SQLPool01' },
  });
  return new Promise((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve(conn))));
}

interface Cell {
  readonly type: string;
  readonly value: unknown;
}

function query(conn: Connection, sql: string, params: [string, unknown, unknown][] = [], mode: 'rpc' | 'batch' = 'rpc'): Promise<Cell[][]> {
  return new Promise((resolve, reject) => {
    const rows: Cell[][] = [];
    const r = new Request(sql, (e) => (e ? reject(e) : resolve(rows)));
    for (const [name, type, value] of params) r.addParameter(name, type as never, value);
    r.on('row', (cols) =>
      rows.push((cols as { metadata: { type: { name: string } }; value: unknown }[]).map((c) => ({ type: c.metadata.type.name, value: c.value }))),
    );
    if (mode === 'batch') conn.execSqlBatch(r);
    else conn.execSql(r);
  });
}

describe('TDS server: every client version from 7.0 to 7.4', () => {
  let engine: Engine;
  let server: TdsServer;
  let expectedLabels: string[];
  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: CUSTOMERS });
    const s = await open(engine);
    await insertModel(s, 'aml-synapse-classifier:2', buildSampleModel('tree-classifier').onnx);
    const o = await ok(s, PREDICT_SQL);
    expectedLabels = o.resultSets[0]!.rows.map((r) => `${String(r[0])}:${String(r[1])}`);
    assert.equal(expectedLabels.length, 5);
    await s.close();
    server = await startTdsServer({ engine, password: PASSWORD });
  });
  after(async () => {
    await server.close();
    await engine.close();
  });

  for (const version of ['7.0', '7.1', '7.2', '7.3', '7.4']) {
    const hasDateTypes = version >= '7.3';
    it(
      `FreeTDS tsql with TDSVER=${version}: typed rows, sp_executesql, an error and PREDICT`,
      { skip: hasTsql ? false : 'FreeTDS tsql is not installed (Debian package freetds-bin)' },
      async () => {
        const r = await tsql(
          server.port,
          version,
          `${TYPED_SQL}\ngo\nEXEC sp_executesql N'SELECT @x + 1 AS y, @s AS s', N'@x int, @s nvarchar(20)', @x = 41, @s = N'param'\ngo\n` +
            `SELECT * FROM dbo.NoSuchTable\ngo\n${PREDICT_SQL}\ngo\nexit\n`,
        );
        // The version the pool answered with is the one asked for (FreeTDS takes the server's).
        assert.match(r.all, new RegExp(`using TDS version ${version.replace('.', '\\.')}`));
        assert.doesNotMatch(r.all, /using TDS version (?!7\.\d)/);
        const [typed] = rowsAfter(r.stdout, 'i\tbi\tr\tf\tdec\tnv\tvb\tbt\tdt2\td\tdt\tnm\tvm\tbm\tnmNull\tiNull\tdt2Null', 1);
        const dates = hasDateTypes
          ? ['Jan  2 2024 03:04AM', 'May  6 2024 12:00AM']
          : // No date types before 7.3: SQL Server's text form instead.
            ['2024-01-02 03:04:05.5', '2024-05-06'];
        assert.deepEqual(typed, [
          '42',
          '9000000000',
          '1.5',
          '2.25',
          '12.34',
          'hello',
          '0a0b',
          '1',
          ...dates,
          'Jan  2 2024 03:04AM',
          'long text',
          'plain',
          '0102',
          'NULL',
          'NULL',
          'NULL',
        ]);
        assert.deepEqual(rowsAfter(r.stdout, 'y\ts', 1), [['42', 'param']]);
        assert.match(r.all, /Msg 208 \(severity 16, state 1\) from localpool Line 1:\s+"Invalid object name 'dbo.NoSuchTable'."/);
        const labels = rowsAfter(r.stdout, 'CustomerKey\tlabel_out', 5).map(([k, l]) => `${k}:${l}`);
        assert.deepEqual(labels, expectedLabels);
      },
    );
  }

  for (const tdsVersion of ['7_1', '7_2', '7_3_A', '7_3_B', '7_4']) {
    const hasDateTypes = tdsVersion >= '7_3';
    const hasPlp = tdsVersion >= '7_2';
    it(`tedious with tdsVersion ${tdsVersion}: typed rows, parameters, a transaction, an error and PREDICT`, async () => {
      const conn = await connectAs(server.port, tdsVersion);
      try {
        const [typed] = await query(conn, TYPED_SQL, [], 'batch');
        const byName = (i: number): Cell => typed![i]!;
        assert.deepEqual(
          typed!.slice(0, 8).map((c) => c.value),
          [42, '9000000000', 1.5, 2.25, 12.34, 'hello', Buffer.from([0x0a, 0x0b]), true],
        );
        if (hasDateTypes) {
          assert.deepEqual([byName(8).type, byName(9).type], ['DateTime2', 'Date']);
          assert.equal((byName(8).value as Date).toISOString(), '2024-01-02T03:04:05.500Z');
        } else {
          assert.deepEqual(
            [byName(8), byName(9)],
            [
              { type: 'NVarChar', value: '2024-01-02 03:04:05.5' },
              { type: 'NVarChar', value: '2024-05-06' },
            ],
          );
        }
        assert.equal((byName(10).value as Date).toISOString(), '2024-01-02T03:04:05.000Z');
        // (max) columns: PLP from 7.2, the legacy long types before.
        assert.deepEqual(
          typed!.slice(11, 15).map((c) => c.type),
          hasPlp ? ['NVarChar', 'VarChar', 'VarBinary', 'NVarChar'] : ['NText', 'Text', 'Image', 'NText'],
        );
        assert.deepEqual(
          typed!.slice(11).map((c) => c.value),
          ['long text', 'plain', Buffer.from([1, 2]), null, null, null],
        );

        const [params] = await query(conn, 'SELECT @x + 1 AS y, @s AS s, @f * 2 AS f, @b AS b', [
          ['x', TYPES.Int, 41],
          ['s', TYPES.NVarChar, 'param'],
          ['f', TYPES.Float, 1.25],
          ['b', TYPES.VarBinary, Buffer.from([9, 8, 7])],
        ]);
        assert.deepEqual(
          params!.map((c) => c.value),
          [42, 'param', 2.5, Buffer.from([9, 8, 7])],
        );

        // A transaction: begun and rolled back through the client's own requests (transaction
        // manager requests from 7.2, SQL batches before).
        const count = async (): Promise<number> => (await query(conn, 'SELECT COUNT(*) AS n FROM wwi_ml.CustomerTest'))[0]![0]!.value as number;
        await new Promise<void>((resolve, reject) => conn.beginTransaction((e) => (e ? reject(e) : resolve())));
        await query(conn, 'DELETE FROM wwi_ml.CustomerTest');
        assert.equal(await count(), 0);
        await new Promise<void>((resolve, reject) => conn.rollbackTransaction((e) => (e ? reject(e) : resolve())));
        assert.equal(await count(), CUSTOMERS);

        await assert.rejects(query(conn, 'SELECT * FROM dbo.NoSuchTable'), (e: Error & { number?: number; lineNumber?: number }) => {
          assert.equal(e.message, "Invalid object name 'dbo.NoSuchTable'.");
          assert.deepEqual([e.number, e.lineNumber], [208, 1]);
          return true;
        });

        const predicted = await query(conn, PREDICT_SQL);
        assert.deepEqual(
          predicted.map((r) => `${String(r[0]!.value)}:${String(r[1]!.value)}`),
          expectedLabels,
        );
      } finally {
        conn.close();
      }
    });
  }
});
