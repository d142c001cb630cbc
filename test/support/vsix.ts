// The linux-x64 VSIX that the package tests read and install, built once per content: `npm run package`
// for one target into .cache/test-vsix/<hash of what goes into it>/, reused by the next test that asks
// for the same content (the budget test builds it, the installed-package e2e test reuses it).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const repoRoot = resolve(dirname(__filename), '..', '..');
export const TEST_TARGET = 'linux-x64';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** A hash of everything the package is made of (the built bundles, the manifest, the docs, the packaging scripts, the lockfile). */
function contentKey(): string {
  const files = [
    ...filesUnder(join(repoRoot, 'dist')).filter((f) => !f.endsWith('.map') && !f.endsWith('cli.js')),
    ...filesUnder(join(repoRoot, 'media')),
    ...['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore', 'scripts/package.mjs'].map((f) => join(repoRoot, f)),
  ].sort();
  const h = createHash('sha256');
  for (const f of files) h.update(relative(repoRoot, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The linux-x64 VSIX of the current build (dist/ must be built: npm run build), built if not cached. */
export function testVsix(): string {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('The extension is not built (dist/extension.js is missing). Run: npm run build');
  const cacheRoot = join(repoRoot, '.cache', 'test-vsix');
  const key = contentKey();
  const dir = join(cacheRoot, key);
  const existing = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(`-${TEST_TARGET}-${readVersion()}.vsix`)) : undefined;
  if (existing) return join(dir, existing);
  // Older builds go: one cached package is enough.
  if (existsSync(cacheRoot)) for (const old of readdirSync(cacheRoot)) rmSync(join(cacheRoot, old), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), '--no-build', '--target', TEST_TARGET, '--out', dir], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 600_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm run package -- --target ${TEST_TARGET} failed (exit ${r.status}):\n${output}`);
  }
  console.log(
    output
      .trim()
      .split('\n')
      .map((l) => `# ${l}`)
      .join('\n'),
  );
  const built = readdirSync(dir).find((f) => f.endsWith('.vsix'));
  if (!built) throw new Error(`npm run package wrote no VSIX into ${dir}:\n${output}`);
  return join(dir, built);
}

function readVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
