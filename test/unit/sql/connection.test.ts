import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { ConnectionError } from 'tedious';
import {
  SqlConnection,
  SqlConnectionError,
  translateConnectError,
  configProblem,
  columnTypeText,
  tediousParameterType,
  describeConnection,
  toTediousConfig,
  formatServerError,
  type SqlConnectionConfig,
} from '../../../src/sql/client/connection.js';

const target = { server: '127.0.0.1', port: 1433, user: 'sa', database: 'SQLPool01', authKind: 'sql-login' as const };

test('login failed: names the user and the server and says to check the password', () => {
  const err = new ConnectionError("Login failed for user 'sa'.", 'ELOGIN');
  const t = translateConnectError(err, target, 18456);
  assert.equal(t.kind, 'login-failed');
  assert.equal(t.number, 18456);
  assert.equal(t.message, "Login failed for user 'sa' on 127.0.0.1:1433: check the password (error 18456).");
});

test('unknown database: names the database', () => {
  const err = new ConnectionError('Cannot open database "Nope" requested by the login. The login failed.', 'ELOGIN');
  const t = translateConnectError(err, { ...target, database: 'Nope' }, 4060);
  assert.equal(t.kind, 'database');
  assert.equal(t.message, "Cannot open database 'Nope' on 127.0.0.1:1433: check the database name and that user 'sa' has access to it (error 4060).");
});

test('a rejected Entra token says to sign in again', () => {
  const err = new ConnectionError("Login failed for user '<token-identified principal>'.", 'ELOGIN');
  const t = translateConnectError(err, { server: 'ws.sql.azuresynapse.net', authKind: 'access-token' }, 18456);
  assert.equal(t.kind, 'token');
  assert.match(
    t.message,
    /^Login with a Microsoft Entra token failed on ws\.sql\.azuresynapse\.net:1433: check that your account is a user of the database and sign in again/,
  );
});

test('socket errors: refused, unknown host, timeout, untrusted certificate, encryption required', () => {
  const refused = new ConnectionError('Failed to connect to db.example:1444 - connect ECONNREFUSED', 'ESOCKET', {
    cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:1444'), { code: 'ECONNREFUSED' }),
  });
  assert.equal(
    translateConnectError(refused, { server: 'db.example', port: 1444 }).message,
    'Cannot reach server db.example:1444: connection refused. Check the port and that the server is running.',
  );
  const dns = new ConnectionError('Failed to connect to nohost.invalid:1433 - getaddrinfo ENOTFOUND nohost.invalid', 'ESOCKET', {
    cause: Object.assign(new Error('getaddrinfo ENOTFOUND nohost.invalid'), { code: 'ENOTFOUND' }),
  });
  assert.equal(
    translateConnectError(dns, { server: 'nohost.invalid' }).message,
    "Cannot reach server nohost.invalid:1433: the host name 'nohost.invalid' was not found. Check the server name.",
  );
  const timeout = new ConnectionError('Failed to connect to x:1433 in 15000ms', 'ETIMEOUT');
  assert.equal(
    translateConnectError(timeout, { server: 'x' }).message,
    "Cannot reach server x:1433: no answer within 15 s. Check the server name and port, and that the server's firewall allows your IP address.",
  );
  const cert = new ConnectionError('Failed to connect to localhost:1433 - self-signed certificate', 'ESOCKET', {
    cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
  });
  const c = translateConnectError(cert, { server: 'localhost', encrypt: 'strict' });
  assert.equal(c.kind, 'certificate');
  assert.equal(
    c.message,
    'The certificate of localhost:1433 is not trusted (self-signed certificate): set the CA certificate of the server (caCertPath) for this connection.',
  );
  const enc = new ConnectionError("Server requires encryption, set 'encrypt' config option to true.", 'EENCRYPT');
  assert.equal(translateConnectError(enc, { server: 'x' }).message, "x:1433 requires encryption: set encrypt to 'mandatory' or 'strict' for this connection.");
});

test('configuration problems are caught before connecting', () => {
  const base: SqlConnectionConfig = { server: 'x', authentication: { kind: 'sql-login', user: 'sa', password: 'p' } };
  assert.equal(configProblem(base), undefined);
  assert.equal(configProblem({ ...base, server: ' ' }), 'The server name is empty: enter a host name such as myworkspace.sql.azuresynapse.net.');
  assert.match(configProblem({ ...base, server: 'my server' })!, /^The server name 'my server' is not a host name/);
  assert.equal(configProblem({ ...base, port: 70000 }), 'The port 70000 is not valid: use a whole number from 1 to 65535.');
  assert.equal(configProblem({ ...base, authentication: { kind: 'sql-login', user: '', password: 'p' } }), 'No user name for the SQL login to x:1433.');
  assert.match(configProblem({ ...base, encrypt: 'strict', trustServerCertificate: true })!, /does not honour trustServerCertificate/);
  assert.throws(
    () => toTediousConfig({ ...base, port: 0 }),
    (e: unknown) => e instanceof SqlConnectionError && e.kind === 'config',
  );
});

