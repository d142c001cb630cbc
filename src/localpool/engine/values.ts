/**
 * Reading DuckDB result chunks as SqlValues, column by column. Numeric vectors are read through
 * their typed arrays (twice as fast as value by value); other vectors value by value.
 */
import { createRequire } from 'node:module';
import type { BlockColumn, RawLayout, RowBlock, SqlValue, WireType } from './api.js';
import { toSqlValue } from './types.js';

type Bindings = typeof import('@duckdb/node-bindings');
let bindings: Bindings | null | undefined;

/**
 * DuckDB's C API bindings, loaded on first use: the very module the node API is built on (resolved
 * from the node API's own folder), so its data chunks can be read with them.
 */
function duckBindings(): Bindings | null {
  if (bindings === undefined) {
    try {
      let m: Bindings | { default: Bindings };
      try {
        m = createRequire(require.resolve('@duckdb/node-api'))('@duckdb/node-bindings') as Bindings | { default: Bindings };
      } catch {
        // The extension's package bundles the node API: its bindings are the package beside the bundle.
        m = createRequire(__filename)('@duckdb/node-bindings') as Bindings | { default: Bindings };
      }
      bindings = 'default' in m ? m.default : m;
    } catch {
      bindings = null;
    }
  }
  return bindings;
}

/** The parts of a DuckDB vector this module reads (the node API keeps them private). */
interface VectorInternals {
  readonly items?: ArrayLike<number> | ArrayLike<bigint>;
  readonly validity?: { readonly data: BigUint64Array | null };
  getItem(i: number): unknown;
}

export interface ChunkLike {
  readonly rowCount: number;
  getColumnVector(j: number): unknown;
}

const ALL = 0xffffffffffffffffn;

/** True when no value of the first `count` items is NULL. */
export function allValid(v: unknown, count: number): boolean {
  const data = (v as VectorInternals).validity?.data;
  return !data || maskAllSet(data, count);
}

/** True when the first `count` bits of a DuckDB validity mask (64-bit words) are all set. */
function maskAllSet(data: BigUint64Array, count: number): boolean {
  const words = Math.ceil(count / 64);
  for (let w = 0; w < words; w++) {
    const word = data[w]!;
    if (word === ALL) continue;
    const bits = Math.min(64, count - w * 64);
    const mask = bits === 64 ? ALL : (1n << BigInt(bits)) - 1n;
    if ((word & mask) !== mask) return false;
  }
  return true;
}

/**
 * The first `count` values of a fixed-width column of a DuckDB data chunk, read straight from the
 * vector's memory as a view (no vector object is built: for a few narrow columns that halves
 * the cost of reading a chunk), and whether none of them is NULL. Undefined when the chunk is not
 * a DuckDB data chunk or the memory is not aligned for `bytesPerItem`. The view is valid only
 * while the chunk is: copy out of it before fetching the next one.
 */
export function rawColumn(
  chunk: ChunkLike,
  j: number,
  count: number,
  bytesPerItem: number,
): { readonly bytes: Uint8Array; readonly allValid: boolean } | undefined {
  const v = rawVector(chunk, j, count, bytesPerItem);
  if (!v || v.bytes.byteOffset % bytesPerItem !== 0) return undefined;
  return { bytes: v.bytes, allValid: v.validity === null };
}

/**
 * The first `count` items of fixed-width column `j` of a DuckDB data chunk as a view of the
 * vector's memory, with its validity mask (bit i of byte i >> 3 set = not NULL; null when none is
 * NULL). Undefined when the chunk is not a DuckDB data chunk. Valid only while the chunk is.
 */
export function rawVector(
  chunk: ChunkLike,
  j: number,
  count: number,
  bytesPerItem: number,
): { readonly bytes: Uint8Array; readonly validity: Uint8Array | null } | undefined {
  const raw = (chunk as { readonly chunk?: unknown }).chunk;
  const b = raw === undefined ? null : duckBindings();
  if (!b) return undefined;
  const vector = b.data_chunk_get_vector(raw as Parameters<Bindings['data_chunk_get_vector']>[0], j);
  return { bytes: b.vector_get_data(vector, count * bytesPerItem), validity: validityOf(b, vector, count) };
}

/** The typed array behind a numeric vector, when it has one. */
export function typedItems(v: unknown): ArrayLike<number> | ArrayLike<bigint> | undefined {
  const items = (v as VectorInternals).items;
  return items && ArrayBuffer.isView(items) ? items : undefined;
}

