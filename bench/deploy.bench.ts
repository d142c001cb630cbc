// Deploying a ~100 MB model (the large tree ensemble of the sample model builder, built once in its
// own process and written as an MLflow model folder) to the local pool (startLocalPool, in its own
// process), through the product's deploy path: deployModel over a local-folder source and
// SqlConnection, into a new model table. Each deploy runs in a fresh process that does nothing
// else, so its peak RSS is the deploy's. Measured: total time, time per step (download = reading
// the model, check = ONNX Runtime load, create-table, store = the row's DELETE + INSERT in one
// transaction) and the client's peak RSS.
// Also, each in a fresh process: ONNX Runtime's check alone (as the deploy runs it), and the deploy
// right after a preview of the same version (the model already loaded in the ONNX worker).
// With BENCH_DEPLOY_IN_PROCESS=1, also the deploy with ONNX Runtime's check in the client process
// instead of a process of its own (loadWithOnnxRuntime from the file's path), for its memory.
// Baseline, in the same run and also in a fresh process each time: read the same file and INSERT
// it with plain tedious as one varbinary(max) parameter.
// Targets: deploy ≤ 1.3 × max(check alone, plain INSERT); deploy after a preview ≤ 1.5 × plain
// INSERT; the deploy's client peak memory no more than the plain INSERT's.
// Run: npm run bench -- deploy   (BENCH_ROUNDS, default 3; BENCH_MODEL_MB, default 100)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlConnection } from '../src/sql/client/connection.js';
import type { MemoryReport } from './support/memory.js';
import { poolConnectionConfig } from './support/pool-connection.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PASSWORD = 'Bench#Pool-1';
const MB = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

interface DeployFigures {
  totalMs: number;
  steps: Record<string, number>;
  memory: MemoryReport;
  loaderPeakRss?: number;
  modelBytes: number;
  storedBytes: number;
}

interface PlainFigures {
  readMs: number;
  insertMs: number;
  memory: MemoryReport;
  storedBytes: number;
}

