/**
 * The product's SQL client: one connection to a Synapse dedicated SQL pool, an Azure SQL Managed
 * Instance or the local pool, over tedious 19.
 *
 * - `SqlConnection.open(config)` signs in with a SQL login or a Microsoft Entra access token (the
 *   host acquires the token; this module never sees refresh tokens or prompts).
 * - `query` collects result sets, `stream` hands rows over one at a time with backpressure,
 *   `runBatch` never throws for server errors (scripts show every message), `execute` does.
 * - Errors are translated into messages a user can act on; the password never appears in them.
 */
import { Readable } from 'node:stream';
import { Connection, Request, TYPES, type ConnectionConfiguration } from 'tedious';
import type { SqlType } from '../types.js';

// ---------------------------------------------------------------------------------------------
// Configuration

/** How the connection is encrypted. 'strict' is TDS 8.0 (TLS before anything else). */
export type EncryptMode = 'strict' | 'mandatory' | 'optional';

export type SqlAuthentication =
  | { readonly kind: 'sql-login'; readonly user: string; readonly password: string }
  /** A Microsoft Entra access token for `https://database.windows.net/.default`. */
  | { readonly kind: 'access-token'; readonly token: string; readonly user?: string };

export interface SqlConnectionConfig {
  readonly server: string;
  /** Default 1433. */
  readonly port?: number;
  /** The database to open; the login's default database when omitted. */
  readonly database?: string;
  readonly authentication: SqlAuthentication;
  /** Default 'mandatory'. */
  readonly encrypt?: EncryptMode;
  /** Accept any server certificate (not honoured by 'strict', which needs `caCertPem`). */
  readonly trustServerCertificate?: boolean;
  /** PEM certificate(s) of the authority that signed the server certificate (the local pool's). */
  readonly caCertPem?: string;
  /** The host name expected in the server certificate when it differs from `server`. */
  readonly hostNameInCertificate?: string;
  /** Default 15 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Per-request timeout; default 0 (none: scripts and deploys may run long; use cancel()). */
  readonly requestTimeoutMs?: number;
  /** Shown to the server as the program name. */
  readonly appName?: string;
}

/** `server:port`, as shown in messages. */
export function endpointText(config: Pick<SqlConnectionConfig, 'server' | 'port'>): string {
  return `${config.server}:${config.port ?? 1433}`;
}

/** A one-line description of a configuration for logs: never the password or the token. */
export function describeConnection(config: SqlConnectionConfig): string {
  const auth = config.authentication;
  const who = auth.kind === 'sql-login' ? `SQL login '${auth.user}'` : `Microsoft Entra token${auth.user ? ` for ${auth.user}` : ''}`;
  return `${endpointText(config)}${config.database ? `/${config.database}` : ''} as ${who}, encrypt ${config.encrypt ?? 'mandatory'}`;
}

/** Builds tedious's configuration. Exported for tests. */
export function toTediousConfig(config: SqlConnectionConfig): ConnectionConfiguration {
  const problem = configProblem(config);
  if (problem) throw new SqlConnectionError('config', problem);
  const encrypt = config.encrypt ?? 'mandatory';
  const auth = config.authentication;
  return {
    server: config.server,
    authentication:
      auth.kind === 'sql-login'
        ? { type: 'default', options: { userName: auth.user, password: auth.password } }
        : { type: 'azure-active-directory-access-token', options: { token: auth.token } },
    options: {
      port: config.port ?? 1433,
      database: config.database || undefined,
      encrypt: encrypt === 'strict' ? 'strict' : encrypt === 'mandatory',
      trustServerCertificate: config.trustServerCertificate ?? false,
      cryptoCredentialsDetails: config.caCertPem ? { ca: config.caCertPem } : {},
      serverName: config.hostNameInCertificate,
      connectTimeout: config.connectTimeoutMs ?? 15_000,
      requestTimeout: config.requestTimeoutMs ?? 0,
      appName: config.appName ?? 'Predict with a Model',
      rowCollectionOnRequestCompletion: false,
      useColumnNames: false,
      // Synapse rejects some of the session options tedious sets by default; these are the
      // ones every target accepts.
      enableArithAbort: true,
    },
  };
}