/** One column of a chunk as SqlValues of the given wire type. */
export function readColumn(chunk: ChunkLike, j: number, wire: WireType): SqlValue[] {
  const n = chunk.rowCount;
  const v = chunk.getColumnVector(j) as VectorInternals;
  const items = typedItems(v);
  const out = new Array<SqlValue>(n);
  const numeric = wire.name === 'int' || wire.name === 'smallint' || wire.name === 'tinyint' || wire.name === 'real' || wire.name === 'float';
  if (items && numeric && typeof items[0] !== 'bigint') {
    const arr = items as ArrayLike<number>;
    if (allValid(v, n)) {
      for (let i = 0; i < n; i++) out[i] = arr[i]!;
    } else {
      for (let i = 0; i < n; i++) {
        const x = v.getItem(i);
        out[i] = x === null ? null : arr[i]!;
      }
    }
    return out;
  }
  if (items && wire.name === 'bigint' && typeof items[0] === 'bigint') {
    const arr = items as ArrayLike<bigint>;
    const valid = allValid(v, n);
    for (let i = 0; i < n; i++) out[i] = valid || v.getItem(i) !== null ? arr[i]! : null;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = toSqlValue(v.getItem(i), wire);
  return out;
}

const RAW_LAYOUTS: Readonly<Record<string, { readonly layout: RawLayout; readonly wire: WireType['name'][]; readonly width: number }>> = {
  BOOLEAN: { layout: 'bool', wire: ['bit'], width: 1 },
  UTINYINT: { layout: 'u8', wire: ['tinyint'], width: 1 },
  SMALLINT: { layout: 'i16', wire: ['smallint'], width: 2 },
  INTEGER: { layout: 'i32', wire: ['int'], width: 4 },
  BIGINT: { layout: 'i64', wire: ['bigint'], width: 8 },
  FLOAT: { layout: 'f32', wire: ['real'], width: 4 },
  DOUBLE: { layout: 'f64', wire: ['float'], width: 8 },
  DATE: { layout: 'date', wire: ['date'], width: 4 },
  TIMESTAMP: { layout: 'timestamp', wire: ['datetime2'], width: 8 },
};

/** The fixed-width layout a DuckDB column of type `duck` is sent from as `wire`, if it has one. */
export function rawLayoutOf(duck: string, wire: WireType): { layout: RawLayout; width: number } | undefined {
  const d = duck.toUpperCase();
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(d);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    if ((wire.name !== 'decimal' && wire.name !== 'numeric') || (wire.precision ?? 18) !== precision || (wire.scale ?? 0) !== scale) return undefined;
    // DuckDB stores DECIMAL(p, s) in the narrowest integer that holds p digits.
    if (precision <= 4) return { layout: 'dec16', width: 2 };
    if (precision <= 9) return { layout: 'dec32', width: 4 };
    if (precision <= 18) return { layout: 'dec64', width: 8 };
    return { layout: 'dec128', width: 16 };
  }
  const raw = RAW_LAYOUTS[d];
  return raw && raw.wire.includes(wire.name) ? raw : undefined;
}

type Vector = ReturnType<Bindings['data_chunk_get_vector']>;

/** A vector's validity mask, or null when none of its first `count` items is NULL. */
function validityOf(b: Bindings, vector: Vector, count: number): Uint8Array | null {
  const words = Math.ceil(count / 64);
  const validity = (b.vector_get_validity(vector, words * 8) as Uint8Array | null | undefined) ?? null;
  return !validity || maskAllSet(new BigUint64Array(validity.buffer, validity.byteOffset, words), count) ? null : validity;
}

/**
 * The bytes of item `i` of a VARCHAR or BLOB vector longer than 12 bytes, whose string_t holds
 * its length, a prefix and a pointer to them.
 */
function longStrings(b: Bindings, data: Uint8Array): (i: number) => Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return (i) => b.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + i * 16 + 8, view.getUint32(i * 16, true));
}

/**
 * A chunk's rows as a RowBlock: fixed-width columns as views of DuckDB's vector memory (no value is
 * built), the others as values. Valid while the chunk is: encode it before fetching the next.
 */
export function readBlock(chunk: ChunkLike, duckTypes: readonly string[], wires: readonly WireType[]): RowBlock {
  const n = chunk.rowCount;
  const raw = (chunk as { readonly chunk?: unknown }).chunk;
  const b = raw === undefined ? null : duckBindings();
  const columns: BlockColumn[] = wires.map((wire, j) => {
    const layout = b ? rawLayoutOf(duckTypes[j]!, wire) : undefined;
    if (b && layout) {
      const vector = b.data_chunk_get_vector(raw as Parameters<Bindings['data_chunk_get_vector']>[0], j);
      const bytes = b.vector_get_data(vector, n * layout.width);
      return { kind: 'raw', layout: layout.layout, bytes, validity: validityOf(b, vector, n) };
    }
    const duck = duckTypes[j]!.toUpperCase();
    if (b && (duck === 'VARCHAR' || duck === 'BLOB')) {
      const vector = b.data_chunk_get_vector(raw as Parameters<Bindings['data_chunk_get_vector']>[0], j);
      const data = b.vector_get_data(vector, n * 16);
      return { kind: 'strings', data, long: longStrings(b, data), validity: validityOf(b, vector, n) };
    }
    return { kind: 'values', values: readColumn(chunk, j, wire) };
  });
  return {
    rowCount: n,
    columns,
    values(j) {
      const c = columns[j]!;
      return c.kind === 'values' ? c.values : readColumn(chunk, j, wires[j]!);
    },
  };
}

/** A block's rows as arrays of values. */
export function blockRows(block: RowBlock): SqlValue[][] {
  const cols = block.columns.map((_, j) => block.values(j));
  const out: SqlValue[][] = [];
  for (let i = 0; i < block.rowCount; i++) out.push(cols.map((c) => c[i]!));
  return out;
}
