// The test runner VS Code loads in the extension host (the `extensionTestsPath` module): runs the mocha
// suites bundled beside it in suite/*.test.js and resolves, or rejects when a test fails.
// Used by scripts/run-vscode-tests.mjs (code-server) and scripts/test-electron.mjs (@vscode/test-electron).
//
// When PREDICT_VSCODE_TEST_RESULTS names a file, a JSON summary is written there:
// { passed, failed, pending, tests: [{ title, state, error? }] }.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
}

export interface TestSummary {
  passed: number;
  failed: number;
  pending: number;
  tests: TestOutcome[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.PREDICT_VSCODE_TEST_GREP;
  if (grep) mocha.grep(grep);
  const suiteDir = join(__dirname, 'suite');
  for (const file of readdirSync(suiteDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(join(suiteDir, file));
  }
  const summary: TestSummary = { passed: 0, failed: 0, pending: 0, tests: [] };
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const resultsFile = process.env.PREDICT_VSCODE_TEST_RESULTS;
        if (resultsFile) writeFileSync(resultsFile, JSON.stringify(summary, null, 2));
        console.log(`mocha: ${summary.passed} passing, ${summary.failed} failing, ${summary.pending} pending`);
        if (failures > 0) reject(new Error(`${failures} of ${summary.tests.length} extension-host tests failed.`));
        else resolve();
      });
      runner.on('pass', (t) => {
        summary.passed++;
        summary.tests.push({ title: t.fullTitle(), state: 'passed' });
      });
      runner.on('fail', (t, err: unknown) => {
        summary.failed++;
        const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
        summary.tests.push({ title: t.fullTitle(), state: 'failed', error: message });
      });
      runner.on('pending', (t) => {
        summary.pending++;
        summary.tests.push({ title: t.fullTitle(), state: 'pending' });
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
