/**
 * PREDICT's batches column by column, for the TDS server to encode without a value per cell:
 * returned DATA columns of fixed width are copied out of DuckDB's vectors into one buffer per
 * batch (a DuckDB chunk is gone once the next is fetched, and a batch spans several chunks), and
 * model outputs whose element type is the declared SQL type's own layout are sent from the typed
 * array the scorer returned. Other columns (text, decimals, dates, converted outputs) are values.
 */
import type { BlockColumn, RawLayout, RowBlock, SqlValue, WireType } from '../api.js';
import { rawLayoutOf, rawVector, readColumn, type ChunkLike } from '../values.js';

/** The layouts a batch column copies and can read back as values without DuckDB's help. */
const SIMPLE: Readonly<Partial<Record<RawLayout, true>>> = { u8: true, i16: true, i32: true, i64: true, f32: true, f64: true, bool: true };

/** One returned DATA column of a batch, gathered from several chunks. */
export class DataColumn {
  private bytes: Uint8Array | null;
  private validity: Uint8Array | null = null;
  private values: SqlValue[] | null;
  private length = 0;

  private constructor(
    private readonly wire: WireType,
    private readonly layout: { readonly layout: RawLayout; readonly width: number } | undefined,
    private readonly capacity: number,
  ) {
    this.bytes = layout ? new Uint8Array(capacity * layout.width) : null;
    this.values = layout ? null : [];
  }

  /** A column for DATA's column of DuckDB type `duckType`, sent as `wire`; raw when `columnar` and its layout allows. */
  static create(duckType: string, wire: WireType, capacity: number, columnar: boolean): DataColumn {
    const layout = columnar ? rawLayoutOf(duckType, wire) : undefined;
    return new DataColumn(wire, layout && SIMPLE[layout.layout] ? layout : undefined, capacity);
  }

  /** Appends rows [from, from + count) of column `j` of `chunk`. */
  append(chunk: ChunkLike, j: number, from: number, count: number): void {
    if (this.bytes && this.layout) {
      const raw = rawVector(chunk, j, chunk.rowCount, this.layout.width);
      if (raw) {
        this.appendRaw(raw.bytes, raw.validity, from, count);
        return;
      }
      // Not a DuckDB chunk: this column is read as values from here on.
      this.values = this.readBack();
      this.bytes = null;
      this.validity = null;
    }
    const col = readColumn(chunk, j, this.wire);
    const dst = this.values!;
    for (let i = 0; i < count; i++) dst.push(col[from + i]!);
    this.length += count;
  }

  private appendRaw(src: Uint8Array, srcValidity: Uint8Array | null, from: number, count: number): void {
    const w = this.layout!.width;
    this.bytes!.set(src.subarray(from * w, (from + count) * w), this.length * w);
    if (srcValidity && !this.validity) {
      // The first NULL of the batch: every row before it was valid.
      this.validity = new Uint8Array(Math.ceil(this.capacity / 8));
      for (let i = 0; i < this.length; i++) this.validity[i >> 3]! |= 1 << (i & 7);
    }
    const v = this.validity;
    if (v) {
      for (let i = 0; i < count; i++) {
        const at = this.length + i;
        const valid = !srcValidity || (srcValidity[(from + i) >> 3]! & (1 << ((from + i) & 7))) !== 0;
        if (valid) v[at >> 3]! |= 1 << (at & 7);
        else v[at >> 3]! &= ~(1 << (at & 7));
      }
    }
    this.length += count;
  }

  /** The gathered rows as one column of a RowBlock. */
  column(): BlockColumn {
    if (this.bytes && this.layout) {
      return { kind: 'raw', layout: this.layout.layout, bytes: this.bytes.subarray(0, this.length * this.layout.width), validity: this.validity };
    }
    return { kind: 'values', values: this.values! };
  }

  /** The gathered rows as values. */
  readBack(): SqlValue[] {
    if (!this.bytes || !this.layout) return this.values!;
    return rawValues(this.layout.layout, this.bytes, this.validity, this.length);
  }
}

/** The values of `n` fixed-width items, as the engine reads them from DuckDB (numbers; bigint for 8-byte integers; booleans for bit). */
export function rawValues(layout: RawLayout, bytes: Uint8Array, validity: Uint8Array | null, n: number): SqlValue[] {
  const out = new Array<SqlValue>(n);
  const copy = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const buf = copy.buffer;
  const at = copy.byteOffset;
  const items: ArrayLike<number | bigint> | null =
    layout === 'i64'
      ? new BigInt64Array(buf, at, n)
      : layout === 'i32'
        ? new Int32Array(buf, at, n)
        : layout === 'i16'
          ? new Int16Array(buf, at, n)
          : layout === 'f32'
            ? new Float32Array(buf, at, n)
            : layout === 'f64'
              ? new Float64Array(buf, at, n)
              : layout === 'u8' || layout === 'bool'
                ? new Uint8Array(buf, at, n)
                : null;
  if (!items) throw new RangeError(`A ${layout} column cannot be read back as values.`);
  for (let i = 0; i < n; i++) {
    if (validity && (validity[i >> 3]! & (1 << (i & 7))) === 0) out[i] = null;
    else out[i] = layout === 'bool' ? items[i] !== 0 : items[i]!;
  }
  return out;
}

/** The layout a model output's typed array is sent from when it is already the declared type's own, else undefined. */
function outputLayout(data: ArrayLike<unknown>, wire: WireType): RawLayout | undefined {
  if (wire.name === 'bigint' && data instanceof BigInt64Array) return 'i64';
  if (wire.name === 'int' && data instanceof Int32Array) return 'i32';
  if (wire.name === 'real' && data instanceof Float32Array) return 'f32';
  if (wire.name === 'float' && data instanceof Float64Array) return 'f64';
  return undefined;
}

/** A model output of `count` rows as a block column: its own memory, or values converted by `convert`. */
export function outputColumn(data: ArrayLike<unknown>, wire: WireType, count: number, convert: (x: unknown, wire: WireType) => SqlValue): BlockColumn {
  const layout = outputLayout(data, wire);
  if (layout) {
    const typed = data as unknown as Float32Array;
    return { kind: 'raw', layout, bytes: new Uint8Array(typed.buffer, typed.byteOffset, count * typed.BYTES_PER_ELEMENT), validity: null };
  }
  const values = new Array<SqlValue>(count);
  for (let i = 0; i < count; i++) values[i] = convert(data[i], wire);
  return { kind: 'values', values };
}

/** A RowBlock over block columns of `count` rows. */
export function blockOf(count: number, columns: readonly BlockColumn[]): RowBlock {
  return {
    rowCount: count,
    columns,
    values(j) {
      const c = columns[j]!;
      if (c.kind === 'values') return c.values;
      if (c.kind === 'raw') return rawValues(c.layout, c.bytes, c.validity, count);
      throw new RangeError('A PREDICT batch holds no string_t column.');
    },
  };
}
