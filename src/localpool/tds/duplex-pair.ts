import { Duplex } from 'node:stream';

/** One end of an in-memory pipe: what is written to it is read from its peer. */
class PairEnd extends Duplex {
  peer!: PairEnd;
  private pendingWrite: (() => void) | undefined;

  override _read(): void {
    const release = this.peer.pendingWrite;
    if (release) {
      this.peer.pendingWrite = undefined;
      release();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.peer.push(chunk)) callback();
    else this.pendingWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const release = this.pendingWrite;
    this.pendingWrite = undefined;
    release?.();
    if (!this.peer.destroyed) this.peer.destroy();
    callback(error);
  }
}

/**
 * Two connected in-memory duplex streams with backpressure, used to run TLS over bytes that do
 * not come straight from a socket (TLS inside PRELOGIN packets, or after peeking at the first byte).
 */
export function createDuplexPair(): [Duplex, Duplex] {
  const a = new PairEnd();
  const b = new PairEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
