import { Token } from '../protocol.js';
import { TDS_7_4, type TdsVersion } from '../version.js';
import type { WireWriter } from '../wire-writer.js';

export type DoneKind = 'done' | 'doneProc' | 'doneInProc';

const IDS: Record<DoneKind, number> = { done: Token.Done, doneProc: Token.DoneProc, doneInProc: Token.DoneInProc };

/** DONE, DONEPROC, DONEINPROC (MS-TDS 2.2.7.6-8): status bits, current command, row count (8 bytes from TDS 7.2, 4 before). */
export function writeDone(w: WireWriter, kind: DoneKind, status: number, rowCount = 0, curCmd = 0, version: TdsVersion = TDS_7_4): void {
  w.u8(IDS[kind]).u16(status).u16(curCmd);
  if (version.wide) w.u64(rowCount);
  else w.u32(Math.min(rowCount, 0xffffffff));
}
