// The product's SQL client (src/sql/client/connection.ts) over real tedious against real servers:
// 1. the local pool's TDS server with the wire-test engine (always);
// 2. the whole local pool (`startLocalPool`: TDS server + DuckDB engine) with real T-SQL, when
//    src/localpool/index.ts exists.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startTdsServer, type TdsServer } from '../../../src/localpool/tds/server.js';
import { MemoryEngine } from '../../support/memory-engine.js';
import { SqlConnection, SqlConnectionError, SqlRequestError, SqlCancelledError, type SqlConnectionConfig } from '../../../src/sql/client/connection.js';
import { runScript } from '../../../src/results/run.js';
import { listColumns, listObjects, listSchemas, objectExists, serverInfo } from '../../../src/sql/catalog.js';

const PASSWORD = 'Str0ng!local-pool-test';

describe('SqlConnection against the TDS server', () => {
  let server: TdsServer;
  let dir: string;
  let logs: string[];
  const config = (extra: Partial<SqlConnectionConfig> = {}): SqlConnectionConfig => ({
    server: '127.0.0.1',
    port: server.port,
    database: 'testdb',
    authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
    encrypt: 'optional',
    ...extra,
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sqlconn-'));
    logs = [];
    server = await startTdsServer({ engine: new MemoryEngine(), password: PASSWORD, port: 0, tls: { dir: join(dir, 'tls') }, log: (l) => logs.push(l) });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a wrong password: "Login failed for user \'sa\' on host:port: check the password (error 18456)"', async () => {
    const clientLog: string[] = [];
    await assert.rejects(
      SqlConnection.open(config({ authentication: { kind: 'sql-login', user: 'sa', password: 'not-the-password' } }), { log: (l) => clientLog.push(l) }),
      (e: unknown) =>
        e instanceof SqlConnectionError &&
        e.kind === 'login-failed' &&
        e.number === 18456 &&
        e.message === `Login failed for user 'sa' on 127.0.0.1:${server.port}: check the password (error 18456).`,
    );
    assert.ok(
      clientLog.some((l) => l.includes('Login failed')),
      'the failure is logged',
    );
    assert.ok(!clientLog.join('\n').includes('not-the-password'), 'the password is never logged');
  });

  it('an unknown database names the database (error 4060)', async () => {
    await assert.rejects(
      SqlConnection.open(config({ database: 'nosuchdb' })),
      (e: unknown) =>
        e instanceof SqlConnectionError &&
        e.message === `Cannot open database 'nosuchdb' on 127.0.0.1:${server.port}: check the database name and that user 'sa' has access to it (error 4060).`,
    );
  });

  it("strict TLS (TDS 8.0) with the pool's CA certificate; without it, a message that says what to set", async () => {
    const pem = await readFile(server.certPath!, 'utf8');
    const conn = await SqlConnection.open(config({ encrypt: 'strict', caCertPem: pem }));
    assert.deepEqual((await conn.query('SELECT 1')).resultSets[0]!.rows, [[1]]);
    await conn.close();
    await assert.rejects(
      SqlConnection.open(config({ encrypt: 'strict' })),
      (e: unknown) =>
        e instanceof SqlConnectionError &&
        e.kind === 'certificate' &&
        /^The certificate of 127\.0\.0\.1:\d+ is not trusted \(.+\): set the CA certificate of the server \(caCertPath\) for this connection\.$/.test(
          e.message,
        ),
    );
  });

  it('query: result sets with column names and SQL types; execute: PRINT messages', async () => {
    const conn = await SqlConnection.open(config());
    try {
      const r = await conn.query('ROWS 3');
      assert.deepEqual(
        r.resultSets[0]!.columns.map((c) => [c.name, c.type]),
        [
          ['n', 'int'],
          ['label', 'nvarchar(20)'],
        ],
      );
      assert.equal(r.resultSets[0]!.rows.length, 3);
      const x = await conn.execute('PRINT hello there');
      assert.deepEqual(
        x.messages.map((m) => [m.kind, m.message]),
        [['info', 'hello there']],
      );
    } finally {
      await conn.close();
    }
  });

  it('errors carry number and line; runBatch keeps going, query throws', async () => {
    const conn = await SqlConnection.open(config());
    try {
      const out = await conn.runBatch('SELECT 1\nRAISERROR 50001 16 first problem\nSELECT 1');
      assert.equal(out.resultSets.length, 2);
      assert.deepEqual(
        out.errors.map((e) => [e.number, e.line, e.message]),
        [[50001, 2, 'first problem']],
      );
      await assert.rejects(
        conn.query('SELECT 1\n\nTHROW 50002 it broke'),
        (e: unknown) => e instanceof SqlRequestError && e.number === 50002 && e.line === 3 && e.message === 'Msg 50002, Level 16, State 1, Line 3: it broke',
      );
      // The connection is still usable afterwards.
      assert.deepEqual((await conn.query('SELECT 1')).resultSets[0]!.rows, [[1]]);
    } finally {
      await conn.close();
    }
  });

  it('stream: rows one at a time, reading pauses while the consumer is busy', async () => {
    const conn = await SqlConnection.open(config());
    try {
      let busy = false;
      let overlapped = false;
      let seen = 0;
      const { rowCount } = await conn.stream('ROWS 5000', undefined, async (row) => {
        if (busy) overlapped = true;
        busy = true;
        seen += row[0] === seen + 1 ? 1 : 0;
        if (seen % 500 === 0) await new Promise((r) => setTimeout(r, 1));
        busy = false;
      });
      assert.equal(rowCount, 5000);
      assert.equal(seen, 5000, 'rows arrive in order');
      assert.equal(overlapped, false, 'onRow is never re-entered while its promise is pending');
    } finally {
      await conn.close();
    }
  });

  it('typed parameters: a varbinary(max) value read from a Readable arrives whole', async () => {
    const conn = await SqlConnection.open(config());
    try {
      const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      const source = Readable.from(
        (function* () {
          for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536);
        })(),
      );
      const r = await conn.query('COUNT_STREAM', [{ name: 'model', type: { name: 'varbinary', length: 'max' }, value: source }]);
      assert.equal(Number(r.resultSets[0]!.rows[0]![0]), bytes.length);
      const echo = await conn.query('ECHO', [
        { name: 'id', type: { name: 'nvarchar', length: 1024 }, value: 'aml-synapse-classifier:1' },
        { name: 'version', type: { name: 'int' }, value: 2 },
        { name: 'price', type: { name: 'real' }, value: 1.5 },
      ]);
      assert.deepEqual(echo.resultSets[0]!.rows[0], ['aml-synapse-classifier:1', 2, 1.5]);
    } finally {
      await conn.close();
    }
  });

  it('transaction: commits on success, rolls back and rethrows on failure', async () => {
    const conn = await SqlConnection.open(config());
    try {
      assert.equal(await conn.transaction(async (tx) => (await tx.query('SELECT 1')).resultSets.length), 1);
      await assert.rejects(
        conn.transaction(async (tx) => {
          await tx.execute('THROW 50010 deploy step failed');
        }),
        /deploy step failed/,
      );
      // A new transaction can begin: the failed one was rolled back.
      await conn.transaction(async () => undefined);
    } finally {
      await conn.close();
    }
  });

  it('cancel stops a running request, and the connection stays usable', async () => {
    const conn = await SqlConnection.open(config());
    try {
      const running = conn.query('SLEEP 30000');
      setTimeout(() => conn.cancel(), 200);
      await assert.rejects(running, (e: unknown) => e instanceof SqlCancelledError && e.message === 'The query was cancelled.');
      assert.deepEqual((await conn.query('SELECT 1')).resultSets[0]!.rows, [[1]]);
    } finally {
      await conn.close();
    }
  });

  it("runScript: GO batches, messages on the script's lines, a failing batch does not stop the next", async () => {
    const conn = await SqlConnection.open(config());
    try {
      const run = await runScript(conn, 'SELECT 1\nGO\n\nPRINT second batch\nRAISERROR 50020 16 bad line\nGO 2\nROWS 1500', {
        title: 't.sql',
        connectionName: 'test',
        database: 'testdb',
        maxRows: 1000,
      });
      assert.equal(run.batches, 4, 'GO 2 runs its batch twice');
      assert.deepEqual(
        run.messages.filter((m) => m.kind === 'error').map((m) => m.scriptLine),
        [5, 5],
      );
      const last = run.resultSets[run.resultSets.length - 1]!;
      assert.equal(last.rowCount, 1500);
      assert.equal(last.rows.length, 1000);
      assert.equal(last.truncated, true);
    } finally {
      await conn.close();
    }
  });
});

