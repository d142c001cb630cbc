import { Token } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';

export type DoneKind = 'done' | 'doneProc' | 'doneInProc';

const IDS: Record<DoneKind, number> = { done: Token.Done, doneProc: Token.DoneProc, doneInProc: Token.DoneInProc };

/** DONE, DONEPROC, DONEINPROC (MS-TDS 2.2.7.6-8): status bits, current command, 8-byte row count. */
export function writeDone(w: WireWriter, kind: DoneKind, status: number, rowCount = 0, curCmd = 0): void {
  w.u8(IDS[kind]).u16(status).u16(curCmd).u64(rowCount);
}
