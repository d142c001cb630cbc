/**
 * Where COPY INTO may read from and write rejected rows to. A SQL login must not read the host's
 * files: every location is resolved inside the import folder the pool was started with
 * (`--import-dir`, default `<data>/import`). A location is relative to that folder, or a full path
 * inside it; `..` segments, paths outside it, links that lead out of it (checked on the real path)
 * and URLs (unless the pool allows URL imports) are refused with an error that says what to do.
 */
import { lstat, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SqlError } from '../api.js';

export interface ImportPolicy {
  /** The import folder; undefined when the pool was started without one (in memory, no --import-dir). */
  readonly dir?: string;
  /** `--allow-url-import`: http(s)://, s3://, azure:// and abfss:// locations are passed to DuckDB. */
  readonly allowUrls: boolean;
}

/** SQL Server's "Cannot bulk load because the file could not be opened" (BULK INSERT, COPY INTO). */
export const CANNOT_OPEN = 4861;
/** SQL Server's "Cannot bulk load. The file does not exist or you don't have file access rights." */
export const NOT_FOUND = 4860;

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const ALLOWED_URL = /^(https?|s3|azure|az|abfss):\/\//i;

function refuse(location: string, why: string, line: number): SqlError {
  return new SqlError(CANNOT_OPEN, `Cannot bulk load from '${location}': ${why}`, line);
}

/** The real path of the import folder, made if missing. */
export async function importRoot(policy: ImportPolicy, location: string, line: number): Promise<string> {
  if (!policy.dir) {
    throw refuse(
      location,
      'the local pool was started without an import folder. Start it with --data <dir> (the folder is <dir>/import) or --import-dir <dir>.',
      line,
    );
  }
  await mkdir(policy.dir, { recursive: true });
  return realpath(policy.dir);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The location as a path inside the import folder (not yet checked for links): refuses URLs, `..`
 * and full paths outside the folder.
 */
function lexicalPath(location: string, root: string, configured: string, line: number): string {
  if (URL_SCHEME.test(location)) {
    throw refuse(
      location,
      'URLs are not allowed: the local pool reads files under its import folder only (start it with --allow-url-import to allow URLs).',
      line,
    );
  }
  if (location.trim() === '') throw refuse(location, 'the location is empty.', line);
  if (location.split(/[\\/]/).includes('..')) throw refuse(location, `'..' is not allowed in a location. Give a path inside the import folder ${root}.`, line);
  if (isAbsolute(location)) {
    const abs = resolve(location);
    for (const base of new Set([resolve(configured), root])) if (inside(base, abs)) return join(root, relative(base, abs));
    throw refuse(location, `the path is outside the import folder ${root}. Copy the file there and give its path relative to that folder.`, line);
  }
  return join(root, location);
}

/** Follows links: the real path must still be inside the import folder. */
async function realInside(location: string, path: string, root: string, line: number): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new SqlError(NOT_FOUND, `Cannot bulk load. The file "${location}" does not exist in the import folder ${root}.`, line);
  }
  if (!inside(root, real)) throw refuse(location, `it is a link that leads out of the import folder ${root}.`, line);
  return real;
}

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files under a folder, recursively, without hidden ones or those starting with '_' (as Synapse's COPY). */
async function filesUnder(dir: string, root: string, location: string, line: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const real = await realInside(location, join(dir, entry.name), root, line);
    const st = await stat(real);
    if (st.isDirectory()) out.push(...(await filesUnder(real, root, location, line)));
    else if (st.isFile()) out.push(real);
  }
  return out;
}

/**
 * The files a COPY INTO location names, as real paths inside the import folder (or the URL, when
 * URLs are allowed): a file, a folder (its files, recursively) or a wildcard pattern (`*`, `?`).
 */
export async function resolveImportFiles(location: string, policy: ImportPolicy, line: number): Promise<string[]> {
  if (policy.allowUrls && ALLOWED_URL.test(location)) return [location];
  const root = await importRoot(policy, location, line);
  const path = lexicalPath(location, root, policy.dir!, line);
  if (/[*?]/.test(relative(root, path))) {
    const rel = relative(root, path).split(sep).join('/');
    const firstWild = rel.search(/[*?]/);
    const base = rel.slice(0, rel.lastIndexOf('/', firstWild) + 1);
    const pattern = globRegex(rel.slice(base.length));
    const baseReal = await realInside(location, join(root, base), root, line);
    const files = (await filesUnder(baseReal, root, location, line)).filter((f) => pattern.test(relative(baseReal, f).split(sep).join('/')));
    if (!files.length) throw new SqlError(NOT_FOUND, `Cannot bulk load. No file matches "${location}" in the import folder ${root}.`, line);
    return files;
  }
  const real = await realInside(location, path, root, line);
  const st = await stat(real);
  if (st.isDirectory()) {
    const files = await filesUnder(real, root, location, line);
    if (!files.length) throw new SqlError(NOT_FOUND, `Cannot bulk load. The folder "${location}" in the import folder ${root} holds no files.`, line);
    return files;
  }
  if (!st.isFile()) throw refuse(location, 'it is not a file.', line);
  return [real];
}

/** The ERRORFILE folder, inside the import folder (made if missing; an existing link must stay inside). */
export async function resolveErrorFolder(location: string, policy: ImportPolicy, line: number): Promise<string> {
  if (URL_SCHEME.test(location)) throw refuse(location, 'ERRORFILE must be a folder under the import folder, not a URL.', line);
  const root = await importRoot(policy, location, line);
  const path = lexicalPath(location, root, policy.dir!, line);
  // Make each missing level; every existing level must resolve inside the import folder.
  const parts = relative(root, path).split(sep).filter(Boolean);
  let cur = root;
  for (const part of parts) {
    const next = join(cur, part);
    const exists = await lstat(next).then(
      () => true,
      () => false,
    );
    if (exists) cur = await realInside(location, next, root, line);
    else {
      await mkdir(next);
      cur = next;
    }
  }
  if (!(await stat(cur)).isDirectory()) throw refuse(location, 'ERRORFILE must name a folder, and this is a file.', line);
  return cur;
}