/** Checks a configuration before connecting; returns what is wrong, or undefined. */
export function configProblem(config: SqlConnectionConfig): string | undefined {
  if (!config.server || !config.server.trim()) return 'The server name is empty: enter a host name such as myworkspace.sql.azuresynapse.net.';
  if (/\s/.test(config.server.trim()) || /[/\\]/.test(config.server)) {
    return `The server name '${config.server}' is not a host name: use a name such as myworkspace.sql.azuresynapse.net, without spaces, slashes or instance names.`;
  }
  const port = config.port ?? 1433;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `The port ${String(config.port)} is not valid: use a whole number from 1 to 65535.`;
  const auth = config.authentication;
  if (auth.kind === 'sql-login' && !auth.user) return `No user name for the SQL login to ${endpointText(config)}.`;
  if (auth.kind === 'access-token' && !auth.token) return `No Microsoft Entra access token for ${endpointText(config)}: sign in first.`;
  if (config.encrypt === 'strict' && config.trustServerCertificate && !config.caCertPem) {
    return `Encrypt 'strict' does not honour trustServerCertificate: give the CA certificate of ${endpointText(config)} (caCertPath) or use encrypt 'mandatory'.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Errors

export type SqlConnectionErrorKind =
  | 'config'
  | 'login-failed'
  | 'database'
  | 'token'
  | 'unreachable'
  | 'timeout'
  | 'certificate'
  | 'encryption'
  | 'closed'
  | 'other';

/** Connecting failed, or the connection was lost. `message` says what to do. */
export class SqlConnectionError extends Error {
  constructor(
    readonly kind: SqlConnectionErrorKind,
    message: string,
    readonly number?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SqlConnectionError';
  }
}

/** A message from the server: PRINT/info (severity ≤ 10) or an error. `line` is 1-based within the batch. */
export interface SqlMessage {
  readonly kind: 'info' | 'error';
  readonly number: number;
  readonly state: number;
  readonly severity: number;
  readonly message: string;
  readonly line: number;
  readonly procName?: string;
}

/** The server reported one or more errors for a request. */
export class SqlRequestError extends Error {
  constructor(
    readonly errors: readonly SqlMessage[],
    readonly messages: readonly SqlMessage[] = [],
  ) {
    super(formatServerError(errors[0]!));
    this.name = 'SqlRequestError';
  }
  get number(): number {
    return this.errors[0]!.number;
  }
  get line(): number {
    return this.errors[0]!.line;
  }
}

export class SqlCancelledError extends Error {
  constructor() {
    super('The query was cancelled.');
    this.name = 'SqlCancelledError';
  }
}

/** `Msg 208, Level 16, State 1, Line 3: Invalid object name 'x'.` */
export function formatServerError(m: SqlMessage, lineOffset = 0): string {
  return `Msg ${m.number}, Level ${m.severity}, State ${m.state}${m.procName ? `, Procedure ${m.procName}` : ''}, Line ${m.line + lineOffset}: ${m.message}`;
}

interface TediousLikeError {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as TediousLikeError;
  const out: string[] = [];
  if (typeof e.code === 'string') out.push(e.code);
  out.push(...errorCodes(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) out.push(...errorCodes(inner, depth + 1));
  return out;
}

function errorMessages(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as TediousLikeError;
  const out: string[] = [];
  if (typeof e.message === 'string' && e.message) out.push(e.message);
  out.push(...errorMessages(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) out.push(...errorMessages(inner, depth + 1));
  return out;
}

const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

/** What the connection was trying to reach, for messages. */
export interface ConnectTarget {
  readonly server: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly authKind?: SqlAuthentication['kind'];
  readonly connectTimeoutMs?: number;
  readonly encrypt?: EncryptMode;
}

/**
 * Turns a tedious connect error into a message that names the server and says what to do.
 * `loginErrorNumber` is the number of the ERROR token the server sent during login, when it sent one.
 */
export function translateConnectError(err: unknown, target: ConnectTarget, loginErrorNumber?: number): SqlConnectionError {
  if (err instanceof SqlConnectionError) return err;
  const where = endpointText(target);
  const codes = errorCodes(err);
  const messages = errorMessages(err);
  const first = messages[0] ?? String(err);
  const detail = (messages.find((m) => !/^Failed to connect to /.test(m)) ?? first).replace(/\.$/, '');
  const opts = { cause: err };

  if (codes.includes('ELOGIN') || loginErrorNumber !== undefined) {
    const number = loginErrorNumber ?? 18456;
    if (number === 4060 || /Cannot open database/i.test(first)) {
      return new SqlConnectionError(
        'database',
        `Cannot open database '${target.database ?? ''}' on ${where}: check the database name and that ${target.user ? `user '${target.user}'` : 'your account'} has access to it (error ${number}).`,
        number,
        opts,
      );
    }
    if (target.authKind === 'access-token') {
      return new SqlConnectionError(
        'token',
        `Login with a Microsoft Entra token failed on ${where}: check that your account is a user of the database and sign in again (error ${number}: ${first.replace(/\.$/, '')}).`,
        number,
        opts,
      );
    }
    const user = target.user ?? (/Login failed for user '([^']*)'/.exec(first)?.[1] ?? '');
    if (number === 18456 || /Login failed/i.test(first)) {
      return new SqlConnectionError('login-failed', `Login failed for user '${user}' on ${where}: check the password (error ${number}).`, number, opts);
    }
    return new SqlConnectionError('login-failed', `Login to ${where} failed: ${first.replace(/\.$/, '')} (error ${number}).`, number, opts);
  }
  if (codes.includes('EFEDAUTH')) {
    return new SqlConnectionError('token', `The Microsoft Entra access token was not accepted by ${where}: sign in again.`, undefined, opts);
  }
  if (codes.some((c) => CERTIFICATE_CODES.has(c)) || /self[- ]signed certificate|unable to verify|certificate has expired|Hostname\/IP does not match/i.test(messages.join(' '))) {
    const fix =
      target.encrypt === 'strict'
        ? "set the CA certificate of the server (caCertPath) for this connection"
        : "set the CA certificate of the server (caCertPath), or set trustServerCertificate if you trust this network";
    return new SqlConnectionError('certificate', `The certificate of ${where} is not trusted (${detail}): ${fix}.`, undefined, opts);
  }
  if (codes.includes('EENCRYPT')) {
    return new SqlConnectionError('encryption', `${where} requires encryption: set encrypt to 'mandatory' or 'strict' for this connection.`, undefined, opts);
  }
  if (codes.includes('ETIMEOUT')) {
    const secs = Math.round((target.connectTimeoutMs ?? 15_000) / 1000);
    return new SqlConnectionError(
      'timeout',
      `Cannot reach server ${where}: no answer within ${secs} s. Check the server name and port, and that the server's firewall allows your IP address.`,
      undefined,
      opts,
    );
  }
  if (codes.includes('ECONNREFUSED')) {
    return new SqlConnectionError('unreachable', `Cannot reach server ${where}: connection refused. Check the port and that the server is running.`, undefined, opts);
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return new SqlConnectionError('unreachable', `Cannot reach server ${where}: the host name '${target.server}' was not found. Check the server name.`, undefined, opts);
  }
  if (codes.includes('ECONNRESET') || codes.includes('EPIPE') || codes.includes('ESOCKET')) {
    return new SqlConnectionError('unreachable', `Cannot reach server ${where}: ${detail}.`, undefined, opts);
  }
  return new SqlConnectionError('other', `Cannot connect to ${where}: ${detail}.`, undefined, opts);
}

