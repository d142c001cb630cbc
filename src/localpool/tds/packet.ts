import { HEADER_LENGTH, PacketStatus } from './protocol.js';
import { ProtocolError } from './errors.js';

/** One TDS packet (MS-TDS 2.2.3): an 8-byte header and its payload. */
export interface Packet {
  readonly type: number;
  readonly status: number;
  readonly payload: Buffer;
}

/** The largest packet TDS allows (its length field counts the header). */
export const MAX_PACKET_SIZE = 32768;
export const MIN_PACKET_SIZE = 512;

export function isEndOfMessage(p: Packet): boolean {
  return (p.status & PacketStatus.EndOfMessage) !== 0;
}

export function writePacketHeader(target: Buffer, type: number, status: number, length: number, packetId: number): void {
  target[0] = type;
  target[1] = status;
  target.writeUInt16BE(length, 2);
  target.writeUInt16BE(0, 4); // SPID
  target[6] = packetId & 0xff;
  target[7] = 0; // window
}

/** Builds a whole packet around `payload`. */
export function encodePacket(type: number, status: number, payload: Uint8Array, packetId = 1): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + payload.length);
  writePacketHeader(out, type, status, out.length, packetId);
  out.set(payload, HEADER_LENGTH);
  return out;
}

/**
 * Cuts a byte stream into packets. Bytes may arrive split anywhere; a header whose length is
 * shorter than a header or longer than `maxPacketSize` is a protocol error.
 */
export class PacketFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxPacketSize = MAX_PACKET_SIZE) {}

  /** Bytes received but not yet part of a complete packet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Packet[] {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Packet[] = [];
    for (;;) {
      if (this.buffered < HEADER_LENGTH) break;
      const header = this.peek(HEADER_LENGTH);
      const length = header.readUInt16BE(2);
      if (length < HEADER_LENGTH || length > this.maxPacketSize) {
        throw new ProtocolError(`A packet declares a length of ${length} bytes; TDS packets are ${HEADER_LENGTH} to ${this.maxPacketSize} bytes.`);
      }
      if (this.buffered < length) break;
      const whole = this.take(length);
      out.push({ type: whole[0]!, status: whole[1]!, payload: whole.subarray(HEADER_LENGTH) });
    }
    return out;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.chunks, Math.min(this.buffered, Math.max(n, 0))).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const need = n - filled;
      if (c.length <= need) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, need);
        this.chunks[0] = c.subarray(need);
        filled += need;
      }
    }
    return out;
  }
}
