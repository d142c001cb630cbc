// Runs the mocha suites of test/vscode/ inside code-server's extension host (scripts/run-vscode-tests.mjs)
// and checks what they reported: mocha's exit code, and that every test of every suite ran and passed
// (or skipped itself, which is listed).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './harness.js';

interface Summary {
  exitCode: number;
  seconds: number;
  passed: number;
  failed: number;
  pending: number;
  tests: { title: string; state: string; error?: string }[];
}

/** How many `it(` calls the suites' sources hold: the number of tests mocha must report. */
function declaredTests(): number {
  const dir = join(repoRoot, 'test', 'vscode', 'suite');
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.test.ts'))) {
    n += (readFileSync(join(dir, f), 'utf8').match(/^\s*it\(/gm) ?? []).length;
  }
  return n;
}

describe('mocha suites in the VS Code extension host (code-server)', () => {
  it('run, and every one of them passes', () => {
    const work = mkdtempSync(join(tmpdir(), 'predict-vscode-run-'));
    try {
      const resultsFile = join(work, 'results.json');
      const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'run-vscode-tests.mjs'), '--results', resultsFile], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 600_000,
      });
      const output = `${r.stdout}\n${r.stderr}`;
      const summary = JSON.parse(readFileSync(resultsFile, 'utf8')) as Summary;
      console.log(`# mocha in code-server: ${summary.passed} passing, ${summary.failed} failing in ${summary.seconds} s`);
      const failures = summary.tests.filter((t) => t.state === 'failed').map((t) => `${t.title}\n${t.error ?? ''}`);
      assert.deepEqual(failures, [], `extension-host tests failed:\n${failures.join('\n')}`);
      assert.equal(summary.exitCode, 0, `mocha's exit code; the run's output:\n${output}`);
      assert.equal(r.status, 0, output);
      const expected = declaredTests();
      const pending = summary.tests.filter((t) => t.state === 'pending').map((t) => t.title);
      if (pending.length) console.log(`# skipped inside the extension host:\n${pending.map((t) => `#   ${t}`).join('\n')}`);
      assert.equal(
        summary.passed + summary.pending,
        expected,
        `tests declared in test/vscode/suite: ${expected}; reported: ${summary.passed} passed, ${summary.pending} skipped`,
      );
      assert.ok(summary.passed >= 3, `only ${summary.passed} tests passed`);
      assert.ok(summary.tests.some((t) => t.title === 'the extension in a real VS Code activates without throwing' && t.state === 'passed'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
