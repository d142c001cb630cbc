// Builds one VSIX per VS Code target, each holding only its own platform's native modules.
//
//   npm run package                        every target whose native modules exist
//   npm run package -- --target linux-x64  one target (repeat --target for more)
//   options: --out <dir> (default vsix/), --no-build (package the dist/ already built)
//
// For each target it stages a folder (in the system's temp directory) with package.json (its
// dependencies cut down to the native modules), README.md, LICENSE, CHANGELOG.md, media/, the
// README's screenshots, dist/ without source maps or the CLI bundle, and node_modules holding only
// the packages the bundles keep external, with onnxruntime-node's binaries for that platform only
// and DuckDB's bindings package for that platform (fetched with `npm pack`, pinned to the lockfile
// and checked against its integrity, when the build machine is another platform). vsce packages the
// folder; any warning it prints fails the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vsixReport } from './vsix-contents.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** VS Code targets and the platform/arch of their native modules. */
export const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64' },
  'linux-arm64': { platform: 'linux', arch: 'arm64' },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64' },
  'darwin-x64': { platform: 'darwin', arch: 'x64' },
  'win32-x64': { platform: 'win32', arch: 'x64' },
};

/** The packages the bundles load at run time (everything else is bundled, @duckdb/node-api included), and what they need. */
const RUNTIME_PACKAGES = ['onnxruntime-node', 'onnxruntime-common', '@duckdb/node-bindings', 'detect-libc'];
/** The staged package.json's dependencies: the packages that hold native code. */
const NATIVE_PACKAGES = ['onnxruntime-node', '@duckdb/node-bindings'];
/** onnxruntime-node's install script (a CUDA download) and the packages only it uses are not shipped. */
const INSTALL_ONLY = { 'onnxruntime-node': ['adm-zip', 'global-agent'] };
/** dist/ files that stay out of the package: the command-line bundle (the `bin`, not the extension) and source maps. */
const skipDist = (rel) => rel.endsWith('.map') || rel === 'cli.js';
/** Files of runtime packages that stay out: TypeScript sources and declarations, source maps, build scripts. */
const skipModuleFile = (pkg, rel) =>
  /\.(map|ts|tsbuildinfo)$/.test(rel) ||
  (pkg === 'onnxruntime-node' && /^(lib|script|bin)\//.test(rel)) || // sources, the install script; bin/ is copied per platform
  (pkg === 'onnxruntime-common' && /^(dist\/esm|lib)\//.test(rel)); // Node loads its CommonJS build

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const lockEntry = (name) => lock.packages[`node_modules/${name}`];
const ortBinaries = ({ platform, arch }) => join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', platform, arch);
const duckdbBindings = ({ platform, arch }) => `@duckdb/node-bindings-${platform}-${arch}`;

/** Why a target cannot be packaged (its native modules do not exist), or undefined. */
export function missingNatives(target) {
  const t = TARGETS[target];
  if (!t) return `unknown target '${target}' (known: ${Object.keys(TARGETS).join(', ')})`;
  if (!existsSync(ortBinaries(t))) return `onnxruntime-node ${lockEntry('onnxruntime-node').version} ships no binaries for ${t.platform}/${t.arch}`;
  if (!lockEntry(duckdbBindings(t))) return `DuckDB has no ${duckdbBindings(t)} in package-lock.json`;
  return undefined;
}

/** The folder of DuckDB's bindings package for a target: installed here, or fetched once with npm pack into .cache/npm-packs/. */
function duckdbBindingsDir(target) {
  const name = duckdbBindings(TARGETS[target]);
  const { version, integrity } = lockEntry(name);
  const installed = join(root, 'node_modules', name);
  if (existsSync(join(installed, 'package.json')) && JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version === version) return installed;
  const cache = join(root, '.cache', 'npm-packs', `${name.replace('/', '+')}-${version}`);
  if (existsSync(join(cache, 'package', 'package.json'))) return join(cache, 'package');
  mkdirSync(cache, { recursive: true });
  console.log(`fetching ${name}@${version} from the npm registry`);
  const out = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', cache, '--json', '--silent'], { cwd: cache, encoding: 'utf8' });
  const tgz = join(cache, JSON.parse(out)[0].filename);
  const sha = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  if (sha !== integrity) {
    rmSync(cache, { recursive: true, force: true });
    throw new Error(`${name}@${version} from the registry does not match package-lock.json's integrity (${integrity}).`);
  }
  execFileSync('tar', ['xzf', tgz, '-C', cache]);
  rmSync(tgz);
  return join(cache, 'package');
}

/** Copies a folder, leaving out the files `skip(relativePath)` names. */
function copyTree(from, to, skip) {
  cpSync(from, to, { recursive: true, filter: (src) => src === from || statSync(src).isDirectory() || !skip(relative(from, src).split('\\').join('/')) });
}

/** Fails when a bundle needs a package that the VSIX would not hold. */
function checkExternals(distDir) {
  const allowed = new Set(['vscode', ...RUNTIME_PACKAGES, ...builtinModules]);
  for (const f of readdirSync(distDir).filter((x) => x.endsWith('.js') && !skipDist(x))) {
    const text = readFileSync(join(distDir, f), 'utf8');
    // esbuild writes the loads it leaves in place with double quotes (comments of bundled code use single ones).
    for (const m of text.matchAll(/\brequire\("([^"./][^"]*)"\)|\bimport\("([^"./][^"]*)"\)/g)) {
      const spec = (m[1] ?? m[2]).replace(/^node:/, '');
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!allowed.has(pkg)) throw new Error(`dist/${f} loads '${spec}', which the package does not hold: bundle it, or add it to RUNTIME_PACKAGES.`);
    }
  }
}

/** The README's relative images (they travel in the package: the installed extension shows them offline). */
function readmeImages() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((p) => !/^\w+:/.test(p));
}

