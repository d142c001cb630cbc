/**
 * predict-wizard as a user runs it: a child process (node --import tsx src/cli.ts) against a local
 * pool on a free port and the sample MLflow registry in a temp folder. Listing, script, deploy with
 * --run, run with an error line, a wrong password, a missing password, and the localpool command.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { SqlConnection } from '../../../src/sql/client/connection.js';
import { generateScoringScript } from '../../../src/sql/script.js';
import { parseSqlType } from '../../../src/sql/types.js';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import { openLocalSource } from '../../../src/models/sources/local.js';
import { buildSampleModel } from '../../../src/samples/models.js';
import { MlflowTestServer } from '../../servers/mlflow-server.js';
import { suggestedPlan } from '../../support/suggested-plan.js';

const REPO = resolve(__dirname, '..', '..', '..');
const CLI = join(REPO, 'src', 'cli.ts');
/** tsx's loader by path: the CLI runs in a temp folder, where the bare name 'tsx' does not resolve. */
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const PASSWORD = 'Cli-Test-Pw-1';
const SEED_ROWS = 50;

let pool: LocalPool;
let conn: SqlConnection;
let root: string;
let caPath: string;
let server: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a child process; `env` is added to a copy of the environment without the CLI's secrets. */
function cli(args: string[], env: Record<string, string | undefined> = { PREDICT_SQL_PASSWORD: PASSWORD }): Promise<Result> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    PREDICT_SQL_PASSWORD: undefined,
    MLFLOW_TRACKING_TOKEN: undefined,
    LOCALPOOL_PASSWORD: undefined,
    ...env,
  };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, CLI, ...args], { cwd: root, env: childEnv, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

function sqlArgs(): string[] {
  return ['--server', server, '--database', 'SQLPool01', '--user', 'sa', '--ca', caPath];
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-it-'));
  await writeSampleRegistry(join(root, 'registry'));
  pool = await startLocalPool({ port: 0, password: PASSWORD, seedCustomers: SEED_ROWS });
  assert.ok(pool.caCertPem, 'the pool has a certificate');
  caPath = join(root, 'pool-ca.pem');
  await writeFile(caPath, pool.caCertPem);
  server = `${pool.host}:${pool.port}`;
  conn = await SqlConnection.open({
    server: pool.host,
    port: pool.port,
    database: 'SQLPool01',
    authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
    encrypt: 'strict',
    caCertPem: pool.caCertPem,
  });
});
after(async () => {
  await conn?.close();
  await pool?.close();
  await rm(root, { recursive: true, force: true });
});

