// Builds the ~100 MB large tree ensemble (buildSampleModel('large-tree-ensemble'), BENCH_MODEL_MB
// to change the size) in its own process, so that the build's memory (~3 GB) is not counted by
// the deploy benchmark, and writes it as an MLflow model folder <argv[2]>/large-tree-ensemble.
// Then reads it the way the wizard does (readModelForWizard over a local-folder source, against the
// columns of wwi_ml.CustomerTest on the benchmark's pool) and writes the wizard's scoring plan to
// <argv[2]>/plan.json. Reports { onnxBytes, buildSeconds, description }.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openLocalSource } from '../../src/models/sources/local.js';
import { buildSampleModel, writeMlflowModelDir } from '../../src/samples/models.js';
import { SqlConnection } from '../../src/sql/client/connection.js';
import { suggestedPlan } from '../../test/support/suggested-plan.js';
import { poolConnectionConfig } from './pool-connection.js';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: large-model-child.ts <folder>');
  const t0 = performance.now();
  const mb = process.env.BENCH_MODEL_MB ? Number(process.env.BENCH_MODEL_MB) : undefined;
  const sample = buildSampleModel('large-tree-ensemble', mb ? { targetBytes: mb * 1024 * 1024 } : {});
  const buildSeconds = (performance.now() - t0) / 1000;
  const modelDir = join(out, sample.name);
  await writeMlflowModelDir(modelDir, sample);

  const conn = await SqlConnection.open(poolConnectionConfig());
  try {
    const source = await openLocalSource(modelDir);
    const version = await source.getVersion(sample.name, '1');
    const plan = await suggestedPlan(conn, source, version, { modelTable: 'BenchModels' });
    await writeFile(join(out, 'plan.json'), JSON.stringify(plan));
  } finally {
    await conn.close();
  }
  process.send?.({ onnxBytes: sample.onnx.byteLength, buildSeconds, description: sample.description });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
