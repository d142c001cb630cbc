import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readProfiles,
  parseServerInput,
  connectionNameProblem,
  databaseProblem,
  portProblem,
  profileToConfig,
  profileToSetting,
  describeProfile,
} from '../../../src/connections/config.js';

test('reads valid profiles and fills nothing it was not given', () => {
  const { profiles, problems } = readProfiles([
    { name: 'Synapse dev', server: 'ws.sql.azuresynapse.net', database: 'SQLPool01', authenticationType: 'AzureMFA' },
    { name: 'MI', server: 'mi.public.abc.database.windows.net,3342', database: 'ml', authenticationType: 'SqlLogin', user: 'admin', encrypt: 'strict' },
  ]);
  assert.deepEqual(problems, []);
  assert.deepEqual(profiles, [
    { name: 'Synapse dev', server: 'ws.sql.azuresynapse.net', database: 'SQLPool01', authenticationType: 'AzureMFA' },
    { name: 'MI', server: 'mi.public.abc.database.windows.net', port: 3342, database: 'ml', authenticationType: 'SqlLogin', user: 'admin', encrypt: 'strict' },
  ]);
});

test('bad entries are left out with a message naming the entry and the field', () => {
  const { profiles, problems } = readProfiles([
    { name: 'ok', server: 'h', database: 'd', authenticationType: 'SqlLogin', user: 'u' },
    { name: 'OK', server: 'h', database: 'd', authenticationType: 'SqlLogin', user: 'u' },
    { name: 'no user', server: 'h', database: 'd', authenticationType: 'SqlLogin' },
    { name: 'bad auth', server: 'h', database: 'd', authenticationType: 'Kerberos' },
    { name: 'bad port', server: 'h', port: 99999, database: 'd', authenticationType: 'AzureMFA' },
    { name: 'bad encrypt', server: 'h', database: 'd', authenticationType: 'AzureMFA', encrypt: 'yes' },
    'junk',
  ]);
  assert.deepEqual(
    profiles.map((p) => p.name),
    ['ok'],
  );
  assert.deepEqual(problems, [
    "predictWizard.connections[1] ('OK'): A connection named 'OK' already exists: choose another name. It was ignored.",
    "predictWizard.connections[2] ('no user'): Enter the SQL login, e.g. sqladminuser. It was ignored.",
    "predictWizard.connections[3] ('bad auth'): authenticationType must be one of SqlLogin, AzureMFA, LocalPool. It was ignored.",
    "predictWizard.connections[4] ('bad port'): The port '99999' is not valid: enter a whole number from 1 to 65535. It was ignored.",
    "predictWizard.connections[5] ('bad encrypt'): encrypt must be one of strict, mandatory, optional. It was ignored.",
    'predictWizard.connections[6] is not an object: it was ignored.',
  ]);
});

test('a password typed into settings is reported and never kept', () => {
  const { profiles, problems } = readProfiles([{ name: 'p', server: 'h', database: 'd', user: 'u', password: 'hunter2' }]);
  assert.equal(profiles.length, 1);
  assert.doesNotMatch(JSON.stringify(profiles), /hunter2/);
  assert.match(problems[0]!, /a password in settings is ignored; it is kept in the OS keychain instead/);
});

test('server input: host, host,port, host:port, tcp: prefix; instances and URLs refused', () => {
  assert.deepEqual(parseServerInput(' tcp:ws.sql.azuresynapse.net,1433 '), { server: 'ws.sql.azuresynapse.net', port: 1433 });
  assert.deepEqual(parseServerInput('127.0.0.1:51433'), { server: '127.0.0.1', port: 51433 });
  assert.deepEqual(parseServerInput('localhost'), { server: 'localhost' });
  assert.deepEqual(parseServerInput('host\\SQLEXPRESS'), {
    problem: "Named instances ('host\\SQLEXPRESS') are not supported: enter the host name and the port, e.g. myhost,1433.",
  });
  assert.deepEqual(parseServerInput('https://ws.dev.azuresynapse.net'), { problem: "Enter only the host name, not a URL: 'https://ws.dev.azuresynapse.net'." });
  assert.deepEqual(parseServerInput('host,abc'), { problem: "The server 'host,abc' is not a host name or an IP address." });
  assert.deepEqual(parseServerInput('host,'), { problem: "The port '' is not valid: enter a whole number from 1 to 65535." });
});

test('field checks while typing', () => {
  assert.equal(connectionNameProblem('', []), 'Enter a name for the connection, e.g. "Synapse dev".');
  assert.equal(connectionNameProblem('Dev', ['dev']), "A connection named 'Dev' already exists: choose another name.");
  assert.equal(connectionNameProblem('Dev', ['dev'], 'dev'), undefined, 'renaming a connection to itself is fine');
  assert.equal(databaseProblem(''), "Enter the database (the dedicated SQL pool's name), e.g. SQLPool01.");
  assert.equal(portProblem('0'), "The port '0' is not valid: enter a whole number from 1 to 65535.");
});

test('profile + secret → connection configuration', () => {
  const sql = { name: 's', server: 'h', database: 'd', authenticationType: 'SqlLogin' as const, user: 'u' };
  assert.deepEqual(profileToConfig(sql, { password: 'pw' }), {
    server: 'h',
    port: 1433,
    database: 'd',
    encrypt: 'mandatory',
    authentication: { kind: 'sql-login', user: 'u', password: 'pw' },
  });
  assert.throws(() => profileToConfig(sql, {}), /No password is stored for connection 's': edit the connection to enter it\./);
  const entra = { name: 'e', server: 'h', database: 'd', authenticationType: 'AzureMFA' as const };
  assert.throws(() => profileToConfig(entra, {}), /Sign in with Microsoft Entra ID to use connection 'e'\./);
  assert.equal(profileToConfig(entra, { accessToken: 't' }).authentication.kind, 'access-token');
  const local = { name: 'Local pool', server: '127.0.0.1', port: 51433, database: 'SQLPool01', authenticationType: 'LocalPool' as const };
  const lc = profileToConfig(local, { password: 'gen', caCertPem: 'PEM' });
  assert.equal(lc.encrypt, 'strict');
  assert.deepEqual(lc.authentication, { kind: 'sql-login', user: 'sa', password: 'gen' });
});

test('settings round trip and description', () => {
  const p = { name: 'MI', server: 'mi', port: 3342, database: 'ml', authenticationType: 'SqlLogin' as const, user: 'admin' };
  assert.deepEqual(readProfiles([profileToSetting(p)]).profiles, [p]);
  assert.equal(describeProfile(p), 'mi,3342/ml (admin)');
});
