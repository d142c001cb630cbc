import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  poolErrorForUser,
  poolStatePath,
  processAlive,
  readPoolState,
  removePoolState,
  reuseDecision,
  writePoolState,
  type PoolState,
} from '../../../src/connections/localpool-state.js';

const state: PoolState = { pid: 4242, host: '127.0.0.1', port: 51433, caCertPath: '/d/tls/localpool-cert.pem', startedAt: '2026-12-04T13:00:00.000Z' };

describe('local pool: reusing the pool another window started', () => {
  test('reuses only a recorded pool whose process is alive and that answers on its port', async () => {
    const yes = { alive: () => true, answers: async () => true };
    assert.deepEqual(await reuseDecision(state, yes), { action: 'reuse', state });
    assert.deepEqual(await reuseDecision(undefined, yes), { action: 'start', why: 'no record' });
    assert.deepEqual(await reuseDecision(state, { ...yes, alive: () => false }), { action: 'start', why: 'process gone' });
    assert.deepEqual(await reuseDecision(state, { ...yes, answers: async () => false }), { action: 'start', why: 'not answering' });
  });

  test('the record is written, read back, ignored when malformed, and removed only by its own pool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-state-'));
    try {
      assert.equal(await readPoolState(dir), undefined);
      await writePoolState(dir, state);
      assert.deepEqual(await readPoolState(dir), state);
      await removePoolState(dir, 1);
      assert.deepEqual(await readPoolState(dir), state, "another process's exit leaves the record");
      await removePoolState(dir, state.pid);
      assert.equal(existsSync(poolStatePath(dir)), false);
      writeFileSync(poolStatePath(dir), '{"pid":"4242","host":"x","port":1,"startedAt":""}');
      assert.equal(await readPoolState(dir), undefined);
      writeFileSync(poolStatePath(dir), 'not json');
      assert.equal(await readPoolState(dir), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('tells a live process from a gone one', () => {
    assert.equal(processAlive(process.pid), true);
    assert.equal(processAlive(2 ** 22 + 12345), false);
  });

  test("the pool's errors reach the user without development commands", () => {
    const tail = [
      'npm run localpool --: the local pool did not start: IO Error: Could not set lock on file "/d/pool.duckdb": ' +
        'Conflicting lock is held in /usr/bin/node (PID 777) by user root.',
      '',
    ].join('\n');
    const shown = poolErrorForUser(tail, '/d');
    assert.equal(
      shown,
      "Another program (process 777) already uses the local pool's data folder /d. Stop it, or set predictWizard.localPool.dataDir to another folder.",
    );
    const other = poolErrorForUser("npm run localpool --: unknown option '--x' (see 'npm run localpool -- --help').", '/d');
    assert.equal(other, "unknown option '--x'.");
    assert.doesNotMatch(other, /npm/);
  });
});
