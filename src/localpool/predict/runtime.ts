/**
 * onnxruntime-node for PREDICT: loaded lazily (never at module top level), inference sessions
 * cached by the model bytes' SHA-256 so a view scored again does not load its model again.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { SqlError } from '../engine/api.js';
import type * as Ort from 'onnxruntime-node';

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
  /**
   * Threads onnxruntime uses inside one run. Default: the machine's cores, at most 4 —
   * onnxruntime-node runs a model on the JavaScript thread, so one thread would leave the other
   * cores idle while DuckDB waits for the next read (measured in bench/predict.bench.ts).
   */
  readonly intraOpThreads?: number;
}

export const DEFAULT_INTRA_OP_THREADS = Math.max(1, Math.min(4, availableParallelism()));

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

/** Releases every cached session (engine shutdown). */
export async function releaseSessions(): Promise<void> {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
}
