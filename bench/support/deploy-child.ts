// One deploy of the MLflow model folder <argv[2]>/large-tree-ensemble through the product's path
// (deployModel over a local-folder source and SqlConnection) to the benchmark's pool, into a new
// model table <argv[3]>, in a fresh process that does nothing else. With BENCH_AFTER_PREVIEW=1 the
// model is first loaded in the ONNX worker as Preview predictions loads it (kept, from its bytes),
// and only the deploy that follows is timed. With BENCH_CHECK_ONLY=1 only ONNX Runtime's check runs
// (checkInChildProcess, as the deploy runs it), reported as { totalMs }. Reports
// { totalMs, steps: { step: ms }, memory: MemoryReport, loaderPeakRss, storedBytes } (loaderPeakRss:
// the peak RSS of the process ONNX Runtime loaded the model in, when it had one of its own).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openLocalSource } from '../../src/models/sources/local.js';
import { SqlConnection } from '../../src/sql/client/connection.js';
import { sharedOnnxWorker } from '../../src/models/onnx-worker.js';
import { checkInChildProcess, deployModel, loadWithOnnxRuntime, type DeployStep } from '../../src/wizard/deploy.js';
import type { ScoringPlan } from '../../src/sql/script.js';
import { memoryReport } from './memory.js';
import { poolConnectionConfig } from './pool-connection.js';

async function main(): Promise<void> {
  const [dir, table] = [process.argv[2], process.argv[3]];
  if (!dir || !table) throw new Error('usage: deploy-child.ts <folder> <table>');
  const stored = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as ScoringPlan;
  const plan: ScoringPlan = { ...stored, modelTable: { schema: 'wwi_ml', name: table } };
  const source = await openLocalSource(join(dir, 'large-tree-ensemble'));
  if (process.env.BENCH_CHECK_ONLY === '1') {
    const { onnxPath } = await source.download('large-tree-ensemble', '1');
    const t0 = performance.now();
    const info = await checkInChildProcess(onnxPath);
    process.send?.({ totalMs: performance.now() - t0, loaderPeakRss: info.loaderPeakRss });
    return;
  }
  if (process.env.BENCH_AFTER_PREVIEW === '1') {
    const { onnxPath } = await source.download('large-tree-ensemble', '1');
    await sharedOnnxWorker().load(onnxPath, { keep: true, fromBytes: true });
  }
  const conn = await SqlConnection.open(poolConnectionConfig());
  const version = await source.getVersion('large-tree-ensemble', '1');

  const rssBefore = process.memoryUsage.rss();
  const marks: { step: DeployStep; at: number }[] = [];
  let loaderPeakRss: number | undefined;
  const t0 = performance.now();
  const r = await deployModel({
    sql: conn,
    source,
    version,
    plan,
    createModelTable: true,
    onStep: (step) => marks.push({ step, at: performance.now() }),
    // The default loader, watched for the peak memory of its process; or, with
    // BENCH_IN_PROCESS_CHECK=1, ONNX Runtime in this process (for comparison).
    loadModel: async (path, signal) => {
      const info = process.env.BENCH_IN_PROCESS_CHECK === '1' ? await loadWithOnnxRuntime(path) : await checkInChildProcess(path, signal);
      loaderPeakRss = info.loaderPeakRss;
      return info;
    },
  });
  const t1 = performance.now();
  const memory = memoryReport(rssBefore);

  const steps: Record<string, number> = {};
  marks.forEach((m, i) => {
    const end = marks[i + 1]?.at ?? t1;
    steps[m.step] = (steps[m.step] ?? 0) + (end - m.at);
  });
  const check = await conn.query(`SELECT DATALENGTH([model]) FROM [wwi_ml].[${table}] WHERE [ID] = N'${plan.modelId}'`);
  await conn.close();
  process.send?.({ totalMs: t1 - t0, steps, memory, loaderPeakRss, modelBytes: r.modelBytes, storedBytes: Number(check.resultSets[0]?.rows[0]?.[0] ?? -1) });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
