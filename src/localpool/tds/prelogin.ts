import { ProtocolError } from './errors.js';

/** PRELOGIN option tokens (MS-TDS 2.2.6.5). */
const Option = { Version: 0x00, Encryption: 0x01, InstOpt: 0x02, ThreadId: 0x03, Mars: 0x04, Terminator: 0xff } as const;

export const Encryption = { Off: 0x00, On: 0x01, NotSupported: 0x02, Required: 0x03 } as const;

export interface PreloginRequest {
  /** The client's ENCRYPTION byte; undefined when it sent none. */
  readonly encryption?: number;
  readonly mars?: number;
}

/** Parses a client's PRELOGIN payload, checking every offset against its length. */
export function parsePrelogin(payload: Buffer): PreloginRequest {
  let encryption: number | undefined;
  let mars: number | undefined;
  let offset = 0;
  for (let count = 0; ; count++) {
    if (offset >= payload.length) throw new ProtocolError('The PRELOGIN message has no terminator.');
    const token = payload[offset]!;
    if (token === Option.Terminator) break;
    if (offset + 5 > payload.length || count > 64) throw new ProtocolError('The PRELOGIN option list is truncated.');
    const dataOffset = payload.readUInt16BE(offset + 1);
    const dataLength = payload.readUInt16BE(offset + 3);
    if (dataOffset + dataLength > payload.length) {
      throw new ProtocolError(`PRELOGIN option 0x${token.toString(16)} points past the end of the message.`);
    }
    if (token === Option.Encryption && dataLength >= 1) encryption = payload[dataOffset]!;
    if (token === Option.Mars && dataLength >= 1) mars = payload[dataOffset]!;
    offset += 5;
  }
  return { encryption, mars };
}

/** The server's PRELOGIN reply: version, encryption decision, instance, thread id, MARS off. */
export function buildPreloginResponse(encryption: number, version: readonly [number, number, number]): Buffer {
  const versionData = Buffer.alloc(6);
  versionData[0] = version[0];
  versionData[1] = version[1];
  versionData.writeUInt16BE(version[2], 2);
  const options: [number, Buffer][] = [
    [Option.Version, versionData],
    [Option.Encryption, Buffer.from([encryption])],
    [Option.InstOpt, Buffer.from([0])],
    [Option.ThreadId, Buffer.alloc(4)],
    [Option.Mars, Buffer.from([0])],
  ];
  const headerLength = options.length * 5 + 1;
  const total = headerLength + options.reduce((n, [, d]) => n + d.length, 0);
  const out = Buffer.alloc(total);
  let head = 0;
  let data = headerLength;
  for (const [token, d] of options) {
    out[head] = token;
    out.writeUInt16BE(data, head + 1);
    out.writeUInt16BE(d.length, head + 3);
    d.copy(out, data);
    head += 5;
    data += d.length;
  }
  out[head] = Option.Terminator;
  return out;
}
