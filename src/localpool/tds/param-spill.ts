/**
 * Large parameter values that are not the last of their request. The server must read past such a
 * value to reach the parameters after it, before the engine runs, so the value goes to a file of its
 * own in the spill folder as it arrives (memory stays bounded) and the engine reads it back from
 * there as a StreamedValue. Every file of a request is deleted when the request ends, however it
 * ends: done, failed, cancelled, or its connection dropped.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamedValue } from '../engine/api.js';

/** Bytes gathered before one write to the file. */
const WRITE_SIZE = 1024 * 1024;

/** A spilled value: its bytes are read from its file, once. */
export class SpilledValue implements StreamedValue {
  readonly kind = 'stream' as const;
  private iterated = false;

  constructor(
    private readonly path: string,
    readonly length: number,
    private readonly name: string,
  ) {}

  get chunks(): AsyncIterable<Uint8Array> {
    if (this.iterated) throw new Error(`The value of ${this.name} can be read only once.`);
    this.iterated = true;
    return createReadStream(this.path, { highWaterMark: WRITE_SIZE }) as AsyncIterable<Uint8Array>;
  }
}

/** A file being written: pieces are gathered and written in large writes. */
export class SpillWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  get length(): number {
    return this.written + this.pendingBytes;
  }

  async write(piece: Uint8Array): Promise<void> {
    this.pending.push(Buffer.from(piece.buffer, piece.byteOffset, piece.length));
    this.pendingBytes += piece.length;
    if (this.pendingBytes >= WRITE_SIZE) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const parts = this.pending;
    this.pending = [];
    this.written += this.pendingBytes;
    this.pendingBytes = 0;
    await this.handle.writev(parts);
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }
}

/** The spill files of one request. */
export class SpillFiles {
  private readonly paths: string[] = [];

  constructor(private readonly dir: string) {}

  /** Creates a new file (readable by this user only). */
  async create(): Promise<SpillWriter> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, `param-${process.pid}-${randomUUID()}.bin`);
    this.paths.push(path);
    return new SpillWriter(await open(path, 'wx', 0o600), path);
  }

  get count(): number {
    return this.paths.length;
  }

  /** Deletes every file of the request. */
  async removeAll(): Promise<void> {
    const paths = this.paths.splice(0);
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  }
}
