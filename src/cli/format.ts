/**
 * Plain-text output: aligned tables for listings and result sets, and the messages of a script run
 * with their line in the script. Cells are rendered by the results view's `cellText`, so NULLs,
 * binaries and long strings read the same in both.
 */
import { cellText } from '../results/html.js';
import type { ScriptRun } from '../results/html.js';
import { formatServerError, type SqlCell } from '../sql/client/connection.js';

/** Widest a column gets before its cells are cut (with an ellipsis). */
export const MAX_COLUMN_WIDTH = 60;

function fit(text: string, width: number): string {
  const flat = text.replace(/\r?\n/g, ' ');
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** An aligned text table: a header, a rule, the rows. Numbers are right-aligned when `right` says so. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  // The last column is never cut: it holds the longest texts (reasons, descriptions) and nothing follows it.
  const widths = headers.map((h, i) => {
    const w = Math.max(h.length, ...rows.map((r) => (r[i] ?? '').replace(/\r?\n/g, ' ').length));
    return i === headers.length - 1 ? w : Math.min(MAX_COLUMN_WIDTH, w);
  });
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const t = fit(c, widths[i]!);
        return right[i] ? t.padStart(widths[i]!) : t.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function isNumeric(type: string): boolean {
  return /^(tinyint|smallint|int|bigint|real|float|decimal|numeric|money|smallmoney|bit)\b/.test(type);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A result set as a text table with its row count ("(3 rows)", or "first 10 of 1000 rows shown"). */
export function resultSetText(set: {
  columns: readonly { name: string; type: string }[];
  rows: readonly (readonly SqlCell[])[];
  rowCount: number;
  truncated: boolean;
}): string {
  const table = textTable(
    set.columns.map((c) => c.name || '(no column name)'),
    set.rows.map((r) => r.map((v) => cellText(v))),
    set.columns.map((c) => isNumeric(c.type)),
  );
  const count = set.truncated ? `(first ${set.rows.length} of ${plural(set.rowCount, 'row')} shown)` : `(${plural(set.rowCount, 'row')})`;
  return `${table}${count}\n`;
}

/**
 * A script run as a terminal shows it: result sets and info messages on stdout; errors on stderr as
 * `<file>:<line>: Msg n, Level l, State s, Line <line>: text`, the line counted in the script.
 */
export function scriptRunText(run: ScriptRun, file: string): { stdout: string; stderr: string; errors: number } {
  let stdout = '';
  let stderr = '';
  let errors = 0;
  // Result sets and messages interleave by batch, as they were produced.
  const batches = new Set<number>([...run.resultSets.map((s) => s.batch), ...run.messages.map((m) => m.batch), ...run.rowCounts.map((r) => r.batch)]);
  for (const b of [...batches].sort((x, y) => x - y)) {
    for (const set of run.resultSets.filter((s) => s.batch === b)) stdout += `${resultSetText(set)}\n`;
    for (const r of run.rowCounts.filter((c) => c.batch === b)) stdout += `(${plural(r.count, 'row')} affected)\n`;
    for (const m of run.messages.filter((x) => x.batch === b)) {
      if (m.kind === 'error') {
        errors++;
        stderr += `${file}:${m.scriptLine}: ${formatServerError({ ...m, line: m.scriptLine })}\n`;
      } else stdout += `${m.message}\n`;
    }
  }
  if (run.failure) {
    errors++;
    stderr += `${file}: ${run.failure}\n`;
  }
  if (run.cancelled) {
    errors++;
    stderr += `${file}: the run was cancelled after ${plural(run.batches, 'batch', 'batches')}.\n`;
  }
  return { stdout, stderr, errors };
}
