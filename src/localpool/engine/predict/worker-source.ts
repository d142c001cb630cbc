/**
 * The source of the PREDICT scoring worker (a `worker_threads` worker started with `eval: true`).
 * It is plain CommonJS in a string so that it runs the same from the TypeScript sources and from
 * the esbuild bundle (which has no separate file for it); onnxruntime-node is required by the
 * path the main thread resolved (`workerData.ortPath`).
 *
 * Protocol (main → worker):
 * - `{ op: 'load', id, key, bytes, threads }` → `{ id, ok: true, meta }` or `{ id, ok: false, message }`;
 *   the session is cached under `key` (the model's SHA-256 and thread count).
 * - `{ op: 'run', id, key, feeds: [{ name, type, data, count, dims }], fetches }` (the feeds' typed
 *   arrays transferred) → `{ id, ok: true, outputs: { name: { data } }, inputs: [data] }` with the
 *   outputs' and the inputs' buffers transferred back (the inputs for reuse).
 * - `{ op: 'cancel', ids }`: runs not started yet are dropped without an answer.
 * - `{ op: 'release', key }`: the session is released.
 * - `{ op: 'close' }`: queued runs are dropped, the load or run under way finishes, every session is
 *   released, and the thread exits. The main thread ends the worker this way rather than with
 *   `terminate()`: terminating a thread while onnxruntime is inside a native call aborts the whole
 *   process.
 * Runs are queued and started one per event-loop turn, so a cancel that arrives while one run is
 * scoring drops the runs queued behind it.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
const queue = [];
const cancelled = new Set();
const busy = new Set();
let pumping = false;
let closing = false;

function track(p) {
  busy.add(p);
  p.finally(() => busy.delete(p));
  return p;
}

function errorText(e) {
  return e && typeof e.message === 'string' ? e.message : String(e);
}

function meta(s) {
  const plain = (list, names) => (Array.isArray(list) ? list.map((m) => ({ name: m.name, isTensor: !!m.isTensor, type: m.type, shape: m.shape ? Array.from(m.shape) : undefined })) : names.map((name) => ({ name, isTensor: true })));
  return { inputNames: Array.from(s.inputNames), outputNames: Array.from(s.outputNames), inputMetadata: plain(s.inputMetadata, s.inputNames), outputMetadata: plain(s.outputMetadata, s.outputNames) };
}

function post(message, transfer) {
  try {
    parentPort.postMessage(message, transfer);
  } catch {
    // A buffer that cannot be transferred (memory owned by onnxruntime) is copied instead.
    parentPort.postMessage(message);
  }
}

async function load(m) {
  try {
    let p = sessions.get(m.key);
    if (!p) {
      p = ort.InferenceSession.create(m.bytes, {
        intraOpNumThreads: m.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      sessions.set(m.key, p);
      p.catch(() => sessions.delete(m.key));
    }
    const s = await p;
    parentPort.postMessage({ id: m.id, ok: true, meta: meta(s) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: errorText(e) });
  }
}

async function run(m) {
  const inputs = m.feeds.map((f) => f.data);
  try {
    const p = sessions.get(m.key);
    if (!p) throw new Error('The model session was released.');
    const s = await p;
    const feeds = {};
    for (const f of m.feeds) {
      const view = f.count === f.data.length ? f.data : Array.isArray(f.data) ? f.data.slice(0, f.count) : f.data.subarray(0, f.count);
      feeds[f.name] = new ort.Tensor(f.type, view, f.dims);
    }
    const res = await s.run(feeds, m.fetches);
    const outputs = {};
    const transfer = [];
    for (const name of m.fetches) {
      const t = res[name];
      if (!t) continue;
      const data = t.data;
      outputs[name] = { data };
      if (data && data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) transfer.push(data.buffer);
    }
    for (const d of inputs) if (d && d.buffer instanceof ArrayBuffer && !transfer.includes(d.buffer)) transfer.push(d.buffer);
    post({ id: m.id, ok: true, outputs, inputs }, transfer);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: errorText(e) });
  }
}

function pump() {
  if (pumping) return;
  pumping = true;
  setImmediate(async () => {
    const m = queue.shift();
    if (m && !closing && !cancelled.delete(m.id)) await track(run(m));
    pumping = false;
    if (queue.length) pump();
    else cancelled.clear();
  });
}

parentPort.on('message', (m) => {
  if (closing) return;
  if (m.op === 'load') void track(load(m));
  else if (m.op === 'run') {
    queue.push(m);
    pump();
  } else if (m.op === 'cancel') {
    for (const id of m.ids) cancelled.add(id);
  } else if (m.op === 'release') {
    const p = sessions.get(m.key);
    sessions.delete(m.key);
    if (p) p.then((s) => s.release()).catch(() => undefined);
  } else if (m.op === 'close') {
    closing = true;
    queue.length = 0;
    void (async () => {
      while (busy.size) await Promise.allSettled([...busy]);
      for (const p of sessions.values()) {
        try {
          await (await p).release();
        } catch {
          // A session that failed to load has nothing to release.
        }
      }
      sessions.clear();
      process.exit(0); // in a worker thread: ends this thread only
    })();
  }
});
`;
