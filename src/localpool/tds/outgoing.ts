import type { Writable } from 'node:stream';
import { HEADER_LENGTH, PacketStatus, PacketType } from './protocol.js';
import { writePacketHeader } from './packet.js';
import { TDS_7_4, type TdsVersion } from './version.js';

/**
 * Writes reply messages as packets of the negotiated size. Bytes are copied into one packet
 * buffer and sent as soon as it is full; `drain()` waits while the socket's buffer is full,
 * so a result of any size streams through a fixed amount of memory.
 */
export class ResponseWriter {
  private packet: Buffer;
  private fill = HEADER_LENGTH;
  private packetId = 1;
  private type: number = PacketType.TabularResult;
  /** The TDS version replies are written in: 7.4 until LOGIN7 names another. */
  version: TdsVersion = TDS_7_4;

  constructor(
    private out: Writable,
    private packetSize: number,
  ) {
    this.packet = Buffer.allocUnsafe(packetSize);
  }

  get size(): number {
    return this.packetSize;
  }

  /** Takes effect from the next message. */
  setPacketSize(size: number): void {
    this.packetSize = size;
  }

  setOutput(out: Writable): void {
    this.out = out;
  }

  /** The packet type of the message being written (replies are TABULAR_RESULT; TLS handshakes PRELOGIN). */
  setType(type: number): void {
    this.type = type;
  }

  write(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.fill === this.packet.length) this.sendPacket(0);
      const take = Math.min(bytes.length - offset, this.packet.length - this.fill);
      this.packet.set(bytes.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
    }
  }

  /** Sends the last packet of the message (status EOM) and waits for the socket to take it. */
  async endMessage(): Promise<void> {
    this.sendPacket(PacketStatus.EndOfMessage);
    this.packetId = 1;
    this.type = PacketType.TabularResult;
    if (this.packet.length !== this.packetSize) this.packet = Buffer.allocUnsafe(this.packetSize);
    await this.drain();
  }

  /** Resolves once the socket can take more (or has closed). */
  drain(): Promise<void> {
    const out = this.out;
    if (!out.writableNeedDrain || out.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  }

  private sendPacket(status: number): void {
    writePacketHeader(this.packet, this.type, status, this.fill, this.packetId);
    this.packetId = (this.packetId + 1) & 0xff;
    const chunk = Buffer.from(this.packet.subarray(0, this.fill));
    this.fill = HEADER_LENGTH;
    if (!this.out.destroyed) this.out.write(chunk);
  }
}
