// Runs the mocha suites of test/vscode/ inside a real VS Code's extension host: code-server with this
// extension loaded for development and `extensionTestsPath` pointing at the bundled runner, opened in
// headless Chromium. The workbench reports the extension host's log and exit code through the page
// functions codeAutomationLog / codeAutomationExit (as VS Code's own browser integration tests do).
//
// Usage: node scripts/run-vscode-tests.mjs [--grep <pattern>] [--results <file.json>] [--no-build] [--timeout <s>]
// Exit code: mocha's (0 = every test passed). Needs: bash scripts/install-code-server.sh
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { clearTimeout, setTimeout } from 'node:timers';
import { tsImport } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const grep = opt('--grep');
const resultsOut = opt('--results');
const timeoutMs = Number(opt('--timeout') ?? 300) * 1000;

if (!args.includes('--no-build')) {
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('run-vscode-tests: the extension did not build (npm run build).');
    process.exit(1);
  }
}
const { buildVSCodeTests, testsIndex } = await import('../test/vscode/build.mjs');
const suites = await buildVSCodeTests();
console.log(`run-vscode-tests: ${suites.length} suite file(s) built into ${dirname(testsIndex)}`);

/** @type {typeof import('../test/e2e/harness.ts')} */
const harness = await tsImport('../test/e2e/harness.ts', import.meta.url);

const work = mkdtempSync(join(tmpdir(), 'predict-vscode-tests-'));
const folder = join(work, 'workspace');
mkdirSync(folder);
const resultsFile = join(work, 'results.json');

let exitCode = 1;
let session;
const started = Date.now();
try {
  let finish;
  const exited = new Promise((res) => (finish = res));
  session = await harness.startVSCode({
    folder,
    extensionTestsPath: testsIndex,
    waitReady: false,
    env: {
      PREDICT_VSCODE_TEST_RESULTS: resultsFile,
      ...(grep ? { PREDICT_VSCODE_TEST_GREP: grep } : {}),
    },
    beforeOpen: async (page) => {
      await page.exposeFunction('codeAutomationLog', (level, message) => {
        const text = Array.isArray(message) ? format(...message) : String(message);
        (level === 'error' ? console.error : console.log)(text);
      });
      await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    },
  });
  const timer = setTimeout(() => finish(-1), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  if (code === -1) {
    console.error(`run-vscode-tests: the extension host did not finish within ${timeoutMs / 1000} s.`);
    console.error(session.consoleLog.slice(-40).join('\n'));
    await session.workbench.screenshot('vscode-tests-timeout').catch(() => undefined);
  } else {
    exitCode = code;
  }
} catch (e) {
  console.error(`run-vscode-tests: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await session?.close();
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (existsSync(resultsFile)) {
  const summary = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const t of summary.tests) {
    console.log(`  ${t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip'} ${t.title}`);
    if (t.error) console.log(t.error.replace(/^/gm, '       '));
  }
  console.log(
    `run-vscode-tests: mocha in code-server: ${summary.passed} passing, ${summary.failed} failing, ${summary.pending} pending, exit code ${exitCode}, ${seconds} s`,
  );
  if (resultsOut) {
    mkdirSync(dirname(resolve(resultsOut)), { recursive: true });
    writeFileSync(resultsOut, JSON.stringify({ exitCode, seconds: Number(seconds), ...summary }, null, 2));
  }
} else {
  console.error(`run-vscode-tests: no test results were written (exit code ${exitCode}, ${seconds} s); the runner did not load or mocha did not finish.`);
  if (exitCode === 0) exitCode = 1;
  if (resultsOut) writeFileSync(resultsOut, JSON.stringify({ exitCode, seconds: Number(seconds), passed: 0, failed: 0, pending: 0, tests: [] }, null, 2));
}
rmSync(work, { recursive: true, force: true });
process.exit(exitCode);