// ---------------------------------------------------------------------------------------------
// Types and values

/** A parameter's declared type (lower-case base name, as `parseSqlType` returns it). */
export type ParameterSqlType = Readonly<SqlType>;

export type SqlCell = null | boolean | number | string | bigint | Date | Buffer;

/** A value for a parameter. A Readable is read to its end before the request is sent (tedious 19 sends parameter values from memory). */
export type ParameterValue = SqlCell | Uint8Array | Readable;

export interface SqlParameter {
  /** Without or with the leading '@'. */
  readonly name: string;
  readonly type: ParameterSqlType;
  readonly value: ParameterValue;
}

export interface ResultColumn {
  readonly name: string;
  /** The column's SQL type as text: `int`, `nvarchar(30)`, `decimal(18,4)`, `varbinary(max)`. */
  readonly type: string;
  readonly nullable: boolean;
}

export type SqlRow = readonly SqlCell[];

export interface ResultSet {
  readonly columns: readonly ResultColumn[];
  readonly rows: SqlRow[];
  /** True when the set had more rows than `maxRows` and the rest were dropped. */
  truncated: boolean;
  /** Rows the server sent (including dropped ones). */
  rowCount: number;
}

/** What one batch did. Server errors are in `errors`, not thrown. */
export interface BatchOutcome {
  readonly resultSets: ResultSet[];
  readonly messages: SqlMessage[];
  readonly errors: SqlMessage[];
  /** One entry per statement that reported a row count (INSERT/UPDATE/DELETE/SELECT). */
  readonly rowCounts: number[];
  /** The counts of statements that returned no result set: rows inserted, updated or deleted. */
  readonly affectedCounts: number[];
  readonly elapsedMs: number;
  readonly cancelled: boolean;
}

