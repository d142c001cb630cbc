// Start Local Pool in a second window: the pool process the extension starts, a record of it in the
// data folder, and what a second start on the same folder finds (reuse) or says (no developer commands).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canConnect, freePort, startLocalPoolProcess, type LocalPoolProcess } from '../../../src/connections/localpool-process.js';
import { processAlive, readPoolState, reuseDecision, writePoolState } from '../../../src/connections/localpool-state.js';

const root = resolve('.');
const password = 'Reuse1!pool-password';

describe('local pool: a second start on the same data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pool-reuse-'));
  let pool: LocalPoolProcess;

  before(async () => {
    pool = await startLocalPoolProcess({ root, port: await freePort(), dataDir, password });
    await writePoolState(dataDir, { pid: pool.pid!, host: pool.host, port: pool.port, caCertPath: pool.caCertPath, startedAt: new Date().toISOString() });
  });

  after(async () => {
    await pool?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('finds the running pool and reuses it', async () => {
    const d = await reuseDecision(await readPoolState(dataDir), { alive: processAlive, answers: canConnect });
    assert.equal(d.action, 'reuse');
    assert.deepEqual(d.action === 'reuse' ? [d.state.pid, d.state.port] : [], [pool.pid, pool.port]);
  });

  test('a second pool process on the folder fails with a message a user can act on', async () => {
    const second = startLocalPoolProcess({ root, port: await freePort(), dataDir, password });
    await assert.rejects(second, (e: Error) => {
      assert.match(e.message, /^The local pool stopped while starting: Another program \(process \d+\) already uses the local pool's data folder /, e.message);
      assert.doesNotMatch(e.message, /npm run|--help/);
      assert.ok(!e.message.includes(password));
      return true;
    });
  });
});
