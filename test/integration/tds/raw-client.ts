import { connect, type Socket } from 'node:net';
import { encodePassword } from '../../../src/localpool/tds/login7.js';
import { encodePacket, isEndOfMessage, PacketFramer } from '../../../src/localpool/tds/packet.js';
import { PacketStatus, PacketType } from '../../../src/localpool/tds/protocol.js';

/** A hand-driven TDS client for feeding the server bytes no real driver would send. */
export class RawClient {
  private readonly framer = new PacketFramer();
  private readonly messages: Buffer[] = [];
  private parts: Buffer[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      try {
        for (const p of this.framer.push(d)) {
          this.parts.push(p.payload);
          if (isEndOfMessage(p)) {
            this.messages.push(Buffer.concat(this.parts));
            this.parts = [];
          }
        }
      } catch {
        socket.destroy();
      }
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.waiter?.();
        resolve();
      }),
    );
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  sendMessage(type: number, payload: Uint8Array, status: number = PacketStatus.EndOfMessage): void {
    this.send(encodePacket(type, status, payload));
  }

  /** The next whole reply message, or undefined when the server closed the connection first. */
  async nextMessage(): Promise<Buffer | undefined> {
    for (;;) {
      const m = this.messages.shift();
      if (m) return m;
      if (this.closed) return undefined;
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = undefined;
    }
  }

  /** PRELOGIN without encryption, then LOGIN7 as `user`; resolves with the login reply. */
  async login(user: string, password: string): Promise<Buffer | undefined> {
    this.sendMessage(PacketType.Prelogin, prelogin());
    if (!(await this.nextMessage())) return undefined;
    this.sendMessage(PacketType.Login7, login7(user, password));
    return this.nextMessage();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A PRELOGIN payload: VERSION, ENCRYPTION = not supported, terminator. */
export function prelogin(): Buffer {
  const b = Buffer.alloc(5 * 2 + 1 + 6 + 1);
  b[0] = 0x00;
  b.writeUInt16BE(11, 1);
  b.writeUInt16BE(6, 3);
  b[5] = 0x01;
  b.writeUInt16BE(17, 6);
  b.writeUInt16BE(1, 8);
  b[10] = 0xff;
  b[17] = 0x02;
  return b;
}

/** A LOGIN7 payload for SQL authentication. */
export function login7(user: string, password: string, database = ''): Buffer {
  const fields = [
    Buffer.from('host', 'utf16le'),
    Buffer.from(user, 'utf16le'),
    encodePassword(password),
    Buffer.from('raw', 'utf16le'),
    Buffer.from('server', 'utf16le'),
    Buffer.alloc(0),
    Buffer.from('raw-lib', 'utf16le'),
    Buffer.alloc(0),
    Buffer.from(database, 'utf16le'),
  ];
  const fixed = Buffer.alloc(94);
  fixed.writeUInt32LE(0x74000004, 4);
  fixed.writeUInt32LE(4096, 8);
  fixed[24] = 0xe0;
  fixed[25] = 0x03;
  let offset = 94;
  fields.forEach((f, i) => {
    fixed.writeUInt16LE(offset, 36 + i * 4);
    fixed.writeUInt16LE(f.length / 2, 38 + i * 4);
    offset += f.length;
  });
  for (const at of [78, 82, 86]) fixed.writeUInt16LE(offset, at);
  const out = Buffer.concat([fixed, ...fields]);
  out.writeUInt32LE(out.length, 0);
  return out;
}

/** ALL_HEADERS with a zero transaction descriptor. */
export function allHeaders(): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(22, 0);
  b.writeUInt32LE(18, 4);
  b.writeUInt16LE(2, 8);
  b.writeUInt32LE(1, 18);
  return b;
}

export function sqlBatch(text: string): Buffer {
  return Buffer.concat([allHeaders(), Buffer.from(text, 'utf16le')]);
}

/** The numbers of the ERROR tokens in a reply (scans for the token layout; enough for tests). */
export function errorNumbers(reply: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 7 < reply.length; i++) {
    if (reply[i] === 0xaa) {
      const len = reply.readUInt16LE(i + 1);
      if (i + 3 + len <= reply.length && len > 8) {
        out.push(reply.readInt32LE(i + 3));
        i += 2 + len;
      }
    }
  }
  return out;
}
