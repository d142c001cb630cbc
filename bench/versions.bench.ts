// Listing the versions of one model with 1 000 versions (every tenth not ONNX), in one run:
//  MLflow REST source against the local MLflow test server (in its own process):
//    (a) every version through the source (listVersions: newest first, each with whether PREDICT can
//        use it) against the raw HTTP fetch of the same model-versions/search page (the baseline);
//    (b) the first page of 100 versions (listVersionsPage, what the version grid shows first)
//        against the raw fetch of that page;
//    both with no added latency and with BENCH_RTT_MS (default 20) ms added to every request, as a
//    registry across a network would.
//  Local MLflow file-store registry on disk (1 000 version-N/meta.yaml, each with its own small
//  model folder):
//    (c) listVersions against a plain read of the same meta.yaml files (readdir, read, parse YAML);
//    (d) the first page of 100 versions against a plain read of those 100 meta.yaml files.
// Run: npm run bench -- versions
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { ModelCache } from '../src/models/cache.js';
import type { ModelVersionInfo, Page } from '../src/models/source.js';
import { openLocalSource } from '../src/models/sources/local.js';
import { MlflowModelSource } from '../src/models/sources/mlflow.js';

const VERSIONS = 1000;
const PAGE = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 20);
const MODEL = 'many-versions';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Runs `fn` once to warm up, then ROUNDS times; the median time and the last value. */
async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  await fn();
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await timed(fn);
    times.push(r.ms);
    value = r.value;
  }
  return { ms: median(times), value };
}

/** fetch with a fixed delay before each request (a round trip to a remote registry), counting requests. */
function delayedFetch(ms: number): { fetch: typeof fetch; count: () => number } {
  let n = 0;
  const f: typeof fetch = async (input, init) => {
    n++;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    return fetch(input, init);
  };
  return { fetch: f, count: () => n };
}

function checkVersions(list: readonly ModelVersionInfo[], expected: number, newest: number): void {
  if (list.length !== expected) throw new Error(`listed ${list.length} versions, expected ${expected}`);
  if (list[0]!.version !== String(newest)) throw new Error(`the first version listed is ${list[0]!.version}, expected ${newest}`);
  for (const v of list) {
    const sklearn = Number(v.version) % 10 === 0;
    if (v.isOnnx === sklearn) throw new Error(`version ${v.version} listed as ${v.isOnnx ? 'ONNX' : 'not ONNX'}`);
    if (sklearn && !v.notOnnxReason) throw new Error(`version ${v.version} is not ONNX but has no reason`);
  }
}

function line(label: string, ms: number, baseline: number, extra = ''): string {
  return `  ${label.padEnd(46)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / baseline).toFixed(1).padStart(6)} x baseline${extra}`;
}

