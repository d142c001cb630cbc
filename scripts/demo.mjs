// The demo: the wizard in a real VS Code (code-server) on this machine, against the local pool with the
// lab's sample table and a sample model registry. On a fresh machine it installs what it needs first.
//
//   npm run demo [-- --port 8080] [-- --pool-port 14330] [-- --dir .cache/demo] [-- --fresh] [-- --no-install]
//
// The pool's database persists in <dir>/pool between runs; --fresh starts from a new, seeded one.
// Then open the printed address in a browser (from another machine: ssh -L 8080:127.0.0.1:8080 ...).
// Ctrl-C stops code-server and the local pool. Everything binds to 127.0.0.1 only (code-server runs
// without authentication).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const demoDir = resolve(root, opt('--dir', join('.cache', 'demo')));
const wantedPort = Number(opt('--port', '8080'));
const poolPort = Number(opt('--pool-port', '0'));
const install = !args.includes('--no-install');
const fresh = args.includes('--fresh');

function fail(message) {
  console.error(`\ndemo: ${message}`);
  process.exit(1);
}
function step(message) {
  console.log(`demo: ${message}`);
}
function run(command, argv, what) {
  const r = spawnSync(command, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  if (r.status !== 0) fail(`${what} failed (${[command, ...argv].join(' ')}, exit code ${r.status}).`);
}

// 1. What the demo runs on: Debian packages, the project's npm packages, code-server, the built extension.
if (install) {
  step('checking the Debian packages (scripts/install-system-deps.sh)');
  run('bash', [join(root, 'scripts', 'install-system-deps.sh')], 'Installing the Debian packages');
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
    step('installing the npm packages (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
  }
  step('checking code-server (scripts/install-code-server.sh)');
  run('bash', [join(root, 'scripts', 'install-code-server.sh')], 'Installing code-server');
}
if (!existsSync(join(root, 'node_modules', 'tsx'))) fail('the npm packages are not installed. Run: npm ci (or npm run demo without --no-install).');

// 2. The pieces the demo puts together. Say plainly which have not landed rather than pretend.
const pieces = [
  { file: 'src/extension.ts', what: 'the extension' },
  { file: 'src/localpool/index.ts', what: 'the local pool (startLocalPool)' },
  { file: 'src/samples/registry.ts', what: 'the sample model registry (writeSampleRegistry)' },
];
const missing = pieces.filter((p) => !existsSync(join(root, p.file)));
if (missing.length) {
  fail(`the demo cannot run yet: ${missing.map((p) => `${p.what} — ${p.file}`).join('; ')} ${missing.length === 1 ? 'is' : 'are'} missing.`);
}

step('building the extension (npm run build)');
run(process.execPath, [join(root, 'scripts', 'build.mjs')], 'Building the extension');
if (!existsSync(join(root, 'dist', 'extension.js'))) fail('the build wrote no dist/extension.js.');

// TypeScript sources load through tsx, registered for the whole process (the pool imports lazily).
const tsxEsm = await import('tsx/esm/api');
const tsxCjs = await import('tsx/cjs/api');
tsxEsm.register();
tsxCjs.register();
const tsImport = async (file) => {
  const m = await import(pathToFileURL(file).href);
  // A CommonJS module's exports arrive as `default` (and, when Node can tell, as named exports too).
  return m.default && typeof m.default === 'object' ? { ...m.default, ...m } : m;
};
const load = async (file, name) => {
  const m = await tsImport(join(root, file));
  const f = m[name];
  if (typeof f !== 'function') fail(`${file} does not export ${name}() yet.`);
  return f;
};
const startLocalPool = await load('src/localpool/index.ts', 'startLocalPool');
const writeSampleRegistry = await load('src/samples/registry.ts', 'writeSampleRegistry');
/** @type {typeof import('../test/e2e/harness.ts')} */
const harness = await tsImport(join(root, 'test', 'e2e', 'harness.ts'));

// 3. The settings the extension reads. Their names are the extension's (package.json
//    contributes.configuration); the demo checks that they exist before writing them.
const DEMO_CONNECTION = 'Demo local pool';
const DEMO_DATABASE = 'SQLPool01';
/** The environment variable code-server (and so the extension host) gets the pool's password in. */
const DEMO_PASSWORD_ENV = 'LOCALPOOL_PASSWORD';
function demoSettings({ host, port, caCertPath, registryDir }) {
  // ---- DEMO SETTINGS: keep in step with the extension's contributes.configuration ----
  return {
    'predictWizard.connections': [
      {
        name: DEMO_CONNECTION,
        server: host,
        port,
        database: DEMO_DATABASE,
        authenticationType: 'SqlLogin',
        user: 'sa',
        // The password itself reaches the extension through code-server's environment, never settings.
        passwordEnv: DEMO_PASSWORD_ENV,
        ...(caCertPath ? { encrypt: 'strict', caCertPath } : { encrypt: 'optional' }),
      },
    ],
    'predictWizard.modelRegistries': [{ name: 'Sample models', kind: 'local', path: registryDir }],
  };
  // ---- end of DEMO SETTINGS ----
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = Object.keys(manifest.contributes?.configuration?.properties ?? {});
const unknown = Object.keys(demoSettings({ host: '', port: 0, registryDir: '' })).filter((k) => !declared.includes(k));
if (unknown.length) {
  fail(
    `the extension declares no setting ${unknown.join(', ')} (package.json contributes.configuration). Update DEMO SETTINGS in scripts/demo.mjs to the names it declares: ${declared.join(', ') || 'none yet'}.`,
  );
}

async function portIsFree(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

// 4. Start everything; stop everything on Ctrl-C.
let pool;
let server;
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  step('stopping');
  await server?.close().catch((e) => console.error(`demo: stopping code-server: ${e.message}`));
  await pool?.close().catch((e) => console.error(`demo: stopping the local pool: ${e.message}`));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  mkdirSync(demoDir, { recursive: true });
  const registryDir = join(demoDir, 'registry');
  step(`writing the sample model registry into ${registryDir}`);
  const registry = await writeSampleRegistry(registryDir);
  const versionCount = Array.isArray(registry?.versions) ? registry.versions.length : undefined;

  const password = process.env.LOCALPOOL_PASSWORD || `Demo1!${randomBytes(12).toString('base64url')}`;
  const passwordFile = join(demoDir, 'pool-password.txt');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const poolDir = join(demoDir, 'pool');
  if (fresh) rmSync(poolDir, { recursive: true, force: true });
  step(`starting the local pool (data in ${poolDir})`);
  pool = await startLocalPool({ dataDir: poolDir, port: poolPort, password });
  let caCertPath;
  if (pool.caCertPem) {
    caCertPath = join(demoDir, 'pool-ca.pem');
    writeFileSync(caCertPath, pool.caCertPem);
  }
  step(`the local pool listens on ${pool.host}:${pool.port}`);

  // The pool must hold the lab's table: count its rows through the product's own client.
  const { SqlConnection } = await tsImport(join(root, 'src', 'sql', 'client', 'connection.ts'));
  const conn = await SqlConnection.open({
    server: pool.host,
    port: pool.port,
    database: DEMO_DATABASE,
    authentication: { kind: 'sql-login', user: 'sa', password },
    ...(pool.caCertPem ? { encrypt: 'strict', caCertPem: pool.caCertPem } : { encrypt: 'optional' }),
  });
  try {
    const r = await conn.query('SELECT COUNT(*) AS n FROM [wwi_ml].[CustomerTest]').catch((e) => {
      fail(`the local pool's database has no wwi_ml.CustomerTest (${e.message}). Start from a new, seeded database: npm run demo -- --fresh`);
    });
    const row = r.resultSets[0]?.rows[0];
    const n = Array.isArray(row) ? row[0] : row && typeof row === 'object' ? Object.values(row)[0] : undefined;
    if (!(Number(n) > 0)) fail('the local pool has no rows in wwi_ml.CustomerTest. Start from a new, seeded database: npm run demo -- --fresh');
    step(`wwi_ml.CustomerTest holds ${n} rows`);
  } finally {
    await conn.close();
  }

  const workspace = join(demoDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const port = (await portIsFree(wantedPort)) ? wantedPort : 0;
  step('starting code-server');
  server = await harness.startCodeServer({
    folder: workspace,
    port,
    settings: demoSettings({ host: pool.host, port: pool.port, caCertPath, registryDir }),
    env: { [DEMO_PASSWORD_ENV]: password },
  });
  void server.exited.then((code) => {
    if (stopping) return;
    console.error(`demo: code-server exited (code ${code}). Its last output:\n${server.output().split('\n').slice(-20).join('\n')}`);
    void stopAll(1);
  });
  const url = harness.workbenchUrl(server, workspace);
  console.log(`
  code-server ${harness.CODE_SERVER_VERSION} with the extension is ready. Open:

    ${url}

  SQL Pools view (activity bar): connection '${DEMO_CONNECTION}' → ${pool.host}:${pool.port}, database ${DEMO_DATABASE},
  login sa (the extension reads its password from ${DEMO_PASSWORD_ENV}, set for code-server; it is also in
  ${passwordFile}). Expand the connection, right-click wwi_ml.CustomerTest → Machine Learning →
  Predict with a model, and choose a version of aml-synapse-classifier from 'Sample models'
  (${registryDir}${versionCount ? `, ${versionCount} model versions` : ''}).

  Ctrl-C stops code-server and the local pool.
`);
  await new Promise(() => {});
} catch (e) {
  console.error(`\ndemo: ${e instanceof Error ? e.message : String(e)}`);
  await stopAll(1);
}
