/**
 * The ONNX worker process: the same predictions as ONNX Runtime in this process, the same messages
 * for a corrupt model and a wrong input type, a cancel that kills the process, a process killed or
 * out of memory mid-load that gives a clear message and leaves this process working, and the
 * in-process fallback when no process can be started.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleModel, type SampleModel } from '../../../src/samples/models.js';
import { generateCustomers, CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { formatCell, previewPredictions, PreviewError, type PreviewInputMapping } from '../../../src/models/preview.js';
import { OnnxWorker, OnnxWorkerError } from '../../../src/models/onnx-worker.js';
import { checkInChildProcess } from '../../../src/wizard/deploy.js';

type Ort = typeof import('onnxruntime-node');
let ort: Ort;
let dir: string;
const customers = [...generateCustomers(20, 5)];
const columns = CUSTOMER_TEST_COLUMNS.map((c) => c.name);
const rows = customers.map((c) => columns.map((k) => c[k as keyof typeof c] as number));
const workers: OnnxWorker[] = [];

function newWorker(o: ConstructorParameters<typeof OnnxWorker>[0] = {}): OnnxWorker {
  const w = new OnnxWorker(o);
  workers.push(w);
  return w;
}

async function write(name: string, m: SampleModel): Promise<string> {
  const p = join(dir, `${name}.onnx`);
  await writeFile(p, m.onnx);
  return p;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the worker has started its process (the request is then in flight). */
async function pidOf(w: OnnxWorker): Promise<number> {
  for (;;) {
    if (w.pid !== undefined) return w.pid;
    await new Promise((r) => setImmediate(r));
  }
}

/** The wizard's input types for a model's inputs: int64 → bigint, float → real, string → nvarchar. */
function mappingFor(meta: Awaited<ReturnType<Ort['InferenceSession']['create']>>['inputMetadata']): PreviewInputMapping[] {
  return meta.map((m) => {
    const type = m.isTensor ? m.type : 'float32';
    const name = type === 'int64' ? 'bigint' : type === 'string' ? 'nvarchar' : type === 'float64' ? 'float' : 'real';
    return { sourceColumn: m.name, modelInput: m.name, inputType: { name, length: name === 'nvarchar' ? 30 : undefined } };
  });
}

/** The preview table computed with ONNX Runtime in this process, as the preview did before the worker. */
async function inProcessTable(onnx: Uint8Array, cols: string[], data: unknown[][], inputs: PreviewInputMapping[], outputs: string[]): Promise<string[][]> {
  const s = await ort.InferenceSession.create(onnx);
  try {
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const i of inputs) {
      const ci = cols.indexOf(i.sourceColumn);
      const vals = data.map((r) => r[ci]);
      const t = i.inputType.name;
      feeds[i.modelInput] =
        t === 'bigint'
          ? new ort.Tensor(
              'int64',
              BigInt64Array.from(vals, (v) => BigInt(Math.trunc(Number(v)))),
              [vals.length, 1],
            )
          : t === 'nvarchar'
            ? new ort.Tensor(
                'string',
                vals.map((v) => String(v)),
                [vals.length, 1],
              )
            : new ort.Tensor('float32', Float32Array.from(vals, Number), [vals.length, 1]);
    }
    const out = await s.run(feeds, outputs);
    return data.map((row, r) => [
      ...inputs.map((i) => formatCell(row[cols.indexOf(i.sourceColumn)] as number)),
      ...outputs.map((o) => formatCell(out[o]!.data[r])),
    ]);
  } finally {
    await s.release();
  }
}

before(async () => {
  ort = await import('onnxruntime-node');
  dir = await mkdtemp(join(tmpdir(), 'onnx-worker-'));
});
after(async () => {
  await Promise.all(workers.map((w) => w.dispose()));
  await rm(dir, { recursive: true, force: true });
});