async function mlflowBench(): Promise<void> {
  const child: ChildProcess = fork(join(__dirname, 'support', 'mlflow-server-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_VERSIONS: String(VERSIONS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { url } = await new Promise<{ url: string }>((resolve) => child.once('message', (m) => resolve(m as { url: string })));
  const cacheRoot = await mkdtemp(join(tmpdir(), 'versions-bench-cache-'));
  try {
    const searchUrl = (max: number) =>
      `${url}/api/2.0/mlflow/model-versions/search?${new URLSearchParams({ filter: `name='${MODEL}'`, max_results: String(max) })}`;
    console.log(`MLflow REST source, local MLflow test server in its own process: model '${MODEL}' with ${VERSIONS} versions (every tenth sklearn)`);
    for (const rtt of [0, RTT_MS]) {
      const raw = async (max: number) => {
        const f = delayedFetch(rtt);
        const body = (await (await f.fetch(searchUrl(max))).json()) as { model_versions?: unknown[] };
        if (body.model_versions?.length !== max) throw new Error(`the raw search returned ${body.model_versions?.length} versions`);
        return body;
      };
      const source = () => {
        const f = delayedFetch(rtt);
        return { f, s: new MlflowModelSource({ trackingUri: url, cache: new ModelCache(cacheRoot), fetch: f.fetch }) };
      };
      const baseAll = await measure(() => raw(VERSIONS));
      let requestsAll = 0;
      const all = await measure(async () => {
        const { f, s } = source();
        const list = await s.listVersions(MODEL);
        requestsAll = f.count();
        return list;
      });
      checkVersions(all.value, VERSIONS, VERSIONS);
      const basePage = await measure(() => raw(PAGE));
      let requestsPage = 0;
      const page = await measure(async () => {
        const { f, s } = source();
        const p: Page<ModelVersionInfo> = await s.listVersionsPage(MODEL, { pageSize: PAGE });
        requestsPage = f.count();
        return p;
      });
      checkVersions(page.value.items, PAGE, VERSIONS);
      console.log(` ${rtt ? `${rtt} ms added to every request` : 'no added latency'}:`);
      console.log(line(`raw fetch of the search page (${VERSIONS}), baseline`, baseAll.ms, baseAll.ms, ', 1 request'));
      console.log(line(`listVersions, all ${VERSIONS}`, all.ms, baseAll.ms, `, ${requestsAll} requests`));
      console.log(line(`raw fetch of a search page of ${PAGE}, baseline`, basePage.ms, basePage.ms, ', 1 request'));
      console.log(line(`listVersionsPage, first ${PAGE}`, page.ms, basePage.ms, `, ${requestsPage} requests`));
    }
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    await rm(cacheRoot, { recursive: true, force: true });
  }
}

const ONNX_MLMODEL =
  'artifact_path: model\nflavors:\n  onnx: {data: model.onnx, onnx_version: 1.14.0}\n  python_function: {loader_module: mlflow.onnx, data: model.onnx}\nmlflow_version: 2.9.2\n';
const SKLEARN_MLMODEL =
  'artifact_path: model\nflavors:\n  python_function: {loader_module: mlflow.sklearn, model_path: model.pkl}\n  sklearn: {pickled_model: model.pkl, sklearn_version: 1.3.2}\nmlflow_version: 2.9.2\n';

/** An MLflow file-store registry: models/<name>/version-N/meta.yaml, each pointing at its own model folder. */
async function writeRegistry(root: string): Promise<void> {
  const modelDir = join(root, 'models', MODEL);
  await mkdir(join(modelDir, 'aliases'), { recursive: true });
  await mkdir(join(modelDir, 'tags'), { recursive: true });
  const t0 = Date.UTC(2024, 0, 1);
  await writeFile(join(modelDir, 'meta.yaml'), stringify({ creation_timestamp: t0, last_updated_timestamp: t0, name: MODEL, description: 'many versions' }));
  await writeFile(join(modelDir, 'aliases', 'champion'), String(VERSIONS - 1));
  const onnx = new Uint8Array(2048).fill(7);
  for (let v = 1; v <= VERSIONS; v++) {
    const runId = `run${String(v).padStart(29, '0')}`;
    const dir = join(root, '1', runId, 'artifacts', 'model');
    await mkdir(dir, { recursive: true });
    if (v % 10 === 0) {
      await writeFile(join(dir, 'MLmodel'), SKLEARN_MLMODEL);
      await writeFile(join(dir, 'model.pkl'), 'x');
    } else {
      await writeFile(join(dir, 'MLmodel'), ONNX_MLMODEL);
      await writeFile(join(dir, 'model.onnx'), onnx);
    }
    const vdir = join(modelDir, `version-${v}`);
    await mkdir(join(vdir, 'tags'), { recursive: true });
    const created = t0 + v * 60_000;
    await writeFile(
      join(vdir, 'meta.yaml'),
      stringify({
        creation_timestamp: created,
        current_stage: 'None',
        description: `version ${v}`,
        last_updated_timestamp: created,
        name: MODEL,
        run_id: runId,
        source: `runs:/${runId}/model`,
        status: 'READY',
        storage_location: pathToFileURL(dir).href,
        user_id: 'ana@contoso.com',
        version: v,
      }),
    );
    await writeFile(join(vdir, 'tags', 'team'), 'customer-analytics');
  }
}

async function localBench(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'versions-bench-registry-'));
  try {
    await writeRegistry(root);
    const modelDir = join(root, 'models', MODEL);
    const plainRead = async (newest: number, count: number) => {
      const names = (await readdir(modelDir)).filter((n) => /^version-\d+$/.test(n));
      const wanted = names
        .map((n) => Number(n.slice(8)))
        .sort((a, b) => b - a)
        .slice(0, count);
      if (newest !== wanted[0]) throw new Error('unexpected versions on disk');
      return Promise.all(wanted.map(async (v) => parse(await readFile(join(modelDir, `version-${v}`, 'meta.yaml'), 'utf8')) as unknown));
    };
    const source = await openLocalSource(root);
    console.log(`Local MLflow file-store registry on disk: model '${MODEL}' with ${VERSIONS} versions (every tenth sklearn), each with its own model folder`);
    const baseAll = await measure(() => plainRead(VERSIONS, VERSIONS));
    const all = await measure(() => source.listVersions(MODEL));
    checkVersions(all.value, VERSIONS, VERSIONS);
    const basePage = await measure(() => plainRead(VERSIONS, PAGE));
    const page = await measure(() => source.listVersionsPage(MODEL, { pageSize: PAGE }));
    checkVersions(page.value.items, PAGE, VERSIONS);
    console.log(line(`plain read of ${VERSIONS} meta.yaml, baseline`, baseAll.ms, baseAll.ms));
    console.log(line(`listVersions, all ${VERSIONS}`, all.ms, baseAll.ms));
    console.log(line(`plain read of ${PAGE} meta.yaml, baseline`, basePage.ms, basePage.ms));
    console.log(line(`listVersionsPage, first ${PAGE}`, page.ms, basePage.ms));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`versions: median of ${ROUNDS} rounds after one warm-up`);
  await mlflowBench();
  await localBench();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
