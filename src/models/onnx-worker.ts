/**
 * One process of its own for everything the extension asks of ONNX Runtime (the deploy check and
 * Preview predictions). ONNX Runtime needs many times a model's size while it builds a session
 * (about 17 times for a 100 MB tree ensemble) and a process keeps most of that memory after the
 * session is released; in a process of its own that memory goes back to the system when it exits,
 * a model too large for the machine cannot take the extension host down, and a cancel stops a load
 * at once (the process is killed).
 *
 * Lifetime: the process starts on the first request. A request that keeps its session (a preview)
 * leaves the process idle for `idleMs` (default 15 s; the extension's shared worker two minutes) holding that session, so that previewing
 * again after changing a type, or the deploy check that follows, does not load the model again
 * (sessions are keyed by the SHA-256 of the model's bytes, so the same bytes under another path
 * count as the same model; a file's hash is kept while its size, time and inode do not change);
 * then the process is ended and its memory returned. A request that does not keep its session (the
 * deploy check) ends the process as soon as it is answered. A cancel kills the process.
 *
 * When no process can be started at all, the same code runs in this process instead, and the
 * caller's log says so.
 *
 * Messages are JSON lines: requests on the child's stdin, answers on its stdout behind a marker
 * (ONNX Runtime may write its own lines). Tensors travel as JSON: 64-bit integers as decimal
 * strings, non-finite floats as 'NaN', 'Infinity', '-Infinity'.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { runInThisContext } from 'node:vm';
import { messageOf } from '../common/errors.js';

/** A tensor as JSON. */
export interface JsonTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: readonly (number | string | boolean)[];
}

/** An output as the worker returns it: a tensor, or a marker for a value that is not one (a map, a sequence). */
export type JsonOutput = JsonTensor | { readonly notTensor: true };

