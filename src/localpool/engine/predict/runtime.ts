/**
 * onnxruntime-node for PREDICT: loaded lazily (never at module top level), inference sessions
 * cached by the model bytes' SHA-256 so a view scored again does not load its model again.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SqlError } from '../api.js';
import type * as Ort from 'onnxruntime-node';
import { WORKER_SOURCE } from './worker-source.js';

export type OrtModule = typeof Ort;
export type OrtSession = Ort.InferenceSession;
export type OrtTensor = Ort.Tensor;

/**
 * SQL Server does not document PREDICT's error numbers; the local pool reports every PREDICT
 * failure with this number, and with a message that names the problem.
 */
export const PREDICT_ERROR = 40519;
export const PREDICT_PREFIX = 'Error occurred during execution of the function PREDICT.';

export function predictError(detail: string, line: number): SqlError {
  return new SqlError(PREDICT_ERROR, `${PREDICT_PREFIX} ${detail}`, line);
}

let ortPromise: Promise<OrtModule> | undefined;

/** Loads onnxruntime-node on first use. */
export function loadOrt(): Promise<OrtModule> {
  ortPromise ??= import('onnxruntime-node').then((m) => ((m as { default?: OrtModule }).default ?? m) as OrtModule);
  return ortPromise;
}

export interface SessionOptions {
  /** Threads onnxruntime uses inside one run (default: DEFAULT_INTRA_OP_THREADS). */
  readonly intraOpThreads?: number;
}

/**
 * In-process sessions: onnxruntime-node runs a model on the JavaScript thread, so these use the
 * machine's cores (at most 4) while the thread waits.
 */
export const DEFAULT_INTRA_OP_THREADS = Math.max(1, Math.min(4, availableParallelism()));

/**
 * The scoring worker's intra-op threads. Counting (nothing to encode) uses the machine's cores
 * (at most 4); streaming rows leaves one core to the JavaScript thread, which reads DuckDB chunks
 * and encodes rows while the worker scores (measured in bench/predict.bench.ts).
 */
export function workerThreadsFor(streaming: boolean): number {
  if (settings.workerThreads !== undefined) return settings.workerThreads;
  return streaming ? Math.max(1, Math.min(4, availableParallelism() - 1)) : DEFAULT_INTRA_OP_THREADS;
}

interface RuntimeSettings {
  /** Score in a worker thread (default) or on the JavaScript thread. */
  worker: boolean;
  /** Intra-op threads of the worker's sessions (undefined: see workerThreadsFor). */
  workerThreads: number | undefined;
}

const settings: RuntimeSettings = { worker: true, workerThreads: undefined };

/** Changes how PREDICT scores (benchmarks and tests); returns the previous settings. */
export function configurePredictRuntime(next: Partial<RuntimeSettings>): RuntimeSettings {
  const prev = { ...settings };
  if (next.worker !== undefined) settings.worker = next.worker;
  if ('workerThreads' in next) settings.workerThreads = next.workerThreads === undefined ? undefined : Math.max(1, Math.floor(next.workerThreads));
  return prev;
}

const MAX_CACHED = 8;
const cache = new Map<string, Promise<OrtSession>>();

