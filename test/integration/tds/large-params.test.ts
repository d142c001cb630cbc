import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Request, TYPES, type Connection } from 'tedious';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { closeConnection, connect, execSql, PASSWORD, startTestServer, type TestServer } from './helpers.js';

const MB = 1024 * 1024;

function files(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

describe('TDS server: large parameters in any position (local pool)', () => {
  let pool: LocalPool;
  let conn: Connection;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'large-params-'));
    pool = await startLocalPool({ password: PASSWORD, seedCustomers: 0, dataDir: dir });
    conn = await connect(pool, { requestTimeout: 0 });
  });
  after(async () => {
    await closeConnection(conn);
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a 3 MB varbinary(max) given as the first of three parameters, and keeps no file', async () => {
    const blob = randomBytes(3 * MB);
    const r = await execSql(conn, 'SELECT DATALENGTH(@a) AS n, @b AS b, @c AS c, @a AS a', (req) => {
      req.addParameter('a', TYPES.VarBinary, blob, { length: Infinity });
      req.addParameter('b', TYPES.Int, 42);
      req.addParameter('c', TYPES.NVarChar, 'third');
    });
    const [n, b, c, a] = r.sets[0]![0]!;
    assert.equal(Number(n), blob.length);
    assert.deepEqual([b, c], [42, 'third']);
    assert.ok(Buffer.from(a as Buffer).equals(blob), 'the value comes back byte for byte');
    assert.deepEqual(files(join(dir, 'spill')), []);
  });

  it('takes large nvarchar(max) and varchar(max) values before other parameters, and two large values in one request', async () => {
    const text = 'ünïcode ☃'.repeat(333_334); // 3 000 006 characters, 6 MB as UTF-16
    const ascii = 'x'.repeat(2 * MB);
    const blob = randomBytes(2 * MB);
    const r = await execSql(conn, 'SELECT LEN(@t) AS t, LEN(@v) AS v, DATALENGTH(@b) AS b, @i AS i, @t AS tt', (req) => {
      req.addParameter('t', TYPES.NVarChar, text, { length: Infinity });
      req.addParameter('v', TYPES.VarChar, ascii, { length: Infinity });
      req.addParameter('b', TYPES.VarBinary, blob, { length: Infinity });
      req.addParameter('i', TYPES.Int, 7);
    });
    const [t, v, b, i, tt] = r.sets[0]![0]!;
    assert.deepEqual([Number(t), Number(v), Number(b), i], [text.length, ascii.length, blob.length, 7]);
    assert.equal(tt, text);
    assert.deepEqual(files(join(dir, 'spill')), []);
  });

  it('stores a large value given first with INSERT and reads it back', async () => {
    const blob = randomBytes(3 * MB + 17);
    await execSql(conn, 'CREATE TABLE dbo.models (model varbinary(max), id nvarchar(50), version int)');
    await execSql(conn, 'INSERT INTO dbo.models (model, id, version) VALUES (@model, @id, @version)', (req) => {
      req.addParameter('model', TYPES.VarBinary, blob, { length: Infinity });
      req.addParameter('id', TYPES.NVarChar, 'm:1');
      req.addParameter('version', TYPES.Int, 1);
    });
    const r = await execSql(conn, "SELECT model, version FROM dbo.models WHERE id = N'm:1'");
    assert.ok(Buffer.from(r.sets[0]![0]![0] as Buffer).equals(blob));
    assert.equal(r.sets[0]![0]![1], 1);
  });
});

describe('TDS server: spilled parameter files are deleted when the request ends', () => {
  let t: TestServer;
  let spillDir: string;
  before(async () => {
    spillDir = mkdtempSync(join(tmpdir(), 'spill-'));
    t = await startTestServer({ spillDir });
  });
  after(async () => {
    await t.server.close();
    rmSync(spillDir, { recursive: true, force: true });
  });

  /** Sends `SLEEP ms` with a 2 MB value first and an int last; resolves with the request's outcome. */
  function sleepWithLargeFirst(conn: Connection, ms: number, onRequest?: (r: Request) => void): Promise<Error | undefined> {
    return new Promise((resolve) => {
      const r = new Request(`SLEEP ${ms}`, (e) => resolve(e ?? undefined));
      r.addParameter('a', TYPES.VarBinary, randomBytes(2 * MB), { length: Infinity });
      r.addParameter('b', TYPES.Int, 1);
      onRequest?.(r);
      conn.execSql(r);
    });
  }

  it('after the request completes', async () => {
    const conn = await connect(t.server);
    const done = sleepWithLargeFirst(conn, 300);
    await until('a spill file exists while the request runs', () => files(spillDir).length === 1);
    assert.equal(await done, undefined);
    assert.deepEqual(files(spillDir), []);
    await closeConnection(conn);
  });

  it('after the client cancels the request (ATTENTION)', async () => {
    const conn = await connect(t.server);
    let request: Request | undefined;
    const done = sleepWithLargeFirst(conn, 60_000, (r) => (request = r));
    await until('a spill file exists while the request runs', () => files(spillDir).length === 1);
    conn.cancel();
    assert.match(String(await done), /Canceled/);
    assert.ok(request);
    assert.deepEqual(files(spillDir), []);
    const r = await execSql(conn, 'SELECT 1');
    assert.deepEqual(r.sets, [[[1]]], 'the connection goes on');
    await closeConnection(conn);
  });

  it('after the connection drops', async () => {
    const conn = await connect(t.server);
    void sleepWithLargeFirst(conn, 60_000);
    await until('a spill file exists while the request runs', () => files(spillDir).length === 1);
    (conn as unknown as { socket: { destroy(): void } }).socket.destroy();
    await until('the spill file is deleted once the connection is gone', () => files(spillDir).length === 0);
    await until('the server has closed the session', () => t.server.connectionCount() === 0);
  });
});
