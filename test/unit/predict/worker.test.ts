// PREDICT scored in the scoring worker thread: the same predictions as scoring on the JavaScript
// thread, cancellation, a corrupt model's message, and the worker's end with the engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createLocalPoolEngine } from '../../../src/localpool/engine/index.js';
import type { Engine, EngineSession, SqlValue } from '../../../src/localpool/engine/api.js';
import { configurePredictRuntime, releaseSessions, scoringWorkerFailures, scoringWorkerRunning } from '../../../src/localpool/engine/predict/runtime.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { insertModel, ok, open, run } from '../../integration/engine/helpers.js';
import { LAB_INPUT_CTE } from '../../support/lab-sql.js';
import { rowsIn } from '../../support/engine-events.js';

const ROWS = 6000;
const BATCH = 500;
const forest = buildSampleModel('tree-classifier', { trees: 12, maxDepth: 5 });
const linear = buildSampleModel('linear-classifier');

const predictAll = (id: string): string =>
  `${LAB_INPUT_CTE} SELECT * FROM PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = '${id}'), DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p ORDER BY 1`;
const predictStream = (id: string): string =>
  `${LAB_INPUT_CTE} SELECT * FROM PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = '${id}'), DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p`;

async function rows(s: EngineSession, sql: string): Promise<SqlValue[][]> {
  const o = await ok(s, sql);
  return o.resultSets[0]!.rows;
}

describe('PREDICT in the scoring worker', () => {
  let engine: Engine;
  let s: EngineSession;

  before(async () => {
    engine = await createLocalPoolEngine({ seedCustomers: ROWS, predictBatchSize: BATCH });
    s = await open(engine);
    await insertModel(s, 'forest:1', forest.onnx);
    await insertModel(s, 'linear:1', linear.onnx);
    await insertModel(s, 'broken:1', buildSampleModel('truncated').onnx);
  });
  after(async () => {
    configurePredictRuntime({ worker: true });
    await s.close();
    await engine.close();
  });

  it('returns, row by row, what scoring on the JavaScript thread returns (streamed and through a temp table)', async () => {
    for (const id of ['forest:1', 'linear:1']) {
      configurePredictRuntime({ worker: true });
      const streamed = await rows(s, predictStream(id));
      assert.ok(scoringWorkerRunning(), 'the worker scored the batches');
      const materialized = await rows(s, predictAll(id));
      configurePredictRuntime({ worker: false });
      const inline = await rows(s, predictStream(id));
      configurePredictRuntime({ worker: true });
      assert.equal(streamed.length, ROWS);
      assert.deepEqual(streamed, inline, `${id}: streamed rows differ from in-process scoring`);
      const byKey = [...inline].sort((a, b) => (a[0] as number) - (b[0] as number));
      assert.deepEqual(materialized, byKey, `${id}: rows through a temp table differ from in-process scoring`);
      // The labels are real predictions, not one constant.
      assert.ok(new Set(streamed.map((r) => r[9])).size > 1, `${id}: every row has the same label`);
    }
  });

  it('stops scoring when the request is cancelled mid-stream, and the session stays usable', async () => {
    const expected = await rows(s, predictStream('forest:1'));
    const ac = new AbortController();
    let seen = 0;
    let done = false;
    for await (const ev of s.execute(predictStream('forest:1'), [], ac.signal)) {
      if (rowsIn(ev)) {
        seen += rowsIn(ev);
        ac.abort();
      }
      if (ev.kind === 'done') done = true;
    }
    assert.equal(done, false, 'the cancelled request did not complete');
    assert.ok(seen < ROWS, `read ${seen} of ${ROWS} rows after cancelling`);
    // Results of the cancelled batches never reach the next request.
    assert.deepEqual(await rows(s, predictStream('forest:1')), expected);
    const count = await ok(
      s,
      `${LAB_INPUT_CTE} SELECT COUNT(*) FROM PREDICT (MODEL = (SELECT [model] FROM wwi_ml.AMLModel WHERE [ID] = 'forest:1'), DATA = InputData, RUNTIME = ONNX) WITH ([label_out] [bigint]) AS p`,
    );
    assert.deepEqual(count.resultSets[0]!.rows, [[ROWS]]);
  });

  it('ends the scoring thread at any point of a stream without taking the process down', async () => {
    // Ending a thread while onnxruntime is inside a native call would abort the whole process;
    // the worker is asked to close after the batch under way instead. End it at many points.
    for (let stopAt = 0; stopAt < 12; stopAt++) {
      let events = 0;
      for await (const ev of s.execute(predictStream('forest:1'), [], new AbortController().signal)) {
        if (rowsIn(ev) && events++ === stopAt) await releaseSessions();
      }
    }
    assert.deepEqual(await rows(s, predictStream('forest:1')), await rows(s, predictStream('forest:1')));
    assert.ok(scoringWorkerRunning());
  });

  it('reports a scoring thread that stops mid-stream as a failed batch, and starts a new one for the next PREDICT', async () => {
    const expected = await rows(s, predictStream('forest:1'));
    let seen = 0;
    const errors: string[] = [];
    for await (const ev of s.execute(predictStream('forest:1'), [], new AbortController().signal)) {
      if (rowsIn(ev)) {
        if (seen === 0) await releaseSessions();
        seen += rowsIn(ev);
      }
      if (ev.kind === 'error') errors.push(ev.message.message);
    }
    assert.ok(seen < ROWS, `read ${seen} of ${ROWS} rows after the thread stopped`);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^Error occurred during execution of the function PREDICT\. The model failed to score a batch: the scoring thread stopped/);
    assert.deepEqual(await rows(s, predictStream('forest:1')), expected);
    assert.ok(scoringWorkerRunning());
    assert.equal(scoringWorkerFailures(), 0);
  });

  it('reports a corrupt model with the same message, and scores the next model', async () => {
    const o = await run(s, predictStream('broken:1'));
    assert.equal(o.errors.length, 1);
    assert.equal(o.errors[0]!.message, 'Error occurred during execution of the function PREDICT. Model is corrupt or invalid.');
    assert.equal((await rows(s, predictStream('linear:1'))).length, ROWS);
  });
});

