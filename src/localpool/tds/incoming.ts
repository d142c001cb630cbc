import { PacketStatus, PacketType } from './protocol.js';
import { IgnoredMessageError, ProtocolError, RequestError } from './errors.js';
import { isEndOfMessage, type Packet } from './packet.js';

export interface PacketQueueHooks {
  /** An ATTENTION packet arrived; it is handled at once, never queued. */
  onAttention(): void;
  /** Stop reading from the socket: enough packets are waiting. */
  pause(): void;
  /** Read from the socket again. */
  resume(): void;
}

/**
 * The packets of one connection, in order, waiting to be read. Reading stops (socket paused) while
 * more than `highWaterBytes` are waiting, so a client sending a large value can never make the
 * server hold more than that.
 */
export class PacketQueue {
  private readonly queue: Packet[] = [];
  private queuedBytes = 0;
  private paused = false;
  private waiter: ((p: Packet | undefined) => void) | undefined;
  private failWaiter: ((e: Error) => void) | undefined;
  private ended = false;
  private error: Error | undefined;

  constructor(
    private readonly hooks: PacketQueueHooks,
    private readonly highWaterBytes = 256 * 1024,
  ) {}

  push(p: Packet): void {
    if (p.type === PacketType.Attention) {
      this.hooks.onAttention();
      return;
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = undefined;
      w(p);
      return;
    }
    this.queue.push(p);
    this.queuedBytes += p.payload.length;
    if (!this.paused && this.queuedBytes > this.highWaterBytes) {
      this.paused = true;
      this.hooks.pause();
    }
  }

  /** No more packets will come: `error` says why, when it is not a normal close. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error;
    if (this.waiter) {
      const w = this.waiter;
      const f = this.failWaiter!;
      this.waiter = this.failWaiter = undefined;
      if (error) f(error);
      else w(undefined);
    }
  }

  /** The next packet, or undefined once the connection has closed. */
  next(): Promise<Packet | undefined> {
    const p = this.queue.shift();
    if (p) {
      this.queuedBytes -= p.payload.length;
      if (this.paused && this.queuedBytes <= this.highWaterBytes / 2) {
        this.paused = false;
        this.hooks.resume();
      }
      return Promise.resolve(p);
    }
    if (this.ended) return this.error ? Promise.reject(this.error) : Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }
}

/** Thrown when a connection closes in the middle of a message. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('The client closed the connection.');
    this.name = 'ConnectionClosedError';
  }
}

/**
 * Reads one request message field by field, across packet boundaries, waiting for packets as they
 * arrive. `budget` caps the bytes a parser may hold (readBytes); bytes streamed through
 * `readUpTo` do not count against it.
 */
export class MessageReader {
  readonly type: number;
  private cur: Buffer;
  private eom: boolean;
  private budget: number;

  constructor(
    private readonly queue: PacketQueue,
    first: Packet,
    private readonly maxBufferedBytes: number,
  ) {
    this.type = first.type;
    this.budget = maxBufferedBytes;
    this.cur = first.payload;
    this.eom = isEndOfMessage(first);
    if (first.status & PacketStatus.Ignore) throw new IgnoredMessageError();
  }

  /** True once the whole message has been received (its last packet is in). */
  get complete(): boolean {
    return this.eom;
  }

  /** Loads the next packet when the current one is used up. False at the end of the message. */
  private async fill(): Promise<boolean> {
    while (this.cur.length === 0) {
      if (this.eom) return false;
      const p = await this.queue.next();
      if (!p) throw new ConnectionClosedError();
      if (p.type !== this.type) {
        throw new ProtocolError(`A packet of type 0x${p.type.toString(16)} arrived inside a message of type 0x${this.type.toString(16)}.`);
      }
      this.eom = isEndOfMessage(p);
      this.cur = p.payload;
      if (p.status & PacketStatus.Ignore) {
        this.cur = Buffer.alloc(0);
        this.eom = true;
        throw new IgnoredMessageError();
      }
    }
    return true;
  }

  /** True when no byte of the message is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Exactly `n` bytes; a message that ends first is malformed. */
  async readBytes(n: number, what = 'a field'): Promise<Buffer> {
    if (n > this.budget) {
      throw new RequestError(
        8003,
        `The request is larger than the local pool accepts (${this.maxBufferedBytes} bytes held in memory at most, reading ${what}). Send long binary values as varbinary(max) parameters, which stream, or raise the server's maxMessageBytes limit.`,
      );
    }
    this.budget -= n;
    if (this.cur.length >= n) {
      const out = this.cur.subarray(0, n);
      this.cur = this.cur.subarray(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (!(await this.fill())) throw new ProtocolError(`The message ended in the middle of ${what}.`);
      const take = Math.min(n - filled, this.cur.length);
      this.cur.copy(out, filled, 0, take);
      this.cur = this.cur.subarray(take);
      filled += take;
    }
    return out;
  }

  /** Between 1 and `max` bytes, as many as have arrived; undefined at the end of the message. Not budgeted. */
  async readUpTo(max: number): Promise<Buffer | undefined> {
    if (!(await this.fill())) return undefined;
    const take = Math.min(max, this.cur.length);
    const out = this.cur.subarray(0, take);
    this.cur = this.cur.subarray(take);
    return out;
  }

  /** Everything left in the message (budgeted). */
  async readRest(what = 'the request'): Promise<Buffer> {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (!(await this.fill())) break;
      const part = this.cur;
      this.cur = Buffer.alloc(0);
      total += part.length;
      if (total > this.budget) {
        this.budget = 0;
        throw new RequestError(
          8003,
          `The request is larger than the local pool accepts (${this.maxBufferedBytes} bytes held in memory at most, reading ${what}). Split the batch, or raise the server's maxMessageBytes limit.`,
        );
      }
      parts.push(part);
    }
    this.budget -= total;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  }

  /** Reads and drops the rest of the message. */
  async discardRest(): Promise<void> {
    for (;;) {
      try {
        if (!(await this.fill())) return;
      } catch (e) {
        if (e instanceof IgnoredMessageError) return;
        throw e;
      }
      this.cur = Buffer.alloc(0);
    }
  }

  async u8(what?: string): Promise<number> {
    return (await this.readBytes(1, what))[0]!;
  }
  async u16(what?: string): Promise<number> {
    return (await this.readBytes(2, what)).readUInt16LE(0);
  }
  async u32(what?: string): Promise<number> {
    return (await this.readBytes(4, what)).readUInt32LE(0);
  }
  async u64(what?: string): Promise<bigint> {
    return (await this.readBytes(8, what)).readBigUInt64LE(0);
  }
  /** B_VARCHAR: one-byte character count, UTF-16LE. */
  async bVarchar(what?: string): Promise<string> {
    const n = await this.u8(what);
    return (await this.readBytes(n * 2, what)).toString('utf16le');
  }
  /** US_VARCHAR: two-byte character count, UTF-16LE. */
  async usVarchar(what?: string): Promise<string> {
    const n = await this.u16(what);
    return (await this.readBytes(n * 2, what)).toString('utf16le');
  }
}
