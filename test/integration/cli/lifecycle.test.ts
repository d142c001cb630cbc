/**
 * The lifecycle commands as a user runs them: a child process (node --import tsx src/cli.ts) against
 * a local pool and the sample registry. deploy version 1, then deployed, compare, upgrade to 2,
 * rollback, delete-model refused and allowed; the view's rows follow the version it reports.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { SqlConnection } from '../../../src/sql/client/connection.js';
import { writeSampleRegistry } from '../../../src/samples/registry.js';

const REPO = resolve(__dirname, '..', '..', '..');
const CLI = join(REPO, 'src', 'cli.ts');
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const PASSWORD = 'Cli-Lifecycle-Pw-1';
const V1 = 'aml-synapse-classifier:1';
const V2 = 'aml-synapse-classifier:2';

let pool: LocalPool;
let conn: SqlConnection;
let root: string;
let sql: string[];

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    MLFLOW_TRACKING_TOKEN: undefined,
    LOCALPOOL_PASSWORD: undefined,
    PREDICT_SQL_PASSWORD: PASSWORD,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, CLI, ...args], { cwd: root, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function viewModelId(): Promise<string> {
  const r = await cli(['deployed', ...sql, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const tables = JSON.parse(r.stdout) as { modelTable: string; models: { id: string; usedBy: { name: string }[] }[] }[];
  const users = tables.flatMap((t) => t.models.filter((m) => m.usedBy.some((u) => u.name === 'wwi_ml.CustomerPrediction')).map((m) => m.id));
  assert.equal(users.length, 1);
  return users[0]!;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-life-'));
  await writeSampleRegistry(join(root, 'registry'));
  pool = await startLocalPool({ port: 0, password: PASSWORD, seedCustomers: 40 });
  await writeFile(join(root, 'ca.pem'), pool.caCertPem!);
  sql = ['--server', `${pool.host}:${pool.port}`, '--database', 'SQLPool01', '--user', 'sa', '--ca', 'ca.pem'];
  conn = await SqlConnection.open({
    server: pool.host,
    port: pool.port,
    database: 'SQLPool01',
    authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
    encrypt: 'strict',
    caCertPem: pool.caCertPem,
  });
  const r = await cli([
    'deploy',
    ...sql,
    '--table',
    'wwi_ml.CustomerTest',
    '--registry',
    'registry',
    '--model',
    V1,
    '--view',
    'wwi_ml.CustomerPrediction',
    '--run',
    '--max-rows',
    '1',
  ]);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await conn?.close();
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

test('deployed: the model table, its row with its size and the view that uses it', async () => {
  const r = await cli(['deployed', ...sql]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^MODEL TABLE\s+ID\s+BYTES\s+CREATED\s+USED BY$/i);
  assert.match(r.stdout, /wwi_ml\.AMLModel\s+aml-synapse-classifier:1\s+\d+\s+\S+ \S+\s+view wwi_ml\.CustomerPrediction/);
  assert.equal(await viewModelId(), V1);
});

test('upgrade to 2, compare, roll back, delete: the view follows, the row in use cannot be deleted', async () => {
  const up = await cli(['upgrade', ...sql, '--object', 'wwi_ml.CustomerPrediction', '--registry', 'registry', '--model', V2]);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stdout, `wwi_ml.CustomerPrediction now uses ${V2}.\n`);
  assert.match(up.stderr, /Checking: .*\n.*Storing: .*\n.*Rewriting: /);
  assert.equal(await viewModelId(), V2);

  const cmp = await cli(['compare', ...sql, '--object', 'wwi_ml.CustomerPrediction', '--model', V1, '--json']);
  assert.equal(cmp.code, 0, cmp.stderr);
  const report = JSON.parse(cmp.stdout) as { rows: number; modelA: string; modelB: string; kind: string; agreement: number; confusion: { counts: number[][] } };
  assert.deepEqual([report.rows, report.modelA, report.modelB, report.kind], [40, V2, V1, 'classifier']);
  const diagonal = report.confusion.counts.reduce((s, row, i) => s + row[i]!, 0);
  assert.equal(report.agreement, diagonal / 40, 'the agreement is the confusion table’s diagonal');
  const text = await cli(['compare', ...sql, '--object', 'wwi_ml.CustomerPrediction', '--model', V1, '--rows', '10']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^10 rows, output label_out \(bigint, classifier\)\nAgreement: \d+\.\d% \(\d+ of 10 rows\)\n/);

  const refused = await cli(['delete-model', ...sql, '--id', V2]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^predict-wizard delete-model: The model 'aml-synapse-classifier:2' in wwi_ml\.AMLModel cannot be deleted: it is used by view wwi_ml\.CustomerPrediction\./,
  );

  const back = await cli(['rollback', ...sql, '--object', 'wwi_ml.CustomerPrediction']);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stdout, `wwi_ml.CustomerPrediction now uses ${V1}.\n`);
  assert.equal(await viewModelId(), V1);

  const del = await cli(['delete-model', ...sql, '--id', V2]);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(del.stdout, `Deleted ${V2} from wwi_ml.AMLModel.\n`);
  const none = await cli(['rollback', ...sql, '--object', 'wwi_ml.CustomerPrediction']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /holds no earlier version of aml-synapse-classifier:1; give the version with --to name:version\./);
  const missing = await cli(['upgrade', ...sql, '--object', 'wwi_ml.NoSuchView', '--registry', 'registry', '--model', V2]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /wwi_ml\.NoSuchView is not a view or stored procedure that scores with a model row/);
  const usage = await cli(['compare', ...sql, '--object', 'wwi_ml.CustomerPrediction']);
  assert.equal(usage.code, 2);
});

test('an upgrade to a version that does not fit is refused with exit 1 and the view keeps its version', async () => {
  const r = await cli(['upgrade', ...sql, '--object', 'wwi_ml.CustomerPrediction', '--registry', 'registry', '--model', 'marital-status-encoder:1']);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /Failed while checking the new version against the mapping: .*Every object still works: wwi_ml\.CustomerPrediction uses aml-synapse-classifier:1\./,
  );
  assert.equal(await viewModelId(), V1);
});
