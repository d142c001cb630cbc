/**
 * The command line of `predict-wizard`: subcommands, their options (node's util.parseArgs) and help
 * texts, turned into typed requests. Pure: no I/O, so that every message a user can get for a bad
 * command line is unit-tested. Secrets never come from here: only from the environment.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseObjectName, SqlNameError, type ObjectName } from '../sql/names.js';
import type { ScriptType } from '../sql/script.js';
import { PREDICT_TARGETS, type PredictTarget } from '../sql/types.js';
import type { EncryptMode } from '../sql/client/connection.js';
import { parseArgsMessage, UsageError } from './errors.js';

import { ENV, PROGRAM } from './constants.js';
import { LOCALPOOL_HELP, parseLocalPoolArgs, type LocalPoolArgs } from './localpool.js';
import {
  LIFECYCLE_COMMANDS,
  LIFECYCLE_MAIN_HELP,
  LIFECYCLE_OPTIONS,
  lifecycleHelp,
  parseLifecycle,
  type LifecycleCommand,
  type LifecycleCommandName,
} from './lifecycle-args.js';

export { ENV, PROGRAM } from './constants.js';

export type CommandName = 'localpool' | 'models' | 'versions' | 'script' | 'deploy' | 'run' | LifecycleCommandName;
export const COMMANDS: readonly CommandName[] = ['localpool', 'models', 'versions', 'script', 'deploy', 'run', ...LIFECYCLE_COMMANDS];

// ---------------------------------------------------------------------------------------------
// Help

const SQL_HELP = `Connection:
  --server <host[:port]>       the SQL endpoint (host,port also accepted); port 1433 by default
  --database <name>            the database (the SQL pool)
  --user <login>               the SQL login; its password is read from ${ENV.sqlPassword}
  --encrypt <mode>             strict | mandatory (default) | optional
  --ca <file.pem>              CA certificate that signed the server's certificate (the local pool's)
  --trust-server-certificate   accept any server certificate (not with --encrypt strict)`;

const REGISTRY_HELP = `  --registry <where>           a folder of MLflow models or an MLflow file-store registry, an .onnx
                               file, an MLflow tracking server (http(s)://...; token from
                               ${ENV.mlflowToken}, or ${ENV.mlflowUser} and
                               ${ENV.mlflowPassword}), or an Azure ML workspace,
                               azureml://subscriptions/<id>/resourceGroups/<rg>/workspaces/<ws>
                               (signed in with the Azure CLI, environment or managed identity)`;

const PLAN_HELP = `Model and mapping:
  --table <schema.table>       the table whose rows are scored
${REGISTRY_HELP}
  --model <name[:version]>     the model version; without a version, the newest ONNX version
  --map <input=column>         map a model input to a column (repeatable); overrides the suggestion
  --input-type <input=type>    the SQL type an input is given, e.g. Cost=real (repeatable)
  --pass-through <col,...>     columns returned beside the predictions (default: the key columns)
  --target <target>            synapse-dedicated | sql-mi (default: what the server reports)
Objects:
  --view <schema.name>         create a view (the default, named <Table>Prediction)
  --procedure <schema.name>    create a stored procedure instead
  --replace                    drop and create the view or procedure again if it exists
  --model-table <schema.table> the table that holds the model row (default: the first model table)
  --create-model-table         create the model table (named by --model-table, default <schema>.AMLModel)
Output:
  --out <file>                 write the script to a file instead of stdout`;

const COMMON_HELP = `  --verbose                    print each step, and the stack of an unexpected error
  -h, --help                   show this help`;

export const HELP: Readonly<Record<CommandName | 'main', string>> = {
  main: `Usage: ${PROGRAM} <command> [options]

Predict with a model, without VS Code: list ONNX model versions, generate the T-SQL PREDICT script
for a table, store a model in a SQL pool, run scripts.

Commands:
  localpool   start the local pool (TDS + DuckDB + onnxruntime PREDICT) on this machine
  models      list the models of a registry
  versions    list the versions of a model, newest first, and whether PREDICT can run them
  script      print the scoring script for a table and a model version
  deploy      store the model in the model table and print the script (--run to run it)
  run         run a T-SQL script split on GO lines
${LIFECYCLE_MAIN_HELP}

Secrets come from the environment only, never from the command line:
  ${ENV.sqlPassword}      the SQL login's password
  ${ENV.mlflowToken}     a bearer token for an MLflow tracking server
  ${ENV.localPoolPassword}        the local pool's password

Exit codes: 0 done, 1 failed, 2 wrong command line.
Run '${PROGRAM} <command> --help' for the options of a command.
`,
  localpool: LOCALPOOL_HELP(PROGRAM + ' localpool', false),
  models: `Usage: ${PROGRAM} models --registry <where> [--search <text>] [--json]

Lists the registered models of a registry.

Options:
${REGISTRY_HELP}
  --search <text>              only models whose name contains the text (case-insensitive)
  --json                       print JSON instead of a table
${COMMON_HELP}
`,
  versions: `Usage: ${PROGRAM} versions <model> --registry <where> [--json]

Lists the versions of a model, newest first, with whether PREDICT can run them (ONNX) or why not.

Options:
${REGISTRY_HELP}
  --json                       print JSON instead of a table
${COMMON_HELP}
`,
  script: `Usage: ${PROGRAM} script --server <host[:port]> --database <db> --user <login> --table <schema.table>
                      --registry <where> --model <name[:version]> [options]

Reads the table's columns and the model's signature, applies the suggested mapping (or --map), prints
warnings to stderr and the scoring script to stdout. Nothing is changed in the database.

${SQL_HELP}
${PLAN_HELP}
${COMMON_HELP}
`,
  deploy: `Usage: ${PROGRAM} deploy --server <host[:port]> --database <db> --user <login> --table <schema.table>
                      --registry <where> --model <name[:version]> [options] [--run]

Does what the wizard's "Deploy model + open script" does: downloads the model, checks it with ONNX
Runtime, creates the model table if asked, stores the model row in one transaction, and prints the
scoring script. With --run it also runs the script and prints the first rows of the result.

${SQL_HELP}
${PLAN_HELP}
  --run                        run the script after the deploy
  --max-rows <n>               rows of each result set to print with --run (default 20)
${COMMON_HELP}
`,
  run: `Usage: ${PROGRAM} run --server <host[:port]> --database <db> --user <login> --file <script.sql>

Runs a T-SQL script batch by batch (split on GO lines, like sqlcmd), printing result sets as text
tables and errors with their line in the script. Exits with 1 when any batch failed.

${SQL_HELP}
Script:
  --file <script.sql>          the script to run ('-' reads it from stdin)
  --max-rows <n>               rows of each result set to print (default 100)
${COMMON_HELP}
`,
  ...lifecycleHelp(SQL_HELP, REGISTRY_HELP, COMMON_HELP),
};

// ---------------------------------------------------------------------------------------------
// Parsed requests

export interface SqlOptions {
  readonly server: string;
  readonly port?: number;
  readonly database: string;
  readonly user: string;
  readonly encrypt: EncryptMode;
  readonly caPath?: string;
  readonly trustServerCertificate: boolean;
}

export interface ModelRef {
  readonly name: string;
  readonly version?: string;
}

export interface PlanOptions {
  readonly table: ObjectName;
  readonly registry: string;
  readonly model: ModelRef;
  readonly maps: readonly { readonly input: string; readonly column: string }[];
  readonly inputTypes: readonly { readonly input: string; readonly type: string }[];
  readonly passThrough?: readonly string[];
  readonly target?: PredictTarget;
  readonly scriptType: ScriptType;
  /** As typed; undefined = the wizard's default name. */
  readonly scriptName?: string;
  readonly replace: boolean;
  readonly modelTable?: string;
  readonly createModelTable: boolean;
  readonly out?: string;
}