export interface QueryResult {
  readonly resultSets: ResultSet[];
  readonly messages: SqlMessage[];
  readonly rowCounts: number[];
}

export interface ExecuteResult {
  readonly rowCounts: number[];
  /** Rows affected in total. */
  readonly rowsAffected: number;
  readonly messages: SqlMessage[];
}

const MAX_BINARY_PARAMETER = 2 ** 31 - 1;

/** Maps our SQL type to tedious's parameter type and options. Throws for a type that cannot be a parameter. */
export function tediousParameterType(t: ParameterSqlType): { type: (typeof TYPES)[keyof typeof TYPES]; length?: number; precision?: number; scale?: number } {
  const name = t.name.toLowerCase();
  const len = (max: number) => (t.length === 'max' ? max + 1 : t.length);
  switch (name) {
    case 'bit':
      return { type: TYPES.Bit };
    case 'tinyint':
      return { type: TYPES.TinyInt };
    case 'smallint':
      return { type: TYPES.SmallInt };
    case 'int':
      return { type: TYPES.Int };
    case 'bigint':
      return { type: TYPES.BigInt };
    case 'real':
      return { type: TYPES.Real };
    case 'float':
      return { type: TYPES.Float };
    case 'decimal':
    case 'numeric':
      return { type: name === 'decimal' ? TYPES.Decimal : TYPES.Numeric, precision: t.precision ?? 18, scale: t.scale ?? 0 };
    case 'money':
      return { type: TYPES.Money };
    case 'smallmoney':
      return { type: TYPES.SmallMoney };
    case 'char':
      return { type: TYPES.Char, length: t.length === 'max' ? 8000 : t.length };
    case 'nchar':
      return { type: TYPES.NChar, length: t.length === 'max' ? 4000 : t.length };
    case 'varchar':
      return { type: TYPES.VarChar, length: len(8000) };
    case 'nvarchar':
    case 'sysname':
      return { type: TYPES.NVarChar, length: name === 'sysname' ? 128 : len(4000) };
    case 'binary':
      return { type: TYPES.Binary, length: t.length === 'max' ? 8000 : t.length };
    case 'varbinary':
      return { type: TYPES.VarBinary, length: len(8000) };
    case 'date':
      return { type: TYPES.Date };
    case 'datetime':
      return { type: TYPES.DateTime };
    case 'smalldatetime':
      return { type: TYPES.SmallDateTime };
    case 'datetime2':
      return { type: TYPES.DateTime2, scale: t.scale ?? 7 };
    case 'datetimeoffset':
      return { type: TYPES.DateTimeOffset, scale: t.scale ?? 7 };
    case 'time':
      return { type: TYPES.Time, scale: t.scale ?? 7 };
    case 'uniqueidentifier':
      return { type: TYPES.UniqueIdentifier };
    default:
      throw new TypeError(`The SQL type '${t.name}' cannot be used for a parameter: use one of bit, int, bigint, real, float, decimal, nvarchar, varchar, varbinary, datetime2, date, uniqueidentifier.`);
  }
}

