import type { ResultColumn, SqlValue } from '../../engine/api.js';
import { writeValue } from '../data-types/index.js';
import { Token } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';

/** ROW, or NBCROW (MS-TDS 2.2.7.17 / 2.2.7.19) when some values are NULL: a bitmap replaces them. */
export function writeRow(w: WireWriter, columns: readonly ResultColumn[], values: readonly SqlValue[]): void {
  if (values.length !== columns.length) {
    throw new RangeError(`A row has ${values.length} values for ${columns.length} columns.`);
  }
  let anyNull = false;
  for (const v of values) {
    if (v === null || v === undefined) {
      anyNull = true;
      break;
    }
  }
  if (!anyNull) {
    w.u8(Token.Row);
    for (let i = 0; i < columns.length; i++) writeValue(w, columns[i]!.type, values[i]!);
    return;
  }
  w.u8(Token.NbcRow);
  const bitmap = Buffer.alloc(Math.ceil(columns.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) bitmap[i >> 3]! |= 1 << (i & 7);
  }
  w.bytes(bitmap);
  for (let i = 0; i < columns.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) writeValue(w, columns[i]!.type, v);
  }
}
