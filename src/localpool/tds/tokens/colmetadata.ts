import type { ResultColumn } from '../../engine/api.js';
import { columnEncoder, type ColumnEncoder } from '../data-types/column-encoder.js';
import { Token } from '../protocol.js';
import { TDS_7_4, type TdsVersion } from '../version.js';
import type { WireWriter } from '../wire-writer.js';

/** Column flags: nullable (bit 0), updatable unknown (bits 2-3 = 2). */
function flags(c: ResultColumn): number {
  return (c.nullable ? 0x0001 : 0) | 0x0008;
}

/**
 * COLMETADATA (MS-TDS 2.2.7.4): the columns of the result set that follows, in `version`'s
 * formats (user types are 4 bytes from TDS 7.2, 2 before). Returns the encoders its rows are
 * written with.
 */
export function writeColMetadata(w: WireWriter, columns: readonly ResultColumn[], version: TdsVersion = TDS_7_4): ColumnEncoder[] {
  w.u8(Token.ColMetadata).u16(columns.length);
  const encoders: ColumnEncoder[] = [];
  for (const c of columns) {
    const encoder = columnEncoder(c.type, version);
    encoders.push(encoder);
    if (version.wide) w.u32(0);
    else w.u16(0);
    w.u16(flags(c));
    encoder.writeTypeInfo(w);
    // text, ntext and image name their table: one part (7.2+: a part count first); the pool has none.
    if (encoder.hasTableName) {
      if (version.wide) w.u8(0);
      else w.u16(0);
    }
    w.bVarchar(c.name);
  }
  return encoders;
}
