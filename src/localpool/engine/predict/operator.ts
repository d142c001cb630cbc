/**
 * PREDICT as a streaming operator. It pulls DATA rows from DuckDB chunk by chunk, gathers the
 * model's inputs into preallocated typed arrays (one batch of `batchSize` rows per input),
 * and scores each batch in the scoring worker thread (runtime.ts) — fetching only the outputs named
 * in WITH. The batches' buffers are transferred to the worker and back, not copied. Two batches are
 * in flight: while the worker scores batch N, this thread reads the next DuckDB chunks (DuckDB
 * reads one ahead on its own threads) into batch N+1 and turns batch N-1's results into rows that
 * the TDS server encodes — onnxruntime-node would otherwise run the model on this thread.
 * Memory stays bounded by a few batches whatever the size of DATA.
 *
 * How PREDICT composes with the rest of the engine (see engine/session.ts):
 * - a query that is a projection of one PREDICT — `SELECT * | columns | COUNT(*) FROM PREDICT(...)`,
 *   also through CTEs, views and derived tables, with TOP — streams straight from this operator;
 * - any other query (joins, WHERE, GROUP BY, INSERT ... SELECT) first has each PREDICT written into a
 *   DuckDB temp table through the appender, batch by batch, then runs in DuckDB over it.
 */
import type { BlockColumn, RowBlock, SqlValue, WireType } from '../api.js';
import type { TypeSpec } from '../ast.js';
import type { OutCol, PredictJob } from '../translate.js';
import { q } from '../translate.js';
import { duckType, formatType, wireTypeForDuck, wireTypeOf } from '../types.js';
import { allValid, blockRows, rawColumn, typedItems, type ChunkLike } from '../values.js';
import { blockOf, DataColumn, outputColumn } from './columns.js';
import { predictError, scorerFor, type Feed, type FeedData, type ModelInfo, type Scorer, type ScoreResult } from './runtime.js';

/** What the operator needs from a DuckDB connection. */
export interface StreamingConnection {
  /** A streaming result: no other statement may run on the connection while it is read. */
  stream(sql: string, values?: never[]): Promise<ChunkSource>;
  /** A result DuckDB materializes (in its own buffers, not JS memory): other statements may run meanwhile. */
  run(sql: string, values?: never[]): Promise<ChunkSource>;
}

export interface ChunkSource {
  fetchChunk(): Promise<ChunkLike | null>;
  columnTypes(): { toString(): string }[];
}

export interface PredictOptions {
  /** Rows per scored batch; by default batches start at DEFAULT_BATCH_SIZE and double up to MAX_BATCH_SIZE. */
  readonly batchSize?: number;
  /** Which of the job's columns to return (indexes into job.cols); none = count only. */
  readonly columns?: readonly number[];
  /** Stop after this many rows. */
  readonly limit?: number;
  readonly signal?: AbortSignal;
  /** Runs scored at once while the next batch is read (default 2). */
  readonly depth?: number;
  /**
   * Let DuckDB materialize DATA first, so that the caller may run other statements on the same
   * connection (writing a temp table) while batches are produced.
   */
  readonly materializeData?: boolean;
  /** 'block': each batch as a RowBlock (column by column, for the TDS server); 'rows' (default): row-major values. */
  readonly form?: 'rows' | 'block';
}

export interface PredictBatch {
  readonly count: number;
  /** Row-major values of the requested columns (with form 'rows'; absent when counting only). */
  readonly rows?: SqlValue[][];
  /** The requested columns, column by column (with form 'block'), valid until the next batch is asked for. */
  readonly block?: RowBlock;
  /** The wire types of the requested columns. */
  readonly wires?: readonly WireType[];
}

/** The first batch's size, chosen by measurement (bench/predict.bench.ts): the first rows come soon. */
export const DEFAULT_BATCH_SIZE = 8192;
/**
 * The size batches grow to, doubling from DEFAULT_BATCH_SIZE: each batch costs a round trip to the
 * scoring thread whatever its size, which for a small model is most of the work (the lab's tree
 * scores 65 536 rows in about 2.5 ms); 65 536 rows of eight inputs are 4 MB.
 */