/** An inference session for these model bytes, from the cache when the same bytes were seen before. */
export async function sessionFor(bytes: Uint8Array, line: number, opts: SessionOptions = {}): Promise<OrtSession> {
  const key = createHash('sha256').update(bytes).digest('hex') + `/${opts.intraOpThreads ?? DEFAULT_INTRA_OP_THREADS}`;
  let p = cache.get(key);
  if (p) {
    cache.delete(key);
    cache.set(key, p);
  } else {
    const ort = await loadOrt();
    p = ort.InferenceSession.create(bytes, {
      intraOpNumThreads: opts.intraOpThreads ?? DEFAULT_INTRA_OP_THREADS,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      // Idle onnxruntime threads sleep instead of spinning: while rows stream to a client, the
      // cores are needed by the TDS encoder and the client, not by threads waiting for work.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    cache.set(key, p);
    p.catch(() => cache.delete(key));
    while (cache.size > MAX_CACHED) {
      const oldest = cache.keys().next().value as string;
      const old = cache.get(oldest);
      cache.delete(oldest);
      void old?.then((s) => s.release()).catch(() => undefined);
    }
  }
  try {
    return await p;
  } catch {
    throw predictError('Model is corrupt or invalid.', line);
  }
}

/** What PREDICT reads about a model's inputs and outputs (an OrtSession has these members). */
export interface ModelInfo {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly unknown[];
  readonly outputMetadata?: readonly unknown[];
}

export type FeedData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[]
  | boolean[];

/** One input of a batch: `data` holds at least `count` values (the rest is ignored). */
export interface Feed {
  readonly name: string;
  readonly type: string;
  readonly data: FeedData;
  readonly count: number;
  readonly dims: readonly number[];
}

export interface ScoreResult {
  /** The fetched outputs' values, by output name. */
  readonly outputs: Record<string, { readonly data: ArrayLike<unknown> }>;
  /** The feeds' buffers, usable again for another batch (transferred back from the worker). */
  readonly inputs: FeedData[];
}

/** Scores batches with one model, in a worker thread or on this thread. */
export interface Scorer extends ModelInfo {
  /**
   * Scores one batch. The feeds' typed arrays are handed over (transferred to the worker): use the
   * buffers in the result, not the ones passed in. Rejects with onnxruntime's own message.
   */
  run(feeds: readonly Feed[], fetches: readonly string[]): Promise<ScoreResult>;
  /** Drops the batches given to run() that have not been scored yet; their promises never settle. */
  cancel(): void;
}

/**
 * A scorer for these model bytes, loaded (once per model and thread count) in the scoring worker
 * or in-process. `streaming`: the caller turns the results into rows while the worker scores.
 */
export async function scorerFor(bytes: Uint8Array, line: number, opts: { streaming?: boolean } = {}): Promise<Scorer> {
  // After repeated failures to start the worker, PREDICT stays on this thread.
  if (settings.worker && threadFailures < 3) return workerScorer(bytes, line, workerThreadsFor(opts.streaming ?? true));
  return inlineScorer(bytes, line);
}

async function inlineScorer(bytes: Uint8Array, line: number): Promise<Scorer> {
  const ort = await loadOrt();
  const session = await sessionFor(bytes, line);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata as readonly unknown[] | undefined,
    outputMetadata: session.outputMetadata as readonly unknown[] | undefined,
    async run(feeds, fetches) {
      const t: Record<string, OrtTensor> = {};
      for (const f of feeds) {
        const view = f.count === f.data.length ? f.data : Array.isArray(f.data) ? f.data.slice(0, f.count) : f.data.subarray(0, f.count);
        t[f.name] = new ort.Tensor(f.type as 'float32', view as Float32Array, [...f.dims]);
      }
      const res = await session.run(t, [...fetches]);
      const outputs: Record<string, { data: ArrayLike<unknown> }> = {};
      for (const [k, v] of Object.entries(res)) outputs[k] = { data: v.data as ArrayLike<unknown> };
      return { outputs, inputs: feeds.map((f) => f.data) };
    },
    cancel() {
      // In-process runs finish before the caller resumes; nothing is queued.
    },
  };
}

// ---- The scoring worker ----

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly message?: string;
  readonly meta?: ModelInfo;
  readonly outputs?: Record<string, { data: ArrayLike<unknown> }>;
  readonly inputs?: FeedData[];
}

interface WorkerState {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve(r: Reply): void; reject(e: Error): void }>;
  readonly loaded: Map<string, Promise<ModelInfo>>;
  ended: boolean;
}

let state: WorkerState | undefined;
let nextId = 1;
let threadFailures = 0;

/** onnxruntime rejected the model (as opposed to the worker failing). */
class ModelLoadError extends Error {}

function ortPath(): string {
  return require.resolve('onnxruntime-node');
}

/** The scoring worker, started on first use; it keeps the process alive only while it has work. */
function scoringWorker(): WorkerState {
  if (state && !state.ended) return state;
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ortPath: ortPath() }, name: 'localpool-predict' });
  worker.unref();
  const s: WorkerState = { worker, pending: new Map(), loaded: new Map(), ended: false };
  const fail = (e: Error) => {
    s.ended = true;
    if (state === s) state = undefined;
    for (const p of s.pending.values()) p.reject(e);
    s.pending.clear();
  };
  worker.on('message', (r: Reply) => {
    const p = s.pending.get(r.id);
    if (!p) return;
    s.pending.delete(r.id);
    if (!s.pending.size) worker.unref();
    p.resolve(r);
  });
  worker.on('error', (e: Error) => fail(new Error(`the scoring thread failed: ${e.message}`)));
  worker.on('exit', (code) => fail(new Error(`the scoring thread stopped (exit code ${code})`)));
  state = s;
  return s;
}

