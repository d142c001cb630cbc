// A connection may name an environment variable that holds its password (passwordEnv): the name is
// kept in settings, the value never is, and SecretStorage wins when it holds a password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordFromEnvironment, profileToConfig, profileToSetting, readProfiles } from '../../../src/connections/config.js';

test('passwordEnv is read from settings and written back by name only', () => {
  const { profiles, problems } = readProfiles([
    { name: 'Demo', server: '127.0.0.1', port: 14330, database: 'SQLPool01', authenticationType: 'SqlLogin', user: 'sa', passwordEnv: 'LOCALPOOL_PASSWORD' },
    { name: 'Pool', server: '127.0.0.1', database: 'SQLPool01', authenticationType: 'LocalPool', passwordEnv: ' POOL_PW ' },
  ]);
  assert.deepEqual(problems, []);
  assert.equal(profiles[0]!.passwordEnv, 'LOCALPOOL_PASSWORD');
  assert.equal(profiles[1]!.passwordEnv, 'POOL_PW');
  assert.deepEqual(profileToSetting(profiles[0]!), {
    name: 'Demo',
    server: '127.0.0.1',
    port: 14330,
    database: 'SQLPool01',
    authenticationType: 'SqlLogin',
    user: 'sa',
    passwordEnv: 'LOCALPOOL_PASSWORD',
  });
});

test('a passwordEnv that is not a variable name leaves the entry out and says why', () => {
  const { profiles, problems } = readProfiles([
    { name: 'typed the password', server: 'h', database: 'd', user: 'u', passwordEnv: 'hunter2!' },
    { name: 'not text', server: 'h', database: 'd', user: 'u', passwordEnv: 42 },
    { name: 'entra', server: 'h', database: 'd', authenticationType: 'AzureMFA', passwordEnv: 'X' },
  ]);
  assert.deepEqual(
    profiles.map((p) => [p.name, p.passwordEnv]),
    [['entra', undefined]],
  );
  assert.deepEqual(problems, [
    "predictWizard.connections[0] ('typed the password'): passwordEnv must be the name of an environment variable (letters, digits and underscores, e.g. LOCALPOOL_PASSWORD), not 'hunter2!'. It was ignored.",
    "predictWizard.connections[1] ('not text'): passwordEnv must be the name of an environment variable, e.g. LOCALPOOL_PASSWORD. It was ignored.",
    "predictWizard.connections[2] ('entra'): passwordEnv applies to SqlLogin and LocalPool connections only; it was ignored.",
  ]);
});

test('the password comes from the named variable when it is set and not empty', () => {
  const [p] = readProfiles([{ name: 'Demo', server: 'h', database: 'd', user: 'sa', passwordEnv: 'PW' }]).profiles;
  assert.equal(passwordFromEnvironment(p!, { PW: 'S3cret!x' }), 'S3cret!x');
  assert.equal(passwordFromEnvironment(p!, { PW: '' }), undefined);
  assert.equal(passwordFromEnvironment(p!, {}), undefined);
  const config = profileToConfig(p!, { password: passwordFromEnvironment(p!, { PW: 'S3cret!x' }) });
  assert.deepEqual(config.authentication, { kind: 'sql-login', user: 'sa', password: 'S3cret!x' });
});

test('without a stored password or the variable, the error names the variable to set', () => {
  const [sql, pool] = readProfiles([
    { name: 'Demo', server: 'h', database: 'd', user: 'sa', passwordEnv: 'PW' },
    { name: 'Pool', server: 'h', database: 'd', authenticationType: 'LocalPool', passwordEnv: 'POOL_PW' },
  ]).profiles;
  assert.throws(() => profileToConfig(sql!, {}), {
    message:
      "No password is stored for connection 'Demo' and the environment variable PW (its passwordEnv) is not set: set it before starting VS Code, or edit the connection to enter the password.",
  });
  assert.throws(() => profileToConfig(pool!, {}), {
    message:
      'No password is stored for the local pool and the environment variable POOL_PW (passwordEnv of connection \'Pool\') is not set: set it before starting VS Code, or run "Start Local Pool" again.',
  });
});
