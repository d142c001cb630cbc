import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'tedious';
import { encodePacket } from '../../../src/localpool/tds/packet.js';
import { PacketStatus, PacketType } from '../../../src/localpool/tds/protocol.js';
import { batch, closeConnection, connect, PASSWORD, startTestServer, type TestServer } from './helpers.js';
import { allHeaders, errorNumbers, login7, prelogin, RawClient, sqlBatch } from './raw-client.js';

/** An RPC calling sp_executesql (ProcID 10) with `ECHO` and one parameter whose bytes follow. */
function rpcWith(paramTypeAndValue: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16LE(0xffff, 0);
  head.writeUInt16LE(10, 2);
  const stmt = Buffer.from('ECHO', 'utf16le');
  const statement = Buffer.concat([Buffer.from([0, 0, 0xe7]), u16(8000), Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]), u16(stmt.length), stmt]);
  const params = Buffer.concat([Buffer.from([0, 0, 0xe7]), u16(8000), Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]), u16(0)]);
  const name = Buffer.concat([Buffer.from([2]), Buffer.from('@v', 'utf16le'), Buffer.from([0])]);
  return Buffer.concat([allHeaders(), head, statement, params, name, paramTypeAndValue]);
}
/** UTF-16 text in a reply at either byte alignment. */
function text(reply: Buffer): string {
  return reply.toString('utf16le') + reply.subarray(1).toString('utf16le');
}
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

