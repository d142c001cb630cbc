/**
 * PREDICT's columnar batches: DATA columns gathered across DuckDB chunks (with their NULLs) read
 * back as the values the engine reads from DuckDB, and outputs sent from the scorer's own arrays
 * only when that is the declared type's layout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SqlValue } from '../../../src/localpool/engine/api.js';
import { readColumn, type ChunkLike } from '../../../src/localpool/engine/values.js';
import { blockOf, DataColumn, outputColumn, rawValues } from '../../../src/localpool/engine/predict/columns.js';

async function chunksOf(sql: string): Promise<{ chunks: ChunkLike[]; types: string[] }> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const result = await conn.run(sql);
  const chunks: ChunkLike[] = [];
  for (;;) {
    const c = await result.fetchChunk();
    if (!c || c.rowCount === 0) break;
    chunks.push(c);
  }
  return { chunks, types: result.columnTypes().map((t) => t.toString()) };
}

describe('PREDICT batch columns', () => {
  it('gathers fixed-width DATA columns from several chunks, NULLs included, as the values DuckDB holds', async () => {
    const { chunks, types } = await chunksOf(
      `SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i::INTEGER END AS a, (i * 3)::BIGINT AS b, CASE WHEN i = 4000 THEN NULL ELSE i / 4.0 END::DOUBLE AS c,
        (i % 2 = 0) AS d FROM range(5000) t(i)`,
    );
    const wires = [{ name: 'int' }, { name: 'bigint' }, { name: 'float' }, { name: 'bit' }] as const;
    const expected: SqlValue[][] = wires.map(() => []);
    const columns = wires.map((w, j) => DataColumn.create(types[j]!, w, 5000, true));
    // Uneven slices, as a batch takes the rest of one chunk and the start of the next.
    for (const c of chunks) {
      for (const [from, count] of [
        [0, 100],
        [100, c.rowCount - 100],
      ] as const) {
        columns.forEach((col, j) => {
          col.append(c, j, from, count);
          expected[j]!.push(...readColumn(c, j, wires[j]!).slice(from, from + count));
        });
      }
    }
    assert.deepEqual(
      columns.map((c) => c.column().kind),
      ['raw', 'raw', 'raw', 'raw'],
    );
    columns.forEach((col, j) => assert.deepEqual(col.readBack(), expected[j], `column ${j}`));
    const block = blockOf(
      5000,
      columns.map((c) => c.column()),
    );
    assert.deepEqual(block.values(0), expected[0]);
    assert.equal(expected[0]!.filter((v) => v === null).length, 715);
  });

  it("keeps text and decimals as values, and any column of a chunk that is not DuckDB's", async () => {
    const { chunks, types } = await chunksOf(`SELECT CONCAT('x', i) AS s, (i / 8)::DECIMAL(9,3) AS m, i::INTEGER AS n FROM range(10) t(i)`);
    const text = DataColumn.create(types[0]!, { name: 'nvarchar', length: 20 }, 10, true);
    const dec = DataColumn.create(types[1]!, { name: 'decimal', precision: 9, scale: 3 }, 10, true);
    text.append(chunks[0]!, 0, 0, 10);
    dec.append(chunks[0]!, 1, 0, 10);
    assert.equal(text.column().kind, 'values');
    assert.equal(dec.column().kind, 'values');
    assert.equal(text.readBack()[3], 'x3');
    // A raw column that meets a chunk of plain values keeps what it had and goes on as values.
    const n = DataColumn.create(types[2]!, { name: 'int' }, 20, true);
    n.append(chunks[0]!, 2, 0, 10);
    const plain: ChunkLike = { rowCount: 10, getColumnVector: () => ({ getItem: (i: number) => 100 + i }) };
    n.append(plain, 0, 0, 10);
    assert.equal(n.column().kind, 'values');
    assert.deepEqual(n.readBack(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  it('sends an output from its own array only when the array is the declared type', () => {
    const labels = new BigInt64Array([1n, 0n, 1n]);
    const same = outputColumn(labels, { name: 'bigint' }, 3, () => assert.fail('no conversion'));
    assert.equal(same.kind, 'raw');
    assert.deepEqual(rawValues('i64', same.kind === 'raw' ? same.bytes : new Uint8Array(), null, 3), [1n, 0n, 1n]);
    const converted = outputColumn(new Float32Array([0.25, 1.5]), { name: 'decimal', precision: 9, scale: 2 }, 2, (x) => Number(x).toFixed(2));
    assert.deepEqual(converted, { kind: 'values', values: ['0.25', '1.50'] });
  });
});
