// The download cache: one folder per (source, model, version). Each file is written under a
// temporary name, verified (size, and hash when the registry gives one) and then renamed; the
// folder counts as complete only once its manifest exists, written last the same way. An
// interrupted download therefore never leaves a file or a folder that looks complete.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { DownloadProgress, ModelSourceError, cancelledError, describeTarget, isAbortError } from './source.js';

/** A file to bring into the cache. */
export interface RemoteFile {
  /** Path relative to the model folder, `/`-separated (e.g. `MLmodel`, `model.onnx`). */
  path: string;
  /** Expected size in bytes, when the registry says. */
  size?: number;
  /** Expected digest, when the registry gives one. */
  hash?: { algorithm: 'md5' | 'sha256'; digest: Buffer };
  /** Opens the bytes. Should honour the signal. */
  open(signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
}

export interface CacheKey {
  sourceId: string;
  model: string;
  version: string;
}

export interface CachedFiles {
  dir: string;
  /** Relative path → absolute path. */
  files: Map<string, string>;
  fromCache: boolean;
}

interface Manifest {
  sourceId: string;
  model: string;
  version: string;
  files: { path: string; size: number; sha256: string }[];
  completedAt: string;
}

const MANIFEST = '.complete.json';
const PARTIAL = '.partial-';

/** The default cache folder when the host does not give one. */
export function defaultCacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'synapse-predict-wizard', 'models');
}

export class ModelCache {
  private readonly inFlight = new Map<string, Promise<CachedFiles>>();

  constructor(readonly root: string = defaultCacheRoot()) {}

  /** The folder for a key: readable names plus a short hash so distinct keys never collide. */
  dirFor(key: CacheKey): string {
    const h = createHash('sha256').update(`${key.sourceId}\n${key.model}\n${key.version}`).digest('hex').slice(0, 12);
    return join(this.root, `${safeSegment(key.model)}`, `v${safeSegment(key.version)}-${h}`);
  }

