import type { ResultColumn } from '../../engine/api.js';
import { codecFor } from '../data-types/index.js';
import { Token } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';

/** Column flags: nullable (bit 0), updatable unknown (bits 2-3 = 2). */
function flags(c: ResultColumn): number {
  return (c.nullable ? 0x0001 : 0) | 0x0008;
}

/** COLMETADATA (MS-TDS 2.2.7.4): the columns of the result set that follows. */
export function writeColMetadata(w: WireWriter, columns: readonly ResultColumn[]): void {
  w.u8(Token.ColMetadata).u16(columns.length);
  for (const c of columns) {
    w.u32(0).u16(flags(c));
    codecFor(c.type).writeTypeInfo(w, c.type);
    w.bVarchar(c.name);
  }
}