describe('registry listings', () => {
  test('models: every sample model, by name', async () => {
    const r = await cli(['models', '--registry', 'registry']);
    assert.equal(r.code, 0, r.stderr);
    const names = r.stdout
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(names, [
      'aml-synapse-classifier',
      'broken-truncated-classifier',
      'marital-status-encoder',
      'rating-classifier-sklearn',
      'rating-classifier-tensor-input',
      'rating-classifier-zipmap',
    ]);
  });

  test('versions: newest first, with ONNX or why not', async () => {
    const r = await cli(['versions', 'aml-synapse-classifier', '--registry', 'registry']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n');
    assert.match(rows[0]!, /^VERSION\s+CREATED\s+CREATED BY\s+FRAMEWORK\s+STAGE\s+ONNX$/);
    assert.match(rows[2]!, /^2\s+2024-03-06 09:30:00Z\s+ana@contoso\.com\s+onnx\s+Production.*\byes$/);
    assert.match(rows[3]!, /^1\s+2024-03-05 09:30:00Z\s+ana@contoso\.com\s+onnx\s+Archived\s+yes$/);
    const sk = await cli(['versions', 'rating-classifier-sklearn', '--registry', 'registry', '--json']);
    const [v] = JSON.parse(sk.stdout) as { onnx: boolean; notOnnxReason: string }[];
    assert.equal(v!.onnx, false);
    assert.match(v!.notOnnxReason, /^PREDICT runs ONNX models only: .*Register an ONNX version of it\.$/);
  });
});

describe('MLflow tracking server', () => {
  test("versions over REST with MLFLOW_TRACKING_TOKEN; without it, the server's refusal and exit 1", async () => {
    const mlflow = new MlflowTestServer({ bearerToken: 'Tracking-Token-5' });
    const sample = buildSampleModel('linear-classifier');
    mlflow.addVersion('aml-synapse-classifier', { files: { MLmodel: sample.mlmodelYaml, 'model.onnx': sample.onnx } });
    mlflow.addVersion('aml-synapse-classifier', { files: { MLmodel: sample.mlmodelYaml, 'model.onnx': sample.onnx } });
    const url = await mlflow.start();
    try {
      const env = { PREDICT_SQL_PASSWORD: PASSWORD, XDG_CACHE_HOME: join(root, 'cache') };
      const r = await cli(['versions', 'aml-synapse-classifier', '--registry', url, '--json'], { ...env, MLFLOW_TRACKING_TOKEN: 'Tracking-Token-5' });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        (JSON.parse(r.stdout) as { version: string; onnx: boolean }[]).map((v) => [v.version, v.onnx]),
        [
          ['2', true],
          ['1', true],
        ],
      );
      const denied = await cli(['versions', 'aml-synapse-classifier', '--registry', url], env);
      assert.equal(denied.code, 1);
      assert.match(
        denied.stderr,
        new RegExp(
          `^predict-wizard versions: Not signed in to the MLflow server at ${url.replace(/[.\\/]/g, '\\$&')}: could not read model 'aml-synapse-classifier'\\.`,
        ),
      );
      const wrong = await cli(['models', '--registry', url], { ...env, MLFLOW_TRACKING_TOKEN: 'Old-Token-6' });
      assert.equal(wrong.code, 1);
      assert.doesNotMatch(wrong.stdout + wrong.stderr, /Old-Token-6/);
    } finally {
      await mlflow.close();
    }
  });
});

describe('script', () => {
  test("prints the generator's script for the suggested plan, warnings on stderr", async () => {
    // The seeded database has the lab's model table, wwi_ml.AMLModel: the wizard's default choice.
    const r = await cli(['script', ...sqlArgs(), '--table', 'wwi_ml.CustomerTest', '--registry', 'registry', '--model', 'aml-synapse-classifier:1']);
    assert.equal(r.code, 0, r.stderr);

    // The same plan built directly from the core: suggestion, CustomerKey passed through, defaults.
    const source = await openLocalSource(join(root, 'registry'));
    const version = await source.getVersion('aml-synapse-classifier', '1');
    const plan = await suggestedPlan(conn, source, version, { modelTable: 'AMLModel', passThrough: [{ column: 'CustomerKey', type: parseSqlType('int') }] });
    assert.equal(r.stdout, generateScoringScript(plan).text);
    assert.match(r.stderr, /^warning: Cost: Casting Cost \(float\) to \[real\] can lose data/m);
  });

  test('--out writes the file; a procedure on the other target', async () => {
    const r = await cli([
      'script',
      ...sqlArgs(),
      '--table',
      'wwi_ml.CustomerTest',
      '--registry',
      'registry',
      '--model',
      'aml-synapse-classifier',
      '--procedure',
      'wwi_ml.ScoreCustomers',
      '--target',
      'sql-mi',
      '--out',
      'score.sql',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`Wrote the script to ${join(root, 'score.sql').replace(/[.\\/]/g, '\\$&')}\\.`));
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(join(root, 'score.sql'), 'utf8');
    assert.match(text, /^CREATE PROCEDURE \[wwi_ml\]\.\[ScoreCustomers\]$/m);
    assert.match(text, /WHERE \[ID\] = N'aml-synapse-classifier:2'/, 'without a version: the newest ONNX version');
  });

  test('a table that does not exist: exit 1 naming it', async () => {
    const r = await cli(['script', ...sqlArgs(), '--table', 'wwi_ml.Nope', '--registry', 'registry', '--model', 'aml-synapse-classifier']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `predict-wizard script: Cannot read the columns of wwi_ml.Nope in database SQLPool01 on ${server}: it does not exist or login 'sa' cannot see it. Check --table.\n`,
    );
  });
});

