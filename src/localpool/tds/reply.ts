import type { ResultColumn, RowBlock, SqlMessage, SqlValue, WireType } from '../engine/api.js';
import type { ColumnEncoder } from './data-types/column-encoder.js';
import { CurCmd, DoneStatus } from './protocol.js';
import type { ResponseWriter } from './outgoing.js';
import { WireWriter } from './wire-writer.js';
import { writeColMetadata } from './tokens/colmetadata.js';
import { writeDone } from './tokens/done.js';
import { writeBeginTransaction, writeDatabaseChange, writeEndTransaction } from './tokens/env-change.js';
import { writeMessage } from './tokens/message.js';
import { writeReturnStatus } from './tokens/return-status.js';
import { writeReturnValue } from './tokens/return-value.js';
import { writeRow } from './tokens/row.js';
import { RowBlockWriter } from './tokens/row-block.js';

/** Bytes gathered before they are handed to the packet writer. */
const FLUSH_AT = 32 * 1024;

/**
 * One reply message, assembled token by token as the engine's events arrive. A statement's DONE
 * is held back until the next event shows whether more follow (the MORE bit); rows go out as soon
 * as a packet fills, waiting for the socket when it is full.
 */
export class Reply {
  private readonly scratch = new WireWriter(8192);
  private pendingDone: { status: number; rowCount: number; curCmd: number } | undefined;
  private columns: readonly ColumnEncoder[] | undefined;
  private rowsInSet = 0;
  private returnValueOrdinal = 0;
  anyError = false;
  returnStatusSent = false;

  constructor(
    private readonly writer: ResponseWriter,
    /** 'rpc' replies end statements with DONEINPROC and the request with DONEPROC. */
    private readonly mode: 'batch' | 'rpc',
    private readonly inTransaction: () => boolean,
  ) {}

  private statusBits(): number {
    return this.inTransaction() ? DoneStatus.InTransaction : 0;
  }

  private releaseDone(more: boolean): void {
    const d = this.pendingDone;
    if (!d) return;
    this.pendingDone = undefined;
    writeDone(this.scratch, this.mode === 'rpc' ? 'doneInProc' : 'done', d.status | (more ? DoneStatus.More : 0), d.rowCount, d.curCmd, this.writer.version);
  }

  columnsStart(columns: readonly ResultColumn[]): void {
    this.releaseDone(true);
    this.columns = writeColMetadata(this.scratch, columns, this.writer.version);
    this.rowsInSet = 0;
  }

  async rows(rows: readonly (readonly SqlValue[])[]): Promise<void> {
    const columns = this.columns;
    if (!columns) throw new Error('The engine sent rows before their columns.');
    const nbcRow = this.writer.version.nbcRow;
    for (const row of rows) {
      const start = this.scratch.length;
      try {
        writeRow(this.scratch, columns, row, nbcRow);
      } catch (e) {
        // Never leave half a row on the wire: the error token follows a clean token boundary.
        this.scratch.truncate(start);
        throw e;
      }
      if (this.scratch.length >= FLUSH_AT) await this.flush();
    }
    this.rowsInSet += rows.length;
    await this.flush();
  }

  /** Rows as columns: encoded from the engine's memory, sent as packets fill, waiting while the socket is full. */
  async block(block: RowBlock): Promise<void> {
    const columns = this.columns;
    if (!columns) throw new Error('The engine sent rows before their columns.');
    const writer = new RowBlockWriter(columns, block, this.writer.version.nbcRow);
    for (let i = 0; i < writer.rowCount;) {
      i = writer.write(this.scratch, i, FLUSH_AT);
      if (this.scratch.length >= FLUSH_AT) await this.flush();
    }
    this.rowsInSet += block.rowCount;
  }

  statementDone(rowCount: number | undefined, error: boolean | undefined): void {
    this.releaseDone(true);
    let status = this.statusBits();
    if (rowCount !== undefined) status |= DoneStatus.Count;
    if (error) {
      status |= DoneStatus.Error;
      this.anyError = true;
    }
    this.pendingDone = { status, rowCount: rowCount ?? 0, curCmd: this.columns ? CurCmd.Select : CurCmd.None };
    this.columns = undefined;
  }

  message(kind: 'error' | 'info', m: SqlMessage): void {
    this.releaseDone(true);
    if (kind === 'error') this.anyError = true;
    writeMessage(this.scratch, kind, m, undefined, this.writer.version);
  }

  returnStatus(value: number): void {
    this.releaseDone(true);
    this.returnStatusSent = true;
    writeReturnStatus(this.scratch, value);
  }

  returnValue(name: string, type: WireType, value: SqlValue): void {
    this.releaseDone(true);
    writeReturnValue(this.scratch, this.returnValueOrdinal++, name, type, value, this.writer.version);
  }

  /** ENVCHANGE 8 (TDS 7.2+; older clients are not told). */
  beginTransaction(descriptor: Uint8Array): void {
    if (!this.writer.version.wide) return;
    this.releaseDone(true);
    writeBeginTransaction(this.scratch, descriptor);
  }

  endTransaction(outcome: 'commit' | 'rollback', descriptor: Uint8Array): void {
    if (!this.writer.version.wide) return;
    this.releaseDone(true);
    writeEndTransaction(this.scratch, outcome, descriptor);
  }

  databaseChange(next: string, previous: string): void {
    this.releaseDone(true);
    writeDatabaseChange(this.scratch, next, previous);
  }

  /** Hands gathered bytes to the packet writer and waits while the socket is full. */
  async flush(): Promise<void> {
    if (this.scratch.length) {
      this.writer.write(this.scratch.view());
      this.scratch.reset();
    }
    await this.writer.drain();
  }

  /** The closing DONE (batch) or RETURNSTATUS + DONEPROC (rpc), then the end of the message. */
  async finish(options: { returnStatus?: number } = {}): Promise<void> {
    if (this.mode === 'batch') {
      if (this.pendingDone) this.releaseDone(false);
      else writeDone(this.scratch, 'done', this.statusBits() | (this.anyError ? DoneStatus.Error : 0), 0, 0, this.writer.version);
    } else {
      this.releaseDone(true);
      if (!this.returnStatusSent && options.returnStatus !== undefined && !this.anyError) writeReturnStatus(this.scratch, options.returnStatus);
      writeDone(this.scratch, 'doneProc', this.statusBits() | (this.anyError ? DoneStatus.Error : 0), 0, 0, this.writer.version);
    }
    await this.flush();
    await this.writer.endMessage();
  }
}
