/**
 * Compare versions: the first N rows of a scoring object's source, read with the object's own
 * mapping and casts (in SQL, as PREDICT would see them), scored with two model versions in the ONNX
 * worker. Nothing is deployed. Classifiers (integer or string output) get the agreement rate and a
 * confusion table; regressors (float output) the mean and largest absolute difference. Both get the
 * rows that differ most, with their pass-through key columns.
 */
import type { CatalogRunner } from '../sql/catalog.js';
import type { SqlCell } from '../sql/port.js';
import { displayObjectName, quoteName, quoteObjectName } from '../sql/names.js';
import { formatSqlType, isIntegerType, isStringType, parseSqlType, type SqlType } from '../sql/types.js';
import { previewPredictions, type PreviewCell } from '../models/preview.js';
import type { OnnxWorker } from '../models/onnx-worker.js';
import { readModelBytes } from './deployed.js';
import type { CompareRequest, ComparisonReport } from './types.js';
import { messageOf } from '../common/errors.js';

export const DEFAULT_COMPARE_ROWS = 1000;
const MAX_DIFFERING = 50;

export class CompareError extends Error {
  override readonly name = 'CompareError';
}

/** Whether two regressor outputs agree: |a-b| <= 1e-6·max(1,|a|). */
export function closeEnough(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
}

/** The statistics of two outputs for the same rows (pure: the scoring is done). */
export function summarize(input: {
  readonly modelA: string;
  readonly modelB: string;
  readonly output: string;
  readonly kind: 'classifier' | 'regressor';
  readonly a: readonly string[];
  readonly b: readonly string[];
  readonly keys: readonly Readonly<Record<string, string>>[];
}): ComparisonReport {
  const { a, b, keys } = input;
  const n = a.length;
  const base = { rows: n, modelA: input.modelA, modelB: input.modelB, output: input.output, kind: input.kind };
  if (input.kind === 'classifier') {
    const labels = [...new Set([...a, ...b])].sort((x, y) => {
      const nx = Number(x);
      const ny = Number(y);
      return Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    });
    const index = new Map(labels.map((l, i) => [l, i]));
    const counts = labels.map(() => labels.map(() => 0));
    let same = 0;
    const differing: ComparisonReport['differing'][number][] = [];
    for (let r = 0; r < n; r++) {
      counts[index.get(a[r]!)!]![index.get(b[r]!)!]!++;
      if (a[r] === b[r]) same++;
      else if (differing.length < MAX_DIFFERING) differing.push({ key: keys[r]!, a: a[r]!, b: b[r]! });
    }
    return { ...base, agreement: n ? same / n : 1, confusion: { labels, counts }, differing };
  }
  let same = 0;
  let sum = 0;
  let max = 0;
  const diffs: { r: number; d: number }[] = [];
  for (let r = 0; r < n; r++) {
    const x = Number(a[r]);
    const y = Number(b[r]);
    const d = Math.abs(x - y);
    if (closeEnough(x, y)) same++;
    else diffs.push({ r, d: Number.isNaN(d) ? Infinity : d });
    if (!Number.isNaN(d)) {
      sum += d;
      max = Math.max(max, d);
    }
  }
  diffs.sort((p, q) => q.d - p.d);
  return {
    ...base,
    agreement: n ? same / n : 1,
    errors: { meanAbs: n ? sum / n : 0, maxAbs: max },
    differing: diffs.slice(0, MAX_DIFFERING).map(({ r, d }) => ({ key: keys[r]!, a: a[r]!, b: b[r]!, absDiff: d })),
  };
}

function cellText(v: SqlCell | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return `0x${v.subarray(0, 16).toString('hex').toUpperCase()}`;
  return String(v);
}

/** Scores the first rows of the object's source with its version and `otherId`; see the module comment. */
export async function compareVersions(req: CompareRequest & { readonly worker?: OnnxWorker }): Promise<ComparisonReport> {
  const { db, object: m, signal } = req;
  const rows = Math.max(1, Math.floor(req.rows ?? DEFAULT_COMPARE_ROWS));
  const output = m.outputs[0];
  if (!output) throw new CompareError(`${displayObjectName(m.objectName)} lists no model output to compare.`);
  const kind: 'classifier' | 'regressor' = isIntegerType(output.type) || isStringType(output.type) || output.type.name === 'bit' ? 'classifier' : 'regressor';

  const select = [
    ...m.passThrough.map((p) => quoteName(p)),
    ...m.inputs.map((i) => {
      const col = i.castType ? `CAST(${quoteName(i.sourceColumn)} AS ${formatSqlType(i.castType)})` : quoteName(i.sourceColumn);
      return `${col} AS ${quoteName(i.modelInput)}`;
    }),
  ];
  let columns: { name: string; type: string }[];
  let data: SqlCell[][];
  try {
    const r = await db.query(`SELECT TOP (${rows}) ${select.join(', ')} FROM ${quoteObjectName(m.source)}`);
    const set = r.resultSets[0];
    columns = (set?.columns ?? []).map((c) => ({ name: c.name, type: c.type }));
    data = (set?.rows ?? []).map((row) => [...row]);
  } catch (e) {
    const what = `the rows of ${displayObjectName(m.source)} that ${displayObjectName(m.objectName)} scores`;
    throw new CompareError(`Cannot read ${what}: ${messageOf(e)}`, { cause: e });
  }
  if (data.length === 0) throw new CompareError(`${displayObjectName(m.source)} has no rows to compare the versions on.`);
  if (signal?.aborted) throw new CompareError('Comparison cancelled.');

  const inputs = m.inputs.map((i, k) => {
    const col = columns[m.passThrough.length + k];
    let inputType: SqlType | undefined = i.castType;
    if (!inputType && col) {
      try {
        inputType = parseSqlType(col.type);
      } catch {
        inputType = undefined;
      }
    }
    if (!inputType) throw new CompareError(`The type of ${i.sourceColumn} in ${displayObjectName(m.source)} (${col?.type ?? 'unknown'}) cannot feed a model.`);
    return { sourceColumn: i.modelInput, modelInput: i.modelInput, inputType };
  });
  const names = [...m.passThrough, ...m.inputs.map((i) => i.modelInput)];
  const keys = data.map((row, r) => (m.passThrough.length ? Object.fromEntries(m.passThrough.map((p, k) => [p, cellText(row[k])])) : { '#': String(r + 1) }));

  const score = async (id: string): Promise<string[]> => {
    let bytes: Uint8Array;
    try {
      bytes = await readModelBytes(db as CatalogRunner, req.modelTable, id);
    } catch (e) {
      throw new CompareError(messageOf(e), { cause: e });
    }
    try {
      const table = await previewPredictions({
        onnx: bytes,
        columns: names,
        rows: data as PreviewCell[][],
        inputs,
        outputs: [output.name],
        signal,
        worker: req.worker,
      });
      return table.rows.map((r) => r[r.length - 1]!);
    } catch (e) {
      throw new CompareError(`Scoring with '${id}' failed: ${messageOf(e)}`, { cause: e });
    }
  };
  const a = await score(m.modelId);
  const b = await score(req.otherId);
  return summarize({ modelA: m.modelId, modelB: req.otherId, output: output.name, kind, a, b, keys });
}