export interface OnnxPortMeta {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

export interface OnnxModelInfo {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly OnnxPortMeta[];
  /** Peak memory (RSS, bytes) of the process that loaded the model. */
  readonly peakRss?: number;
  /** True when ONNX Runtime ran in this process because no process of its own could start. */
  readonly inProcess?: boolean;
  /** True when a session already loaded for the same bytes (by an earlier request that kept it) answered. */
  readonly reusedSession?: boolean;
}

export type OnnxWorkerErrorKind =
  /** ONNX Runtime refused the model (corrupt, unsupported operator, ...). */
  | 'load'
  /** ONNX Runtime refused to score (input type or shape mismatch, ...). */
  | 'run'
  /** The process stopped while working (killed, out of memory, crashed). */
  | 'crashed'
  /** ONNX Runtime could not get the memory it needs for the model. */
  | 'out-of-memory'
  | 'cancelled';

export class OnnxWorkerError extends Error {
  override readonly name = 'OnnxWorkerError';
  constructor(
    readonly kind: OnnxWorkerErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface OnnxRequestOptions {
  readonly signal?: AbortSignal;
  /** Receives a line when ONNX Runtime has to run in this process. */
  readonly log?: (line: string) => void;
}

export interface OnnxWorkerOptions {
  /** How long an idle process keeps a session before it is ended. Default 15 000 ms. */
  readonly idleMs?: number;
  /** Starts the process (tests use it to make starting fail). Default: `spawn` of this runtime as Node. */
  readonly spawnProcess?: (script: string, args: readonly string[]) => ChildProcessWithoutNullStreams;
}

/** Marks the worker's answer lines on its stdout. */
const MARK = '\u0001onnx-worker\u0001';

// The worker's code, shared by the child process and the in-process fallback: a function of
// onnxruntime-node's exports and node:fs that returns { handle(request), close() }.
const CORE = String.raw`(function (ort, fs, crypto) {
  let session;
  let key;
  // The content hash of each file seen, while its size, time and inode stay the same.
  const hashes = new Map();
  const peak = () => {
    try { return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024; }
    catch { return process.resourceUsage().maxRSS * 1024; }
  };
  const text = (e) => String((e && e.message) || e);
  async function release() {
    const s = session;
    session = undefined;
    key = undefined;
    if (s) await s.release();
  }
  function stampOf(path) {
    const st = fs.statSync(path);
    return st.size + ':' + st.mtimeMs + ':' + st.ino + ':' + st.dev;
  }
  function remember(path, stamp, hash) {
    if (hashes.size >= 16) hashes.clear();
    hashes.set(path, { stamp, hash });
    return hash;
  }
  // The SHA-256 of the file, read a megabyte at a time.
  function hashFile(path) {
    const h = crypto.createHash('sha256');
    const fd = fs.openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let pos = 0, n; (n = fs.readSync(fd, buf, 0, buf.length, pos)) > 0; pos += n) h.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    return h.digest('hex');
  }
  // Sessions are keyed by the model's bytes, not its path: a preview's session answers the deploy
  // check of the same bytes wherever they were downloaded to.
  async function open(path, fromBytes) {
    const stamp = stampOf(path);
    const known = hashes.get(path);
    let k = known && known.stamp === stamp ? known.hash : undefined;
    if (session && k !== undefined && key === k) return { session, reused: true };
    let bytes;
    if (fromBytes) {
      bytes = new Uint8Array(fs.readFileSync(path));
      k = remember(path, stamp, crypto.createHash('sha256').update(bytes).digest('hex'));
    } else if (k === undefined) {
      k = remember(path, stamp, hashFile(path));
    }
    if (session && key === k) return { session, reused: true };
    await release();
    session = await ort.InferenceSession.create(bytes || path);
    key = k;
    return { session, reused: false };
  }
  const ARRAYS = {
    float32: Float32Array, float64: Float64Array, float16: Uint16Array,
    int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  };
  function decode(name, t) {
    switch (t.type) {
      case 'string': return new ort.Tensor('string', t.data.map(String), t.dims);
      case 'int64': return new ort.Tensor('int64', BigInt64Array.from(t.data, (v) => BigInt(v)), t.dims);
      case 'uint64': return new ort.Tensor('uint64', BigUint64Array.from(t.data, (v) => BigInt(v)), t.dims);
      case 'bool': return new ort.Tensor('bool', Uint8Array.from(t.data, (v) => (v === true || v === 1 ? 1 : 0)), t.dims);
      default: {
        const A = ARRAYS[t.type];
        if (!A) throw new Error('the input ' + name + ' has the tensor type ' + t.type + ', which cannot be fed');
        return new ort.Tensor(t.type, A.from(t.data, (v) => (typeof v === 'string' ? Number(v) : v)), t.dims);
      }
    }
  }
  function encode(v) {
    if (!v || typeof v !== 'object' || typeof v.type !== 'string' || !v.dims || !v.data) return { notTensor: true };
    const d = v.data;
    let data;
    if (d instanceof BigInt64Array || d instanceof BigUint64Array) data = Array.from(d, (x) => x.toString());
    else if (Array.isArray(d)) data = d.map((x) => (typeof x === 'bigint' ? x.toString() : x));
    else data = Array.from(d, (x) => (Number.isFinite(x) ? x : String(x)));
    return { type: v.type, dims: Array.from(v.dims, Number), data };
  }
  function info(s, reused) {
    return {
      reusedSession: reused,
      inputNames: Array.from(s.inputNames),
      outputNames: Array.from(s.outputNames),
      inputMetadata: Array.from(s.inputMetadata || [], (m) =>
        m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: Array.from(m.shape) } : { name: m.name, isTensor: false }),
      peakRss: peak(),
    };
  }
  async function handle(req) {
    let s;
    let reused;
    try { ({ session: s, reused } = await open(req.path, req.fromBytes === true)); } catch (e) { return { ok: false, stage: 'load', message: text(e) }; }
    if (req.op === 'load') {
      const r = info(s, reused);
      if (!req.keep) await release();
      return { ok: true, result: r };
    }
    let out;
    try {
      const feeds = {};
      for (const [name, t] of Object.entries(req.feeds)) feeds[name] = decode(name, t);
      out = await s.run(feeds, req.outputs);
    } catch (e) {
      return { ok: false, stage: 'run', message: text(e) };
    }
    const result = {};
    for (const name of req.outputs) result[name] = encode(out[name]);
    if (!req.keep) await release();
    return { ok: true, result };
  }
  return { handle, release };
})`;

// The child process: argv[1] is onnxruntime-node's entry. Requests are answered one at a time, in
// order; the process ends when its stdin closes (the extension ended it, or went away).
const CHILD_SCRIPT = `
const core = ${CORE}(require(process.argv[1]), require('node:fs'), require('node:crypto'));
const MARK = ${JSON.stringify(MARK)};
let buffered = '';
let chain = Promise.resolve();
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let i = buffered.indexOf('\\n'); i >= 0; i = buffered.indexOf('\\n')) {
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    if (!line.trim()) continue;
    chain = chain.then(async () => {
      let id = -1;
      let answer;
      try {
        const req = JSON.parse(line);
        id = req.id;
        answer = await core.handle(req);
      } catch (e) {
        answer = { ok: false, stage: 'run', message: String((e && e.message) || e) };
      }
      process.stdout.write(MARK + JSON.stringify({ id, ...answer }) + '\\n');
    });
  }
});
process.stdin.on('end', () => { chain.then(() => core.release()).finally(() => process.exit(0)); });
`;

interface WorkerAnswer {
  id: number;
  ok: boolean;
  stage?: 'load' | 'run';
  message?: string;
  result?: unknown;
}

type LoadRequest = { op: 'load'; path: string; keep: boolean; fromBytes?: boolean };
type RunRequest = { op: 'run'; path: string; keep: boolean; fromBytes?: boolean; feeds: Record<string, JsonTensor>; outputs: string[] };
type WorkerRequest = LoadRequest | RunRequest;

interface Core {
  handle(req: WorkerRequest): Promise<Omit<WorkerAnswer, 'id'>>;
  release(): Promise<void>;
}

function defaultSpawn(script: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-e', script, ...args], {
    // In the VS Code extension host, process.execPath is Electron: run it as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  stderr: string;
  /** The request in flight. */
  current?: { id: number; op: WorkerRequest['op']; resolve(a: WorkerAnswer): void; reject(e: Error): void };
  cancelling?: boolean;
}

/**
 * Runs ONNX Runtime requests one at a time in a process of its own. Use `sharedOnnxWorker()` for
 * the extension's single worker; tests make their own.
 */
export class OnnxWorker {
  private running?: Running;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;
  private inProcessCore?: Promise<Core>;
  /** Why the last start failed. */
  private startProblem?: string;
  private readonly idleMs: number;

  constructor(private readonly options: OnnxWorkerOptions = {}) {
    this.idleMs = options.idleMs ?? 15_000;
  }

  /** The worker process's id while one runs. */
  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  /**
   * Loads the model and reports its inputs and outputs. ONNX Runtime reads the file itself, or with
   * `fromBytes` is handed the file's bytes (its error messages then name no path). With `keep`, the
   * session stays loaded for the next request on the same file while the process is idle.
   */
  async load(onnxPath: string, options: OnnxRequestOptions & { keep?: boolean; fromBytes?: boolean } = {}): Promise<OnnxModelInfo> {
    const r = await this.request({ op: 'load', path: onnxPath, keep: options.keep === true, fromBytes: options.fromBytes === true }, options);
    return r.result as OnnxModelInfo;
  }

  /** Scores `feeds` and returns the requested outputs. The session stays loaded while idle. */
  async run(
    onnxPath: string,
    feeds: Record<string, JsonTensor>,
    outputs: readonly string[],
    options: OnnxRequestOptions & { fromBytes?: boolean } = {},
  ): Promise<Record<string, JsonOutput>> {
    const r = await this.request({ op: 'run', path: onnxPath, keep: true, fromBytes: options.fromBytes === true, feeds, outputs: [...outputs] }, options);
    return r.result as Record<string, JsonOutput>;
  }

  /** Ends the process (if any) and waits for it to exit. */
  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    hold(r, true);
    r.child.stdin.end();
    const killer = setTimeout(() => r.child.kill('SIGKILL'), 2000).unref();
    await r.exited;
    clearTimeout(killer);
  }

  /** Kills the process at once (the extension's process is exiting). */
  kill(): void {
    this.running?.child.kill('SIGKILL');
  }

  private request(req: WorkerRequest, options: OnnxRequestOptions): Promise<{ result: unknown }> {
    const job = this.queue.then(() => this.send(req, options));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async send(req: WorkerRequest, options: OnnxRequestOptions): Promise<{ result: unknown }> {
    const { signal } = options;
    if (signal?.aborted) throw new OnnxWorkerError('cancelled', 'Cancelled.');
    clearTimeout(this.idleTimer);
    const running = this.running ?? (await this.start());
    if (!running) return this.sendInProcess(req, options);
    const id = this.nextId++;
    // While a request is in flight the caller's process waits for the answer.
    hold(running, true);
    const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
      const onAbort = () => {
        running.cancelling = true;
        running.child.kill('SIGKILL');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      running.current = {
        id,
        op: req.op,
        resolve: (a) => {
          done();
          resolve(a);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      running.child.stdin.write(`${JSON.stringify({ id, ...req })}\n`);
      // Cancelled while the process was starting.
      if (signal?.aborted) onAbort();
    });
    running.current = undefined;
    if (this.running === running) {
      hold(running, false);
      if (req.keep) this.idleTimer = setTimeout(() => void this.dispose(), this.idleMs).unref();
      else void this.dispose();
    }
    if (!answer.ok) throw failure(answer);
    return { result: answer.result };
  }

  /** Starts the process; undefined when no process can be started here. */
  private async start(): Promise<Running | undefined> {
    let ortEntry: string;
    try {
      ortEntry = require.resolve('onnxruntime-node');
    } catch {
      return undefined;
    }
    let child: ChildProcessWithoutNullStreams;
    try {
      child = (this.options.spawnProcess ?? defaultSpawn)(CHILD_SCRIPT, [ortEntry]);
    } catch (e) {
      this.startProblem = messageOf(e);
      return undefined;
    }
    const started = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', (e) => {
        this.startProblem = messageOf(e);
        resolve(false);
      });
    });
    if (!started) return undefined;
    this.startProblem = undefined;
    let exit!: () => void;
    const running: Running = { child, exited: new Promise<void>((r) => (exit = r)), stderr: '' };
    this.running = running;
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        if (!line.startsWith(MARK)) continue;
        let a: WorkerAnswer;
        try {
          a = JSON.parse(line.slice(MARK.length)) as WorkerAnswer;
        } catch {
          continue;
        }
        if (running.current && running.current.id === a.id) running.current.resolve(a);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      running.stderr = (running.stderr + chunk).slice(-4000);
    });
    child.stdin.on('error', () => {
      // The process went away; 'close' reports it.
    });
    child.once('close', (code, signalName) => {
      if (this.running === running) this.running = undefined;
      hold(running, false);
      exit();
      const cur = running.current;
      running.current = undefined;
      if (!cur) return;
      if (running.cancelling) {
        cur.reject(new OnnxWorkerError('cancelled', 'Cancelled.'));
        return;
      }
      const how = signalName ? `was killed (${signalName})` : `stopped with exit code ${code}`;
      const what = cur.op === 'load' ? 'loading the model' : 'scoring the rows';
      const said = lastLine(running.stderr);
      cur.reject(
        new OnnxWorkerError(
          'crashed',
          `The ONNX Runtime process ${how} while ${what}${said ? ` (${said})` : ''}; the machine may be short of memory for this model. Close other programs or use a machine with more memory, then try again.`,
        ),
      );
    });
    // Nothing here keeps the caller's process alive while the worker is idle.
    child.unref();
    setRef(child.stdout, false);
    setRef(child.stderr, false);
    setRef(child.stdin, false);
    return running;
  }

  private async sendInProcess(req: WorkerRequest, options: OnnxRequestOptions): Promise<{ result: unknown }> {
    options.log?.(
      `ONNX Runtime runs in this process: no process of its own could be started (${this.startProblem ?? 'onnxruntime-node could not be located'}). The memory it takes to load the model stays with this process until it exits.`,
    );
    this.inProcessCore ??= import('onnxruntime-node').then((ort) =>
      (runInThisContext(CORE) as (o: unknown, f: typeof fs, c: typeof crypto) => Core)(ort, fs, crypto),
    );
    const core = await this.inProcessCore;
    if (options.signal?.aborted) throw new OnnxWorkerError('cancelled', 'Cancelled.');
    const answer = await core.handle(req);
    if (!answer.ok) throw failure(answer);
    const result = req.op === 'load' ? { ...(answer.result as OnnxModelInfo), inProcess: true } : answer.result;
    return { result };
  }
}