function start(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return fork(join(__dirname, 'support', script), args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The child's one report, after it has exited. */
function reportOf<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let got: T | undefined;
    child.once('message', (m) => (got = m as T));
    child.once('exit', (code) => (got !== undefined ? resolve(got) : reject(new Error(`${what} exited (${code ?? 'signal'}) without a report`))));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const pool = start('pool-child.ts', [], { BENCH_PASSWORD: PASSWORD, BENCH_ROWS: '1000' });
  const { port, caCertPem } = await new Promise<{ port: number; caCertPem?: string }>((resolve, reject) => {
    pool.once('message', (m) => resolve(m as { port: number; caCertPem?: string }));
    pool.once('exit', (code) => reject(new Error(`the pool exited (${code ?? 'signal'}) before listening`)));
  });
  const env = { BENCH_PORT: String(port), BENCH_PASSWORD: PASSWORD, ...(caCertPem ? { BENCH_CA: caCertPem } : {}) };
  Object.assign(process.env, env);
  const work = await mkdtemp(join(tmpdir(), 'deploy-bench-'));
  let conn: SqlConnection | undefined;
  try {
    const built = await reportOf<{ onnxBytes: number; buildSeconds: number; description: string }>(
      start('large-model-child.ts', [work], env),
      'the model builder',
    );
    const size = built.onnxBytes;
    console.log(`deploy: ${built.description} (${size} bytes, built in ${built.buildSeconds.toFixed(1)} s in its own process)`);
    console.log(
      `  to the local pool in its own process (${caCertPem ? 'TLS, encrypt strict' : 'no TLS'}); each deploy and each baseline in a fresh process; median of ${ROUNDS}`,
    );
    conn = await SqlConnection.open(poolConnectionConfig());
    const deploys: DeployFigures[] = [];
    const inProcess: DeployFigures[] = [];
    const afterPreview: DeployFigures[] = [];
    const checks: { totalMs: number }[] = [];
    const withInProcess = process.env.BENCH_DEPLOY_IN_PROCESS === '1';
    const plains: PlainFigures[] = [];
    let parentRss = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const table = `BenchModels${round}`;
      const plainTable = `PlainModels${round}`;
      await conn.execute(`CREATE TABLE [wwi_ml].[${plainTable}] ([ID] nvarchar(1024) NOT NULL, [model] varbinary(max) NULL)`);
      parentRss = Math.max(parentRss, process.memoryUsage.rss());
      const runDeploy = async () => {
        deploys.push(await reportOf<DeployFigures>(start('deploy-child.ts', [work, table], env), 'the deploy'));
        checks.push(await reportOf<{ totalMs: number }>(start('deploy-child.ts', [work, table], { ...env, BENCH_CHECK_ONLY: '1' }), 'the check'));
        afterPreview.push(await reportOf<DeployFigures>(start('deploy-child.ts', [work, `${table}p`], { ...env, BENCH_AFTER_PREVIEW: '1' }), 'the deploy'));
        if (withInProcess) {
          inProcess.push(await reportOf<DeployFigures>(start('deploy-child.ts', [work, `${table}i`], { ...env, BENCH_IN_PROCESS_CHECK: '1' }), 'the deploy'));
        }
      };
      const runPlain = async () =>
        plains.push(
          await reportOf<PlainFigures>(start('plain-insert-child.ts', [join(work, 'large-tree-ensemble', 'model.onnx'), plainTable], env), 'the plain insert'),
        );
      // Alternate the order, so neither always runs on a pool that has just taken 100 MB.
      if (round % 2 === 0) {
        await runDeploy();
        await runPlain();
      } else {
        await runPlain();
        await runDeploy();
      }
      for (const t of [table, `${table}p`, ...(withInProcess ? [`${table}i`] : []), plainTable]) await conn.execute(`DROP TABLE [wwi_ml].[${t}]`);
    }
    for (const d of [...deploys, ...inProcess, ...afterPreview])
      if (d.storedBytes !== size || d.modelBytes !== size) throw new Error(`the deploy stored ${d.storedBytes} bytes of ${size}`);
    for (const p of plains) if (p.storedBytes !== size) throw new Error(`the plain insert stored ${p.storedBytes} bytes of ${size}`);

    const growth = (m: MemoryReport) => m.peak - m.rssBefore;
    const summary = (runs: DeployFigures[]) => ({
      total: median(runs.map((x) => x.totalMs)),
      peak: median(runs.map((x) => x.memory.peak)),
      before: median(runs.map((x) => x.memory.rssBefore)),
      after: median(runs.map((x) => x.memory.rssAfter)),
      growth: median(runs.map((x) => growth(x.memory))),
      maxRss: median(runs.map((x) => x.memory.maxRss)),
      steps: Object.keys(runs[0]!.steps).map((s) => `${s} ${median(runs.map((x) => x.steps[s] ?? 0)).toFixed(0)} ms`),
    });
    const d = summary(deploys);
    const ap = summary(afterPreview);
    const check = median(checks.map((c) => c.totalMs));
    const p = {
      total: median(plains.map((x) => x.readMs + x.insertMs)),
      read: median(plains.map((x) => x.readMs)),
      insert: median(plains.map((x) => x.insertMs)),
      peak: median(plains.map((x) => x.memory.peak)),
      before: median(plains.map((x) => x.memory.rssBefore)),
      growth: median(plains.map((x) => growth(x.memory))),
      maxRss: median(plains.map((x) => x.memory.maxRss)),
    };
    const verdict = (ratio: number, target: number): string => `${ratio.toFixed(2)} (target ≤ ${target}: ${ratio <= target ? 'met' : 'NOT met'})`;
    console.log(
      `  deploy (deployModel)          ${d.total.toFixed(0).padStart(6)} ms: ${d.steps.join(', ')} (each step as announced; the check runs on into the store step)`,
    );
    console.log(`  ONNX Runtime's check alone    ${check.toFixed(0).padStart(6)} ms`);
    console.log(`  deploy after a preview        ${ap.total.toFixed(0).padStart(6)} ms: ${ap.steps.join(', ')}`);
    if (withInProcess) {
      const ip = summary(inProcess);
      console.log(`  deploy, check in the client   ${ip.total.toFixed(0).padStart(6)} ms: ${ip.steps.join(', ')}`);
      console.log(
        `  deploy with the check in the client process: peak RSS ${MB(ip.peak)} (growth ${MB(ip.growth)} = ${(ip.growth / size).toFixed(2)} x model), RSS after the deploy ${MB(ip.after)}`,
      );
    }
    console.log(`  plain tedious INSERT baseline ${p.total.toFixed(0).padStart(6)} ms: read ${p.read.toFixed(0)} ms, insert ${p.insert.toFixed(0)} ms`);
    console.log(`  deploy time / baseline time = ${(d.total / p.total).toFixed(2)}`);
    console.log(`  ratio deploy / max(check alone, plain INSERT) = ${verdict(d.total / Math.max(check, p.total), 1.3)}`);
    console.log(`  ratio deploy after a preview / plain INSERT = ${verdict(ap.total / p.total, 1.5)}`);
    console.log(
      `  deploy client peak RSS   ${MB(d.peak)} (RSS before ${MB(d.before)}, growth ${MB(d.growth)} = ${(d.growth / size).toFixed(2)} x model; getrusage maxRSS ${MB(d.maxRss)})`,
    );
    console.log(
      `  baseline client peak RSS ${MB(p.peak)} (RSS before ${MB(p.before)}, growth ${MB(p.growth)} = ${(p.growth / size).toFixed(2)} x model; getrusage maxRSS ${MB(p.maxRss)})`,
    );
    const loader = deploys.map((x) => x.loaderPeakRss).filter((x): x is number => x !== undefined);
    if (loader.length)
      console.log(
        `  ONNX Runtime's check process (a child of the client) peak RSS ${MB(median(loader))} = ${(median(loader) / size).toFixed(1)} x model; freed when it exits`,
      );
    console.log(`  deploy client RSS after the deploy ${MB(d.after)}`);
    console.log(`  deploy peak / baseline peak = ${(d.peak / p.peak).toFixed(2)}; deploy growth / baseline growth = ${(d.growth / p.growth).toFixed(2)}`);
    console.log(`  deploy after a preview: client peak RSS ${MB(ap.peak)}, peak / baseline peak = ${(ap.peak / p.peak).toFixed(2)}`);
    console.log(`  (benchmark process RSS when it started the children: ${MB(parentRss)}; getrusage maxRSS of a child can start there)`);
    const poolMem = await new Promise<{ rss: number; peak: number }>((resolve) => {
      pool.once('message', (m) => resolve(m as { rss: number; peak: number }));
      pool.send('memory');
    });
    console.log(`  pool process peak RSS over the run ${MB(poolMem.peak)}`);
  } finally {
    await conn?.close();
    pool.send('stop');
    await new Promise((r) => pool.once('exit', r));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