export const MAX_BATCH_SIZE = 65_536;

type ElementType = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool' | 'string';

const DUCK_FOR_ELEMENT: Record<ElementType, string> = {
  float32: 'FLOAT',
  float64: 'DOUBLE',
  int64: 'BIGINT',
  int32: 'INTEGER',
  int16: 'SMALLINT',
  int8: 'TINYINT',
  uint8: 'UTINYINT',
  uint16: 'USMALLINT',
  uint32: 'UINTEGER',
  uint64: 'UBIGINT',
  bool: 'BOOLEAN',
  string: 'VARCHAR',
};
const ONNX_NAME: Record<ElementType, string> = {
  float32: 'tensor(float)',
  float64: 'tensor(double)',
  int64: 'tensor(int64)',
  int32: 'tensor(int32)',
  int16: 'tensor(int16)',
  int8: 'tensor(int8)',
  uint8: 'tensor(uint8)',
  uint16: 'tensor(uint16)',
  uint32: 'tensor(uint32)',
  uint64: 'tensor(uint64)',
  bool: 'tensor(bool)',
  string: 'tensor(string)',
};

const NUMERIC_SQL = new Set(['bit', 'tinyint', 'smallint', 'int', 'bigint', 'real', 'float', 'decimal', 'numeric', 'money', 'smallmoney']);
const STRING_SQL = new Set(['char', 'varchar', 'nchar', 'nvarchar', 'text', 'ntext', 'sysname']);

interface InputPlan {
  readonly name: string;
  readonly column: number;
  readonly element: ElementType;
  readonly dims: (n: number) => number[];
}

interface OutputPlan {
  readonly modelName: string;
  readonly col: OutCol;
  readonly wire: WireType;
}

