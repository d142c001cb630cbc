/**
 * Reading DuckDB result chunks as SqlValues, column by column. Numeric vectors are read through
 * their typed arrays (twice as fast as value by value); other vectors value by value.
 */
import { createRequire } from 'node:module';
import type { SqlValue, WireType } from './api.js';
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
export function rawColumn(chunk: ChunkLike, j: number, count: number, bytesPerItem: number): { readonly bytes: Uint8Array; readonly allValid: boolean } | undefined {
  const raw = (chunk as { readonly chunk?: unknown }).chunk;
  const b = raw === undefined ? null : duckBindings();
  if (!b) return undefined;
  const vector = b.data_chunk_get_vector(raw as Parameters<Bindings['data_chunk_get_vector']>[0], j);
  const bytes = b.vector_get_data(vector, count * bytesPerItem);
  if (bytes.byteOffset % bytesPerItem !== 0) return undefined;
  const words = Math.ceil(count / 64);
  const validity = b.vector_get_validity(vector, words * 8) as Uint8Array | null | undefined;
  // DuckDB keeps the mask in 64-bit words (the node API reads it the same way).
  return { bytes, allValid: !validity || maskAllSet(new BigUint64Array(validity.buffer, validity.byteOffset, words), count) };
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
