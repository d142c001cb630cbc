/**
 * The comparison webview's view model: a ComparisonReport turned into the text and tables the page
 * shows. Pure: no vscode, no I/O, so it is tested without a window.
 */
import type { ComparisonReport } from '../../lifecycle/types.js';
import type { CompareView, ConfusionView, DifferingRowsView } from './protocol.js';

/** Where the report came from, for the page's heading. */
export interface CompareContext {
  /** The scoring object whose mapping and source rows were used, e.g. `wwi_ml.CustomerPrediction`. */
  readonly object: string;
  /** Its source table, e.g. `wwi_ml.CustomerTest`. */
  readonly source?: string;
}

const count = new Intl.NumberFormat('en-US');

/** 1000 → "1 000" (thin grouping that reads the same in every locale). */
export function formatCount(n: number): string {
  return count.format(n).replace(/,/g, '\u2009');
}

/** 0.9734 → "97.3 %"; exact 1 and 0 keep no decimals, and anything short of 1 never rounds up to 100 %. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  if (fraction >= 1) return '100 %';
  if (fraction <= 0) return '0 %';
  const tenths = Math.floor(fraction * 1000) / 10;
  return `${tenths === 0 ? '< 0.1' : tenths.toFixed(1)} %`;
}

/** A difference with enough significant digits to tell small errors apart. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(3);
  return Number(x.toPrecision(6)).toString();
}

export function compareView(report: ComparisonReport, ctx: CompareContext): CompareView {
  const agreeing = Math.round(report.agreement * report.rows);
  const unit = report.rows === 1 ? 'row' : 'rows';
  return {
    title: `Compare ${report.modelA} with ${report.modelB}`,
    subtitle: `${ctx.object} · output ${report.output} · first ${formatCount(report.rows)} ${unit}${ctx.source ? ` of ${ctx.source}` : ''}`,
    modelA: report.modelA,
    modelB: report.modelB,
    kind: report.kind,
    agreement: formatPercent(report.agreement),
    agreementDetail:
      report.kind === 'classifier'
        ? `${formatCount(agreeing)} of ${formatCount(report.rows)} ${unit} get the same label from both versions`
        : `${formatCount(agreeing)} of ${formatCount(report.rows)} ${unit} get the same value from both versions (within 1e-6)`,
    confusion: report.kind === 'classifier' && report.confusion ? confusionView(report.confusion, report.rows) : undefined,
    errors: report.errors ? { meanAbs: formatNumber(report.errors.meanAbs), maxAbs: formatNumber(report.errors.maxAbs) } : undefined,
    differing: differingView(report),
  };
}

function confusionView(c: NonNullable<ComparisonReport['confusion']>, total: number): ConfusionView {
  const rows = c.labels.map((label, i) => {
    const counts = c.counts[i] ?? [];
    const cells = c.labels.map((_, j) => {
      const n = counts[j] ?? 0;
      return { count: n, agree: i === j, share: total > 0 ? formatPercent(n / total) : '–' };
    });
    return { label, cells, total: cells.reduce((s, x) => s + x.count, 0) };
  });
  const columnTotals = c.labels.map((_, j) => rows.reduce((s, r) => s + (r.cells[j]?.count ?? 0), 0));
  return { labels: c.labels, rows, columnTotals };
}

function differingView(report: ComparisonReport): DifferingRowsView {
  const keys: string[] = [];
  for (const d of report.differing) for (const k of Object.keys(d.key)) if (!keys.includes(k)) keys.push(k);
  const regressor = report.kind === 'regressor';
  const columns = [...keys, `A: ${report.modelA}`, `B: ${report.modelB}`, ...(regressor ? ['|A − B|'] : [])];
  const rows = report.differing.map((d) => [
    ...keys.map((k) => d.key[k] ?? ''),
    d.a,
    d.b,
    ...(regressor ? [d.absDiff === undefined ? '' : formatNumber(d.absDiff)] : []),
  ]);
  const differ = report.rows - Math.round(report.agreement * report.rows);
  let note: string | undefined;
  if (!rows.length) note = `Every one of the ${formatCount(report.rows)} rows gives the same prediction with both versions.`;
  else if (differ > rows.length) note = `The ${formatCount(rows.length)} rows that differ most, of ${formatCount(differ)} that differ.`;
  return { columns, rows, note };
}