function request(s: WorkerState, message: Record<string, unknown>, transfer: ArrayBuffer[] = []): { id: number; reply: Promise<Reply> } {
  const id = nextId++;
  const reply = new Promise<Reply>((resolve, reject) => {
    if (s.ended) {
      reject(new Error('the scoring thread stopped'));
      return;
    }
    s.pending.set(id, { resolve, reject });
    s.worker.ref();
    s.worker.postMessage({ ...message, id }, transfer);
  });
  return { id, reply };
}

async function workerScorer(bytes: Uint8Array, line: number, threads: number): Promise<Scorer> {
  const key = createHash('sha256').update(bytes).digest('hex') + `/${threads}`;
  let s: WorkerState;
  try {
    s = scoringWorker();
  } catch {
    threadFailures++;
    return inlineScorer(bytes, line);
  }
  let info = s.loaded.get(key);
  if (info) {
    s.loaded.delete(key);
    s.loaded.set(key, info);
  } else {
    // The bytes are copied (structured clone): the caller keeps its own.
    info = request(s, { op: 'load', key, bytes, threads }).reply.then((r) => {
      if (!r.ok || !r.meta) throw new ModelLoadError(r.message ?? 'no model information');
      return r.meta;
    });
    s.loaded.set(key, info);
    info.catch(() => s.loaded.delete(key));
    while (s.loaded.size > MAX_CACHED) {
      const oldest = s.loaded.keys().next().value as string;
      s.loaded.delete(oldest);
      s.worker.postMessage({ op: 'release', key: oldest });
    }
  }
  let meta: ModelInfo;
  try {
    meta = await info;
  } catch (e) {
    if (e instanceof ModelLoadError) throw predictError('Model is corrupt or invalid.', line);
    // The worker could not start or load onnxruntime: score on this thread instead.
    threadFailures++;
    return inlineScorer(bytes, line);
  }
  const inFlight = new Set<number>();
  return {
    ...meta,
    async run(feeds, fetches) {
      const transfer: ArrayBuffer[] = [];
      for (const f of feeds)
        if (!Array.isArray(f.data) && f.data.buffer instanceof ArrayBuffer && !transfer.includes(f.data.buffer)) transfer.push(f.data.buffer);
      const { id, reply } = request(
        s,
        {
          op: 'run',
          key,
          fetches,
          feeds: feeds.map((f) => ({
            name: f.name,
            type: f.type,
            data: Array.isArray(f.data) ? f.data.slice(0, f.count) : f.data,
            count: f.count,
            dims: f.dims,
          })),
        },
        transfer,
      );
      inFlight.add(id);
      try {
        const r = await reply;
        if (!r.ok) throw new Error(r.message ?? 'unknown error');
        return { outputs: r.outputs ?? {}, inputs: r.inputs ?? [] };
      } finally {
        inFlight.delete(id);
      }
    },
    cancel() {
      if (!inFlight.size || s.ended) return;
      const ids = [...inFlight];
      inFlight.clear();
      for (const id of ids) {
        s.pending.delete(id);
      }
      if (!s.pending.size) s.worker.unref();
      s.worker.postMessage({ op: 'cancel', ids });
    },
  };
}

/** Whether the scoring worker is running (tests: the engine's close ends it). */
export function scoringWorkerRunning(): boolean {
  return state !== undefined && !state.ended;
}

/** How many PREDICTs were scored on the JavaScript thread because the scoring worker failed to start or load a model. */
export function scoringWorkerFailures(): number {
  return threadFailures;
}

/** Releases every cached session and ends the scoring worker (engine shutdown). */
export async function releaseSessions(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  const s = state;
  state = undefined;
  if (s && !s.ended) {
    s.ended = true;
    // The process waits for the end it asked for: a worker that is ending does not keep the event
    // loop alive by itself, even when referenced.
    const keepAlive = setInterval(() => undefined, 1000);
    // Ask the worker to close (it finishes the batch under way): terminating a thread while
    // onnxruntime is inside a native call aborts the process. Terminate only if it does not end.
    const exited = new Promise<void>((resolve) => s.worker.once('exit', () => resolve()));
    const lastResort = setTimeout(() => void s.worker.terminate(), 30_000);
    try {
      s.worker.postMessage({ op: 'close' });
      await exited;
    } finally {
      clearTimeout(lastResort);
      clearInterval(keepAlive);
    }
  }
  await Promise.all(all.map((p) => p.then((x) => x.release()).catch(() => undefined)));
}