interface TensorMeta {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

function typeText(t: TypeSpec | undefined): string {
  return t ? formatType(t) : 'an unknown type';
}

/** Checks the model against DATA and WITH; returns how to feed it and what to fetch. */
export function planPredict(session: ModelInfo, job: PredictJob): { inputs: InputPlan[]; outputs: OutputPlan[] } {
  const line = job.node.line;
  const inMeta: readonly TensorMeta[] =
    (session.inputMetadata as readonly TensorMeta[] | undefined) ?? session.inputNames.map((name) => ({ name, isTensor: true }));
  const outMeta: readonly TensorMeta[] =
    (session.outputMetadata as readonly TensorMeta[] | undefined) ?? session.outputNames.map((name) => ({ name, isTensor: true }));
  const inputs: InputPlan[] = [];
  for (const m of inMeta) {
    const column = job.dataCols.findIndex((c) => c.name.toLowerCase() === m.name.toLowerCase());
    if (column < 0) {
      throw predictError(
        `The model input '${m.name}' has no column of that name in DATA (columns: ${job.dataCols.map((c) => c.name).join(', ')}). Name a DATA column after each model input, for example with an alias in a CTE.`,
        line,
      );
    }
    if (!m.isTensor || !m.type) throw predictError(`The model input '${m.name}' is not a tensor; PREDICT can feed tensor inputs only.`, line);
    const element = m.type as ElementType;
    if (!(element in DUCK_FOR_ELEMENT)) throw predictError(`The model input '${m.name}' has element type ${m.type}, which PREDICT cannot feed.`, line);
    const shape = m.shape ?? [];
    const fixed = shape.slice(1).map((d) => (typeof d === 'number' ? d : -1));
    if (shape.length > 2 || fixed.some((d) => d !== 1 && d !== -1)) {
      throw predictError(
        `The model input '${m.name}' has shape [${shape.join(',')}]; PREDICT matches each model input to one column, so it can score only inputs of shape [N] or [N,1].`,
        line,
      );
    }
    const col = job.dataCols[column]!;
    const sqlName = col.type?.name;
    if (sqlName) {
      const ok = element === 'string' ? STRING_SQL.has(sqlName) : NUMERIC_SQL.has(sqlName);
      if (!ok) {
        throw predictError(
          `The model input '${m.name}' is ${ONNX_NAME[element]}, but DATA column '${col.name}' is ${typeText(col.type)}, which PREDICT cannot convert to it. CAST the column to ${element === 'string' ? 'nvarchar' : element === 'float32' ? 'real' : element === 'float64' ? 'float' : 'bigint'} in DATA.`,
          line,
        );
      }
    }
    const rank = shape.length === 1 ? 1 : 2;
    inputs.push({ name: m.name, column, element, dims: rank === 1 ? (n) => [n] : (n) => [n, 1] });
  }
  const outputs: OutputPlan[] = [];
  for (const o of job.node.outputs) {
    const m = outMeta.find((x) => x.name === o.name) ?? outMeta.find((x) => x.name.toLowerCase() === o.name.toLowerCase());
    if (!m) {
      throw predictError(`The output '${o.name}' named in WITH is not an output of the model (outputs: ${outMeta.map((x) => x.name).join(', ')}).`, line);
    }
    if (!m.isTensor || !m.type) {
      throw predictError(
        `The model output '${m.name}' is not a tensor (a sequence or a map, such as a ZipMap of class probabilities); PREDICT can return tensor outputs only. Leave it out of WITH.`,
        line,
      );
    }
    const element = m.type as ElementType;
    const shape = m.shape ?? [];
    if (shape.length > 2 || (shape.length === 2 && typeof shape[1] === 'number' && shape[1] !== 1)) {
      throw predictError(
        `The model output '${m.name}' has shape [${shape.join(',')}]; PREDICT can return only outputs with one value per row ([N] or [N,1]).`,
        line,
      );
    }
    const ok =
      element === 'string' ? STRING_SQL.has(o.type.name) : element in DUCK_FOR_ELEMENT && (NUMERIC_SQL.has(o.type.name) || STRING_SQL.has(o.type.name));
    if (!ok) {
      throw predictError(
        `The model output '${m.name}' is ${ONNX_NAME[element] ?? m.type}, which cannot be converted to ${formatType(o.type)} as declared in WITH.`,
        line,
      );
    }
    outputs.push({ modelName: m.name, col: { name: o.name, type: o.type, nullable: !o.notNull }, wire: wireTypeOf(o.type) });
  }
  return { inputs, outputs };
}

function allocate(element: ElementType, n: number): FeedData {
  switch (element) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
      return new Uint8Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    case 'bool':
      return new Uint8Array(n);
    case 'string':
      return new Array<string>(n);
  }
}

function outputValue(x: unknown, wire: WireType): SqlValue {
  if (x === null || x === undefined) return null;
  switch (wire.name) {
    case 'bigint':
      return typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x)));
    case 'int':
    case 'smallint':
    case 'tinyint':
      return Math.trunc(Number(x));
    case 'real':
      return Math.fround(Number(x));
    case 'float':
      return Number(x);
    case 'bit':
      return Number(x) !== 0;
    case 'decimal':
    case 'numeric':
      return Number(x).toFixed(wire.scale ?? 0);
    default: {
      const s = String(x);
      return typeof wire.length === 'number' ? s.slice(0, wire.length) : s;
    }
  }
}

/** Reads the model bytes a job names. */
export async function modelBytes(job: PredictJob, evaluate: (sql: string) => Promise<SqlValue>): Promise<Uint8Array> {
  const line = job.node.line;
  const v = 'value' in job.model ? job.model.value : await evaluate(job.model.sql);
  if (v === null || v === undefined) {
    throw predictError('The MODEL is NULL: the model query returned no row or a NULL value. Check the model table and the ID in the MODEL subquery.', line);
  }
  if (!(v instanceof Uint8Array)) throw predictError('Model is corrupt or invalid. MODEL must be a varbinary value holding an ONNX model.', line);
  return v;
}

