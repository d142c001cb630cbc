/**
 * Preview predictions: score a few rows of the table on this computer with onnxruntime-node, with
 * the input types the user chose, so that a wrong mapping shows up before anything is deployed.
 * ONNX Runtime runs in the extension's ONNX worker process, never in the caller's.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlType } from '../sql/types.js';
import { OnnxWorkerError, sharedOnnxWorker, type JsonOutput, type JsonTensor, type OnnxWorker } from './onnx-worker.js';
import { formatNumber } from '../sql/format.js';

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
  /** Cancels the preview; a load or a scoring in progress is stopped by ending the worker process. */
  readonly signal?: AbortSignal;
  /** Receives a line when ONNX Runtime has to run in this process (no process could be started). */
  readonly log?: (line: string) => void;
  /** The worker to use; default the extension's shared one. */
  readonly worker?: OnnxWorker;
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
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `0x${Buffer.from(v.subarray(0, 16)).toString('hex').toUpperCase()}${v.length > 16 ? '…' : ''}`;
  return String(v);
}

/**
 * Scores `rows` and returns a table: pass-through columns, then the model inputs, then the outputs.
 * ONNX Runtime runs in the extension's ONNX worker process (see onnx-worker.ts), so the memory a
 * large model takes to load never lands in the caller's process; the rows' tensors go there and
 * the requested outputs come back.
 */
export async function previewPredictions(req: PreviewRequest): Promise<PreviewTable> {
  const colIndex = (name: string): number => {
    const i = req.columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
    if (i < 0) throw new PreviewError(`The preview rows have no column '${name}'.`);
    return i;
  };
  const n = req.rows.length;
  if (n === 0) throw new PreviewError('The table has no rows to preview.');
  const worker = req.worker ?? sharedOnnxWorker();
  const cancelled = () => new PreviewError('Preview cancelled.');
  // ONNX Runtime reads the model from a file: bytes go to a temporary one.
  let onnxPath: string;
  let tempDir: string | undefined;
  if (typeof req.onnx === 'string') onnxPath = req.onnx;
  else {
    tempDir = await mkdtemp(join(tmpdir(), 'onnx-preview-'));
    onnxPath = join(tempDir, 'model.onnx');
    await writeFile(onnxPath, req.onnx);
  }
  const call = async <T>(what: 'load' | 'run', work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      if (e instanceof OnnxWorkerError) {
        if (e.kind === 'cancelled') throw cancelled();
        if (e.kind === 'crashed' || e.kind === 'out-of-memory') throw new PreviewError(e.message);
        if (e.kind === 'load') throw new PreviewError(`ONNX Runtime cannot load the model: ${e.message}`);
        if (what === 'run') throw new PreviewError(`Scoring failed: ${e.message} Check the input types: PREDICT would fail the same way.`);
      }
      throw e;
    }
  };
  try {
    // From bytes: ONNX Runtime's messages then name no file path.
    const opts = { signal: req.signal, log: req.log, fromBytes: true };
    const info = await call('load', () => worker.load(onnxPath, { ...opts, keep: true }));
    const feeds: Record<string, JsonTensor> = {};
    for (const m of req.inputs) {
      const meta = info.inputMetadata.find((x) => x.name === m.modelInput);
      if (!meta) throw new PreviewError(`The model has no input '${m.modelInput}'; its inputs are: ${info.inputNames.join(', ')}.`);
      const shape = meta.isTensor ? (meta.shape ?? []) : [];
      const rank = meta.isTensor ? shape.length : 2;
      if (meta.isTensor && rank === 2 && typeof shape[1] === 'number' && shape[1] !== 1) {
        throw new PreviewError(`The model input '${m.modelInput}' takes ${shape[1]} values per row; PREDICT feeds one column per input.`);
      }
      const dims = rank <= 1 ? [n] : [n, 1];
      const ci = colIndex(m.sourceColumn);
      const where = (r: number) => () => `Row ${r + 1}, column ${m.sourceColumn}`;
      const kind = tensorKindFor(m.inputType);
      const values = req.rows.map((row) => row[ci] ?? null);
      let data: (number | string)[];
      switch (kind) {
        case 'float32':
          data = values.map((v, r) => jsonNumber(Math.fround(v === null ? NaN : toNumber(v, where(r)))));
          break;
        case 'float64':
          data = values.map((v, r) => jsonNumber(v === null ? NaN : toNumber(v, where(r))));
          break;
        case 'int32':
          data = Array.from(Int32Array.from(values, (v, r) => Math.trunc(toNumber(v, where(r)))));
          break;
        case 'int64':
          data = Array.from(
            BigInt64Array.from(values, (v, r) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(toNumber(v, where(r)))))),
            String,
          );
          break;
        case 'string':
          data = values.map((v) => (v === null ? '' : formatCell(v)));
          break;
      }
      feeds[m.modelInput] = { type: kind, dims, data };
    }
    for (const o of req.outputs) {
      if (!info.outputNames.includes(o)) throw new PreviewError(`The model has no output '${o}'; its outputs are: ${info.outputNames.join(', ')}.`);
    }
    if (req.signal?.aborted) throw cancelled();
    const results = await call('run', () => worker.run(onnxPath, feeds, req.outputs, opts));
    const pass = req.passThrough ?? [];
    const passIdx = pass.map(colIndex);
    const inIdx = req.inputs.map((m) => colIndex(m.sourceColumn));
    const outCells = req.outputs.map((name) => outputCells(name, decodeOutput(results[name]), n));
    const rows: string[][] = [];
    for (let r = 0; r < n; r++) {
      const row = req.rows[r]!;
      rows.push([...passIdx.map((i) => formatCell(row[i])), ...inIdx.map((i) => formatCell(row[i])), ...outCells.map((c) => c[r]!)]);
    }
    return { columns: [...pass, ...req.inputs.map((m) => m.modelInput), ...req.outputs], rows };
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

/** A number as JSON carries it: non-finite values as their names. */
function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

const TYPED_ARRAYS: Readonly<Record<string, { from(data: ArrayLike<number>): ArrayLike<number> }>> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
};

/** An output from the worker, as ONNX Runtime's tensor would hold it in this process. */
export function decodeOutput(v: JsonOutput | undefined): { data: ArrayLike<unknown>; dims: readonly number[] } | undefined {
  if (!v || 'notTensor' in v) return undefined;
  const dims = v.dims;
  switch (v.type) {
    case 'string':
      return { data: v.data.map(String), dims };
    case 'int64':
      return { data: BigInt64Array.from(v.data, (x) => BigInt(String(x))), dims };
    case 'uint64':
      return { data: BigUint64Array.from(v.data, (x) => BigInt(String(x))), dims };
    default: {
      const A = TYPED_ARRAYS[v.type];
      const nums = v.data.map((x) => (typeof x === 'string' ? Number(x) : typeof x === 'boolean' ? Number(x) : x));
      return { data: A ? A.from(nums) : nums, dims };
    }
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
