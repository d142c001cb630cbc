import type { SqlValue } from '../../engine/api.js';
import type { ColumnEncoder } from '../data-types/column-encoder.js';
import { Token } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';

/**
 * ROW, or NBCROW (MS-TDS 2.2.7.17 / 2.2.7.19; TDS 7.3B+, `nbcRow`) when some values are NULL: a
 * bitmap replaces them. Without NBCROW, NULLs are written in their type's NULL form.
 */
export function writeRow(w: WireWriter, encoders: readonly ColumnEncoder[], values: readonly SqlValue[], nbcRow = true): void {
  if (values.length !== encoders.length) {
    throw new RangeError(`A row has ${values.length} values for ${encoders.length} columns.`);
  }
  let anyNull = false;
  if (nbcRow) {
    for (const v of values) {
      if (v === null || v === undefined) {
        anyNull = true;
        break;
      }
    }
  }
  if (!anyNull) {
    w.u8(Token.Row);
    for (let i = 0; i < encoders.length; i++) encoders[i]!.write(w, values[i] ?? null);
    return;
  }
  w.u8(Token.NbcRow);
  const bitmap = Buffer.alloc(Math.ceil(encoders.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) bitmap[i >> 3]! |= 1 << (i & 7);
  }
  w.bytes(bitmap);
  for (let i = 0; i < encoders.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) encoders[i]!.write(w, v);
  }
}
