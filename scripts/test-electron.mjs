// Runs the mocha suites of test/vscode/ in desktop VS Code through @vscode/test-electron, which downloads
// VS Code (into .vscode-test/) from Microsoft's servers. For machines that can reach them; on one that
// reaches only the npm registry, use `npm run test:vscode` (the same suites in code-server) instead.
//
// Usage: npm run test:electron [-- --version 1.100.3]   (default: VSCODE_VERSION or 'stable')
// On a Linux machine without a display, run it under xvfb-run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const vi = args.indexOf('--version');
const version = vi >= 0 ? args[vi + 1] : (process.env.VSCODE_VERSION ?? 'stable');

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('test-electron: the extension did not build (npm run build).');
  process.exit(1);
}
const { buildVSCodeTests, testsIndex } = await import('../test/vscode/build.mjs');
await buildVSCodeTests();

const work = mkdtempSync(join(tmpdir(), 'predict-electron-'));
mkdirSync(join(work, 'workspace'));
let code = 1;
try {
  code = await runTests({
    version,
    extensionDevelopmentPath: root,
    extensionTestsPath: testsIndex,
    extensionTestsEnv: { PREDICT_VSCODE_TEST_RESULTS: join(work, 'results.json') },
    launchArgs: [
      join(work, 'workspace'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir',
      join(work, 'user-data'),
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`test-electron: ${message}`);
  if (/ENOTFOUND|ECONNREFUSED|EAI_AGAIN|getaddrinfo|fetch failed|download/i.test(message)) {
    console.error('test-electron: VS Code could not be downloaded from this machine. Run the same suites in code-server instead: npm run test:vscode');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(code);
