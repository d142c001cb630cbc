// Replies written just before the server closes a connection (a refused login, the connection
// limit, the login timeout) must reach the client whole, in every encryption mode, also while the
// server is busy. The clients run in a separate process (login-client.ts), as the product's do:
// with client and server on one event loop the close never races the reply.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'tedious';
import type { EngineSession, SessionInfo } from '../../../src/localpool/engine/api.js';
import type { EncryptMode } from '../../../src/sql/client/connection.js';
import { MemoryEngine } from '../../support/memory-engine.js';
import { batch, closeConnection, connect, PASSWORD, startTestServer, type TestServer } from './helpers.js';
import type { LoginClientArgs, LoginOutcome } from './login-client.js';

const CLIENT = join(__dirname, 'login-client.ts');

function runClients(args: LoginClientArgs): Promise<LoginOutcome[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(args)], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the client process failed: ${err.message}\n${stderr}`));
      else
        resolve(
          stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as LoginOutcome),
        );
    });
  });
}

/**
 * Keeps the server's event loop busy while `work` runs: CPU work in the server's process (3 ms of
 * every 4) and a strict-TLS connection streaming large results.
 */
async function whileBusy<T>(t: TestServer, work: () => Promise<T>): Promise<T> {
  const load = setInterval(() => {
    const end = Date.now() + 3;
    while (Date.now() < end);
  }, 1);
  const streamer = await connect(t.server, { encrypt: 'strict', cryptoCredentialsDetails: { ca: t.server.caCertPem } });
  let stop = false;
  const streaming = (async (): Promise<void> => {
    while (!stop) await batch(streamer, 'ROWS 20000');
  })();
  try {
    return await work();
  } finally {
    stop = true;
    clearInterval(load);
    await streaming;
    await closeConnection(streamer);
  }
}

/** Outcomes grouped by what the product showed, for a readable failure. */
function tally(outcomes: LoginOutcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) out[o.message] = (out[o.message] ?? 0) + 1;
  return out;
}

function assertAllRefusedLogins(outcomes: LoginOutcome[], count: number, port: number): void {
  assert.equal(outcomes.length, count);
  const expected = `Login failed for user 'sa' on 127.0.0.1:${port}: check the password (error 18456).`;
  assert.deepEqual(tally(outcomes), { [expected]: count }, 'every refused login is reported as the login failure');
  for (const o of outcomes) {
    assert.equal(o.kind, 'login-failed');
    assert.equal(o.number, 18456);
    assert.equal(o.tediousCode, 'ELOGIN');
    assert.equal(o.tediousMessage, "Login failed for user 'sa'.");
  }
}

describe('TDS server: replies written before a close reach the client', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.server.close();
  });

  for (const [encrypt, count] of [
    ['strict', 200],
    ['mandatory', 30],
    ['optional', 30],
  ] as [EncryptMode, number][]) {
    it(`reports each of ${count} refused logins (encrypt ${encrypt}) as "Login failed for user 'sa'" while the server is busy`, async () => {
      const outcomes = await whileBusy(t, () =>
        runClients({ port: t.server.port, caCertPem: t.server.caCertPem, encrypt, password: 'not the password', count, parallel: 10 }),
      );
      assertAllRefusedLogins(outcomes, count, t.server.port);
    });
  }

  it('tells every client over strict TLS that the connection limit is reached, while the server is busy', async () => {
    const small = await startTestServer({ limits: { maxConnections: 1 } });
    const holder: Connection = await connect(small.server);
    try {
      const outcomes = await whileBusy(t, () =>
        runClients({ port: small.server.port, caCertPem: small.server.caCertPem, encrypt: 'strict', password: PASSWORD, count: 40, parallel: 10 }),
      );
      const expected =
        `Login to 127.0.0.1:${small.server.port} failed: Could not connect because the maximum number of '1' user connections has already been reached. ` +
        'Close other connections to the local pool, or start it with a higher connection limit (error 17809).';
      assert.deepEqual(tally(outcomes), { [expected]: 40 });
      assert.ok(outcomes.every((o) => o.number === 17809 && o.tediousCode === 'ELOGIN'));
    } finally {
      await closeConnection(holder);
      await small.server.close();
    }
  });

  it('answers a login the engine cannot open within the login timeout with error 17197 over strict TLS', async () => {
    // The timeout must leave room for ten TLS handshakes at once on a busy two-core machine: a
    // connection whose LOGIN7 has not arrived when it fires is closed without an answer, by design.
    const timeoutMs = 2000;
    class SlowEngine extends MemoryEngine {
      override async openSession(info: SessionInfo): Promise<EngineSession> {
        await new Promise((r) => setTimeout(r, timeoutMs + 500));
        return super.openSession(info);
      }
    }
    const engine = new SlowEngine();
    const slow = await startTestServer({ engine, limits: { loginTimeoutMs: timeoutMs } });
    try {
      const outcomes = await runClients({
        port: slow.server.port,
        caCertPem: slow.server.caCertPem,
        encrypt: 'strict',
        password: PASSWORD,
        count: 10,
        parallel: 10,
      });
      const expected =
        `Login to 127.0.0.1:${slow.server.port} failed: Login timed out: the local pool did not finish the login within ${timeoutMs} ms and closed the connection. ` +
        'The pool may be busy; try again (error 17197).';
      assert.deepEqual(tally(outcomes), { [expected]: 10 });
      assert.equal(slow.logs.filter((l) => l.includes(`no login within ${timeoutMs} ms`)).length, 10);
      // The sessions the engine opened after the timeout are closed again.
      while (engine.stats.sessionsOpened < 10) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setImmediate(r));
      assert.equal(engine.stats.sessionsOpened, 10);
      assert.equal(engine.stats.sessionsClosed, 10);
    } finally {
      await slow.server.close();
    }
  });

  it('ends a strict-TLS connection that sends nothing after the handshake at the login timeout, with a TLS close', async () => {
    const quick = await startTestServer({ limits: { loginTimeoutMs: 200 } });
    try {
      const socket = tlsConnect({ host: '127.0.0.1', port: quick.server.port, ca: quick.server.caCertPem, ALPNProtocols: ['tds/8.0'] });
      const ended = await new Promise<string>((resolve) => {
        socket.on('error', (e) => resolve(`error: ${e.message}`));
        socket.on('end', () => resolve('end'));
        socket.resume();
      });
      socket.destroy();
      assert.equal(ended, 'end', 'the client sees the connection end, not an error');
      assert.ok(quick.logs.some((l) => l.includes('no login within 200 ms')));
    } finally {
      await quick.server.close();
    }
  });
});