// The whole local pool. Its entry point is built by the TDS owner; until it exists this suite
// says so and skips.
const localPoolIndex = resolve(__dirname, '..', '..', '..', 'src', 'localpool', 'index.ts');
type StartLocalPool = (o: {
  dataDir?: string;
  port?: number;
  password: string;
}) => Promise<{ host: string; port: number; caCertPem?: string; close(): Promise<void> }>;

describe(
  'SqlConnection against the local pool (startLocalPool)',
  { skip: existsSync(localPoolIndex) ? false : 'src/localpool/index.ts does not exist yet' },
  () => {
    let pool: Awaited<ReturnType<StartLocalPool>>;
    let conn: SqlConnection;
    before(async () => {
      const mod = (await import(pathToFileURL(localPoolIndex).href)) as { startLocalPool: StartLocalPool };
      pool = await mod.startLocalPool({ port: 0, password: PASSWORD });
      conn = await SqlConnection.open({
        server: pool.host,
        port: pool.port,
        database: 'SQLPool01',
        authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
        ...(pool.caCertPem ? { encrypt: 'strict' as const, caCertPem: pool.caCertPem } : { encrypt: 'optional' as const }),
      });
    });
    after(async () => {
      await conn?.close();
      await pool?.close();
    });

    it('reads the catalog: schemas, tables, typed columns, server kind', async () => {
      assert.ok((await listSchemas(conn)).includes('wwi_ml'));
      const objects = await listObjects(conn, 'wwi_ml');
      assert.ok(objects.some((o) => o.name === 'CustomerTest' && o.kind === 'table'));
      const cols = await listColumns(conn, { schema: 'wwi_ml', name: 'CustomerTest' });
      assert.ok(cols.some((c) => c.name === 'Cost' && c.type !== undefined));
      assert.equal(await objectExists(conn, 'wwi_ml.CustomerTest'), 'table');
      assert.equal(await objectExists(conn, 'wwi_ml.NoSuchThing'), undefined);
      assert.ok((await serverInfo(conn)).engineEdition !== undefined);
    });

    it('round-trips parameters through a table in a transaction', async () => {
      await conn.execute('CREATE TABLE dbo.conn_test (id nvarchar(50) NOT NULL, n int NULL, model varbinary(max) NULL)');
      try {
        await conn.transaction(async (tx) => {
          await tx.execute('INSERT INTO dbo.conn_test (id, n, model) VALUES (@id, @n, @model)', [
            { name: 'id', type: { name: 'nvarchar', length: 50 }, value: "it's:1" },
            { name: 'n', type: { name: 'int' }, value: 42 },
            { name: 'model', type: { name: 'varbinary', length: 'max' }, value: Readable.from([Buffer.from([1, 2, 3])]) },
          ]);
        });
        const r = await conn.query('SELECT id, n, model FROM dbo.conn_test WHERE id = @id', [
          { name: 'id', type: { name: 'nvarchar', length: 50 }, value: "it's:1" },
        ]);
        assert.deepEqual(
          r.resultSets[0]!.rows.map((row) => [row[0], row[1], Buffer.from(row[2] as Buffer).toString('hex')]),
          [["it's:1", 42, '010203']],
        );
      } finally {
        await conn.execute('DROP TABLE dbo.conn_test');
      }
    });
  },
);