describe('ONNX worker: the same results as ONNX Runtime in this process', () => {
  for (const kind of ['linear-classifier', 'tree-classifier', 'zipmap-output'] as const) {
    test(`${kind}: every row's outputs equal in-process scoring`, async () => {
      const m = buildSampleModel(kind, { rows: 300 });
      const s = await ort.InferenceSession.create(m.onnx);
      const inputs = mappingFor(s.inputMetadata);
      // Only tensor outputs: a ZipMap's map sequence is not a column.
      const outputs = s.outputMetadata.filter((o) => o.isTensor).map((o) => o.name);
      await s.release();
      const w = newWorker();
      const r = await previewPredictions({ onnx: await write(kind, m), columns, rows, inputs, outputs, worker: w });
      const expected = await inProcessTable(m.onnx, columns, rows, inputs, outputs);
      assert.equal(r.rows.length, 20);
      for (let i = 0; i < 20; i++) assert.deepEqual(r.rows[i], expected[i], `row ${i + 1}`);
      assert.ok(w.pid !== undefined, 'the scoring ran in a worker process');
      assert.notEqual(w.pid, process.pid);
    });
  }

  test('string-input: text columns score the same as in this process', async () => {
    const m = buildSampleModel('string-input', { rows: 300 });
    const texts = ['Single', 'Married', 'Divorced', 'married', '', 'Widowed'];
    const data = texts.map((t) => [t]);
    const inputs = [{ sourceColumn: 'MaritalStatusText', modelInput: 'MaritalStatusText', inputType: { name: 'nvarchar', length: 30 } }];
    const r = await previewPredictions({
      onnx: m.onnx,
      columns: ['MaritalStatusText'],
      rows: data,
      inputs,
      outputs: ['marital_status_code'],
      worker: newWorker(),
    });
    assert.deepEqual(r.rows, await inProcessTable(m.onnx, ['MaritalStatusText'], data, inputs, ['marital_status_code']));
  });

  test('raw tensors: int64 values come back as the same bigints, floats bit for bit, NaN kept', async () => {
    const m = buildSampleModel('tree-classifier', { rows: 300 });
    const path = await write('raw', m);
    const w = newWorker();
    const feeds = Object.fromEntries(
      CUSTOMER_FEATURES.map((f) => {
        const int = ['PrimaryBrandId', 'GenderId', 'MaritalStatus', 'LowerIncomeBound', 'UpperIncomeBound'].includes(f);
        const vals = customers.map((c) => c[f as keyof typeof c] as number);
        return [
          f,
          int
            ? { type: 'int64', dims: [20, 1], data: vals.map(String) }
            : { type: 'float32', dims: [20, 1], data: vals.map((v, i) => (i === 3 ? 'NaN' : Math.fround(v))) },
        ];
      }),
    );
    const got = await w.run(path, feeds, ['label_out', 'probability_out']);
    const s = await ort.InferenceSession.create(path);
    const local = await s.run(
      Object.fromEntries(
        Object.entries(feeds).map(([k, t]) => [
          k,
          t.type === 'int64'
            ? new ort.Tensor(
                'int64',
                BigInt64Array.from(t.data as string[], (v) => BigInt(v)),
                t.dims,
              )
            : new ort.Tensor('float32', Float32Array.from(t.data as (number | string)[], Number), t.dims),
        ]),
      ),
    );
    await s.release();
    const label = got['label_out'];
    assert.ok(label && 'type' in label);
    assert.equal(label.type, 'int64');
    assert.deepEqual(label.data, Array.from(local['label_out']!.data as BigInt64Array, String));
    const prob = got['probability_out'];
    assert.ok(prob && 'type' in prob);
    assert.deepEqual(Float32Array.from(prob.data as number[]), local['probability_out']!.data);
  });
});

