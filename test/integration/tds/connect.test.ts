import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { batch, closeConnection, connect, startTestServer, type TestServer } from './helpers.js';

describe('TDS server: login and encryption', () => {
  let t: TestServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tds-connect-'));
    t = await startTestServer({ tls: { dir: join(dir, 'tls') } });
  });
  after(async () => {
    await t.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects without encryption and runs a batch', async () => {
    const conn = await connect(t.server);
    const r = await batch(conn, 'SELECT 1');
    assert.deepEqual(r.sets, [[[1]]]);
    await closeConnection(conn);
  });

  it('connects with TDS 8.0 strict TLS, trusting the certificate the pool wrote to its tls folder', async () => {
    assert.ok(t.server.certPath, 'the server reports its certificate path');
    const pem = await readFile(t.server.certPath!, 'utf8');
    assert.ok(new X509Certificate(pem).checkIP('127.0.0.1'));
    const conn = await connect(t.server, { encrypt: 'strict', cryptoCredentialsDetails: { ca: pem } });
    assert.deepEqual((await batch(conn, 'SELECT 1')).sets, [[[1]]]);
    await closeConnection(conn);
  });

  it('refuses strict TLS when the client does not trust the certificate', async () => {
    await assert.rejects(connect(t.server, { encrypt: 'strict' }), /self[- ]signed|certificate/i);
  });

  it('connects with TDS 7.x encryption (TLS inside PRELOGIN)', async () => {
    const conn = await connect(t.server, { encrypt: true, trustServerCertificate: true });
    assert.deepEqual((await batch(conn, 'SELECT 1\nSELECT 1')).sets, [[[1]], [[1]]]);
    await closeConnection(conn);
  });

  it('keeps the certificate across restarts', async () => {
    const second = await startTestServer({ tls: { dir: join(dir, 'tls') } });
    assert.equal(second.server.caCertPem, t.server.caCertPem);
    await second.server.close();
  });

  it('rejects a wrong password with error 18456 and closes the connection', async () => {
    await assert.rejects(connect(t.server, {}, 'wrong password'), (e: Error) => {
      assert.equal(e.message, "Login failed for user 'sa'.");
      return true;
    });
    assert.ok(t.logs.some((l) => l.includes("login failed for user 'sa'")));
    assert.ok(!t.logs.some((l) => l.includes('wrong password')), 'passwords never reach the log');
  });

  it('rejects an unknown user', async () => {
    await assert.rejects(connect(t.server, {}, 'Local#Pool-2024', 'bob'), { message: "Login failed for user 'bob'." });
  });

  it('reports the engine refusing the database named at login', async () => {
    await assert.rejects(connect(t.server, { database: 'nosuchdb' }), {
      message: 'Cannot open database "nosuchdb" requested by the login. The login failed.',
    });
  });

  it('serves two connections at once, each with its own session', async () => {
    const [a, b] = await Promise.all([connect(t.server), connect(t.server)]);
    const [ra, rb] = await Promise.all([batch(a, 'ROWS 3000'), batch(b, 'ROWS 2000')]);
    assert.equal(ra.sets[0]!.length, 3000);
    assert.equal(rb.sets[0]!.length, 2000);
    assert.equal(t.server.connectionCount(), 2);
    await Promise.all([closeConnection(a), closeConnection(b)]);
  });

  it('tells the client when the connection limit is reached', async () => {
    const small = await startTestServer({ limits: { maxConnections: 1 } });
    const first = await connect(small.server);
    await assert.rejects(connect(small.server), /maximum number of '1' user connections has already been reached/);
    await closeConnection(first);
    await small.server.close();
  });

  it('closes a connection that does not log in within the login timeout', async () => {
    const quick = await startTestServer({ limits: { loginTimeoutMs: 200 } });
    const sock = netConnect(quick.server.port, '127.0.0.1');
    await new Promise<void>((resolve) => sock.on('close', () => resolve()));
    assert.ok(quick.logs.some((l) => l.includes('no login within 200 ms')));
    await quick.server.close();
  });

  it('refuses to start without a password', async () => {
    await assert.rejects(startTestServer({ password: '' }), /needs a password/);
  });
});