test('tedious configuration: encrypt modes, CA certificate, access token', () => {
  const login: SqlConnectionConfig = { server: 'h', authentication: { kind: 'sql-login', user: 'u', password: 'p' } };
  assert.equal(toTediousConfig(login).options?.encrypt, true);
  assert.equal(toTediousConfig({ ...login, encrypt: 'optional' }).options?.encrypt, false);
  const strict = toTediousConfig({ ...login, encrypt: 'strict', caCertPem: '-----BEGIN CERTIFICATE-----' });
  assert.equal(strict.options?.encrypt, 'strict');
  assert.deepEqual(strict.options?.cryptoCredentialsDetails, { ca: '-----BEGIN CERTIFICATE-----' });
  const token = toTediousConfig({ server: 'h', authentication: { kind: 'access-token', token: 'eyJ' } });
  assert.deepEqual(token.authentication, { type: 'azure-active-directory-access-token', options: { token: 'eyJ' } });
});

test('descriptions for logs never carry the password or the token', () => {
  const d = describeConnection({
    server: 'h',
    port: 1500,
    database: 'db',
    authentication: { kind: 'sql-login', user: 'sa', password: 'S3cret!pw' },
    encrypt: 'strict',
  });
  assert.equal(d, "h:1500/db as SQL login 'sa', encrypt strict");
  const t = describeConnection({ server: 'h', authentication: { kind: 'access-token', token: 'eyJ.secret.token' } });
  assert.doesNotMatch(t, /eyJ/);
});

test('result column types as text', () => {
  const t = (name: string, extra: object = {}) => columnTypeText({ type: { name }, ...extra });
  assert.equal(t('IntN', { dataLength: 8 }), 'bigint');
  assert.equal(t('IntN', { dataLength: 4 }), 'int');
  assert.equal(t('FloatN', { dataLength: 4 }), 'real');
  assert.equal(t('NVarChar', { dataLength: 60 }), 'nvarchar(30)');
  assert.equal(t('NVarChar', { dataLength: 65535 }), 'nvarchar(max)');
  assert.equal(t('VarBinary', { dataLength: 65535 }), 'varbinary(max)');
  assert.equal(t('DecimalN', { precision: 18, scale: 4 }), 'decimal(18,4)');
  assert.equal(t('DateTime2', { scale: 7 }), 'datetime2(7)');
  assert.equal(t('UniqueIdentifier'), 'uniqueidentifier');
});

test('parameter types map to tedious types, max lengths declare (max)', () => {
  const vb = tediousParameterType({ name: 'varbinary', length: 'max' });
  assert.equal(vb.type.name, 'VarBinary');
  assert.equal(vb.type.declaration({ value: Buffer.alloc(10), length: vb.length } as never), 'varbinary(max)');
  const nv = tediousParameterType({ name: 'nvarchar', length: 30 });
  assert.equal(nv.type.declaration({ value: 'abc', length: nv.length } as never), 'nvarchar(30)');
  assert.deepEqual({ ...tediousParameterType({ name: 'decimal', precision: 10, scale: 2 }), type: undefined }, { type: undefined, precision: 10, scale: 2 });
  assert.throws(() => tediousParameterType({ name: 'geography' }), /The SQL type 'geography' cannot be used for a parameter/);
});

test('server messages read like SSMS', () => {
  assert.equal(
    formatServerError({ kind: 'error', number: 208, state: 1, severity: 16, message: "Invalid object name 'x'.", line: 2 }, 10),
    "Msg 208, Level 16, State 1, Line 12: Invalid object name 'x'.",
  );
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

test('a real connect to a closed port fails with "Cannot reach server"', async () => {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(
    SqlConnection.open({
      server: '127.0.0.1',
      port,
      authentication: { kind: 'sql-login', user: 'sa', password: 'x' },
      encrypt: 'optional',
      connectTimeoutMs: 5000,
    }),
    (e: unknown) =>
      e instanceof SqlConnectionError &&
      e.kind === 'unreachable' &&
      e.message === `Cannot reach server 127.0.0.1:${port}: connection refused. Check the port and that the server is running.`,
  );
});

test('a real connect to a server that never answers times out with the server named', async () => {
  const sockets = new Set<import('node:net').Socket>();
  const silent = createServer((s) => sockets.add(s));
  const port = await listen(silent);
  try {
    await assert.rejects(
      SqlConnection.open({
        server: '127.0.0.1',
        port,
        authentication: { kind: 'sql-login', user: 'sa', password: 'x' },
        encrypt: 'optional',
        connectTimeoutMs: 1000,
      }),
      (e: unknown) =>
        e instanceof SqlConnectionError && e.kind === 'timeout' && e.message.startsWith(`Cannot reach server 127.0.0.1:${port}: no answer within 1 s.`),
    );
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});