export interface Common {
  readonly verbose: boolean;
}

export type ParsedCommand =
  | { readonly command: 'help'; readonly topic: CommandName | 'main' }
  | ({ readonly command: 'localpool'; readonly pool: LocalPoolArgs } & Common)
  | ({ readonly command: 'models'; readonly registry: string; readonly search?: string; readonly json: boolean } & Common)
  | ({ readonly command: 'versions'; readonly registry: string; readonly model: string; readonly json: boolean } & Common)
  | ({ readonly command: 'script'; readonly sql: SqlOptions; readonly plan: PlanOptions } & Common)
  | ({ readonly command: 'deploy'; readonly sql: SqlOptions; readonly plan: PlanOptions; readonly run: boolean; readonly maxRows: number } & Common)
  | ({ readonly command: 'run'; readonly sql: SqlOptions; readonly file: string; readonly maxRows: number } & Common)
  | LifecycleCommand<SqlOptions>;

// ---------------------------------------------------------------------------------------------
// Options

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};
const SQL: Options = {
  server: { type: 'string', short: 'S' },
  database: { type: 'string', short: 'd' },
  user: { type: 'string', short: 'U' },
  encrypt: { type: 'string' },
  ca: { type: 'string' },
  'trust-server-certificate': { type: 'boolean' },
};
const PLAN: Options = {
  table: { type: 'string' },
  registry: { type: 'string' },
  model: { type: 'string' },
  map: { type: 'string', multiple: true },
  'input-type': { type: 'string', multiple: true },
  'pass-through': { type: 'string' },
  target: { type: 'string' },
  view: { type: 'string' },
  procedure: { type: 'string' },
  replace: { type: 'boolean' },
  'model-table': { type: 'string' },
  'create-model-table': { type: 'boolean' },
  out: { type: 'string', short: 'o' },
};