interface TediousMetadata {
  colName: string;
  type: { name: string };
  dataLength?: number;
  precision?: number;
  scale?: number;
  flags?: number;
}

/** The SQL type of a result column as text, from tedious's column metadata. Exported for tests. */
export function columnTypeText(meta: Pick<TediousMetadata, 'type' | 'dataLength' | 'precision' | 'scale'>): string {
  const n = meta.type.name;
  const len = meta.dataLength;
  switch (n) {
    case 'IntN':
      return len === 1 ? 'tinyint' : len === 2 ? 'smallint' : len === 8 ? 'bigint' : 'int';
    case 'FloatN':
      return len === 4 ? 'real' : 'float';
    case 'MoneyN':
      return len === 4 ? 'smallmoney' : 'money';
    case 'DateTimeN':
      return len === 4 ? 'smalldatetime' : 'datetime';
    case 'BitN':
      return 'bit';
    case 'DecimalN':
    case 'Decimal':
      return `decimal(${meta.precision ?? 18},${meta.scale ?? 0})`;
    case 'NumericN':
    case 'Numeric':
      return `numeric(${meta.precision ?? 18},${meta.scale ?? 0})`;
    case 'NVarChar':
    case 'NChar':
      return `${n.toLowerCase()}(${len === undefined || len > 8000 ? 'max' : len / 2})`;
    case 'VarChar':
    case 'Char':
    case 'VarBinary':
    case 'Binary':
      return `${n.toLowerCase()}(${len === undefined || len > 8000 ? 'max' : len})`;
    case 'DateTime2':
    case 'Time':
    case 'DateTimeOffset':
      return `${n.toLowerCase()}(${meta.scale ?? 7})`;
    default:
      return n.toLowerCase();
  }
}

