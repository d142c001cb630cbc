/**
 * Preview predictions: score a few rows of the table on this computer with onnxruntime-node, with
 * the input types the user chose, so that a wrong mapping shows up before anything is deployed.
 * onnxruntime-node is imported lazily (never at activation).
 */
import { readFile } from 'node:fs/promises';
import type { SqlType } from '../sql/types.js';

export type PreviewCell = null | boolean | number | bigint | string | Date | Uint8Array;

export interface PreviewInputMapping {
  readonly sourceColumn: string;
  readonly modelInput: string;
  /** The chosen SQL input type; it decides the tensor type, as PREDICT does. */
  readonly inputType: SqlType;
}

export interface PreviewRequest {
  /** The ONNX file's bytes, or its path. */
  readonly onnx: Uint8Array | string;
  /** Names of the columns of `rows`, in order. */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly PreviewCell[])[];
  readonly inputs: readonly PreviewInputMapping[];
  readonly outputs: readonly string[];
  /** Source columns shown first, as they are. */
  readonly passThrough?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface PreviewTable {
  readonly columns: string[];
  readonly rows: string[][];
}

export class PreviewError extends Error {
  override readonly name = 'PreviewError';
}

type TensorKind = 'float32' | 'float64' | 'int32' | 'int64' | 'string';

/** The tensor element type a SQL input type feeds (PREDICT's conversion). */
export function tensorKindFor(t: SqlType): TensorKind {
  switch (t.name) {
    case 'real':
      return 'float32';
    case 'float':
      return 'float64';
    case 'int':
    case 'smallint':
    case 'tinyint':
      return 'int32';
    case 'bigint':
      return 'int64';
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
      return 'string';
    default:
      throw new PreviewError(`The input type ${t.name} cannot feed a model; choose int, bigint, real, float or a string type.`);
  }
}

function toNumber(v: PreviewCell, where: () => string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new PreviewError(`${where()} holds ${v === null ? 'NULL' : `'${String(v).slice(0, 40)}'`}, which is not a number.`);
}

/** Formats one value of an output for the preview table. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.fround(v) === v ? Number(v.toPrecision(7)) : Number(v.toPrecision(15)));
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `0x${Buffer.from(v.subarray(0, 16)).toString('hex').toUpperCase()}${v.length > 16 ? '…' : ''}`;
  return String(v);
}

/** Scores `rows` and returns a table: pass-through columns, then the model inputs, then the outputs. */
export async function previewPredictions(req: PreviewRequest): Promise<PreviewTable> {
  const colIndex = (name: string): number => {
    const i = req.columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
    if (i < 0) throw new PreviewError(`The preview rows have no column '${name}'.`);
    return i;
  };
  const n = req.rows.length;
  if (n === 0) throw new PreviewError('The table has no rows to preview.');
  const bytes = typeof req.onnx === 'string' ? new Uint8Array(await readFile(req.onnx)) : req.onnx;
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (e) {
    throw new PreviewError(`ONNX Runtime cannot load the model: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const m of req.inputs) {
      const meta = session.inputMetadata.find((x) => x.name === m.modelInput);
      if (!meta) throw new PreviewError(`The model has no input '${m.modelInput}'; its inputs are: ${session.inputNames.join(', ')}.`);
      const rank = meta.isTensor ? meta.shape.length : 2;
      if (meta.isTensor && rank === 2 && typeof meta.shape[1] === 'number' && meta.shape[1] !== 1) {
        throw new PreviewError(`The model input '${m.modelInput}' takes ${meta.shape[1]} values per row; PREDICT feeds one column per input.`);
      }
      const dims = rank <= 1 ? [n] : [n, 1];
      const ci = colIndex(m.sourceColumn);
      const where = (r: number) => () => `Row ${r + 1}, column ${m.sourceColumn}`;
      const kind = tensorKindFor(m.inputType);
      const values = req.rows.map((row) => row[ci] ?? null);
      let tensor: InstanceType<typeof ort.Tensor>;
      switch (kind) {
        case 'float32':
          tensor = new ort.Tensor('float32', Float32Array.from(values, (v, r) => (v === null ? NaN : toNumber(v, where(r)))), dims);
          break;
        case 'float64':
          tensor = new ort.Tensor('float64', Float64Array.from(values, (v, r) => (v === null ? NaN : toNumber(v, where(r)))), dims);
          break;
        case 'int32':
          tensor = new ort.Tensor('int32', Int32Array.from(values, (v, r) => Math.trunc(toNumber(v, where(r)))), dims);
          break;
        case 'int64':
          tensor = new ort.Tensor(
            'int64',
            BigInt64Array.from(values, (v, r) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(toNumber(v, where(r)))))),
            dims,
          );
          break;
        case 'string':
          tensor = new ort.Tensor('string', values.map((v) => (v === null ? '' : formatCell(v))), dims);
          break;
      }
      feeds[m.modelInput] = tensor;
    }
    for (const o of req.outputs) {
      if (!session.outputNames.includes(o)) throw new PreviewError(`The model has no output '${o}'; its outputs are: ${session.outputNames.join(', ')}.`);
    }
    if (req.signal?.aborted) throw new PreviewError('Preview cancelled.');
    let results: Record<string, unknown>;
    try {
      results = await session.run(feeds, [...req.outputs]);
    } catch (e) {
      throw new PreviewError(`Scoring failed: ${e instanceof Error ? e.message : String(e)} Check the input types: PREDICT would fail the same way.`);
    }
    const pass = req.passThrough ?? [];
    const passIdx = pass.map(colIndex);
    const inIdx = req.inputs.map((m) => colIndex(m.sourceColumn));
    const outCells = req.outputs.map((name) => outputCells(name, results[name], n));
    const rows: string[][] = [];
    for (let r = 0; r < n; r++) {
      const row = req.rows[r]!;
      rows.push([...passIdx.map((i) => formatCell(row[i])), ...inIdx.map((i) => formatCell(row[i])), ...outCells.map((c) => c[r]!)]);
    }
    return { columns: [...pass, ...req.inputs.map((m) => m.modelInput), ...req.outputs], rows };
  } finally {
    await session.release();
  }
}

function outputCells(name: string, value: unknown, n: number): string[] {
  const t = value as { data?: ArrayLike<unknown>; dims?: readonly number[] } | undefined;
  if (!t || !t.data || !t.dims) throw new PreviewError(`The model output '${name}' is not a tensor; PREDICT cannot return it as a column.`);
  const per = t.dims.length <= 1 ? 1 : t.dims.slice(1).reduce((a, b) => a * b, 1);
  if (t.dims[0] !== n) throw new PreviewError(`The model output '${name}' has ${t.dims[0]} rows for ${n} input rows.`);
  const out: string[] = [];
  for (let r = 0; r < n; r++) {
    if (per === 1) out.push(formatCell(t.data[r]));
    else out.push(Array.from({ length: per }, (_, k) => formatCell(t.data![r * per + k])).join(', '));
  }
  return out;
}