const OPTIONS: Readonly<Record<Exclude<CommandName, 'localpool'>, Options>> = {
  models: { ...COMMON, registry: { type: 'string' }, search: { type: 'string' }, json: { type: 'boolean' } },
  versions: { ...COMMON, registry: { type: 'string' }, json: { type: 'boolean' } },
  script: { ...COMMON, ...SQL, ...PLAN },
  deploy: { ...COMMON, ...SQL, ...PLAN, run: { type: 'boolean' }, 'max-rows': { type: 'string' } },
  run: { ...COMMON, ...SQL, file: { type: 'string', short: 'f' }, 'max-rows': { type: 'string' } },
  ...(Object.fromEntries(LIFECYCLE_COMMANDS.map((c) => [c, { ...COMMON, ...SQL, ...LIFECYCLE_OPTIONS[c] }])) as Record<LifecycleCommandName, Options>),
};

/** Options that would carry a secret: refused, with where the secret goes instead. */
const SECRET_OPTIONS: readonly { pattern: RegExp; env: string }[] = [
  { pattern: /^--?(password|pwd|pass|sql-password)(=.*)?$/i, env: ENV.sqlPassword },
  { pattern: /^--?(token|access-token|mlflow-token)(=.*)?$/i, env: ENV.mlflowToken },
];