/** Stages `target` in a fresh temporary folder and returns it. */
function stage(target) {
  const t = TARGETS[target];
  const dir = mkdtempSync(join(tmpdir(), `predict-vsix-${target}-`));
  const pkg = { ...manifest, dependencies: {} };
  for (const name of NATIVE_PACKAGES) pkg.dependencies[name] = lockEntry(name).version;
  for (const key of ['devDependencies', 'scripts', 'allowScripts', 'bin']) delete pkg[key];
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore']) cpSync(join(root, f), join(dir, f));
  copyTree(join(root, 'media'), join(dir, 'media'), () => false);
  for (const img of readmeImages()) cpSync(join(root, img), join(dir, img));
  copyTree(join(root, 'dist'), join(dir, 'dist'), skipDist);

  const modules = join(dir, 'node_modules');
  for (const name of RUNTIME_PACKAGES) {
    copyTree(join(root, 'node_modules', name), join(modules, name), (rel) => skipModuleFile(name, rel));
    const drop = INSTALL_ONLY[name];
    if (drop) {
      const file = join(modules, name, 'package.json');
      const p = JSON.parse(readFileSync(file, 'utf8'));
      for (const d of drop) delete p.dependencies[d];
      delete p.scripts;
      writeFileSync(file, `${JSON.stringify(p, null, 2)}\n`);
    }
  }
  const bin = join(modules, 'onnxruntime-node', 'bin', 'napi-v6', t.platform, t.arch);
  copyTree(ortBinaries(t), bin, () => false);
  copyTree(duckdbBindingsDir(target), join(modules, duckdbBindings(t)), (rel) => /\.(map|ts)$/.test(rel));
  return dir;
}

/** Packages one target into `outDir` and returns the VSIX's path. Throws on any vsce warning. */
export function packageTarget(target, outDir) {
  const missing = missingNatives(target);
  if (missing) throw new Error(`Cannot package ${target}: ${missing}.`);
  checkExternals(join(root, 'dist'));
  const dir = stage(target);
  try {
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, `${manifest.name}-${target}-${manifest.version}.vsix`);
    const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    // Relative links stay relative: the README's screenshots are in the package, so VS Code shows them offline.
    const r = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--out', out, '--no-rewrite-relative-links'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`vsce failed for ${target}:\n${output}`);
    if (/warning/i.test(output)) throw new Error(`vsce warned for ${target}:\n${output}`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const values = (name) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]] : []));
  const outDir = resolve(values('--out')[0] ?? join(root, 'vsix'));
  const asked = values('--target');
  if (!args.includes('--no-build')) {
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) process.exit(1);
  }
  const targets = asked.length ? asked : Object.keys(TARGETS);
  let failed = false;
  for (const target of targets) {
    const missing = missingNatives(target);
    if (missing) {
      console.log(`${target}: not packaged: ${missing}.`);
      if (asked.length) failed = true;
      continue;
    }
    try {
      const file = packageTarget(target, outDir);
      console.log(vsixReport(file));
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