describe('ONNX worker: the messages users saw before', () => {
  test('a corrupt model gives the same message as ONNX Runtime in this process', async () => {
    const truncated = buildSampleModel('truncated', { rows: 300 });
    const inProcess = await ort.InferenceSession.create(truncated.onnx).then(
      () => assert.fail('the truncated model loaded'),
      (e: unknown) => (e as Error).message,
    );
    await assert.rejects(previewPredictions({ onnx: truncated.onnx, columns, rows, inputs: [], outputs: [], worker: newWorker() }), (e: unknown) => {
      assert.ok(e instanceof PreviewError);
      assert.equal(e.message, `ONNX Runtime cannot load the model: ${inProcess}`);
      return true;
    });
    // The deploy check reads the file, as it did before.
    const path = await write('truncated', truncated);
    const fromFile = await ort.InferenceSession.create(path).then(
      () => assert.fail('the truncated model loaded'),
      (e: unknown) => (e as Error).message,
    );
    await assert.rejects(checkInChildProcess(path, undefined, undefined, newWorker()), { message: fromFile });
  });

  test("a wrong input type fails with ONNX Runtime's reason, as in this process", async () => {
    const m = buildSampleModel('linear-classifier', { rows: 300 });
    const s = await ort.InferenceSession.create(m.onnx);
    const inputs = mappingFor(s.inputMetadata).map((i) => ({ ...i, inputType: { name: 'float' } }));
    const feeds = Object.fromEntries(inputs.map((i) => [i.modelInput, new ort.Tensor('float64', new Float64Array(20), [20, 1])]));
    const reason = await s.run(feeds).then(
      () => assert.fail('scoring float64 into float32 inputs succeeded'),
      (e: unknown) => (e as Error).message,
    );
    await s.release();
    await assert.rejects(previewPredictions({ onnx: m.onnx, columns, rows, inputs, outputs: ['label_out'], worker: newWorker() }), {
      message: `Scoring failed: ${reason} Check the input types: PREDICT would fail the same way.`,
    });
  });
});

