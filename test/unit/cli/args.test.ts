/**
 * The predict-wizard command line: what each subcommand accepts, and the exact one-line message a
 * user gets for each mistake.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, parseModelRef, parseServer, type ParsedCommand } from '../../../src/cli/args.js';
import { UsageError } from '../../../src/cli/errors.js';

const SQL = ['--server', 'ws.sql.azuresynapse.net', '--database', 'SQLPool01', '--user', 'loader'];
const PLAN = ['--table', 'wwi_ml.CustomerTest', '--registry', './models', '--model', 'aml-synapse-classifier:2'];

function usageMessage(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`'${argv.join(' ')}' was accepted`);
}

function parsed<K extends ParsedCommand['command']>(argv: string[], command: K): Extract<ParsedCommand, { command: K }> {
  const p = parseCommandLine(argv);
  assert.equal(p.command, command);
  return p as Extract<ParsedCommand, { command: K }>;
}

describe('commands and help', () => {
  test('no command, --help and help <command> ask for help', () => {
    assert.deepEqual(parseCommandLine([]), { command: 'help', topic: 'main' });
    assert.deepEqual(parseCommandLine(['--help']), { command: 'help', topic: 'main' });
    assert.deepEqual(parseCommandLine(['help', 'deploy']), { command: 'help', topic: 'deploy' });
    assert.deepEqual(parseCommandLine(['script', '--help']), { command: 'help', topic: 'script' });
    assert.deepEqual(parseCommandLine(['localpool', '-h']), { command: 'help', topic: 'localpool' });
  });

  test('an unknown command lists the commands', () => {
    assert.equal(
      usageMessage(['predict']),
      "predict-wizard: unknown command 'predict'; the commands are localpool, models, versions, script, deploy, run, deployed, upgrade, rollback, compare, delete-model (see 'predict-wizard --help').",
    );
    assert.equal(
      usageMessage(['--server', 'x']),
      "predict-wizard: name a command before the options: one of localpool, models, versions, script, deploy, run, deployed, upgrade, rollback, compare, delete-model (see 'predict-wizard --help').",
    );
  });

  test('unknown options, missing values and stray arguments', () => {
    assert.equal(usageMessage(['deploy', '--frob']), "predict-wizard deploy: unknown option --frob (see 'predict-wizard deploy --help').");
    assert.equal(usageMessage(['models', '--registry']), "predict-wizard models: --registry needs a value (see 'predict-wizard models --help').");
    assert.equal(
      usageMessage(['models', '--registry', 'x', 'extra']),
      "predict-wizard models: unexpected argument 'extra' (see 'predict-wizard models --help').",
    );
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--replace=yes']),
      "predict-wizard script: --replace takes no value (see 'predict-wizard script --help').",
    );
  });
});

describe('secrets never come from the command line', () => {
  test('--password is refused for every command, naming the environment variable instead', () => {
    const expected = (cmd: string, env: string) =>
      `predict-wizard ${cmd}: secrets are not read from the command line (it shows in the process list and shell history): set the environment variable ${env} instead (see 'predict-wizard ${cmd} --help').`;
    assert.equal(usageMessage(['script', ...SQL, '--password', 'S3cret!']), expected('script', 'PREDICT_SQL_PASSWORD'));
    assert.equal(usageMessage(['run', '--password=S3cret!']), expected('run', 'PREDICT_SQL_PASSWORD'));
    assert.equal(usageMessage(['models', '--registry', 'http://mlflow:5000', '--token', 'abc']), expected('models', 'MLFLOW_TRACKING_TOKEN'));
    assert.equal(usageMessage(['localpool', '--password', 'S3cret!']), expected('localpool', 'LOCALPOOL_PASSWORD'));
  });

  test('the secret itself never appears in the message', () => {
    assert.doesNotMatch(usageMessage(['deploy', '--password=Hunter2-Secret']), /Hunter2/);
  });
});

describe('models and versions', () => {
  test('models: registry, search and json', () => {
    assert.deepEqual(parsed(['models', '--registry', './reg', '--search', 'classifier', '--json'], 'models'), {
      command: 'models',
      verbose: false,
      registry: './reg',
      search: 'classifier',
      json: true,
    });
    assert.equal(
      usageMessage(['models']),
      "predict-wizard models: --registry is required: where the models are (a folder, an .onnx file or an MLflow server URL) (see 'predict-wizard models --help').",
    );
  });

  test('versions: the model is the positional argument', () => {
    const p = parsed(['versions', 'aml-synapse-classifier', '--registry', 'http://127.0.0.1:5000'], 'versions');
    assert.equal(p.model, 'aml-synapse-classifier');
    assert.equal(p.registry, 'http://127.0.0.1:5000');
    assert.equal(
      usageMessage(['versions', '--registry', 'x']),
      "predict-wizard versions: name the model, e.g. predict-wizard versions aml-synapse-classifier --registry ./models (see 'predict-wizard versions --help').",
    );
  });
});

describe('script and deploy', () => {
  test('the connection and the plan with defaults', () => {
    const p = parsed(['script', ...SQL, ...PLAN], 'script');
    assert.deepEqual(p.sql, { server: 'ws.sql.azuresynapse.net', database: 'SQLPool01', user: 'loader', encrypt: 'mandatory', trustServerCertificate: false });
    assert.deepEqual(p.plan, {
      table: { schema: 'wwi_ml', name: 'CustomerTest' },
      registry: './models',
      model: { name: 'aml-synapse-classifier', version: '2' },
      maps: [],
      inputTypes: [],
      scriptType: 'view',
      replace: false,
      createModelTable: false,
    });
  });

  test('every plan option', () => {
    const p = parsed(
      [
        'deploy',
        ...SQL,
        ...PLAN,
        '--server',
        '127.0.0.1:14330',
        '--encrypt',
        'strict',
        '--ca',
        'pool.pem',
        '--map',
        'Cost=UnitCost',
        '--map',
        'Size = PackSize',
        '--input-type',
        'Cost=float',
        '--pass-through',
        'CustomerKey, Region',
        '--target',
        'sql-mi',
        '--procedure',
        'wwi_ml.ScoreCustomers',
        '--replace',
        '--model-table',
        'wwi_ml.Models',
        '--create-model-table',
        '--out',
        'score.sql',
        '--run',
        '--max-rows',
        '5',
        '--verbose',
      ],
      'deploy',
    );
    assert.deepEqual(p.sql, {
      server: '127.0.0.1',
      port: 14330,
      database: 'SQLPool01',
      user: 'loader',
      encrypt: 'strict',
      caPath: 'pool.pem',
      trustServerCertificate: false,
    });
    assert.deepEqual(p.plan.maps, [
      { input: 'Cost', column: 'UnitCost' },
      { input: 'Size', column: 'PackSize' },
    ]);
    assert.deepEqual(p.plan.inputTypes, [{ input: 'Cost', type: 'float' }]);
    assert.deepEqual(p.plan.passThrough, ['CustomerKey', 'Region']);
    assert.equal(p.plan.target, 'sql-mi');
    assert.equal(p.plan.scriptType, 'procedure');
    assert.equal(p.plan.scriptName, 'wwi_ml.ScoreCustomers');
    assert.equal(p.plan.replace, true);
    assert.equal(p.plan.modelTable, 'wwi_ml.Models');
    assert.equal(p.plan.createModelTable, true);
    assert.equal(p.plan.out, 'score.sql');
    assert.equal(p.run, true);
    assert.equal(p.maxRows, 5);
    assert.equal(p.verbose, true);
  });

  test('each missing required option is named with what it is for', () => {
    assert.equal(
      usageMessage(['script', ...PLAN]),
      "predict-wizard script: --server is required: the SQL endpoint, e.g. --server myworkspace.sql.azuresynapse.net (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['script', '--server', 'x', '--database', 'd', ...PLAN]),
      "predict-wizard script: --user is required: the SQL login (its password comes from PREDICT_SQL_PASSWORD) (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['deploy', ...SQL, '--registry', 'r', '--model', 'm']),
      "predict-wizard deploy: --table is required: the table to score, e.g. --table wwi_ml.CustomerTest (see 'predict-wizard deploy --help').",
    );
    assert.equal(
      usageMessage(['deploy', ...SQL, '--table', 't', '--registry', 'r']),
      "predict-wizard deploy: --model is required: the model, e.g. --model aml-synapse-classifier:2 (see 'predict-wizard deploy --help').",
    );
  });

  test('bad values', () => {
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--encrypt', 'yes']),
      "predict-wizard script: --encrypt must be strict, mandatory or optional, not 'yes' (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--target', 'sql-server']),
      "predict-wizard script: --target must be one of synapse-dedicated, sql-mi, sql-edge, not 'sql-server' (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--map', 'Cost']),
      "predict-wizard script: --map 'Cost' must be written input=value, e.g. --map Cost=UnitCost (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--map', 'Cost=A', '--map', 'Cost=B']),
      "predict-wizard script: --map names the model input 'Cost' twice; map each input once (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--view', 'a', '--procedure', 'b']),
      "predict-wizard script: give --view or --procedure, not both (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--table', 'a.b.c.d']),
      "predict-wizard script: --table 'a.b.c.d': The name 'a.b.c.d' has more than 3 parts. (see 'predict-wizard script --help').",
    );
    assert.equal(
      usageMessage(['deploy', ...SQL, ...PLAN, '--max-rows', '5']),
      "predict-wizard deploy: --max-rows applies to --run only (see 'predict-wizard deploy --help').",
    );
    assert.equal(
      usageMessage(['deploy', ...SQL, ...PLAN, '--run', '--max-rows', '0']),
      "predict-wizard deploy: --max-rows must be a whole number from 1 to 100000, not '0' (see 'predict-wizard deploy --help').",
    );
    assert.equal(
      usageMessage(['script', ...SQL, ...PLAN, '--encrypt', 'strict', '--trust-server-certificate']),
      "predict-wizard script: --trust-server-certificate does not apply to --encrypt strict: give the CA certificate with --ca, or use --encrypt mandatory (see 'predict-wizard script --help').",
    );
  });
});

describe('run and localpool', () => {
  test('run: file and max rows', () => {
    const p = parsed(['run', ...SQL, '--file', 'score.sql'], 'run');
    assert.equal(p.file, 'score.sql');
    assert.equal(p.maxRows, 100);
    assert.equal(
      usageMessage(['run', ...SQL]),
      "predict-wizard run: --file is required: the script to run, e.g. --file score.sql ('-' for stdin) (see 'predict-wizard run --help').",
    );
  });

  test('localpool: defaults and options', () => {
    assert.deepEqual(parsed(['localpool'], 'localpool').pool, { port: 1433, host: '127.0.0.1', user: 'sa', database: 'SQLPool01', verbose: false });
    assert.deepEqual(parsed(['localpool', '--port', '0', '--data', 'pool', '--seed-rows', '50'], 'localpool').pool, {
      port: 0,
      host: '127.0.0.1',
      data: 'pool',
      seedRows: 50,
      user: 'sa',
      database: 'SQLPool01',
      verbose: false,
    });
    assert.equal(
      usageMessage(['localpool', '--port', '70000']),
      "predict-wizard localpool: --port must be a whole number from 0 to 65535, not '70000' (see 'predict-wizard localpool --help').",
    );
    assert.equal(
      usageMessage(['localpool', '--cert', 'c.pem']),
      "predict-wizard localpool: give --cert and --key together (the certificate and its private key, PEM files) (see 'predict-wizard localpool --help').",
    );
  });
});

describe('servers and model references', () => {
  test('host, host:port, host,port and [ipv6]:port', () => {
    assert.deepEqual(parseServer('ws.sql.azuresynapse.net'), { server: 'ws.sql.azuresynapse.net' });
    assert.deepEqual(parseServer('127.0.0.1:14330'), { server: '127.0.0.1', port: 14330 });
    assert.deepEqual(parseServer('tcp:ws.database.windows.net,1433'), { server: 'ws.database.windows.net', port: 1433 });
    assert.deepEqual(parseServer('[::1]:1433'), { server: '::1', port: 1433 });
    assert.throws(() => parseServer('host:99999'), {
      message: "predict-wizard script: the port in --server 'host:99999' must be a number from 1 to 65535 (see 'predict-wizard script --help').",
    });
  });

  test('name[:version]', () => {
    assert.deepEqual(parseModelRef('aml-synapse-classifier'), { name: 'aml-synapse-classifier' });
    assert.deepEqual(parseModelRef('aml-synapse-classifier:12'), { name: 'aml-synapse-classifier', version: '12' });
    assert.throws(() => parseModelRef('model:'), {
      message:
        "predict-wizard script: --model 'model:' must be a model name, optionally with :version (e.g. aml-synapse-classifier:2) (see 'predict-wizard script --help').",
    });
  });
});
