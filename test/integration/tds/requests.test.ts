import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Request, type Connection } from 'tedious';
import { batch, callProcedure, closeConnection, connect, execSql, startTestServer, type TestServer } from './helpers.js';

interface TediousRequestError extends Error {
  code?: string;
  number?: number;
  lineNumber?: number;
  class?: number;
  state?: number;
  serverName?: string;
  procName?: string;
}

describe('TDS server: errors, messages, cancel and transactions', () => {
  let t: TestServer;
  let conn: Connection;
  before(async () => {
    t = await startTestServer();
    conn = await connect(t.server);
  });
  after(async () => {
    await closeConnection(conn);
    await t.server.close();
  });

  it('delivers PRINT output as info messages', async () => {
    const r = await batch(conn, 'PRINT first message\nSELECT 1\nPRINT second');
    assert.deepEqual(r.infos, ['first message', 'second']);
    assert.deepEqual(r.sets, [[[1]]]);
  });

  it('reports an error with its number, class, state, line and server name', async () => {
    const errors: TediousRequestError[] = [];
    conn.on('errorMessage', (e) => errors.push(e as unknown as TediousRequestError));
    await assert.rejects(batch(conn, 'SELECT 1\n\nRAISERROR 50001 16 The model table is missing.\nSELECT 1'), (e: TediousRequestError) => {
      assert.equal(e.message, 'The model table is missing.');
      assert.equal(e.number, 50001);
      assert.equal(e.class, 16);
      assert.equal(e.lineNumber, 3);
      assert.equal(e.serverName, 'localpool');
      return true;
    });
    conn.removeAllListeners('errorMessage');
    assert.equal(errors.length, 1);
  });

  it('reports an error the engine throws, with its line number', async () => {
    await assert.rejects(execSql(conn, "SELECT 1\nTHROW 208 Invalid object name 'dbo.Nope'."), (e: TediousRequestError) => {
      assert.equal(e.message, "Invalid object name 'dbo.Nope'.");
      assert.equal(e.number, 208);
      assert.equal(e.lineNumber, 2);
      return true;
    });
    assert.deepEqual((await batch(conn, 'SELECT 1')).sets, [[[1]]]);
  });

  it('reports an unknown stored procedure', async () => {
    await assert.rejects(callProcedure(conn, 'dbo.nope'), { message: "Could not find stored procedure 'dbo.nope'.", number: 2812 });
  });

  it('survives an engine result that does not fit its column type', async () => {
    await assert.rejects(batch(conn, 'BAD_VALUE'), (e: TediousRequestError) => {
      assert.equal(e.number, 8114);
      assert.match(e.message, /int column received "not a number"/);
      return true;
    });
    assert.deepEqual((await batch(conn, 'SELECT 1')).sets, [[[1]]]);
  });

  it('cancels a long request and keeps the connection usable', async () => {
    const started = t.engine.stats.cancelled;
    const result = new Promise<Error | undefined>((resolve) => {
      const r = new Request('SLEEP 60000', (err) => resolve(err ?? undefined));
      conn.execSqlBatch(r);
      setTimeout(() => r.cancel(), 100);
    });
    const err = (await result) as TediousRequestError;
    assert.equal(err?.code, 'ECANCEL');
    assert.equal(t.engine.stats.cancelled, started + 1);
    assert.deepEqual((await batch(conn, 'SELECT 1')).sets, [[[1]]]);
  });

  it('cancels while a large result streams, then runs the next request', async () => {
    let rows = 0;
    const err = await new Promise<TediousRequestError | undefined>((resolve) => {
      const r = new Request('ROWS 10000000', (e) => resolve((e as TediousRequestError) ?? undefined));
      r.on('row', () => {
        if (++rows === 5000) r.cancel();
      });
      conn.execSqlBatch(r);
    });
    assert.equal(err?.code, 'ECANCEL');
    assert.ok(rows < 10_000_000);
    assert.deepEqual((await batch(conn, 'ROWS 2')).sets, [
      [
        [1, 'row 1'],
        [2, 'row 2'],
      ],
    ]);
  });

  it('begins, commits and rolls back transactions through the transaction manager', async () => {
    await new Promise<void>((res, rej) => conn.beginTransaction((e) => (e ? rej(e) : res())));
    assert.equal((conn as unknown as { inTransaction: boolean }).inTransaction, true);
    assert.deepEqual((await batch(conn, 'SELECT 1')).sets, [[[1]]]);
    await new Promise<void>((res, rej) => conn.commitTransaction((e) => (e ? rej(e) : res())));
    assert.equal((conn as unknown as { inTransaction: boolean }).inTransaction, false);
    await new Promise<void>((res, rej) => conn.beginTransaction((e) => (e ? rej(e) : res())));
    await new Promise<void>((res, rej) => conn.rollbackTransaction((e) => (e ? rej(e) : res())));
    assert.equal((conn as unknown as { inTransaction: boolean }).inTransaction, false);
  });

  it('reports a commit without a transaction as the engine says', async () => {
    await assert.rejects(new Promise<void>((res, rej) => conn.commitTransaction((e) => (e ? rej(e) : res()))), {
      message: 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.',
    });
    assert.deepEqual((await batch(conn, 'SELECT 1')).sets, [[[1]]]);
  });

  it('follows BEGIN TRAN / COMMIT inside batches', async () => {
    const events: string[] = [];
    const onBegin = (): void => void events.push('begin');
    const onCommit = (): void => void events.push('commit');
    conn.on('beginTransaction' as never, onBegin);
    conn.on('commitTransaction' as never, onCommit);
    await batch(conn, 'BEGIN TRAN');
    assert.equal((conn as unknown as { inTransaction: boolean }).inTransaction, true);
    await batch(conn, 'COMMIT');
    assert.equal((conn as unknown as { inTransaction: boolean }).inTransaction, false);
    conn.off('beginTransaction' as never, onBegin);
    conn.off('commitTransaction' as never, onCommit);
  });

  it('reports USE as a database change', async () => {
    const changes: string[] = [];
    const on = (db: string): void => void changes.push(db);
    conn.on('databaseChange', on);
    await batch(conn, 'USE otherdb');
    conn.off('databaseChange', on);
    assert.deepEqual(changes, ['otherdb']);
  });
});
