import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WireType } from '../../../src/localpool/engine/api.js';
import { decodeValue, readTypeInfo, writeValue } from '../../../src/localpool/tds/data-types/index.js';
import { formatDecimal, parseDecimal } from '../../../src/localpool/tds/data-types/decimal.js';
import { bytesToGuid, guidToBytes } from '../../../src/localpool/tds/data-types/guid.js';
import { decodeCp1252, encodeCp1252 } from '../../../src/localpool/tds/data-types/text.js';
import { MessageReader, PacketQueue } from '../../../src/localpool/tds/incoming.js';
import { decodePassword, encodePassword, parseLogin7 } from '../../../src/localpool/tds/login7.js';
import { encodePacket, PacketFramer } from '../../../src/localpool/tds/packet.js';
import { parsePrelogin } from '../../../src/localpool/tds/prelogin.js';
import { WireWriter } from '../../../src/localpool/tds/wire-writer.js';

describe('packet framing', () => {
  it('reassembles packets from bytes split anywhere', () => {
    const a = encodePacket(0x01, 0x00, Buffer.from('hello'));
    const b = encodePacket(0x01, 0x01, Buffer.from('world!'));
    const all = Buffer.concat([a, b]);
    for (let cut = 0; cut <= all.length; cut++) {
      const f = new PacketFramer();
      const packets = [...f.push(all.subarray(0, cut)), ...f.push(all.subarray(cut))];
      assert.deepEqual(
        packets.map((p) => p.payload.toString()),
        ['hello', 'world!'],
      );
      assert.deepEqual(
        packets.map((p) => p.status),
        [0, 1],
      );
    }
  });

  it('rejects a length outside 8..32768 with a message naming it', () => {
    const header = Buffer.from([0x01, 0x01, 0xff, 0xff, 0, 0, 1, 0]);
    assert.throws(() => new PacketFramer().push(header), { message: 'A packet declares a length of 65535 bytes; TDS packets are 8 to 32768 bytes.' });
  });
});

describe('PRELOGIN and LOGIN7', () => {
  it('rejects a PRELOGIN option pointing past the end', () => {
    const b = Buffer.from([0x01, 0x00, 0x20, 0x00, 0x01, 0xff]);
    assert.throws(() => parsePrelogin(b), /points past the end of the message/);
  });

  it('decodes the password obfuscation', () => {
    assert.equal(decodePassword(encodePassword('pä$$wörd 𝄞')), 'pä$$wörd 𝄞');
  });

  it('rejects LOGIN7 shorter than its fixed part', () => {
    assert.throws(() => parseLogin7(Buffer.alloc(50)), { message: 'The LOGIN7 message is 50 bytes; it must be at least 86.' });
  });
});

describe('value codecs', () => {
  it('scales decimal text exactly, rounding half away from zero', () => {
    assert.equal(formatDecimal(parseDecimal('-12.345', 2), 2), '-12.35');
    assert.equal(formatDecimal(parseDecimal('0.005', 2), 2), '0.01');
    assert.equal(formatDecimal(parseDecimal('99999999999999999999999999999999999999', 0), 0), '99999999999999999999999999999999999999');
    assert.equal(formatDecimal(parseDecimal('-0.5', 4), 4), '-0.5000');
    assert.equal(formatDecimal(parseDecimal('1e3', 1), 1), '1000.0');
    assert.throws(() => parseDecimal('12a', 2), { message: "'12a' is not a decimal number." });
  });

  it('orders GUID bytes the way SQL Server does', () => {
    const g = '6F9619FF-8B86-D011-B42D-00C04FC964FF';
    assert.equal(guidToBytes(g).toString('hex'), 'ff19966f868b11d0b42d00c04fc964ff');
    assert.equal(bytesToGuid(guidToBytes(g.toLowerCase())), g);
  });

  it('maps Windows-1252 both ways and replaces what it lacks with ?', () => {
    assert.equal(decodeCp1252(encodeCp1252('€ café ™ Ÿ')), '€ café ™ Ÿ');
    assert.equal(decodeCp1252(encodeCp1252('漢')), '?');
  });

  async function roundTrip(type: WireType, value: unknown): Promise<unknown> {
    const w = new WireWriter();
    const ti = new WireWriter();
    (await import('../../../src/localpool/tds/data-types/index.js')).codecFor(type).writeTypeInfo(ti, type);
    writeValue(w, type, value as never);
    const queue = new PacketQueue({ onAttention() {}, pause() {}, resume() {} });
    const r = new MessageReader(queue, { type: 3, status: 1, payload: Buffer.concat([ti.view(), w.view()]) }, 1 << 20);
    const info = await readTypeInfo(r, '@v');
    const len = info.lengthKind === 'byte' ? await r.u8() : info.lengthKind === 'ushort' ? await r.u16() : -1;
    return decodeValue(info, await r.readBytes(len));
  }

  it('writes and reads back each fixed-size type', async () => {
    assert.equal(await roundTrip({ name: 'int' }, -5), -5);
    assert.equal(await roundTrip({ name: 'bigint' }, -(2n ** 63n)), -(2n ** 63n));
    assert.equal(await roundTrip({ name: 'decimal', precision: 38, scale: 6 }, '-12345678901234567890.123456'), '-12345678901234567890.123456');
    const d = (await roundTrip(
      { name: 'datetime2', scale: 7 },
      Object.assign(new Date('2024-05-06T07:08:09.123Z'), { nanosecondDelta: 0.0004567 }),
    )) as Date & {
      nanosecondDelta: number;
    };
    assert.equal(d.toISOString(), '2024-05-06T07:08:09.123Z');
    assert.ok(Math.abs(d.nanosecondDelta - 0.0004567) < 1e-10);
    assert.equal(((await roundTrip({ name: 'datetime' }, new Date('1999-12-31T23:59:59.997Z'))) as Date).toISOString(), '1999-12-31T23:59:59.997Z');
    assert.equal(await roundTrip({ name: 'nvarchar', length: 10 }, 'ab𝄞'), 'ab𝄞');
  });

  it('refuses a value that does not fit its type, naming it', async () => {
    await assert.rejects(roundTrip({ name: 'tinyint' }, 256), { message: 'Arithmetic overflow converting 256 to data type tinyint.' });
    await assert.rejects(roundTrip({ name: 'decimal', precision: 3, scale: 1 }, '100.0'), {
      message: 'Arithmetic overflow error converting 100.0 to data type decimal(3,1).',
    });
    await assert.rejects(roundTrip({ name: 'varchar', length: 2 }, 'abc'), /String or binary data would be truncated/);
  });
});
