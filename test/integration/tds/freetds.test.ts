import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startTestServer, type TestServer } from './helpers.js';

const hasTsql = spawnSync('tsql', ['-C'], { encoding: 'utf8' }).status === 0;

/** Runs FreeTDS's tsql with `script` on stdin, speaking TDS 7.4 without encryption. */
function tsql(port: number, script: string, password = PASSWORD): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('tsql', ['-H', '127.0.0.1', '-p', String(port), '-U', 'sa', '-P', password, '-o', 'v'], {
      env: { ...process.env, TDSVER: '7.4', FREETDSCONF: '/dev/null' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(script);
  });
}

describe(
  'TDS server: FreeTDS tsql, a second independent client',
  { skip: hasTsql ? false : 'FreeTDS tsql is not installed (Debian package freetds-bin)' },
  () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer();
    });
    after(async () => {
      await t.server.close();
    });

    it('logs in with TDS 7.4 and runs batches with rows, NULLs, messages and errors', async () => {
      const r = await tsql(t.server.port, 'SELECT 1\ngo\nROWS 12\ngo\nPRINT hello from the pool\ngo\nRAISERROR 50001 16 boom\ngo\nexit\n');
      const all = r.stdout + r.stderr;
      assert.match(all, /using TDS version 7\.4/);
      assert.match(r.stdout, /\(1 row affected\)/);
      assert.match(r.stdout, /^11\trow 11$/m);
      assert.match(r.stdout, /^10\tNULL$/m);
      assert.match(r.stdout, /\(12 rows affected\)/);
      assert.match(all, /hello from the pool/);
      assert.match(all, /Msg 50001 \(severity 16, state 1\) from localpool Line 1:\s+"boom"/);
    });

    it('is refused with a wrong password', async () => {
      const r = await tsql(t.server.port, 'SELECT 1\ngo\nexit\n', 'wrong');
      assert.match(r.stdout + r.stderr, /Login failed for user 'sa'/);
      assert.doesNotMatch(r.stdout, /\(1 row affected\)/);
    });
  },
);