  /** The cached files for a key, when a complete download is there and its files are intact. */
  async lookup(key: CacheKey): Promise<CachedFiles | undefined> {
    const dir = this.dirFor(key);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
    } catch {
      return undefined;
    }
    const files = new Map<string, string>();
    for (const f of manifest.files) {
      const p = join(dir, ...f.path.split('/'));
      try {
        if ((await stat(p)).size !== f.size) return undefined;
      } catch {
        return undefined;
      }
      files.set(f.path, p);
    }
    return { dir, files, fromCache: true };
  }

  /**
   * Returns the cached copy, or downloads `files()` into the cache. `files` is called only on a
   * cache miss (listing remote files may itself cost requests).
   */
  async fetch(
    key: CacheKey,
    files: () => Promise<RemoteFile[]>,
    options: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void; where: string },
  ): Promise<CachedFiles> {
    const cached = await this.lookup(key);
    if (cached) return cached;
    const id = this.dirFor(key);
    const running = this.inFlight.get(id);
    if (running) return running;
    const p = this.download(key, files, options).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, p);
    return p;
  }

  /** Removes one version from the cache. */
  async evict(key: CacheKey): Promise<void> {
    await rm(this.dirFor(key), { recursive: true, force: true });
  }

  private async download(
    key: CacheKey,
    listFiles: () => Promise<RemoteFile[]>,
    options: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void; where: string },
  ): Promise<CachedFiles> {
    const { signal, onProgress, where } = options;
    const ctx = { model: key.model, version: key.version, where };
    const dir = this.dirFor(key);
    await mkdir(dir, { recursive: true });
    // A previous, different download may have left a manifest: it no longer describes the folder.
    await rm(join(dir, MANIFEST), { force: true });
    if (signal?.aborted) throw cancelledError(ctx);
    const remote = await listFiles();
    const total = remote.every((f) => f.size !== undefined) ? remote.reduce((s, f) => s + (f.size ?? 0), 0) : undefined;
    let done = 0;
    onProgress?.({ bytesDone: 0, bytesTotal: total });
    const written: Manifest['files'] = [];
    const out = new Map<string, string>();
    const inner = new AbortController();
    const onAbort = () => inner.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (const f of remote) {
        const target = safeJoin(dir, f.path, ctx);
        await mkdir(dirname(target), { recursive: true });
        const partial = `${target}${PARTIAL}${randomBytes(4).toString('hex')}`;
        try {
          const r = await this.writeOne(
            f,
            partial,
            inner.signal,
            (n) => {
              done += n;
              onProgress?.({ bytesDone: done, bytesTotal: total, file: f.path });
            },
            ctx,
          );
          await rename(partial, target);
          written.push({ path: f.path, size: r.size, sha256: r.sha256 });
          out.set(f.path, target);
        } catch (e) {
          await rm(partial, { force: true });
          throw e;
        }
      }
      const manifest: Manifest = { ...key, files: written, completedAt: new Date().toISOString() };
      const tmp = join(dir, `${MANIFEST}${PARTIAL}${randomBytes(4).toString('hex')}`);
      await writeFile(tmp, JSON.stringify(manifest, null, 2));
      await rename(tmp, join(dir, MANIFEST));
      return { dir, files: out, fromCache: false };
    } catch (e) {
      if (signal?.aborted || (isAbortError(e) && inner.signal.aborted)) throw cancelledError(ctx);
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async writeOne(
    f: RemoteFile,
    partial: string,
    signal: AbortSignal,
    progressed: (n: number) => void,
    ctx: { model: string; version: string; where: string },
  ): Promise<{ size: number; sha256: string }> {
    const sha = createHash('sha256');
    const check = f.hash && f.hash.algorithm !== 'sha256' ? createHash(f.hash.algorithm) : undefined;
    let size = 0;
    const body = await f.open(signal);
    const sink = createWriteStream(partial);
    const sinkError = new Promise<never>((_, reject) => sink.once('error', reject));
    sinkError.catch(() => undefined);
    try {
      for await (const chunk of body) {
        if (signal.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError');
        sha.update(chunk);
        check?.update(chunk);
        size += chunk.byteLength;
        if (!sink.write(chunk)) {
          await Promise.race([new Promise<void>((r) => sink.once('drain', () => r())), sinkError]);
        }
        progressed(chunk.byteLength);
      }
      await Promise.race([new Promise<void>((r, j) => sink.end((err?: Error | null) => (err ? j(err) : r()))), sinkError]);
    } catch (e) {
      sink.destroy();
      throw e;
    }
    const target = describeTarget(ctx.model, ctx.version);
    if (f.size !== undefined && size !== f.size) {
      throw new ModelSourceError(
        'corrupt',
        `Download of ${f.path} for ${target} from ${ctx.where} was incomplete: got ${size} of ${f.size} bytes. Try again.`,
        ctx,
      );
    }
    const digest = sha.digest();
    if (f.hash) {
      const got = f.hash.algorithm === 'sha256' ? digest : check!.digest();
      if (!got.equals(f.hash.digest)) {
        throw new ModelSourceError(
          'corrupt',
          `Download of ${f.path} for ${target} from ${ctx.where} is corrupt: its ${f.hash.algorithm.toUpperCase()} hash does not match the registry's. Try again; if it persists, the stored file is damaged.`,
          ctx,
        );
      }
    }
    return { size, sha256: digest.toString('hex') };
  }
}

function safeSegment(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return cleaned.slice(0, 80) || '_';
}

/** Joins a registry-provided relative path under `dir`, refusing anything that escapes it. */
function safeJoin(dir: string, rel: string, ctx: { model: string; version: string; where: string }): string {
  const p = normalize(join(dir, ...rel.split('/')));
  if (!p.startsWith(dir + sep) || rel.includes('\0')) {
    throw new ModelSourceError(
      'corrupt',
      `${describeTarget(ctx.model, ctx.version)} in ${ctx.where} lists a file outside its folder (${JSON.stringify(rel)}); it was not downloaded.`,
      ctx,
    );
  }
  return p;
}
