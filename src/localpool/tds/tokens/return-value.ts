import type { SqlValue, WireType } from '../../engine/api.js';
import { codecFor, writeValue } from '../data-types/index.js';
import { Token } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';

/** RETURNVALUE (MS-TDS 2.2.7.19): an output parameter's value. */
export function writeReturnValue(w: WireWriter, ordinal: number, name: string, type: WireType, value: SqlValue): void {
  w.u8(Token.ReturnValue).u16(ordinal).bVarchar(name).u8(0x01).u32(0).u16(0x0001);
  codecFor(type).writeTypeInfo(w, type);
  writeValue(w, type, value);
}
