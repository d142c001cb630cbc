// `npm run demo` as a user runs it: it starts the local pool and code-server, prints the address, the
// workbench there shows the demo's connection in the SQL Pools view and expands it to the lab's table
// with no password to enter, and Ctrl-C (SIGINT) stops both.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, repoRoot, Workbench } from './harness.js';
import { childLabels, expandPath } from './support/workbench.js';

function listening(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

describe('npm run demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-demo-'));
  let demo: ChildProcess | undefined;
  let output = '';

  after(() => {
    if (demo && demo.exitCode === null && demo.pid !== undefined) {
      try {
        process.kill(demo.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the workbench with the demo connection, and Ctrl-C stops code-server and the pool', async () => {
    demo = spawn(process.execPath, [join(repoRoot, 'scripts', 'demo.mjs'), '--no-install', '--port', '0', '--dir', dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = demo;
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

    const ready = await Promise.race([
      new Promise<boolean>((res) => {
        const check = (): void => {
          if (/Ctrl-C stops/.test(output)) res(true);
        };
        child.stdout?.on('data', check);
      }),
      exited.then(() => false),
      new Promise<boolean>((res) => setTimeout(() => res(false), 180_000).unref()),
    ]);
    assert.ok(ready, `the demo did not get ready. Its output:\n${output}`);
    assert.match(output, /wwi_ml\.CustomerTest holds \d+ rows/);
    const url = /(http:\/\/127\.0\.0\.1:(\d+)\/\?\S+)/.exec(output);
    const pool = /the local pool listens on 127\.0\.0\.1:(\d+)/.exec(output);
    assert.ok(url && pool, output);
    const codeServerPort = Number(url[2]);
    const poolPort = Number(pool[1]);
    assert.equal(statSync(join(dir, 'pool-password.txt')).mode & 0o077, 0, 'the password file is readable by others');

    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url[1]!);
      const wb = new Workbench(page);
      await wb.waitReady();
      await wb.openViewContainer('SQL Pools');
      await wb.treeItem('Demo local pool').waitFor({ state: 'visible', timeout: 30_000 });
      // No password to enter: the connection reads it from LOCALPOOL_PASSWORD, set for code-server.
      await expandPath(wb, ['Demo local pool', 'SQLPool01', 'wwi_ml']);
      assert.ok((await childLabels(wb, ['Demo local pool', 'SQLPool01', 'wwi_ml'])).includes('CustomerTest'));
      await wb.screenshot('demo-sql-pools');
    } finally {
      await browser.close();
    }

    assert.equal(await listening(poolPort), true);
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.equal(await listening(codeServerPort), false, 'code-server still listens after Ctrl-C');
    assert.equal(await listening(poolPort), false, 'the local pool still listens after Ctrl-C');
  });
});
