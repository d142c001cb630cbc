/**
 * The lifecycle commands' command lines: what each accepts and the one-line message for each mistake.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELP, parseCommandLine, type ParsedCommand } from '../../../src/cli/args.js';
import { UsageError } from '../../../src/cli/errors.js';

const SQL = ['--server', 'ws.sql.azuresynapse.net', '--database', 'SQLPool01', '--user', 'loader'];

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

test('deployed: the connection and --json', () => {
  const p = parsed(['deployed', ...SQL, '--json'], 'deployed');
  assert.equal(p.json, true);
  assert.equal(p.sql.database, 'SQLPool01');
  assert.equal(
    usageMessage(['deployed', '--json']),
    "predict-wizard deployed: --server is required: the SQL endpoint, e.g. --server myworkspace.sql.azuresynapse.net (see 'predict-wizard deployed --help').",
  );
});

test('upgrade: object, registry, model with or without version, --delete-old', () => {
  const p = parsed(
    ['upgrade', ...SQL, '--object', '[wwi ml].CustomerPrediction', '--registry', './models', '--model', 'aml-synapse-classifier:2', '--delete-old'],
    'upgrade',
  );
  assert.deepEqual(p.object, { schema: 'wwi ml', name: 'CustomerPrediction' });
  assert.deepEqual(p.model, { name: 'aml-synapse-classifier', version: '2' });
  assert.equal(p.deleteOld, true);
  assert.deepEqual(parsed(['upgrade', ...SQL, '--object', 'v', '--registry', 'r', '--model', 'm'], 'upgrade').model, { name: 'm' });
  assert.deepEqual(parsed(['upgrade', ...SQL, '--object', 'v', '--registry', 'r', '--model', 'm'], 'upgrade').object, { schema: 'dbo', name: 'v' });
  assert.equal(
    usageMessage(['upgrade', ...SQL, '--registry', 'r', '--model', 'm:1']),
    "predict-wizard upgrade: --object is required: the view or stored procedure, e.g. --object wwi_ml.CustomerPrediction (see 'predict-wizard upgrade --help').",
  );
  assert.match(usageMessage(['upgrade', ...SQL, '--object', 'v', '--model', 'm:1']), /^predict-wizard upgrade: --registry is required: /);
  assert.match(
    usageMessage(['upgrade', ...SQL, '--object', 'v', '--registry', 'r', '--model', 'm:']),
    /--model 'm:' must be a model name, optionally with :version/,
  );
  assert.match(usageMessage(['upgrade', ...SQL, '--object', 'a.b.c.d', '--registry', 'r', '--model', 'm']), /^predict-wizard upgrade: --object 'a\.b\.c\.d': /);
});

test('rollback: --to is a model ID when given', () => {
  assert.equal(parsed(['rollback', ...SQL, '--object', 'v'], 'rollback').to, undefined);
  assert.equal(parsed(['rollback', ...SQL, '--object', 'v', '--to', 'm:1'], 'rollback').to, 'm:1');
  assert.equal(
    usageMessage(['rollback', ...SQL, '--object', 'v', '--to', 'm']),
    "predict-wizard rollback: --to 'm' must be a model ID name:version, e.g. aml-synapse-classifier:1 (see 'predict-wizard rollback --help').",
  );
});

test('compare: --rows is a whole number (default 1000), --model a model ID', () => {
  const p = parsed(['compare', ...SQL, '--object', 'v', '--model', 'm:2'], 'compare');
  assert.equal(p.rows, 1000);
  assert.equal(p.json, false);
  assert.equal(parsed(['compare', ...SQL, '--object', 'v', '--model', 'm:2', '--rows', '20', '--json'], 'compare').rows, 20);
  assert.match(usageMessage(['compare', ...SQL, '--object', 'v', '--model', 'm:2', '--rows', '0']), /--rows must be a whole number from 1 to 1000000, not '0'/);
  assert.match(usageMessage(['compare', ...SQL, '--object', 'v', '--model', 'm']), /--model 'm' must be a model ID name:version/);
  assert.match(usageMessage(['compare', ...SQL, '--object', 'v', '--model', 'm:2', '--registry', 'r']), /^predict-wizard compare: unknown option --registry/);
});

test('delete-model: --id required, --table optional', () => {
  const p = parsed(['delete-model', ...SQL, '--id', 'm:1', '--table', 'wwi_ml.AMLModel'], 'delete-model');
  assert.equal(p.id, 'm:1');
  assert.deepEqual(p.table, { schema: 'wwi_ml', name: 'AMLModel' });
  assert.equal(parsed(['delete-model', ...SQL, '--id', 'm:1'], 'delete-model').table, undefined);
  assert.match(usageMessage(['delete-model', ...SQL]), /^predict-wizard delete-model: --id is required: /);
  assert.match(usageMessage(['delete-model', ...SQL, '--id', 'x', '--password', 'p']), /secrets are not read from the command line.*PREDICT_SQL_PASSWORD/);
});

test('help: each lifecycle command has its page, and the main help lists them', () => {
  for (const c of ['deployed', 'upgrade', 'rollback', 'compare', 'delete-model'] as const) {
    assert.deepEqual(parseCommandLine([c, '--help']), { command: 'help', topic: c });
    assert.match(HELP[c], new RegExp(`^Usage: predict-wizard ${c} `));
    assert.match(HELP.main, new RegExp(`\\n  ${c} `));
  }
});
