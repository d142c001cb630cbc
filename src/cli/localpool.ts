/**
 * The local pool's command line, shared by `npm run localpool` (src/cli/localpool-main.ts) and
 * `predict-wizard localpool`: parse the options, start the pool (startLocalPool), print how to
 * connect, run until interrupted, stop cleanly.
 *
 * The password comes from LOCALPOOL_PASSWORD. `npm run localpool` also accepts --password, as it
 * always has; `predict-wizard` never reads secrets from the command line.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalPool } from '../localpool/index.js';
import { ENV } from './constants.js';
import { oneLine, parseArgsMessage, UsageError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './errors.js';
import type { CliIo } from './io.js';

export interface LocalPoolArgs {
  readonly port: number;
  readonly host: string;
  readonly data?: string;
  readonly seedRows?: number;
  readonly user: string;
  readonly database: string;
  readonly cert?: string;
  readonly key?: string;
  /** Only from --password, when the command line allows it. */
  readonly password?: string;
  readonly verbose: boolean;
  /** --import-dir: the only folder COPY INTO reads from (default <data>/import). */
  readonly importDir?: string;
  /** --allow-url-import: COPY INTO may read URLs. */
  readonly allowUrlImport?: boolean;
}

export interface LocalPoolCommandLine {
  /** How the command is invoked, for messages: `predict-wizard localpool`, `npm run localpool --`. */
  readonly program: string;
  /** Accept --password (the historical `npm run localpool`); otherwise it is refused. */
  readonly allowPasswordOption: boolean;
}

export function LOCALPOOL_HELP(program: string, allowPasswordOption: boolean): string {
  return `Usage: ${program} [--port 1433] [--host 127.0.0.1] [--data <dir>] [--seed-rows 1000]${allowPasswordOption ? ' [--password <password>]' : ''}

Starts the local pool: a SQL endpoint on this machine that speaks TDS, stores data in DuckDB and runs
PREDICT with onnxruntime. The password of its SQL login is read from ${ENV.localPoolPassword}${allowPasswordOption ? ' (or --password; the environment keeps it out of the shell history and the process list)' : ''}.

Options:
  --port <n>                   TCP port; 0 picks a free one (default 1433)
  --host <address>             address to listen on (default 127.0.0.1)
  --data <dir>                 keep the database and TLS certificate there (default: in memory)
  --seed-rows <n>              rows of wwi_ml.CustomerTest seeded into a new database (default 1000)
  --user <login>               the SQL login's name (default sa)
  --database <name>            the database name (default SQLPool01)
  --cert <pem> --key <pem>     a TLS certificate to use instead of the generated one
  --import-dir <dir>           the only folder COPY INTO reads files from (default <data>/import)
  --allow-url-import           let COPY INTO read http(s)://, s3://, azure:// and abfss:// locations
  --verbose                    print the stack of an unexpected error
  -h, --help                   show this help
`;
}

function usage(cl: LocalPoolCommandLine, message: string): UsageError {
  return new UsageError(`${cl.program}: ${message} (see '${cl.program} --help').`);
}

