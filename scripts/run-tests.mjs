// Runs the test suites with node's built-in test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...] [-- extra node --test args]
// With no suite named, runs every suite that has tests, in order: unit, integration, e2e.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const all = ['unit', 'integration', 'e2e'];
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const named = (dash >= 0 ? argv.slice(0, dash) : argv).filter((a) => !a.startsWith('-'));
const extra = dash >= 0 ? argv.slice(dash + 1) : [];
const suites = named.length ? named : all;

function find(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (/\.test\.ts$/.test(entry)) out.push(p);
  }
  return out.sort();
}

// The e2e suite runs the extension in a real VS Code: code-server (installed once into .cache/ by
// scripts/install-code-server.sh; instant when already there) and the built extension (dist/).
function prepareE2e() {
  const install = spawnSync('bash', [join('scripts', 'install-code-server.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (install.status !== 0) {
    console.error('e2e: code-server could not be installed. Run: bash scripts/install-system-deps.sh && bash scripts/install-code-server.sh');
    return false;
  }
  const build = spawnSync(process.execPath, [join('scripts', 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('e2e: the extension did not build (npm run build).');
    return false;
  }
  return true;
}

// Integration and e2e tests use Debian packages (FreeTDS's tsql, openssl, Chromium, ripgrep):
// install what is missing (a no-op when all are there; as non-root it says what to run).
function prepareSystem() {
  const r = spawnSync('bash', [join('scripts', 'install-system-deps.sh')], { stdio: 'inherit' });
  return r.status === 0;
}

const totals = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
const tapDir = mkdtempSync(join(tmpdir(), 'predict-tests-'));
function addTotals(tapFile) {
  if (!existsSync(tapFile)) return;
  // The TAP reporter ends with '# pass N', '# fail N', ... for the whole run.
  for (const line of readFileSync(tapFile, 'utf8').split('\n')) {
    const m = /^# (pass|fail|skipped|todo|cancelled) (\d+)$/.exec(line);
    if (m) totals[m[1]] += Number(m[2]);
  }
}

let failed = false;
let systemReady;
for (const suite of suites) {
  const files = find(join('test', suite));
  if (!files.length) continue;
  console.log(`\n# suite: ${suite} (${files.length} files)`);
  if (suite !== 'unit' && systemReady === undefined) systemReady = prepareSystem();
  if (suite !== 'unit' && !systemReady) {
    console.error(`${suite}: the Debian packages the tests need are missing (see above).`);
    failed = true;
    continue;
  }
  if (suite === 'e2e' && !prepareE2e()) {
    failed = true;
    continue;
  }
  // Integration and e2e suites start servers; run their files one at a time.
  const concurrency = suite === 'unit' ? '2' : '1';
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${join(tapDir, `${suite}.tap`)}`,
      `--test-concurrency=${concurrency}`,
      ...extra,
      ...files,
    ],
    { stdio: 'inherit', env: process.env },
  );
  addTotals(join(tapDir, `${suite}.tap`));
  if (r.status !== 0) failed = true;
}
rmSync(tapDir, { recursive: true, force: true });
if (totals.cancelled) totals.fail += totals.cancelled;
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped + totals.todo} skipped`);
process.exit(failed ? 1 : 0);