function usage(command: CommandName | undefined, message: string): UsageError {
  const where = command ? `${PROGRAM} ${command}` : PROGRAM;
  return new UsageError(`${where}: ${message} (see '${where} --help').`);
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}
function flag(values: Values, key: string): boolean {
  return values[key] === true;
}
function list(values: Values, key: string): string[] {
  const v = values[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function required(command: CommandName, values: Values, key: string, what: string): string {
  const v = str(values, key)?.trim();
  if (!v) throw usage(command, `--${key} is required: ${what}`);
  return v;
}

function wholeNumber(command: CommandName, key: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw usage(command, `--${key} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return n;
}

/** `host`, `host:port`, `host,port`, `[::1]:port`. */
export function parseServer(text: string, command: CommandName = 'script'): { server: string; port?: number } {
  const t = text.trim();
  let host = t;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?:[:,](.*))?$/.exec(t);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else {
    const comma = t.lastIndexOf(',');
    const colon = t.indexOf(':') === t.lastIndexOf(':') ? t.lastIndexOf(':') : -1; // a bare IPv6 address has several
    const at = comma >= 0 ? comma : colon;
    if (at >= 0) {
      host = t.slice(0, at);
      portText = t.slice(at + 1);
    }
  }
  host = host.replace(/^tcp:/i, '').trim();
  if (!host) throw usage(command, `--server '${text}' has no host name; use host or host:port, e.g. myworkspace.sql.azuresynapse.net`);
  if (portText === undefined) return { server: host };
  const port = Number(portText);
  if (!/^\d+$/.test(portText.trim()) || port < 1 || port > 65535) {
    throw usage(command, `the port in --server '${text}' must be a number from 1 to 65535`);
  }
  return { server: host, port };
}

/** `name[:version]`: the version is what follows the last colon. */
export function parseModelRef(text: string, command: CommandName = 'script'): ModelRef {
  const t = text.trim();
  const at = t.lastIndexOf(':');
  if (at < 0) return { name: t };
  const name = t.slice(0, at).trim();
  const version = t.slice(at + 1).trim();
  if (!name || !version) throw usage(command, `--model '${text}' must be a model name, optionally with :version (e.g. aml-synapse-classifier:2)`);
  return { name, version };
}

function pairs(command: CommandName, key: string, items: readonly string[], example: string): { left: string; right: string }[] {
  return items.map((item) => {
    const at = item.indexOf('=');
    const left = at < 0 ? '' : item.slice(0, at).trim();
    const right = at < 0 ? '' : item.slice(at + 1).trim();
    if (!left || !right) throw usage(command, `--${key} '${item}' must be written input=value, e.g. --${key} ${example}`);
    return { left, right };
  });
}

function objectName(command: CommandName, key: string, text: string): ObjectName {
  try {
    return parseObjectName(text, 'dbo');
  } catch (e) {
    if (e instanceof SqlNameError) throw usage(command, `--${key} '${text}': ${e.message}`);
    throw e;
  }
}

function sqlOptions(command: CommandName, values: Values): SqlOptions {
  const { server, port } = parseServer(required(command, values, 'server', 'the SQL endpoint, e.g. --server myworkspace.sql.azuresynapse.net'), command);
  const database = required(command, values, 'database', 'the database (the SQL pool) to open');
  const user = required(command, values, 'user', `the SQL login (its password comes from ${ENV.sqlPassword})`);
  const encryptText = str(values, 'encrypt') ?? 'mandatory';
  if (encryptText !== 'strict' && encryptText !== 'mandatory' && encryptText !== 'optional') {
    throw usage(command, `--encrypt must be strict, mandatory or optional, not '${encryptText}'`);
  }
  const trust = flag(values, 'trust-server-certificate');
  const caPath = str(values, 'ca');
  if (encryptText === 'strict' && trust && !caPath) {
    throw usage(command, '--trust-server-certificate does not apply to --encrypt strict: give the CA certificate with --ca, or use --encrypt mandatory');
  }
  return {
    server,
    ...(port !== undefined ? { port } : {}),
    database,
    user,
    encrypt: encryptText,
    ...(caPath ? { caPath } : {}),
    trustServerCertificate: trust,
  };
}

function planOptions(command: CommandName, values: Values): PlanOptions {
  const table = objectName(command, 'table', required(command, values, 'table', 'the table to score, e.g. --table wwi_ml.CustomerTest'));
  const registry = required(command, values, 'registry', 'where the models are (a folder, an .onnx file or an MLflow server URL)');
  const model = parseModelRef(required(command, values, 'model', 'the model, e.g. --model aml-synapse-classifier:2'), command);
  const maps = pairs(command, 'map', list(values, 'map'), 'Cost=UnitCost').map((p) => ({ input: p.left, column: p.right }));
  const seen = new Set<string>();
  for (const m of maps) {
    if (seen.has(m.input)) throw usage(command, `--map names the model input '${m.input}' twice; map each input once`);
    seen.add(m.input);
  }
  const inputTypes = pairs(command, 'input-type', list(values, 'input-type'), 'Cost=real').map((p) => ({ input: p.left, type: p.right }));
  const passText = str(values, 'pass-through');
  const passThrough =
    passText === undefined
      ? undefined
      : passText
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean);
  const targetText = str(values, 'target');
  if (targetText !== undefined && !(PREDICT_TARGETS as readonly string[]).includes(targetText)) {
    throw usage(command, `--target must be one of ${PREDICT_TARGETS.join(', ')}, not '${targetText}'`);
  }
  const view = str(values, 'view');
  const procedure = str(values, 'procedure');
  if (view !== undefined && procedure !== undefined) throw usage(command, 'give --view or --procedure, not both');
  if (view !== undefined && !view.trim()) throw usage(command, '--view needs a name, e.g. --view wwi_ml.CustomerPrediction');
  if (procedure !== undefined && !procedure.trim()) throw usage(command, '--procedure needs a name, e.g. --procedure wwi_ml.ScoreCustomers');
  const modelTable = str(values, 'model-table');
  if (modelTable !== undefined && !modelTable.trim()) throw usage(command, '--model-table needs a name, e.g. --model-table wwi_ml.AMLModel');
  const out = str(values, 'out');
  return {
    table,
    registry,
    model,
    maps,
    inputTypes,
    ...(passThrough ? { passThrough } : {}),
    ...(targetText ? { target: targetText as PredictTarget } : {}),
    scriptType: procedure !== undefined ? 'procedure' : 'view',
    ...((procedure ?? view) ? { scriptName: (procedure ?? view)!.trim() } : {}),
    replace: flag(values, 'replace'),
    ...(modelTable ? { modelTable: modelTable.trim() } : {}),
    createModelTable: flag(values, 'create-model-table'),
    ...(out ? { out } : {}),
  };
}

/** Parses `argv` (without node and the script). Throws UsageError with one line naming what is wrong. */
export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const first = argv[0];
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = argv[1];
    return { command: 'help', topic: first === 'help' && topic && (COMMANDS as readonly string[]).includes(topic) ? (topic as CommandName) : 'main' };
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    if (first.startsWith('-')) throw usage(undefined, `name a command before the options: one of ${COMMANDS.join(', ')}`);
    throw usage(undefined, `unknown command '${first}'; the commands are ${COMMANDS.join(', ')}`);
  }
  const command = first as CommandName;
  const rest = argv.slice(1);
  for (const arg of rest) {
    if (arg === '--') break;
    const secret = SECRET_OPTIONS.find((s) => s.pattern.test(arg));
    if (secret) {
      const env = command === 'localpool' && secret.env === ENV.sqlPassword ? ENV.localPoolPassword : secret.env;
      throw usage(
        command,
        `secrets are not read from the command line (it shows in the process list and shell history): set the environment variable ${env} instead`,
      );
    }
  }
  if (command === 'localpool') {
    const pool = parseLocalPoolArgs(rest, { program: `${PROGRAM} localpool`, allowPasswordOption: false });
    return pool === 'help' ? { command: 'help', topic: 'localpool' } : { command, verbose: pool.verbose, pool };
  }
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...rest], options: OPTIONS[command], strict: true, allowPositionals: true }) as {
      values: Values;
      positionals: string[];
    });
  } catch (e) {
    throw usage(command, parseArgsMessage(e));
  }
  if (flag(values, 'help')) return { command: 'help', topic: command };
  const verbose = flag(values, 'verbose');
  const maxPositionals = command === 'versions' ? 1 : 0;
  if (positionals.length > maxPositionals) {
    throw usage(command, `unexpected argument '${positionals[maxPositionals]}'`);
  }

  switch (command) {
    case 'models': {
      const search = str(values, 'search');
      return {
        command,
        verbose,
        registry: required(command, values, 'registry', 'where the models are (a folder, an .onnx file or an MLflow server URL)'),
        ...(search ? { search } : {}),
        json: flag(values, 'json'),
      };
    }
    case 'versions': {
      const model = positionals[0]?.trim();
      if (!model) throw usage(command, 'name the model, e.g. predict-wizard versions aml-synapse-classifier --registry ./models');
      return {
        command,
        verbose,
        model,
        registry: required(command, values, 'registry', 'where the models are (a folder, an .onnx file or an MLflow server URL)'),
        json: flag(values, 'json'),
      };
    }
    case 'script':
      return { command, verbose, sql: sqlOptions(command, values), plan: planOptions(command, values) };
    case 'deploy': {
      const run = flag(values, 'run');
      const maxRowsText = str(values, 'max-rows');
      if (maxRowsText !== undefined && !run) throw usage(command, '--max-rows applies to --run only');
      return {
        command,
        verbose,
        sql: sqlOptions(command, values),
        plan: planOptions(command, values),
        run,
        maxRows: wholeNumber(command, 'max-rows', maxRowsText, 1, 100_000, 20),
      };
    }
    case 'run': {
      const sql = sqlOptions(command, values);
      const file = required(command, values, 'file', "the script to run, e.g. --file score.sql ('-' for stdin)");
      return { command, verbose, sql, file, maxRows: wholeNumber(command, 'max-rows', str(values, 'max-rows'), 1, 100_000, 100) };
    }
    default:
      return parseLifecycle(command, values, verbose, { sqlOptions, usage, objectName });
  }
}