describe('the scoring worker and the engine', () => {
  it('ends when the engine closes', async () => {
    const engine = await createLocalPoolEngine({ seedCustomers: 100 });
    const s = await open(engine);
    await insertModel(s, 'linear:1', linear.onnx);
    assert.equal((await rows(s, predictStream('linear:1'))).length, 100);
    assert.equal(scoringWorkerRunning(), true);
    await s.close();
    await engine.close();
    assert.equal(scoringWorkerRunning(), false);
  });

  it('lets a pool process that ran PREDICT exit on its own once the engine is closed', () => {
    const script = `
      const { createLocalPoolEngine } = require('./src/localpool/engine/index.ts');
      const { buildSampleModel } = require('./src/samples/models.ts');
      (async () => {
        const engine = await createLocalPoolEngine({ seedCustomers: 50 });
        const s = await engine.openSession({ user: 'sa', database: 'SQLPool01', spid: 51 });
        const model = { name: '@m', type: { name: 'varbinary', length: 'max' }, value: buildSampleModel('linear-classifier').onnx, output: false };
        let n = 0;
        const sql = "SELECT * FROM PREDICT (MODEL = @m, DATA = wwi_ml.CustomerTest AS d, RUNTIME = ONNX) WITH (label_out bigint) AS p";
        for await (const ev of s.execute(sql, [model], new AbortController().signal)) {
          if (ev.kind === 'rows') n += ev.rows.length;
          if (ev.kind === 'block') n += ev.block.rowCount;
          if (ev.kind === 'error') throw new Error(ev.message.message);
        }
        await s.close();
        await engine.close();
        console.log('scored ' + n);
      })().catch((e) => { console.error(e); process.exitCode = 2; });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.signal, null, `the process did not exit by itself: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /scored 50/);
  });
});
