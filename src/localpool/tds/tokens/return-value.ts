import type { SqlValue, WireType } from '../../engine/api.js';
import { columnEncoder } from '../data-types/column-encoder.js';
import { Token } from '../protocol.js';
import { TDS_7_4, type TdsVersion } from '../version.js';
import type { WireWriter } from '../wire-writer.js';

/** RETURNVALUE (MS-TDS 2.2.7.19): an output parameter's value (its user type 4 bytes from TDS 7.2, 2 before). */
export function writeReturnValue(w: WireWriter, ordinal: number, name: string, type: WireType, value: SqlValue, version: TdsVersion = TDS_7_4): void {
  const encoder = columnEncoder(type, version);
  w.u8(Token.ReturnValue).u16(ordinal).bVarchar(name).u8(0x01);
  if (version.wide) w.u32(0);
  else w.u16(0);
  w.u16(0x0001);
  encoder.writeTypeInfo(w);
  encoder.write(w, value);
}