describe('TDS server: malformed input closes one connection, never the server', () => {
  let t: TestServer;
  let bystander: Connection;
  before(async () => {
    t = await startTestServer({ limits: { loginTimeoutMs: 1500 } });
    bystander = await connect(t.server);
  });
  after(async () => {
    await closeConnection(bystander);
    await t.server.close();
  });

  async function serverStillWorks(): Promise<void> {
    assert.deepEqual((await batch(bystander, 'SELECT 1')).sets, [[[1]]], 'an existing connection keeps working');
    const fresh = await connect(t.server);
    assert.deepEqual((await batch(fresh, 'SELECT 1')).sets, [[[1]]], 'a new connection logs in');
    await closeConnection(fresh);
  }

  it('closes a connection that sends random bytes', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.open(t.server.port)));
    for (const c of clients) {
      const junk = randomBytes(2000);
      junk[0] = 0x12;
      c.send(junk);
    }
    // Each is closed: at once for a bad header, or at the login timeout when the junk looks like a partial packet.
    await Promise.all(clients.map((c) => c.closedPromise));
    await serverStillWorks();
  });

  it('closes a connection whose packet declares a length shorter than its header', async () => {
    const c = await RawClient.open(t.server.port);
    c.send(Buffer.from([0x12, 0x01, 0x00, 0x04, 0, 0, 1, 0]));
    await c.closedPromise;
    assert.ok(t.logs.some((l) => l.includes('A packet declares a length of 4 bytes')));
    await serverStillWorks();
  });

  it('survives a truncated packet followed by a hang-up', async () => {
    const c = await RawClient.open(t.server.port);
    c.send(encodePacket(PacketType.Prelogin, PacketStatus.EndOfMessage, prelogin()).subarray(0, 12));
    c.close();
    await c.closedPromise;
    await serverStillWorks();
  });

  it('closes a connection that starts with something other than PRELOGIN', async () => {
    const c = await RawClient.open(t.server.port);
    c.sendMessage(0x55, Buffer.from('hello'));
    await c.closedPromise;
    assert.ok(t.logs.some((l) => l.includes('The first message must be PRELOGIN')));
    await serverStillWorks();
  });

  it('closes a connection whose LOGIN7 points past its end', async () => {
    const c = await RawClient.open(t.server.port);
    c.sendMessage(PacketType.Prelogin, prelogin());
    assert.ok(await c.nextMessage());
    const bad = login7('sa', PASSWORD);
    bad.writeUInt16LE(60000, 40); // UserName offset
    c.sendMessage(PacketType.Login7, bad);
    assert.equal(await c.nextMessage(), undefined);
    assert.ok(t.logs.some((l) => l.includes('The LOGIN7 field UserName (offset 60000')));
    await serverStillWorks();
  });

  it('closes a connection that sends LOGIN7 shorter than its fixed part', async () => {
    const c = await RawClient.open(t.server.port);
    c.sendMessage(PacketType.Prelogin, prelogin());
    await c.nextMessage();
    c.sendMessage(PacketType.Login7, Buffer.alloc(40));
    assert.equal(await c.nextMessage(), undefined);
    await serverStillWorks();
  });

  it('survives randomly corrupted logins', async () => {
    const clients = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const c = await RawClient.open(t.server.port);
        c.sendMessage(PacketType.Prelogin, prelogin());
        await c.nextMessage();
        const payload = login7('sa', PASSWORD);
        for (let k = 0; k < 6; k++) payload[Math.floor(Math.random() * payload.length)] = Math.floor(Math.random() * 256);
        c.sendMessage(PacketType.Login7, payload);
        await c.nextMessage();
        c.close();
        return c;
      }),
    );
    await Promise.all(clients.map((c) => c.closedPromise));
    await serverStillWorks();
  });

  describe('after login', () => {
    async function loggedIn(): Promise<RawClient> {
      const c = await RawClient.open(t.server.port);
      const reply = await c.login('sa', PASSWORD);
      assert.ok(reply && errorNumbers(reply).length === 0, 'raw login succeeds');
      return c;
    }

    it('closes a connection that sends an unknown message type', async () => {
      const c = await loggedIn();
      c.sendMessage(0x55, Buffer.from('nonsense'));
      await c.closedPromise;
      assert.ok(t.logs.some((l) => l.includes('Unknown TDS message type 0x55')));
      await serverStillWorks();
    });

    it('closes a connection whose ALL_HEADERS declares 1 GB', async () => {
      const c = await loggedIn();
      const body = sqlBatch('SELECT 1');
      body.writeUInt32LE(1 << 30, 0);
      c.sendMessage(PacketType.SqlBatch, body);
      assert.equal(await c.nextMessage(), undefined);
      await serverStillWorks();
    });

    it('answers an nvarchar(max) parameter declaring a 1 GB chunk with an error, and the connection goes on', async () => {
      const c = await loggedIn();
      const param = Buffer.concat([
        Buffer.from([0xe7, 0xff, 0xff, 0x09, 0x04, 0xd0, 0x00, 0x34]),
        Buffer.alloc(8, 0xff),
        u32(1 << 30),
        Buffer.from('abcd', 'utf16le'),
      ]);
      param[8] = 0xfe; // unknown total length
      c.sendMessage(PacketType.Rpc, rpcWith(param));
      const reply = await c.nextMessage();
      assert.ok(reply);
      assert.deepEqual(errorNumbers(reply), [8003]);
      assert.match(text(reply), /larger than the local pool accepts/);
      c.sendMessage(PacketType.SqlBatch, sqlBatch('SELECT 1'));
      const next = await c.nextMessage();
      assert.ok(next && errorNumbers(next).length === 0, 'the same connection runs the next batch');
      c.close();
    });

    it('closes a connection whose varbinary(max) parameter declares 1 GB and then ends', async () => {
      const c = await loggedIn();
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(1n << 30n);
      const param = Buffer.concat([Buffer.from([0xa5, 0xff, 0xff]), len, u32(1 << 30), randomBytes(100)]);
      c.sendMessage(PacketType.Rpc, rpcWith(param));
      await c.nextMessage();
      await c.closedPromise;
      await serverStillWorks();
    });

    it('answers a parameter of a type the pool does not take with an error naming it', async () => {
      const c = await loggedIn();
      c.sendMessage(PacketType.Rpc, rpcWith(Buffer.from([0xf0, 0x00])));
      const reply = await c.nextMessage();
      assert.ok(reply);
      assert.deepEqual(errorNumbers(reply), [8016]);
      assert.match(text(reply), /Parameter @v has a type the local pool does not support \(TDS type 0xf0\)/);
      c.close();
    });

    it('closes a connection that sends a truncated RPC', async () => {
      const c = await loggedIn();
      const whole = rpcWith(Buffer.from([0x26, 0x04, 0x04, 1, 2]));
      c.sendMessage(PacketType.Rpc, whole);
      assert.equal(await c.nextMessage(), undefined);
      assert.ok(t.logs.some((l) => l.includes('The message ended in the middle of parameter @v')));
      await serverStillWorks();
    });

    it('survives random bytes inside request messages', async () => {
      for (let i = 0; i < 30; i++) {
        const c = await loggedIn();
        c.sendMessage(i % 2 ? PacketType.Rpc : PacketType.SqlBatch, Buffer.concat([allHeaders(), randomBytes(200 + i * 37)]));
        const reply = await c.nextMessage();
        if (reply) assert.ok(reply.length > 0);
        c.close();
      }
      await serverStillWorks();
    });
  });
});