/** A batch handed to the scorer, with the DATA columns to return beside its outputs. */
interface Pending {
  readonly count: number;
  readonly data: readonly DataColumn[];
  readonly run: Promise<ScoreResult>;
}

/**
 * Scores DATA in batches and yields the requested columns. The generator stops reading and
 * scoring as soon as the consumer stops or `signal` aborts.
 */
export async function* runPredict(conn: StreamingConnection, job: PredictJob, bytes: Uint8Array, opts: PredictOptions = {}): AsyncGenerator<PredictBatch> {
  const scorer = await scorerFor(bytes, job.node.line, { streaming: opts.columns !== undefined });
  const run = new PredictRun(conn, job, scorer, opts);
  yield* run.batches();
}

/** One PREDICT over DATA: the read, the batches in flight and their results. */
class PredictRun {
  private readonly inputs: InputPlan[];
  private readonly outputs: OutputPlan[];
  /** Rows of the batch being filled; the next batch doubles it up to `maxBatch`. */
  private batchSize: number;
  private readonly maxBatch: number;
  private readonly depth: number;
  private readonly wanted: readonly number[] | undefined;
  private readonly dataCount: number;
  /** DATA columns returned, in the order the query reads them (before the model inputs). */
  private readonly wantedData: number[];
  private readonly limit: number;
  private readonly free: FeedData[][] = [];
  private readonly queue: Pending[] = [];
  private result!: ChunkSource;
  private duckTypes: string[] = [];
  private dataWires: WireType[] = [];
  private wires: WireType[] | undefined;
  private buffers: FeedData[] = [];
  private data: DataColumn[] = [];
  private fill = 0;
  private produced = 0;
  private exhausted = false;
  private chunk: ChunkLike | null = null;
  private offset = 0;
  /** The next chunk, requested as soon as one arrives so DuckDB reads it (on its own threads) while this thread copies inputs. */
  private ahead: Promise<ChunkLike | null> | undefined;

  constructor(
    private readonly conn: StreamingConnection,
    private readonly job: PredictJob,
    private readonly scorer: Scorer,
    private readonly opts: PredictOptions,
  ) {
    ({ inputs: this.inputs, outputs: this.outputs } = planPredict(scorer, job));
    // A count returns no rows, so nothing waits for the first batch: it starts at the largest.
    this.batchSize = Math.max(1, opts.batchSize ?? (opts.columns === undefined ? MAX_BATCH_SIZE : DEFAULT_BATCH_SIZE));
    this.maxBatch = opts.batchSize ? this.batchSize : Math.max(this.batchSize, MAX_BATCH_SIZE);
    this.depth = Math.max(1, opts.depth ?? 2);
    this.wanted = opts.columns;
    this.dataCount = job.dataCols.length;
    this.wantedData = this.wanted ? [...new Set(this.wanted.filter((c) => c < this.dataCount))] : [];
    this.limit = opts.limit ?? Infinity;
  }

  async *batches(): AsyncGenerator<PredictBatch> {
    await this.open();
    try {
      while (this.produced < this.limit) {
        if (this.opts.signal?.aborted) return;
        if (!(await this.fillBatch())) return;
        if (this.fill > 0) this.submit();
        if (!this.queue.length) {
          if (this.produced === 0) yield { count: 0, rows: [], block: blockOf(0, this.emptyColumns()), wires: this.wires };
          return;
        }
        if (this.queue.length >= this.depth || this.exhausted || this.produced + this.queued() >= this.limit) {
          const b = await this.finish(this.queue.shift()!);
          this.produced += b.count;
          yield b;
        }
      }
    } finally {
      // Batches not scored yet are dropped; results still arriving are discarded.
      if (this.queue.length) this.scorer.cancel();
      for (const p of this.queue) void p.run.catch(() => undefined);
      // The connection runs nothing else until the chunk read ahead has arrived.
      if (this.ahead) await this.ahead.catch(() => undefined);
    }
  }

