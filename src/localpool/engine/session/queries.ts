/** Queries: results streamed from DuckDB, PREDICT streamed or counted, SELECT @v = ... assignments. */
import { SqlError, type EngineEvent } from '../api.js';
import type { Query } from '../ast.js';
import { duckType, wireTypeForDuck, wireTypeOf } from '../types.js';
import { readBlock, type ChunkLike } from '../values.js';
import { modelBytes, runPredict } from '../predict/operator.js';
import { SessionBase } from './base.js';
import { AbortedSignal, resultColumns, toValue, type Frame } from './support.js';
import { translateQuery } from '../translate.js';

export abstract class QueryRunner extends SessionBase {
  protected async *query(query: Query, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const ctx = this.ctx(frame, 'execute', cat);
    const t = translateQuery(ctx, query);
    if (t.assign) {
      const cleanup = await this.materialize(ctx, signal);
      try {
        const reader = await this.conn.runAndReadAll(t.sql, this.duckParams(ctx.params));
        const rows = reader.getRows();
        const types = reader.columnTypes().map((x) => x.toString());
        if (rows.length) {
          const last = rows[rows.length - 1]!;
          t.assign.forEach((name, i) => {
            const v = frame.vars.get(name.toLowerCase());
            if (!v) throw new SqlError(137, `Must declare the scalar variable "${name}".`, 0);
            v.value = toValue(last[i], wireTypeOf(v.type), types[i]!);
          });
        }
        this.rowcount = rows.length;
      } finally {
        await cleanup();
      }
      yield this.done(this.rowcount);
      return;
    }
    const job = (id: number) => ctx.jobs.find((j) => j.id === id)!;
    if (t.countOf) {
      const j = job(t.countOf.jobId);
      const bytes = await modelBytes(j, (sql) => this.scalar(sql, ctx.params));
      let count = 0;
      for await (const b of runPredict(this.streamConn(), j, bytes, { signal, batchSize: this.host.predictBatchSize })) count += b.count;
      if (signal.aborted) throw new AbortedSignal();
      yield { kind: 'columns', columns: [{ name: t.countOf.name, type: { name: t.countOf.big ? 'bigint' : 'int' }, nullable: true }] };
      yield { kind: 'rows', rows: [[t.countOf.big ? BigInt(count) : count]] };
      this.rowcount = 1;
      yield this.done(1);
      return;
    }
    if (t.passthrough) {
      const j = job(t.passthrough.jobId);
      const bytes = await modelBytes(j, (sql) => this.scalar(sql, ctx.params));
      let started = false;
      let count = 0;
      const gen = runPredict(this.streamConn(), j, bytes, {
        signal,
        columns: t.passthrough.colMap,
        limit: t.passthrough.limit,
        batchSize: this.host.predictBatchSize,
        form: 'block',
      });
      for await (const b of gen) {
        if (!started) {
          started = true;
          yield { kind: 'columns', columns: resultColumns(t.cols, b) };
        }
        // The batch's columns go to the client as they are (the block lives until the next batch).
        if (b.block && b.count) {
          count += b.count;
          yield { kind: 'block', block: b.block };
        }
      }
      if (signal.aborted) throw new AbortedSignal();
      if (!started) yield { kind: 'columns', columns: resultColumns(t.cols, undefined) };
      this.rowcount = count;
      yield this.done(count);
      return;
    }
    const cleanup = await this.materialize(ctx, signal);
    try {
      // SET FMTONLY ON (FreeTDS's freebcp asks for a table's columns so): the columns, no rows.
      const res = await this.conn.stream(this.fmtonly ? `SELECT * FROM (${t.sql}) AS __fmtonly LIMIT 0` : t.sql, this.duckParams(ctx.params));
      const types = res.columnTypes().map((x) => x.toString());
      const wires = t.cols.map((c, i) => (c.type && duckType(c.type) === types[i] ? wireTypeOf(c.type) : wireTypeForDuck(types[i]!)));
      yield { kind: 'columns', columns: t.cols.map((c, i) => ({ name: c.name, type: wires[i]!, nullable: c.nullable })) };
      let count = 0;
      for (;;) {
        if (signal.aborted) throw new AbortedSignal();
        const chunk = (await res.fetchChunk()) as ChunkLike | null;
        if (!chunk || chunk.rowCount === 0) break;
        count += chunk.rowCount;
        // The chunk's columns go to the client as they are; the chunk lives until the next fetch.
        yield { kind: 'block', block: readBlock(chunk, types, wires) };
      }
      this.rowcount = count;
      yield this.done(count);
    } finally {
      await cleanup();
    }
  }
}
