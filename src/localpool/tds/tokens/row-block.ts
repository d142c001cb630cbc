import type { RowBlock, SqlValue } from '../../engine/api.js';
import type { ColumnEncoder } from '../data-types/column-encoder.js';
import { rawCells, type RawCells } from '../data-types/raw-cells.js';
import { Token } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';

interface ColumnPlan {
  readonly encoder: ColumnEncoder;
  /** Fixed-width items written straight from the engine's memory … */
  readonly raw: RawCells | undefined;
  readonly validity: Uint8Array | null;
  /** … or text / binary items read one at a time … */
  readonly items: ByteItems | undefined;
  /** … or values, written by the encoder. */
  readonly values: readonly SqlValue[] | undefined;
}

/** A bounded nvarchar, varchar or varbinary column whose items arrive as string_t (UTF-8 for text). */
interface ByteItems {
  readonly data: Uint8Array;
  readonly long: (i: number) => Uint8Array;
  readonly form: 'nvarchar' | 'varchar' | 'varbinary';
  /** The declared length, in characters or bytes. */
  readonly max: number;
}

const utf8 = new TextDecoder();

function byteItems(encoder: ColumnEncoder, data: Uint8Array, long: (i: number) => Uint8Array): ByteItems | undefined {
  const t = encoder.native;
  if (!t || typeof t.length !== 'number') return undefined;
  if (t.name === 'nvarchar' && t.length <= 4000) return { data, long, form: 'nvarchar', max: t.length };
  if (t.name === 'varchar' && t.length <= 8000) return { data, long, form: 'varchar', max: t.length };
  if (t.name === 'varbinary' && t.length <= 8000) return { data, long, form: 'varbinary', max: t.length };
  return undefined;
}

/** Whether bytes [from, from + n) are all ASCII, where UTF-8, Windows-1252 and (widened) UTF-16 agree. */
function isAscii(b: Uint8Array, from: number, n: number): boolean {
  for (let k = from; k < from + n; k++) if (b[k]! >= 0x80) return false;
  return true;
}

/** One item with its 2-byte length, in the column's form; what the fast forms cannot hold goes through the encoder (and its checks). */
function writeItem(w: WireWriter, p: ColumnPlan, items: ByteItems, i: number): void {
  const n = (items.data[i * 16]! | (items.data[i * 16 + 1]! << 8) | (items.data[i * 16 + 2]! << 16)) + items.data[i * 16 + 3]! * 0x1000000;
  // Up to 12 bytes sit in the string_t itself; longer ones are fetched.
  const src = n <= 12 ? items.data : items.long(i);
  const from = n <= 12 ? i * 16 + 4 : 0;
  if (items.form === 'varbinary') {
    if (n > items.max) {
      p.encoder.write(w, Buffer.from(src.subarray(from, from + n)));
      return;
    }
  } else if (n > items.max || !isAscii(src, from, n)) {
    p.encoder.write(w, utf8.decode(src.subarray(from, from + n)));
    return;
  }
  const width = items.form === 'nvarchar' ? 2 : 1;
  const buf = w.reserve(2 + width * n);
  let pos = w.length;
  buf[pos++] = (width * n) & 0xff;
  buf[pos++] = (width * n) >> 8;
  if (width === 1) {
    for (let k = 0; k < n; k++) buf[pos++] = src[from + k]!;
  } else {
    for (let k = 0; k < n; k++) {
      buf[pos++] = src[from + k]!;
      buf[pos++] = 0;
    }
  }
  w.advance(pos);
}

/**
 * The ROW / NBCROW tokens of a RowBlock, written column by column from the engine's memory where a
 * column is fixed-width and sent in its own form: no value object per cell, one bounds check per
 * row. The same bytes as writeRow would write for the block's values.
 */
export class RowBlockWriter {
  private readonly plans: ColumnPlan[];
  /** Bytes a row's token, NULL bitmap and fixed-width cells take at most. */
  private readonly fixedMax: number;
  private readonly bitmapBytes: number;
  /** Some column may hold a NULL. */
  private readonly mayBeNull: boolean;