  /** Starts DATA's query: the returned DATA columns, then one converted column per model input. */
  private async open(): Promise<void> {
    const { job } = this;
    const selects = this.wantedData.map((c) => `__d.${q(job.dataCols[c]!.name)}`);
    this.inputs.forEach((inp, k) => selects.push(`CAST(__d.${q(job.dataCols[inp.column]!.name)} AS ${DUCK_FOR_ELEMENT[inp.element]}) AS "__in${k}"`));
    if (!selects.length) selects.push('1');
    const sql = `SELECT ${selects.join(', ')} FROM (${job.dataSql}) AS __d`;
    this.result = this.opts.materializeData ? await this.conn.run(sql, job.params as never[]) : await this.conn.stream(sql, job.params as never[]);
    this.duckTypes = this.result.columnTypes().map((t) => t.toString());
    this.dataWires = this.wantedData.map((c, k) => {
      const col = job.dataCols[c]!;
      const actual = this.duckTypes[k]!;
      return col.type && duckType(col.type) === actual.replace(/^DECIMAL\((\d+),(\d+)\)$/, 'DECIMAL($1,$2)') ? wireTypeOf(col.type) : wireTypeForDuck(actual);
    });
    this.wires = this.wanted?.map((c) => (c < this.dataCount ? this.dataWires[this.wantedData.indexOf(c)]! : this.outputs[c - this.dataCount]!.wire));
    this.buffers = this.takeBuffers();
    this.data = this.newDataColumns();
  }

  private takeBuffers(): FeedData[] {
    // Reused buffers are of the largest size, which holds any batch.
    return this.free.pop() ?? this.inputs.map((i) => allocate(i.element, this.batchSize));
  }

  private newDataColumns(): DataColumn[] {
    const columnar = this.opts.form === 'block';
    return this.wantedData.map((_, k) => DataColumn.create(this.duckTypes[k]!, this.dataWires[k]!, this.batchSize, columnar));
  }

  private emptyColumns(): BlockColumn[] {
    return (this.wires ?? []).map(() => ({ kind: 'values', values: [] }));
  }

  private async nextChunk(): Promise<ChunkLike | null> {
    const c = await (this.ahead ?? this.result.fetchChunk());
    this.ahead = c && c.rowCount > 0 ? this.result.fetchChunk() : undefined;
    this.ahead?.catch(() => undefined);
    return c;
  }

  /** Fills the current batch from chunks; false when the read was cancelled. */
  private async fillBatch(): Promise<boolean> {
    while (!this.exhausted && this.fill < this.batchSize && this.produced + this.queued() + this.fill < this.limit) {
      if (!this.chunk || this.offset >= this.chunk.rowCount) {
        this.chunk = await this.nextChunk();
        this.offset = 0;
        if (this.opts.signal?.aborted) return false;
        if (!this.chunk || this.chunk.rowCount === 0) {
          this.exhausted = true;
          break;
        }
      }
      const take = Math.min(this.chunk.rowCount - this.offset, this.batchSize - this.fill, this.limit - this.produced - this.queued() - this.fill);
      this.copyInputs(this.chunk, this.offset, take);
      this.offset += take;
      this.fill += take;
    }
    return true;
  }

  private submit(): void {
    const count = this.fill;
    // The buffers are handed to the scorer (transferred to its thread) and come back with the result.
    const feeds: Feed[] = this.inputs.map((inp, k) => ({ name: inp.name, type: inp.element, data: this.buffers[k]!, count, dims: inp.dims(count) }));
    const run = this.scorer.run(
      feeds,
      this.outputs.map((o) => o.modelName),
    );
    run.catch(() => undefined);
    this.queue.push({ count, data: this.data, run });
    this.batchSize = Math.min(this.maxBatch, this.batchSize * 2);
    this.buffers = this.takeBuffers();
    this.fill = 0;
    this.data = this.newDataColumns();
  }

