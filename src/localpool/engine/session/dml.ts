/** DML: INSERT, UPDATE, DELETE, MERGE, TRUNCATE TABLE and COPY INTO. */
import { SqlError, type EngineEvent } from '../api.js';
import { duckTableName, resolveObject, translateDelete, translateInsert, translateMerge, translateUpdate } from '../translate.js';
import { executeCopyInto } from '../statements/copy-into.js';
import { QueryRunner } from './queries.js';
import type { Frame, StatementOf } from './support.js';

export abstract class DmlRunner extends QueryRunner {
  /** INSERT, UPDATE, DELETE, MERGE: translated and run by DuckDB; @@ROWCOUNT is the rows changed. */
  protected async *execDml(st: StatementOf<'insert' | 'update' | 'delete' | 'merge'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const ctx = this.ctx(frame, 'execute', cat);
    const t: { sql: string; manyMatches?: string } =
      st.k === 'insert'
        ? translateInsert(ctx, st)
        : st.k === 'update'
          ? translateUpdate(ctx, st)
          : st.k === 'merge'
            ? translateMerge(ctx, st)
            : translateDelete(ctx, st);
    const cleanup = await this.materialize(ctx, signal);
    try {
      if (t.manyMatches && (await this.conn.runAndReadAll(t.manyMatches, this.duckParams(ctx.params))).currentRowCount > 0) {
        throw new SqlError(
          8672,
          'The MERGE statement attempted to UPDATE or DELETE the same row more than once. This happens when a target row matches more than one source row. A MERGE statement cannot UPDATE/DELETE the same row of the target table multiple times. Refine the ON clause to ensure a target row matches at most one source row, or use the GROUP BY clause to group the source rows.',
          st.line,
        );
      }
      const r = await this.conn.run(t.sql, this.duckParams(ctx.params));
      this.rowcount = Number(r.rowsChanged);
    } finally {
      await cleanup();
    }
    yield this.done(this.rowcount);
  }

  protected async *execTruncate(st: StatementOf<'truncate'>, frame: Frame): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const r = resolveObject(this.ctx(frame, 'execute', cat), st.table);
    if (!r || r.kind !== 'object' || r.object.type !== 'U')
      throw new SqlError(4701, `Cannot find the object "${st.table.text}" because it does not exist or you do not have permissions.`, st.line);
    await this.conn.run(`DELETE FROM ${duckTableName(r.object)}`);
    yield this.done();
  }

  /** COPY INTO (statements/copy-into.ts): loads files from the import folder into a table. */
  protected async *copyInto(st: StatementOf<'copyInto'>, frame: Frame, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const cat = await this.getCatalog();
    const r = resolveObject(this.ctx(frame, 'execute', cat), st.copy.table);
    const result = await executeCopyInto(st.copy, st.line, {
      conn: this.conn,
      policy: this.host.imports ?? { allowUrls: false },
      resolveTable: () => (r?.kind === 'object' ? r.object : undefined),
      identityColumns: async (t) => {
        if (t.duckName) return new Set();
        const rows = await this.conn.runAndReadAll(`SELECT lower(name) FROM __lp.columns WHERE object_id = ${t.id} AND is_identity`);
        return new Set(rows.getRows().map((row) => String(row[0])));
      },
      duckName: (t) => duckTableName(t),
      inTransaction: this.trancount > 0,
      signal,
      queryId: `QID${this.info.spid}_${Date.now()}`,
    });
    for (const message of result.messages) yield { kind: 'info', message: { number: 0, state: 1, class: 0, message, line: st.line } };
    this.rowcount = result.rows;
    yield this.done(result.rows);
  }
}