describe('ONNX worker: lifetime, cancel and crashes', () => {
  let large: string;
  before(async () => {
    large = await write('large', buildSampleModel('large-tree-ensemble', { targetBytes: 20 * 1024 * 1024 }));
  });

  test('a preview keeps its process for the next request; the deploy check ends it once answered', async () => {
    const m = buildSampleModel('linear-classifier', { rows: 300 });
    const path = await write('lifetime', m);
    const w = newWorker();
    const inputs = mappingFor((await ort.InferenceSession.create(m.onnx)).inputMetadata);
    await previewPredictions({ onnx: path, columns, rows, inputs, outputs: ['label_out'], worker: w });
    const pid = w.pid!;
    assert.ok(alive(pid));
    await previewPredictions({ onnx: path, columns, rows, inputs, outputs: ['probability_out'], worker: w });
    assert.equal(w.pid, pid, 'the second preview used the same process');
    const info = await checkInChildProcess(path, undefined, undefined, w);
    assert.deepEqual(info.outputNames, ['label_out', 'probability_out']);
    assert.ok(info.loaderPeakRss! > 0);
    assert.equal(w.pid, undefined);
    while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
  });

  test('the session a preview loaded answers a check of the same bytes under another path; changed bytes are loaded anew', async () => {
    const m = buildSampleModel('linear-classifier', { rows: 300 });
    const previewed = await write('reuse-previewed', m);
    const copy = await write('reuse-copy', m);
    const w = newWorker();
    const inputs = mappingFor((await ort.InferenceSession.create(m.onnx)).inputMetadata);
    await previewPredictions({ onnx: previewed, columns, rows, inputs, outputs: ['label_out'], worker: w });
    const pid = w.pid!;
    const same = await w.load(copy, { keep: true });
    assert.equal(same.reusedSession, true, 'the same bytes under another path use the loaded session');
    assert.equal(w.pid, pid);
    // The previewed file is rewritten with another model: its bytes are hashed again, and loaded.
    await writeFile(previewed, buildSampleModel('tree-classifier', { rows: 300 }).onnx);
    const changed = await w.load(previewed, { keep: true });
    assert.equal(changed.reusedSession, false, 'a file whose bytes changed is loaded again');
    const back = await w.load(copy, { keep: false });
    assert.equal(back.reusedSession, false);
    assert.deepEqual(back.outputNames, ['label_out', 'probability_out']);
  });

  test('a cancel kills the worker process: its pid is gone when the cancel is reported', async () => {
    const w = newWorker();
    const abort = new AbortController();
    const check = checkInChildProcess(large, abort.signal, undefined, w);
    const pid = await pidOf(w);
    assert.ok(alive(pid));
    abort.abort();
    await assert.rejects(check, { message: 'cancelled' });
    assert.equal(alive(pid), false, `process ${pid} still runs`);
    // The next request starts a new process.
    const info = await checkInChildProcess(large, undefined, undefined, w);
    assert.deepEqual(info.outputNames, ['label_out', 'probability_out']);
  });

  test('a cancelled preview says so and kills its process', async () => {
    const w = newWorker();
    const abort = new AbortController();
    const inputs = CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, modelInput: f, inputType: { name: 'real' } }));
    const p = previewPredictions({ onnx: large, columns, rows, inputs, outputs: ['label_out'], worker: w, signal: abort.signal });
    const pid = await pidOf(w);
    abort.abort();
    await assert.rejects(p, { name: 'PreviewError', message: 'Preview cancelled.' });
    assert.equal(alive(pid), false);
  });

  test('a worker killed mid-load (as the out-of-memory killer does) gives a clear message; this process goes on', async () => {
    const w = newWorker();
    const rssBefore = process.memoryUsage().rss;
    const check = checkInChildProcess(large, undefined, undefined, w);
    const pid = await pidOf(w);
    process.kill(pid, 'SIGKILL');
    await assert.rejects(check, (e: unknown) => {
      assert.ok(e instanceof OnnxWorkerError);
      assert.equal(e.kind, 'crashed');
      assert.match(
        e.message,
        /^The ONNX Runtime process was killed \(SIGKILL\) while loading the model.*; the machine may be short of memory for this model\. Close other programs or use a machine with more memory, then try again\.$/,
      );
      return true;
    });
    // This process never held the model: its memory did not grow by the model's size.
    assert.ok(process.memoryUsage().rss - rssBefore < 20 * 1024 * 1024, 'this process grew by the model size');
    const info = await checkInChildProcess(large, undefined, undefined, w);
    assert.deepEqual(info.inputNames, CUSTOMER_FEATURES);
  });

  test(
    'a worker that runs out of memory loading the model says so (address space limited with prlimit)',
    { skip: !existsSync('/usr/bin/prlimit') && 'prlimit is not installed' },
    async () => {
      // 1 GB of address space: Node starts, ONNX Runtime cannot build the 20 MB tree ensemble's session.
      const w = newWorker({
        spawnProcess: (script, args) =>
          spawn('/usr/bin/prlimit', ['--as=1000000000', process.execPath, '-e', script, ...args], {
            stdio: ['pipe', 'pipe', 'pipe'],
          }) as ChildProcessWithoutNullStreams,
      });
      const inputs = CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, modelInput: f, inputType: { name: 'real' } }));
      await assert.rejects(previewPredictions({ onnx: large, columns, rows, inputs, outputs: ['label_out'], worker: w }), (e: unknown) => {
        assert.ok(e instanceof PreviewError);
        assert.match(
          e.message,
          /^ONNX Runtime ran out of memory while loading the model \(.*(bad_alloc|Cannot allocate memory|Array buffer allocation failed).*\); the machine may be short of memory for this model\./s,
        );
        return true;
      });
    },
  );

  test('when no process can start, ONNX Runtime runs here and the log says so', async () => {
    const lines: string[] = [];
    const w = newWorker({ spawnProcess: (script, args) => spawn(join(dir, 'no-such-runtime'), ['-e', script, ...args]) as ChildProcessWithoutNullStreams });
    const m = buildSampleModel('linear-classifier', { rows: 300 });
    const info = await checkInChildProcess(await write('fallback', m), undefined, (l) => lines.push(l), w);
    assert.deepEqual(info.outputNames, ['label_out', 'probability_out']);
    assert.equal(w.pid, undefined);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^ONNX Runtime runs in this process: no process of its own could be started \(spawn .*no-such-runtime ENOENT\)\. /);
  });
});