  private async finish(p: Pending): Promise<PredictBatch> {
    const { job, outputs, wanted, dataCount, wantedData } = this;
    let res: Record<string, { readonly data: ArrayLike<unknown> }>;
    try {
      const r = await p.run;
      res = r.outputs;
      if (r.inputs.length === this.inputs.length && r.inputs.every((b) => b.length === this.maxBatch)) this.free.push(r.inputs);
    } catch (e) {
      throw predictError(`The model failed to score a batch: ${(e as Error).message}`, job.node.line);
    }
    if (!wanted) return { count: p.count, wires: this.wires };
    const outData = outputs.map((o) => {
      const t = res[o.modelName];
      if (!t) throw predictError(`The model did not return the output '${o.modelName}'.`, job.node.line);
      if (t.data.length !== p.count) {
        throw predictError(
          `The model output '${o.modelName}' returned ${t.data.length} values for ${p.count} rows; PREDICT needs one value per row.`,
          job.node.line,
        );
      }
      return t.data as ArrayLike<unknown>;
    });
    const columns = wanted.map((c): BlockColumn => {
      if (c < dataCount) return p.data[wantedData.indexOf(c)]!.column();
      const o = c - dataCount;
      return outputColumn(outData[o]!, outputs[o]!.wire, p.count, outputValue);
    });
    const block = blockOf(p.count, columns);
    if (this.opts.form === 'block') return { count: p.count, block, wires: this.wires };
    const rows = blockRows(block);
    return { count: p.count, rows, wires: this.wires };
  }

  private queued(): number {
    let n = 0;
    for (const p of this.queue) n += p.count;
    return n;
  }

  private copyInputs(c: ChunkLike, from: number, count: number): void {
    this.data.forEach((col, k) => col.append(c, k, from, count));
    const first = this.wantedData.length;
    this.inputs.forEach((inp, k) => copyInput(c, first + k, from, count, this.buffers[k]!, this.fill, inp, this.job));
  }
}

/** Copies rows [from, from + count) of chunk column `j` into a model input's buffer at `at`. */
function copyInput(c: ChunkLike, j: number, from: number, count: number, buf: FeedData, at: number, inp: InputPlan, job: PredictJob): void {
  // Fixed-width inputs: copied straight from DuckDB's vector (the CAST in the query fixed its type).
  if (!Array.isArray(buf) && inp.element !== 'bool') {
    const typed = buf as Float32Array;
    const raw = rawColumn(c, j, c.rowCount, typed.BYTES_PER_ELEMENT);
    if (raw?.allValid) {
      const view = new (typed.constructor as Float32ArrayConstructor)(raw.bytes.buffer, raw.bytes.byteOffset + from * typed.BYTES_PER_ELEMENT, count);
      typed.set(view, at);
      return;
    }
  }
  const vec = c.getColumnVector(j);
  const items = typedItems(vec);
  const valid = allValid(vec, c.rowCount);
  if (items && !Array.isArray(buf) && valid) {
    (buf as Float32Array).set((items as Float32Array).subarray(from, from + count), at);
    return;
  }
  const getItem = (vec as { getItem(i: number): unknown }).getItem.bind(vec);
  for (let i = 0; i < count; i++) {
    const x = getItem(from + i);
    if (x === null) {
      if (inp.element === 'float32' || inp.element === 'float64') {
        (buf as Float32Array)[at + i] = NaN;
        continue;
      }
      throw predictError(
        `DATA column '${job.dataCols[inp.column]!.name}' has a NULL value, which cannot be passed to the model's ${ONNX_NAME[inp.element]} input '${inp.name}'. Filter NULLs out in DATA or replace them with ISNULL.`,
        job.node.line,
      );
    }
    if (Array.isArray(buf)) (buf as unknown[])[at + i] = inp.element === 'bool' ? Boolean(x) : String(x);
    else if (inp.element === 'bool') (buf as Uint8Array)[at + i] = x ? 1 : 0;
    else (buf as Float32Array)[at + i] = x as number;
  }
}
