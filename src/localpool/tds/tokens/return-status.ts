import { Token } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';

/** RETURNSTATUS (MS-TDS 2.2.7.18): a procedure's return value. */
export function writeReturnStatus(w: WireWriter, value: number): void {
  w.u8(Token.ReturnStatus).i32(value);
}