  constructor(
    encoders: readonly ColumnEncoder[],
    private readonly block: RowBlock,
    private readonly nbcRow: boolean,
  ) {
    if (block.columns.length !== encoders.length) {
      throw new RangeError(`A block has ${block.columns.length} columns for ${encoders.length} in the result set.`);
    }
    this.plans = encoders.map((encoder, j) => {
      const c = block.columns[j]!;
      const raw = c.kind === 'raw' && encoder.native ? rawCells(c.layout, c.bytes, encoder.native) : undefined;
      if (raw && c.kind === 'raw') return { encoder, raw, items: undefined, validity: c.validity, values: undefined };
      const items = c.kind === 'strings' ? byteItems(encoder, c.data, c.long) : undefined;
      if (items && c.kind === 'strings') return { encoder, raw: undefined, items, validity: c.validity, values: undefined };
      return { encoder, raw: undefined, items: undefined, validity: null, values: block.values(j) };
    });
    this.bitmapBytes = Math.ceil(encoders.length / 8);
    this.fixedMax = 1 + this.bitmapBytes + this.plans.reduce((n, p) => n + (p.raw ? p.raw.maxBytes : 0), 0);
    this.mayBeNull = this.plans.some((p) => p.validity !== null || p.values !== undefined);
  }

  get rowCount(): number {
    return this.block.rowCount;
  }

  private isNull(p: ColumnPlan, i: number): boolean {
    if (p.values) return p.values[i] === null || p.values[i] === undefined;
    return p.validity !== null && (p.validity[i >> 3]! & (1 << (i & 7))) === 0;
  }

  /**
   * Writes rows from `from` on until `w` holds `budget` bytes (at least one row) or the block
   * ends; returns the next row. A row that fails (a value its type cannot hold) is taken back whole
   * before the error.
   */
  write(w: WireWriter, from: number, budget: number): number {
    const plans = this.plans;
    const columns = plans.length;
    const n = this.block.rowCount;
    let i = from;
    for (; i < n && (i === from || w.length < budget); i++) {
      const start = w.length;
      let anyNull = false;
      if (this.nbcRow && this.mayBeNull) {
        for (let j = 0; j < columns; j++) {
          if (this.isNull(plans[j]!, i)) {
            anyNull = true;
            break;
          }
        }
      }
      try {
        let buf = w.reserve(this.fixedMax);
        let pos = start;
        if (anyNull) {
          buf[pos++] = Token.NbcRow;
          const bitmap = pos;
          pos += this.bitmapBytes;
          buf.fill(0, bitmap, pos);
          for (let j = 0; j < columns; j++) if (this.isNull(plans[j]!, i)) buf[bitmap + (j >> 3)]! |= 1 << (j & 7);
        } else {
          buf[pos++] = Token.Row;
        }
        for (let j = 0; j < columns; j++) {
          const p = plans[j]!;
          if (p.raw) {
            if (p.validity !== null && (p.validity[i >> 3]! & (1 << (i & 7))) === 0) {
              // NULL: left out of an NBCROW, an empty length byte in a ROW.
              if (!anyNull) buf[pos++] = 0;
              continue;
            }
            pos = p.raw.write(buf, pos, i);
          } else if (p.items) {
            w.advance(pos);
            if (p.validity !== null && (p.validity[i >> 3]! & (1 << (i & 7))) === 0) {
              if (anyNull) continue;
              w.u16(0xffff);
            } else {
              writeItem(w, p, p.items, i);
            }
            pos = w.length;
            buf = w.reserve(this.fixedMax);
          } else {
            const v = p.values![i] ?? null;
            if (v === null && anyNull) continue;
            w.advance(pos);
            p.encoder.write(w, v);
            pos = w.length;
            buf = w.reserve(this.fixedMax);
          }
        }
        w.advance(pos);
      } catch (e) {
        w.truncate(start);
        throw e;
      }
    }
    return i;
  }
}