/** The error for a refused request; running out of memory is told apart from a corrupt model. */
function failure(a: Omit<WorkerAnswer, 'id'>): OnnxWorkerError {
  const said = a.message ?? 'ONNX Runtime gave no reason.';
  // bad_alloc from ONNX Runtime, ENOMEM from the system, or V8 failing to allocate the model's buffer.
  if (/std::bad_alloc|Cannot allocate memory|out of memory|Array buffer allocation failed/i.test(said)) {
    return new OnnxWorkerError(
      'out-of-memory',
      `ONNX Runtime ran out of memory while ${a.stage === 'load' ? 'loading the model' : 'scoring the rows'} (${said.trim()}); the machine may be short of memory for this model. Close other programs or use a machine with more memory, then try again.`,
    );
  }
  return new OnnxWorkerError(a.stage ?? 'run', said);
}

/** Whether the process and its answers keep this process's event loop alive (while a request waits). */
function hold(r: Running, on: boolean): void {
  if (on) r.child.ref();
  else r.child.unref();
  setRef(r.child.stdout, on);
}

/** Whether a pipe to the child keeps this process's event loop alive. */
function setRef(stream: object, on: boolean): void {
  const s = stream as { ref?: () => void; unref?: () => void };
  if (on) s.ref?.();
  else s.unref?.();
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}

let shared: OnnxWorker | undefined;

/** How long the extension's worker keeps a previewed model loaded while idle. */
export const SHARED_IDLE_MS = 120_000;

/** The extension's one ONNX Runtime worker. */
export function sharedOnnxWorker(): OnnxWorker {
  if (!shared) {
    // A user previews on page 2, then names the objects on page 3 before Deploy: keep the previewed
    // session long enough for the deploy's check to reuse it.
    shared = new OnnxWorker({ idleMs: SHARED_IDLE_MS });
    process.once('exit', () => shared?.kill());
  }
  return shared;
}

/** Ends the shared worker's process, if one runs (deactivation, tests). */
export async function shutdownOnnxWorker(): Promise<void> {
  await shared?.dispose();
}
