import { ProtocolError } from './errors.js';

/** What the server uses from a LOGIN7 message (MS-TDS 2.2.6.4). */
export interface Login7 {
  readonly tdsVersion: number;
  readonly packetSize: number;
  readonly hostName: string;
  readonly userName: string;
  readonly password: string;
  readonly appName: string;
  readonly serverName: string;
  readonly database: string;
  /** The client asked for integrated (SSPI) authentication. */
  readonly integratedSecurity: boolean;
  /** Bytes of an SSPI blob, which the local pool does not accept. */
  readonly sspiLength: number;
  /** The client announced a feature extension (e.g. Entra ID federated authentication). */
  readonly hasFeatureExtension: boolean;
}

/** The fixed part of LOGIN7 up to the SSPI and attach-file fields, which every 7.x version has (7.2+ adds 8 bytes). */
const FIXED_LENGTH = 86;

/** Passwords travel with each byte's nibbles swapped and XORed with 0xA5. */
export function decodePassword(bytes: Buffer): string {
  const out = Buffer.allocUnsafe(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]! ^ 0xa5;
    out[i] = ((b << 4) & 0xf0) | (b >> 4);
  }
  return out.toString('utf16le');
}

/** The inverse of decodePassword, for tests and tools. */
export function encodePassword(password: string): Buffer {
  const raw = Buffer.from(password, 'utf16le');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    raw[i] = (((b << 4) & 0xf0) | (b >> 4)) ^ 0xa5;
  }
  return raw;
}

/** Parses LOGIN7, checking that every offset/length pair lies inside the message. */
export function parseLogin7(payload: Buffer): Login7 {
  if (payload.length < FIXED_LENGTH) {
    throw new ProtocolError(`The LOGIN7 message is ${payload.length} bytes; it must be at least ${FIXED_LENGTH}.`);
  }
  const declared = payload.readUInt32LE(0);
  if (declared > payload.length || declared < FIXED_LENGTH) {
    throw new ProtocolError(`The LOGIN7 message declares ${declared} bytes but carries ${payload.length}.`);
  }
  const body = payload.subarray(0, declared);
  const field = (at: number, name: string, unit = 2): Buffer => {
    const offset = body.readUInt16LE(at);
    const length = body.readUInt16LE(at + 2) * unit;
    if (length === 0) return Buffer.alloc(0);
    if (offset < 36 || offset + length > body.length) {
      throw new ProtocolError(`The LOGIN7 field ${name} (offset ${offset}, ${length} bytes) lies outside the message.`);
    }
    return body.subarray(offset, offset + length);
  };
  const text = (at: number, name: string): string => field(at, name).toString('utf16le');
  const optionFlags2 = body[25]!;
  const optionFlags3 = body[27]!;
  const sspiLength = body.readUInt16LE(80);
  return {
    tdsVersion: body.readUInt32LE(4),
    packetSize: body.readUInt32LE(8),
    hostName: text(36, 'HostName'),
    userName: text(40, 'UserName'),
    password: decodePassword(field(44, 'Password')),
    appName: text(48, 'AppName'),
    serverName: text(52, 'ServerName'),
    database: text(68, 'Database'),
    integratedSecurity: (optionFlags2 & 0x80) !== 0,
    sspiLength,
    hasFeatureExtension: (optionFlags3 & 0x10) !== 0,
  };
}