describe('deploy', () => {
  test('--run stores aml-synapse-classifier v2 and prints predictions for wwi_ml.CustomerTest', async () => {
    const r = await cli([
      'deploy',
      ...sqlArgs(),
      '--table',
      'wwi_ml.CustomerTest',
      '--registry',
      'registry',
      '--model',
      'aml-synapse-classifier:2',
      '--view',
      'wwi_ml.CustomerScores',
      '--model-table',
      'wwi_ml.CliModels',
      '--create-model-table',
      '--run',
      '--max-rows',
      '5',
    ]);
    assert.equal(r.code, 0, r.stderr);
    for (const step of ['Downloading the model', 'Checking the model with ONNX Runtime', 'Creating the model table', 'Storing the model row']) {
      assert.ok(r.stderr.includes(step), `progress shows "${step}"`);
    }
    assert.match(r.stdout, /^CREATE VIEW \[wwi_ml\]\.\[CustomerScores\]$/m);

    // The model row is there, and the printed predictions are the view's.
    const stored = await conn.query("SELECT DATALENGTH([model]) FROM [wwi_ml].[CliModels] WHERE [ID] = N'aml-synapse-classifier:2'");
    assert.ok(Number(stored.resultSets[0]!.rows[0]![0]) > 0, 'the model row was stored');
    const table = r.stdout.slice(r.stdout.indexOf('CustomerKey  '));
    const lines = table.trim().split('\n');
    const header = lines[0]!.trim().split(/\s+/);
    assert.deepEqual(header.slice(-2), ['label_out', 'probability_out']);
    assert.equal(lines.at(-1), `(first 5 of ${SEED_ROWS} rows shown)`);
    const printed = lines.slice(2, 7).map((l) => l.trim().split(/\s+/));
    const view = await conn.query('SELECT [CustomerKey], [label_out] FROM [wwi_ml].[CustomerScores]');
    const byKey = new Map(view.resultSets[0]!.rows.map((row) => [String(row[0]), String(row[1])]));
    assert.equal(printed.length, 5);
    for (const row of printed) {
      const key = row[0]!;
      const label = row[header.indexOf('label_out')]!;
      assert.equal(label, byKey.get(key), `customer ${key}: the printed label is the view's`);
    }
  });

  test('deploying again onto the existing view without --replace is refused before anything is stored', async () => {
    const r = await cli([
      'deploy',
      ...sqlArgs(),
      '--table',
      'wwi_ml.CustomerTest',
      '--registry',
      'registry',
      '--model',
      'aml-synapse-classifier:1',
      '--view',
      'wwi_ml.CustomerScores',
      '--model-table',
      'wwi_ml.CliModels',
    ]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim().split('\n').at(-1),
      'predict-wizard deploy: An object named wwi_ml.CustomerScores already exists. Choose another name, or replace it. (fix the names with --view, --procedure, --replace, --model-table or --create-model-table)',
    );
    const rows = await conn.query("SELECT COUNT(*) FROM [wwi_ml].[CliModels] WHERE [ID] = N'aml-synapse-classifier:1'");
    assert.equal(Number(rows.resultSets[0]!.rows[0]![0]), 0);
  });
});

describe('run', () => {
  test('an error on line 6 is reported on line 6; the other batches still run; exit 1', async () => {
    const script = ['SELECT 1 AS one', 'GO', '', '-- the second batch', 'SELECT 2 AS two;', 'SELECT * FROM wwi_ml.NoSuchTable', 'GO', "PRINT 'after'"].join(
      '\n',
    );
    await writeFile(join(root, 'broken.sql'), script);
    const r = await cli(['run', ...sqlArgs(), '--file', 'broken.sql']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "broken.sql:6: Msg 208, Level 16, State 1, Line 6: Invalid object name 'wwi_ml.NoSuchTable'.\n");
    assert.match(r.stdout, /^one\n---\n {2}1\n\(1 row\)$/m);
    assert.match(r.stdout, /^after$/m);
  });

  test('a clean script exits 0 and prints its rows', async () => {
    await writeFile(join(root, 'count.sql'), 'SELECT COUNT(*) AS customers FROM wwi_ml.CustomerTest\n');
    const r = await cli(['run', ...sqlArgs(), '--file', 'count.sql']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `customers\n---------\n${String(SEED_ROWS).padStart(9)}\n(1 row)\n\n`);
  });
});