async function readAll(stream: Readable, limit: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    total += b.length;
    if (total > limit) {
      stream.destroy();
      throw new RangeError(`The value of parameter ${name} is larger than ${limit} bytes, the most a varbinary(max) can hold.`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

function toMessage(kind: 'info' | 'error', t: { number: number; state: number; class: number; message: string; lineNumber: number; procName?: string }): SqlMessage {
  return { kind, number: t.number, state: t.state, severity: t.class, message: t.message, line: t.lineNumber, ...(t.procName ? { procName: t.procName } : {}) };
}

// ---------------------------------------------------------------------------------------------
// The connection

export interface RunOptions {
  readonly params?: readonly SqlParameter[];
  /** Keep at most this many rows of each result set (the rest are counted, not kept). Default: all. */
  readonly maxRows?: number;
  /** Called when a result set starts. */
  readonly onResultSet?: (columns: readonly ResultColumn[]) => void;
  /**
   * Called for each row instead of keeping it. When it returns a promise, reading pauses until it
   * settles (backpressure); a rejection cancels the request and is rethrown.
   */
  readonly onRow?: (row: SqlRow, columns: readonly ResultColumn[]) => void | Promise<void>;
}

export interface OpenOptions {
  /** Receives a line per event (connect, request, error); never secrets. */
  readonly log?: (line: string) => void;
}

export class SqlConnection {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private current: Request | undefined;
  private lost: SqlConnectionError | undefined;

  private constructor(
    private readonly conn: Connection,
    readonly config: Readonly<Omit<SqlConnectionConfig, 'authentication'>> & { readonly authKind: SqlAuthentication['kind'] },
    private readonly log: (line: string) => void,
  ) {
    conn.on('error', (err: Error) => {
      this.lost = new SqlConnectionError('closed', `The connection to ${endpointText(config)} was lost: ${err.message}`, undefined, { cause: err });
      this.log(this.lost.message);
    });
    conn.on('end', () => {
      this.closed = true;
    });
  }

  /** Connects and signs in. Throws SqlConnectionError with a message that says what to do. */
  static async open(config: SqlConnectionConfig, options: OpenOptions = {}): Promise<SqlConnection> {
    const log = options.log ?? (() => {});
    const tediousConfig = toTediousConfig(config);
    const target: ConnectTarget = {
      server: config.server,
      port: config.port,
      database: config.database,
      user: config.authentication.kind === 'sql-login' ? config.authentication.user : config.authentication.user,
      authKind: config.authentication.kind,
      connectTimeoutMs: config.connectTimeoutMs,
      encrypt: config.encrypt,
    };
    log(`Connecting to ${describeConnection(config)}`);
    const conn = new Connection(tediousConfig);
    let loginErrorNumber: number | undefined;
    const onLoginError = (token: { number: number }) => {
      loginErrorNumber = token.number;
    };
    conn.on('errorMessage', onLoginError);
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const onEarlyError = (err: Error) => reject(err);
      conn.once('error', onEarlyError);
      conn.connect((err) => {
        conn.removeListener('error', onEarlyError);
        if (err) reject(err);
        else resolve();
      });
    }).catch((err: unknown) => {
      conn.removeListener('errorMessage', onLoginError);
      try {
        conn.close();
      } catch {
        // already closed
      }
      const translated = translateConnectError(err, target, loginErrorNumber);
      log(`Connect failed: ${translated.message}`);
      throw translated;
    });
    conn.removeListener('errorMessage', onLoginError);
    log(`Connected to ${endpointText(config)} in ${Date.now() - started} ms`);
    const { authentication, ...rest } = config;
    return new SqlConnection(conn, { ...rest, authKind: authentication.kind }, log);
  }

  get isOpen(): boolean {
    return !this.closed && !this.lost;
  }

  /**
   * Runs one batch (no GO) and reports everything it produced. Server errors are returned in
   * `errors`; connection problems and cancellation by a rejected `onRow` throw.
   */
  runBatch(sql: string, options: RunOptions = {}): Promise<BatchOutcome> {
    return this.enqueue(() => this.runNow(sql, options));
  }

  /** Runs a statement and collects its result sets. Throws SqlRequestError when the server reports an error. */
  async query(sql: string, params?: readonly SqlParameter[]): Promise<QueryResult> {
    const out = await this.runBatch(sql, { params });
    if (out.cancelled) throw new SqlCancelledError();
    if (out.errors.length) throw new SqlRequestError(out.errors, out.messages);
    return { resultSets: out.resultSets, messages: out.messages, rowCounts: out.rowCounts };
  }

  /**
   * Streams rows to `onRow`, one at a time. When `onRow` returns a promise, reading from the
   * server pauses until it settles. Throws SqlRequestError when the server reports an error.
   */
  async stream(
    sql: string,
    params: readonly SqlParameter[] | undefined,
    onRow: (row: SqlRow, columns: readonly ResultColumn[]) => void | Promise<void>,
    onResultSet?: (columns: readonly ResultColumn[]) => void,
  ): Promise<{ rowCount: number; messages: SqlMessage[] }> {
    let rowCount = 0;
    const out = await this.runBatch(sql, {
      params,
      onResultSet,
      onRow: (row, cols) => {
        rowCount++;
        return onRow(row, cols);
      },
    });
    if (out.cancelled) throw new SqlCancelledError();
    if (out.errors.length) throw new SqlRequestError(out.errors, out.messages);
    return { rowCount, messages: out.messages };
  }

  /** Runs statements that change things. Returns row counts and PRINT messages; throws SqlRequestError on a server error. */
  async execute(sql: string, params?: readonly SqlParameter[]): Promise<ExecuteResult> {
    const out = await this.runBatch(sql, { params });
    if (out.cancelled) throw new SqlCancelledError();
    if (out.errors.length) throw new SqlRequestError(out.errors, out.messages);
    return { rowCounts: out.rowCounts, rowsAffected: out.affectedCounts.reduce((a, b) => a + b, 0), messages: out.messages };
  }

  /**
   * Runs `work` inside a transaction: commits when it resolves, rolls back when it throws (and
   * rethrows). `work` receives this connection.
   */
  async transaction<T>(work: (tx: SqlConnection) => Promise<T>): Promise<T> {
    await this.execute('BEGIN TRANSACTION');
    let result: T;
    try {
      result = await work(this);
    } catch (err) {
      try {
        // The server may have rolled back already (a batch-aborting error): 3903 is expected then.
        if (this.isOpen) await this.execute('ROLLBACK TRANSACTION');
      } catch (rollbackErr) {
        if (!(rollbackErr instanceof SqlRequestError && rollbackErr.number === 3903)) {
          this.log(`Rollback failed: ${rollbackErr instanceof Error ? rollbackErr.message : String(rollbackErr)}`);
        }
      }
      throw err;
    }
    await this.execute('COMMIT TRANSACTION');
    return result;
  }

  /**
   * Runs `work` with the tedious connection itself, queued after this connection's other requests:
   * for what has no method here (bulk load, src/load/bulk.ts).
   */
  withDriver<T>(work: (driver: Connection) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      if (this.lost) throw this.lost;
      if (this.closed) throw new SqlConnectionError('closed', `The connection to ${endpointText(this.config)} is closed.`);
      return work(this.conn);
    });
  }

  /** Cancels the running request, if any. The request ends with `cancelled: true` (or SqlCancelledError). */
  cancel(): void {
    if (this.current && !this.closed) {
      this.log('Cancelling the running request');
      this.conn.cancel();
    }
  }

  /** Closes the connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.conn.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      this.conn.close();
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runNow(sql: string, options: RunOptions): Promise<BatchOutcome> {
    if (this.lost) throw this.lost;
    if (this.closed) throw new SqlConnectionError('closed', `The connection to ${endpointText(this.config)} is closed.`);
    const params: { name: string; type: ReturnType<typeof tediousParameterType>; value: unknown }[] = [];
    for (const p of options.params ?? []) {
      const name = p.name.replace(/^@/, '');
      const mapped = tediousParameterType(p.type);
      let value: unknown = p.value;
      if (value instanceof Readable) value = await readAll(value, MAX_BINARY_PARAMETER, `@${name}`);
      else if (value instanceof Uint8Array && !Buffer.isBuffer(value)) value = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      params.push({ name, type: mapped, value });
    }

    const started = Date.now();
    const resultSets: ResultSet[] = [];
    const messages: SqlMessage[] = [];
    const errors: SqlMessage[] = [];
    const rowCounts: number[] = [];
    const affectedCounts: number[] = [];
    let setOpen = false;
    let columns: ResultColumn[] = [];
    let currentSet: ResultSet | undefined;
    let rowFailure: unknown;
    const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
    const conn = this.conn;

    const onInfo = (t: Parameters<typeof toMessage>[1]) => messages.push(toMessage('info', t));
    const onError = (t: Parameters<typeof toMessage>[1]) => {
      const m = toMessage('error', t);
      messages.push(m);
      errors.push(m);
    };
    conn.on('infoMessage', onInfo);
    conn.on('errorMessage', onError);

    let cancelled = false;
    try {
      await new Promise<void>((resolve, reject) => {
        const request = new Request(sql, (err) => {
          if (err) {
            const code = (err as { code?: string }).code;
            if (code === 'ECANCEL') {
              cancelled = true;
              resolve();
              return;
            }
            if (code === 'EREQUEST' || (err instanceof AggregateError && errors.length)) {
              // The server's ERROR tokens are already in `errors`.
              if (!errors.length) errors.push({ kind: 'error', number: 0, state: 0, severity: 16, message: err.message, line: 0 });
              resolve();
              return;
            }
            if (code === 'ETIMEOUT') {
              reject(new SqlConnectionError('timeout', `The request to ${endpointText(this.config)} timed out after ${this.config.requestTimeoutMs ?? 0} ms.`, undefined, { cause: err }));
              return;
            }
            reject(this.lost ?? new SqlConnectionError('closed', `The request to ${endpointText(this.config)} failed: ${err.message}`, undefined, { cause: err }));
            return;
          }
          resolve();
        });
        for (const p of params) {
          request.addParameter(p.name, p.type.type, p.value, {
            ...(p.type.length !== undefined ? { length: p.type.length } : {}),
            ...(p.type.precision !== undefined ? { precision: p.type.precision } : {}),
            ...(p.type.scale !== undefined ? { scale: p.type.scale } : {}),
          });
        }
        request.on('columnMetadata', (meta) => {
          const list = (Array.isArray(meta) ? meta : Object.values(meta)) as unknown as TediousMetadata[];
          columns = list.map((m) => ({ name: m.colName, type: columnTypeText(m), nullable: ((m.flags ?? 0) & 0x01) === 0x01 }));
          currentSet = { columns, rows: [], truncated: false, rowCount: 0 };
          setOpen = true;
          resultSets.push(currentSet);
          options.onResultSet?.(columns);
        });
        request.on('row', (cols: { value: unknown }[]) => {
          const row = cols.map((c) => c.value as SqlCell);
          if (currentSet) currentSet.rowCount++;
          if (options.onRow) {
            if (rowFailure) return;
            let pending: void | Promise<void>;
            try {
              pending = options.onRow(row, columns);
            } catch (e) {
              rowFailure = e;
              this.conn.cancel();
              return;
            }
            if (pending && typeof (pending as Promise<void>).then === 'function') {
              request.pause();
              (pending as Promise<void>).then(
                () => request.resume(),
                (e: unknown) => {
                  rowFailure = e;
                  request.resume();
                  this.conn.cancel();
                },
              );
            }
            return;
          }
          if (!currentSet) return;
          if (currentSet.rows.length < maxRows) currentSet.rows.push(row);
          else currentSet.truncated = true;
        });
        const onDone = (rowCount: number | undefined) => {
          if (rowCount !== undefined) {
            rowCounts.push(rowCount);
            if (!setOpen) affectedCounts.push(rowCount);
          }
          setOpen = false;
        };
        request.on('done', onDone);
        request.on('doneInProc', onDone);
        request.on('doneProc', onDone);
        this.current = request;
        if (params.length) conn.execSql(request);
        else conn.execSqlBatch(request);
      });
    } finally {
      this.current = undefined;
      conn.removeListener('infoMessage', onInfo);
      conn.removeListener('errorMessage', onError);
    }
    if (rowFailure) throw rowFailure;
    return { resultSets, messages, errors, rowCounts, affectedCounts, elapsedMs: Date.now() - started, cancelled };
  }
}