function wholeNumber(cl: LocalPoolCommandLine, key: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw usage(cl, `--${key} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return n;
}

/** Parses the local pool's options; 'help' for --help. Throws UsageError. */
export function parseLocalPoolArgs(argv: readonly string[], cl: LocalPoolCommandLine): LocalPoolArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'seed-rows': { type: 'string' },
        user: { type: 'string' },
        database: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        'import-dir': { type: 'string' },
        'allow-url-import': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...(cl.allowPasswordOption ? { password: { type: 'string' as const } } : {}),
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    throw usage(cl, parseArgsMessage(e));
  }
  if (values.help === true) return 'help';
  if (positionals.length) throw usage(cl, `unexpected argument '${positionals[0]}'`);
  const s = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const port = s('port') === undefined ? 1433 : wholeNumber(cl, 'port', s('port')!, 0, 65535);
  const seedRows = s('seed-rows') === undefined ? undefined : wholeNumber(cl, 'seed-rows', s('seed-rows')!, 0, 10_000_000);
  const cert = s('cert');
  const key = s('key');
  if (!!cert !== !!key) throw usage(cl, 'give --cert and --key together (the certificate and its private key, PEM files)');
  const host = s('host') ?? '127.0.0.1';
  if (!host.trim()) throw usage(cl, '--host needs an address, e.g. 127.0.0.1');
  return {
    port,
    host,
    ...(s('data') ? { data: s('data') } : {}),
    ...(seedRows !== undefined ? { seedRows } : {}),
    user: s('user') ?? 'sa',
    database: s('database') ?? 'SQLPool01',
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(s('password') ? { password: s('password') } : {}),
    verbose: values.verbose === true,
    ...(s('import-dir') ? { importDir: s('import-dir') } : {}),
    ...(values['allow-url-import'] === true ? { allowUrlImport: true } : {}),
  };
}

/** What a user reads once the pool listens: where, and how to connect with the usual clients. */
export function connectBanner(
  pool: Pick<LocalPool, 'host' | 'port' | 'database' | 'certPath'>,
  user: string,
  dataDir: string | undefined,
  importDir?: string,
): string {
  const imports = importDir ?? (dataDir ? resolve(dataDir, 'import') : undefined);
  const cert = pool.certPath ?? '(in memory: start with --data <dir> to keep a certificate file)';
  return `Local pool listening on ${pool.host}:${pool.port}, database ${pool.database}${dataDir ? `, data in ${dataDir}` : ', in memory'}.
TLS certificate: ${cert}
COPY INTO reads files from: ${imports ?? '(no import folder: start with --data <dir> or --import-dir <dir>)'}

Connect with:
  predict-wizard: --server ${pool.host}:${pool.port} --database ${pool.database} --user ${user} ${pool.certPath ? `--ca ${pool.certPath}` : '--encrypt optional'}
                  (password in PREDICT_SQL_PASSWORD)
  tedious:  { server: '${pool.host}', options: { port: ${pool.port}, database: '${pool.database}', encrypt: 'strict',
              cryptoCredentialsDetails: { ca: fs.readFileSync('${pool.certPath ?? '<cert.pem>'}') } },
              authentication: { type: 'default', options: { userName: '${user}', password: <password> } } }
            (or encrypt: false on this machine)
  sqlcmd:   sqlcmd -S ${pool.host},${pool.port} -U ${user} -d ${pool.database} -C   (-C trusts the pool's certificate)
  FreeTDS:  TDSVER=7.4 tsql -H ${pool.host} -p ${pool.port} -U ${user}
  Azure Data Studio / VS Code mssql: server ${pool.host},${pool.port}, SQL Login ${user}, encrypt Mandatory,
            trust server certificate: yes (or install ${pool.certPath ?? 'the certificate'} as trusted)
Press Ctrl+C to stop.
`;
}

/**
 * Starts the pool from parsed options and runs it until `io.signal` fires; then stops it.
 * Returns the exit code. The password comes from --password (when allowed) or LOCALPOOL_PASSWORD.
 */
export async function runLocalPool(args: LocalPoolArgs, io: CliIo, cl: LocalPoolCommandLine, onStarted?: (pool: LocalPool) => void): Promise<number> {
  const password = args.password ?? io.env[ENV.localPoolPassword];
  if (!password) {
    io.stderr(
      `${cl.program}: the local pool needs a password for its SQL login: set the environment variable ${ENV.localPoolPassword}${cl.allowPasswordOption ? ' (or pass --password)' : ''} (see '${cl.program} --help').\n`,
    );
    return EXIT_USAGE;
  }
  if (args.host !== '127.0.0.1' && args.host !== 'localhost' && args.host !== '::1') {
    io.stderr(
      `${cl.program}: WARNING: listening on ${args.host} lets other machines reach the pool. Anyone who knows the password can read and change its data.\n`,
    );
  }
  const dataDir = args.data ? resolve(io.cwd, args.data) : undefined;
  let pool: LocalPool;
  try {
    const { startLocalPool } = await import('../localpool/index.js');
    pool = await startLocalPool({
      dataDir,
      host: args.host,
      port: args.port,
      user: args.user,
      password,
      database: args.database,
      seedCustomers: args.seedRows,
      importDir: args.importDir ? resolve(io.cwd, args.importDir) : undefined,
      allowUrlImport: args.allowUrlImport,
      tls: args.cert || args.key ? { certPath: args.cert && resolve(io.cwd, args.cert), keyPath: args.key && resolve(io.cwd, args.key) } : undefined,
      log: (line) => io.stderr(`localpool: ${line.replaceAll(password, '***')}\n`),
    });
  } catch (e) {
    io.stderr(`${cl.program}: the local pool did not start: ${oneLine(e).replaceAll(password, '***')}\n`);
    if (args.verbose && e instanceof Error && e.stack) io.stderr(`${e.stack.replaceAll(password, '***')}\n`);
    return EXIT_FAILED;
  }
  io.stdout(connectBanner(pool, args.user, dataDir, args.importDir ? resolve(io.cwd, args.importDir) : undefined));
  onStarted?.(pool);
  await new Promise<void>((done) => {
    if (!io.signal || io.signal.aborted) {
      if (io.signal?.aborted) done();
      return; // without a signal the pool runs until the process ends
    }
    io.signal.addEventListener('abort', () => done(), { once: true });
  });
  io.stdout('Stopping the local pool...\n');
  await pool.close();
  return EXIT_OK;
}

/** Parses and runs: the whole `localpool` command. */
export async function localPoolCommand(argv: readonly string[], io: CliIo, cl: LocalPoolCommandLine): Promise<number> {
  let args: LocalPoolArgs | 'help';
  try {
    args = parseLocalPoolArgs(argv, cl);
  } catch (e) {
    io.stderr(`${oneLine(e)}\n`);
    return EXIT_USAGE;
  }
  if (args === 'help') {
    io.stdout(LOCALPOOL_HELP(cl.program, cl.allowPasswordOption));
    return EXIT_OK;
  }
  return runLocalPool(args, io, cl);
}