describe('credentials', () => {
  test('a wrong password: a clear 18456 message, exit 1, the password not printed', async () => {
    const r = await cli(['run', ...sqlArgs(), '--file', 'count.sql'], { PREDICT_SQL_PASSWORD: 'Wrong-Password-9' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `predict-wizard run: Login failed for user 'sa' on ${server}: check the password (error 18456).\n`);
    assert.doesNotMatch(r.stdout + r.stderr, /Wrong-Password-9/);
  });

  test('no PREDICT_SQL_PASSWORD: a usage message, exit 2', async () => {
    const r = await cli(['deploy', ...sqlArgs(), '--table', 'wwi_ml.CustomerTest', '--registry', 'registry', '--model', 'aml-synapse-classifier'], {});
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "predict-wizard deploy: no password for SQL login 'sa': set the environment variable PREDICT_SQL_PASSWORD (passwords are never read from the command line).\n",
    );
  });

  test('an untrusted certificate names the fix', async () => {
    const r = await cli(['run', '--server', server, '--database', 'SQLPool01', '--user', 'sa', '--file', 'count.sql']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `^predict-wizard run: The certificate of ${server.replace(/\./g, '\\.')} is not trusted \\(.*\\): set the CA certificate of the server \\(caCertPath\\), or set trustServerCertificate if you trust this network\\.\\n$`,
      ),
    );
  });
});

describe('localpool', () => {
  /** Starts a local pool command, waits until it listens, interrupts it and returns what it printed. */
  function runPool(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; port: number }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', TSX, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let port = 0;
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m && !port) {
          port = Number(m[1]);
          child.kill('SIGINT');
        }
      });
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', fail);
      child.once('exit', (code) => done({ code, stdout, stderr, port }));
    });
  }

  test('predict-wizard localpool starts, seeds the rows asked for, and stops on Ctrl+C', async () => {
    const data = join(root, 'pool-data');
    const r = await runPool([CLI, 'localpool', '--port', '0', '--data', data, '--seed-rows', '7'], { LOCALPOOL_PASSWORD: 'Pool-Pw-42' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.port > 0);
    assert.match(r.stdout, new RegExp(`--ca ${join(data, 'tls').replace(/[.\\/]/g, '\\$&')}`));
    assert.match(r.stdout, /Stopping the local pool\.\.\.\n$/);
    assert.doesNotMatch(r.stdout + r.stderr, /Pool-Pw-42/);

    // The data folder keeps the database: a pool on it has the 7 seeded rows.
    const again = await startLocalPool({ dataDir: data, port: 0, password: 'Pool-Pw-42' });
    try {
      const c = await SqlConnection.open({
        server: again.host,
        port: again.port,
        database: 'SQLPool01',
        authentication: { kind: 'sql-login', user: 'sa', password: 'Pool-Pw-42' },
        encrypt: 'strict',
        caCertPem: again.caCertPem!,
      });
      const n = await c.query('SELECT COUNT(*) FROM wwi_ml.CustomerTest');
      await c.close();
      assert.equal(Number(n.resultSets[0]!.rows[0]![0]), 7);
    } finally {
      await again.close();
    }
  });

  test('npm run localpool still takes --password and runs the same start-up', async () => {
    const r = await runPool([join(REPO, 'src', 'cli', 'localpool-main.ts'), '--port', '0', '--password', 'Pool-Pw-43'], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Local pool listening on 127\.0\.0\.1:\d+, database SQLPool01, in memory\.$/m);
  });
});
