/**
 * What a script run produced, and its rendering as the results view's HTML (a static page: no
 * scripts, every value escaped). No vscode import: unit tests render it directly.
 */
import type { ResultColumn, SqlCell, SqlMessage } from '../sql/port.js';
import { formatSqlNumber } from '../sql/format.js';

export interface ScriptResultSet {
  readonly batch: number;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly SqlCell[])[];
  /** Rows the server sent. */
  readonly rowCount: number;
  readonly truncated: boolean;
}

export interface ScriptMessage extends SqlMessage {
  readonly batch: number;
  /** The line in the script (1-based). */
  readonly scriptLine: number;
}

export interface ScriptRun {
  readonly title: string;
  readonly connectionName: string;
  readonly database: string;
  readonly startedAt: Date;
  readonly elapsedMs: number;
  readonly batches: number;
  readonly resultSets: readonly ScriptResultSet[];
  readonly messages: readonly ScriptMessage[];
  /** Row counts of statements that reported one, with the batch. */
  readonly rowCounts: readonly { batch: number; count: number }[];
  readonly maxRows: number;
  readonly cancelled: boolean;
  /** A failure that stopped the run (connection lost, ...), when one did. */
  readonly failure?: string;
  /** Columns the script's PREDICT calls return (see predict-columns.ts): shown in view when a result set has them. */
  readonly predictColumns?: readonly string[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const MAX_CELL_CHARS = 500;
const MAX_BINARY_BYTES = 32;

/** A cell as text in the grid; numbers by their column's SQL type (`sqlType`) when it is given. */
export function cellText(v: SqlCell, sqlType?: string): string {
  if (v === null || v === undefined) return 'NULL';
  const number = sqlType === undefined ? undefined : formatSqlNumber(v, sqlType);
  if (number !== undefined) return number;
  if (Buffer.isBuffer(v)) {
    const hex = v.subarray(0, MAX_BINARY_BYTES).toString('hex').toUpperCase();
    return `0x${hex}${v.length > MAX_BINARY_BYTES ? `… (${v.length} bytes)` : ''}`;
  }
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  const s = String(v);
  return s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS)}… (${s.length} characters)` : s;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** One line summing up a run, for the status and the log. */
export function summarizeRun(run: ScriptRun): string {
  const errors = run.messages.filter((m) => m.kind === 'error').length;
  const parts = [plural(run.batches, 'batch', 'batches'), plural(run.resultSets.length, 'result set'), errors ? plural(errors, 'error') : 'no errors'];
  return `${run.cancelled ? 'Cancelled' : run.failure ? 'Stopped' : 'Done'}: ${parts.join(', ')} in ${formatElapsed(run.elapsedMs)} on '${run.connectionName}'.`;
}

export interface RenderOptions {
  readonly cspSource: string;
  readonly stylesUri: string;
}

export function renderResultsHtml(run: ScriptRun, opts: RenderOptions): string {
  const predicted = new Set(run.predictColumns ?? []);
  const sets = run.resultSets
    .map((set, i) => {
      // A PREDICT's result: its outputs come last, so the grid opens at its right end with the first (key) column pinned.
      const isPredict = set.columns.length > 1 && set.columns.some((c) => predicted.has(c.name));
      const role = (c: number, name: string): string => (!isPredict ? '' : c === 0 ? 'key' : predicted.has(name) ? 'predicted' : '');
      const cls = (c: number, name: string): string => (role(c, name) ? ` class="${role(c, name)}"` : '');
      const head = set.columns
        .map(
          (c, n) =>
            `<th${cls(n, c.name)} title="${escapeHtml(`${c.name} ${c.type}${c.nullable ? ' NULL' : ' NOT NULL'}`)}"><span class="name">${escapeHtml(c.name || '(no column name)')}</span><span class="type">${escapeHtml(c.type)}</span></th>`,
        )
        .join('');
      const body = set.rows
        .map(
          (row, r) =>
            `<tr><td class="rownum">${r + 1}</td>${row
              .map((v, c) => {
                const name = set.columns[c]?.name ?? '';
                return v === null || v === undefined
                  ? `<td class="${['null', role(c, name)].join(' ').trim()}">NULL</td>`
                  : `<td${cls(c, name)}>${escapeHtml(cellText(v, set.columns[c]?.type))}</td>`;
              })
              .join('')}</tr>`,
        )
        .join('\n');
      const capped = set.truncated
        ? `<p class="capped">Showing the first ${set.rows.length} of ${set.rowCount} rows (the view keeps at most ${run.maxRows} rows per result set; change predictWizard.results.maxRows).</p>`
        : '';
      return `<section class="result-set${isPredict ? ' predict' : ''}" data-index="${i}">
<h2>Result ${i + 1} <span class="meta">batch ${set.batch} · ${plural(set.rowCount, 'row')} · ${plural(set.columns.length, 'column')}</span></h2>
${capped}<div class="grid"><table><thead><tr><th class="rownum"></th>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div></section>`;
    })
    .join('\n');
  const messages = run.messages
    .map(
      (m) =>
        `<li class="${m.kind}">${m.kind === 'error' ? `<span class="where">Msg ${m.number}, Level ${m.severity}, State ${m.state}, Line ${m.scriptLine}</span> ` : ''}${escapeHtml(m.message)}</li>`,
    )
    .concat(run.rowCounts.map((r) => `<li class="info">(${plural(r.count, 'row')} affected)</li>`))
    .concat(run.failure ? [`<li class="error">${escapeHtml(run.failure)}</li>`] : [])
    .concat(run.cancelled ? ['<li class="error">The query was cancelled.</li>'] : [])
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${opts.cspSource}; img-src ${opts.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(opts.stylesUri)}">
<title>${escapeHtml(run.title)}</title></head>
<body>
<header><h1>${escapeHtml(run.title)}</h1><p class="summary">${escapeHtml(summarizeRun(run))} <span class="meta">${escapeHtml(run.database)} · ${escapeHtml(run.startedAt.toISOString())}</span></p></header>
${sets || '<p class="empty">No result sets.</p>'}
<section class="messages"><h2>Messages</h2><ul>
${messages || '<li class="info">Commands completed successfully.</li>'}
</ul></section>
</body></html>`;
}
