/**
 * Runs a T-SQL script batch by batch (split on GO like sqlcmd), keeping every result set (capped),
 * message and error with its line in the script. A batch that fails does not stop the next ones,
 * as in sqlcmd and SSMS; a lost connection or a cancel does. No vscode import.
 */
import { scriptLine, splitBatches, type SqlBatch } from '../sql/batches.js';
import { messageOf } from '../common/errors.js';
import type { BatchOutcome, RunOptions } from '../sql/client/connection.js';
import type { ScriptMessage, ScriptResultSet, ScriptRun } from './html.js';
import { predictOutputColumns } from './predict-columns.js';

/** What running a script needs from a connection (SqlConnection fits). */
export interface ScriptRunner {
  runBatch(sql: string, options?: RunOptions): Promise<BatchOutcome>;
  cancel(): void;
}

export interface RunScriptOptions {
  readonly title: string;
  readonly connectionName: string;
  readonly database: string;
  readonly maxRows: number;
  /** Line of the script's first line in the document (1 = the whole document; more for a selection). */
  readonly firstLine?: number;
  readonly signal?: AbortSignal;
  readonly onBatch?: (index: number, total: number) => void;
}

export async function runScript(db: ScriptRunner, script: string, opts: RunScriptOptions): Promise<ScriptRun> {
  const started = Date.now();
  const startedAt = new Date();
  const offset = (opts.firstLine ?? 1) - 1;
  const batches: SqlBatch[] = splitBatches(script); // throws BatchSplitError with the line
  const resultSets: ScriptResultSet[] = [];
  const messages: ScriptMessage[] = [];
  const rowCounts: { batch: number; count: number }[] = [];
  let cancelled = false;
  let failure: string | undefined;
  const onAbort = () => db.cancel();
  opts.signal?.addEventListener('abort', onAbort);
  let executed = 0;
  try {
    outer: for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      for (let r = 0; r < batch.repeat; r++) {
        if (opts.signal?.aborted) {
          cancelled = true;
          break outer;
        }
        opts.onBatch?.(b, batches.length);
        executed++;
        let out: BatchOutcome;
        try {
          out = await db.runBatch(batch.text, { maxRows: opts.maxRows });
        } catch (e) {
          failure = messageOf(e);
          break outer;
        }
        for (const set of out.resultSets) {
          resultSets.push({ batch: b + 1, columns: set.columns, rows: set.rows, rowCount: set.rowCount, truncated: set.truncated });
        }
        for (const m of out.messages) messages.push({ ...m, batch: b + 1, scriptLine: scriptLine(batch, m.line) + offset });
        // A SELECT's count is shown by its result set; the rest are rows affected.
        for (const count of out.affectedCounts) rowCounts.push({ batch: b + 1, count });
        if (out.cancelled) {
          cancelled = true;
          break outer;
        }
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return {
    title: opts.title,
    connectionName: opts.connectionName,
    database: opts.database,
    startedAt,
    elapsedMs: Date.now() - started,
    batches: executed,
    resultSets,
    messages,
    rowCounts,
    maxRows: opts.maxRows,
    cancelled,
    ...(failure ? { failure } : {}),
    predictColumns: predictOutputColumns(script),
  };
}
