/**
 * runCli in process, with buffers for stdout and stderr: help, exit codes, one-line errors, the
 * stack only with --verbose, secrets never printed; and the text tables a terminal shows.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { resultSetText, scriptRunText, textTable } from '../../../src/cli/format.js';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import type { ScriptRun } from '../../../src/results/html.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], env: Record<string, string> = {}, cwd = process.cwd()): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-main-'));
  await writeSampleRegistry(join(root, 'registry'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('help and usage', () => {
  test('help lists the commands and the environment variables; exit 0', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    for (const word of ['localpool', 'models', 'versions', 'script', 'deploy', 'run', 'PREDICT_SQL_PASSWORD', 'MLFLOW_TRACKING_TOKEN', 'LOCALPOOL_PASSWORD']) {
      assert.ok(r.stdout.includes(word), `the help mentions ${word}`);
    }
    assert.equal(r.stderr, '');
  });

  test('each command has its help', async () => {
    for (const c of ['localpool', 'models', 'versions', 'script', 'deploy', 'run']) {
      const r = await cli([c, '--help']);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.startsWith(`Usage: predict-wizard ${c}`), `${c} --help starts with its usage`);
    }
  });

  test('a wrong command line: one line on stderr, exit 2', async () => {
    const r = await cli(['deploy', '--frob']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "predict-wizard deploy: unknown option --frob (see 'predict-wizard deploy --help').\n");
  });

  test('no password in the environment: a usage message naming the variable, exit 2, nothing connected', async () => {
    const r = await cli(['run', '--server', '127.0.0.1:1', '--database', 'SQLPool01', '--user', 'sa', '--file', 'x.sql']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "predict-wizard run: no password for SQL login 'sa': set the environment variable PREDICT_SQL_PASSWORD (passwords are never read from the command line).\n",
    );
  });

  test('localpool without LOCALPOOL_PASSWORD: exit 2', async () => {
    const r = await cli(['localpool', '--port', '0']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "predict-wizard localpool: the local pool needs a password for its SQL login: set the environment variable LOCALPOOL_PASSWORD (see 'predict-wizard localpool --help').\n",
    );
  });
});

describe('failures', () => {
  test('a failure is one line naming what failed, exit 1; the stack only with --verbose', async () => {
    const r = await cli(['versions', 'no-such-model', '--registry', join(root, 'registry')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^predict-wizard versions: Model 'no-such-model' was not found in .*registry/);
    const v = await cli(['versions', 'no-such-model', '--registry', join(root, 'registry'), '--verbose']);
    assert.equal(v.code, 1);
    assert.match(v.stderr, /\n\s+at /, 'the stack follows with --verbose');
  });

  test('an unreadable --ca names the file', async () => {
    const r = await cli(
      ['run', '--server', '127.0.0.1:1', '--database', 'd', '--user', 'sa', '--ca', 'missing.pem', '--file', 'x.sql'],
      { PREDICT_SQL_PASSWORD: 'pw-123' },
      root,
    );
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `predict-wizard run: cannot read the CA certificate ${join(root, 'missing.pem')} given by --ca (ENOENT); give the PEM file that signed the server's certificate.\n`,
    );
  });

  test("an unreachable server: exit 1 with the connection module's message, the password nowhere", async () => {
    await writeFile(join(root, 'one.sql'), 'SELECT 1');
    const r = await cli(
      ['run', '--server', '127.0.0.1:1', '--database', 'd', '--user', 'sa', '--encrypt', 'optional', '--file', 'one.sql'],
      { PREDICT_SQL_PASSWORD: 'Very-Secret-77' },
      root,
    );
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'predict-wizard run: Cannot reach server 127.0.0.1:1: connection refused. Check the port and that the server is running.\n');
    assert.doesNotMatch(r.stdout + r.stderr, /Very-Secret-77/);
  });

  test('a registry address with an unknown scheme', async () => {
    const r = await cli(['models', '--registry', 's3://bucket/models']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "predict-wizard models: --registry 's3://bucket/models' uses a scheme this tool cannot read; give a folder, an .onnx file, an http(s) MLflow server or an azureml:// workspace.\n",
    );
  });
});

describe('listings', () => {
  test('models as a table and as JSON', async () => {
    const r = await cli(['models', '--registry', 'registry', '--search', 'classifier'], {}, root);
    assert.equal(r.code, 0);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+LATEST\s+UPDATED\s+DESCRIPTION$/);
    assert.ok(lines.some((l) => /^aml-synapse-classifier\s+2\s/.test(l)));
    assert.ok(!lines.some((l) => l.startsWith('marital-status-encoder')), 'the search filters by name');
    const j = await cli(['models', '--registry', 'registry', '--json'], {}, root);
    const models = JSON.parse(j.stdout) as { name: string; latestVersion: string | null }[];
    assert.deepEqual(models.find((m) => m.name === 'aml-synapse-classifier')?.latestVersion, '2');
  });

  test('versions newest first, with why a version cannot be used', async () => {
    const r = await cli(['versions', 'aml-synapse-classifier', '--registry', 'registry', '--json'], {}, root);
    const versions = JSON.parse(r.stdout) as { version: string; onnx: boolean }[];
    assert.deepEqual(
      versions.map((v) => [v.version, v.onnx]),
      [
        ['2', true],
        ['1', true],
      ],
    );
    const sk = await cli(['versions', 'rating-classifier-sklearn', '--registry', 'registry'], {}, root);
    assert.match(sk.stdout, /^1\s.*sklearn\s.*no: PREDICT runs ONNX models only: .*Register an ONNX version of it\.$/m);
  });
});

describe('text output', () => {
  test('tables align columns and right-align numbers', () => {
    assert.equal(
      textTable(
        ['a', 'bb'],
        [
          ['x', '1'],
          ['yyy', '22'],
        ],
        [false, true],
      ),
      'a    bb\n---  --\nx     1\nyyy  22\n',
    );
    const text = resultSetText({
      columns: [
        { name: 'CustomerKey', type: 'int' },
        { name: 'label', type: 'nvarchar(10)' },
      ],
      rows: [
        [1, 'good'],
        [2, null],
      ],
      rowCount: 7,
      truncated: true,
    });
    assert.equal(text, 'CustomerKey  label\n-----------  -----\n          1  good\n          2  NULL\n(first 2 of 7 rows shown)\n');
  });

  test('script errors carry the script line', () => {
    const run: ScriptRun = {
      title: 's.sql',
      connectionName: 'c',
      database: 'd',
      startedAt: new Date(0),
      elapsedMs: 1,
      batches: 2,
      resultSets: [{ batch: 1, columns: [{ name: 'a', type: 'int', nullable: true }], rows: [[1]], rowCount: 1, truncated: false }],
      messages: [{ kind: 'error', number: 208, state: 1, severity: 16, message: "Invalid object name 'x'.", line: 2, batch: 2, scriptLine: 7 }],
      rowCounts: [],
      maxRows: 10,
      cancelled: false,
    };
    const out = scriptRunText(run, 's.sql');
    assert.equal(out.errors, 1);
    assert.equal(out.stdout, 'a\n-\n1\n(1 row)\n\n');
    assert.equal(out.stderr, "s.sql:7: Msg 208, Level 16, State 1, Line 7: Invalid object name 'x'.\n");
  });
});
