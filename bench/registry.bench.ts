// Registry benchmarks against the local MLflow server (run: node --import tsx bench/registry.bench.ts).
//  1. Listing 1 000 models (20 versions each): time to the first page vs time to every page —
//     what the model picker's first paint waits for, against the full listing as the baseline.
//  2. Downloading a 50 MB model through the source (verified, written to a temporary name,
//     renamed, cached) vs a plain fetch of the same bytes into memory as the baseline.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCache } from '../src/models/cache.js';
import { modelPages } from '../src/models/source.js';
import { MlflowModelSource } from '../src/models/sources/mlflow.js';
import { MlflowTestServer } from '../test/servers/mlflow-server.js';

const ONNX_MLMODEL = 'flavors:\n  onnx: {data: model.onnx, onnx_version: 1.14.0}\n';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const server = new MlflowTestServer();
  await server.start();
  const work = await mkdtemp(join(tmpdir(), 'registry-bench-'));
  try {
    for (let i = 0; i < 1000; i++) {
      for (let v = 1; v <= 20; v++) server.addVersion(`model-${String(i).padStart(4, '0')}`, {});
    }
    const big = randomBytes(50 * 1024 * 1024);
    server.addVersion('big', { files: { MLmodel: ONNX_MLMODEL, 'model.onnx': big } });

    // 1. First page vs all pages.
    const first: number[] = [];
    const all: number[] = [];
    for (let round = 0; round < 7; round++) {
      const source = new MlflowModelSource({ trackingUri: server.url, cache: new ModelCache(join(work, `c${round}`)), pageSize: 100 });
      const t0 = performance.now();
      let seen = 0;
      let firstAt = 0;
      for await (const page of modelPages(source)) {
        if (!firstAt) firstAt = performance.now() - t0;
        seen += page.items.length;
      }
      const total = performance.now() - t0;
      if (seen !== 1001) throw new Error(`listed ${seen} models, expected 1001`);
      if (round > 0) {
        first.push(firstAt);
        all.push(total);
      }
    }
    const f = median(first);
    const a = median(all);
    console.log(`registry listing: 1 001 models x 20 versions, pages of 100`);
    console.log(`  first page ${f.toFixed(1)} ms, all 11 pages ${a.toFixed(1)} ms (baseline); first/all = ${(f / a).toFixed(3)}`);

    // 2. Source download vs plain fetch.
    const plain: number[] = [];
    const viaSource: number[] = [];
    const url = `${server.url}/api/2.0/mlflow-artifacts/artifacts/${server.models.get('big')!.versions[0]!.artifactPath}/model.onnx`;
    for (let round = 0; round < 5; round++) {
      let t0 = performance.now();
      const buf = Buffer.from(await (await fetch(url)).arrayBuffer());
      if (buf.byteLength !== big.byteLength) throw new Error('short plain fetch');
      plain.push(performance.now() - t0);
      const source = new MlflowModelSource({ trackingUri: server.url, cache: new ModelCache(join(work, `d${round}`)) });
      t0 = performance.now();
      const got = await source.download('big', '1');
      if (got.fromCache) throw new Error('unexpected cache hit');
      viaSource.push(performance.now() - t0);
    }
    const p = median(plain);
    const s = median(viaSource);
    const mb = big.byteLength / 1024 / 1024;
    console.log(`model download: ${mb} MB`);
    console.log(
      `  plain fetch ${p.toFixed(0)} ms (${(mb / (p / 1000)).toFixed(0)} MB/s, baseline), source download (metadata + verify + temp file + rename) ${s.toFixed(0)} ms (${(mb / (s / 1000)).toFixed(0)} MB/s); source/plain = ${(s / p).toFixed(2)}`,
    );
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
