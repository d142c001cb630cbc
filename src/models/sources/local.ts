// MLflow models on disk, the embedded default. Three shapes:
//  - an MLflow file-store registry: <root>/models/<name>/meta.yaml, tags/, aliases/, version-<N>/meta.yaml
//    (layout of mlflow/store/model_registry/file_store.py), each version's storage_location or
//    source resolved to a folder holding MLmodel and the ONNX file;
//  - a plain folder of MLflow model folders (each one model with a single version "1"), or one
//    MLflow model folder;
//  - a single .onnx file chosen by the user.
// Files are used in place: nothing is copied into the cache.

import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { MlmodelFacts, mlmodelFacts } from './mlmodel-facts.js';
import {
  DownloadOptions,
  DownloadedModel,
  ListModelsOptions,
  ModelSource,
  ModelSourceError,
  ModelSummary,
  ModelVersionInfo,
  Page,
  RequestOptions,
  VersionPageOptions,
  cancelledError,
  notOnnxError,
} from '../source.js';
import { mapLimit } from './map-limit.js';

type Layout = { kind: 'registry'; modelsDir: string } | { kind: 'folders' } | { kind: 'model-folder' } | { kind: 'onnx-file' };

interface ResolvedFiles {
  dir: string;
  onnxPath?: string;
  mlmodelPath?: string;
  facts?: MlmodelFacts;
  problem?: string;
}

const DEFAULT_PAGE = 100;
/** Versions read from disk at the same time when listing (each is a few small files). */
const READ_CONCURRENCY = 16;

/** Opens a local path as a model source, choosing the layout from what is there. */
export async function openLocalSource(path: string): Promise<LocalModelSource> {
  const root = resolve(path);
  let st;
  try {
    st = await stat(root);
  } catch {
    throw new ModelSourceError('not-found', `The model folder ${root} does not exist. Choose an existing folder or .onnx file.`, {
      where: root,
    });
  }
  let layout: Layout;
  if (st.isFile()) {
    if (extname(root).toLowerCase() !== '.onnx') {
      throw new ModelSourceError('not-onnx', `${root} is not an .onnx file. Choose an ONNX model file, an MLflow model folder, or an MLflow registry folder.`, {
        where: root,
      });
    }
    layout = { kind: 'onnx-file' };
  } else if (existsSync(join(root, 'models')) && (await stat(join(root, 'models'))).isDirectory() && !existsSync(join(root, 'MLmodel'))) {
    layout = { kind: 'registry', modelsDir: join(root, 'models') };
  } else if (existsSync(join(root, 'MLmodel'))) {
    layout = { kind: 'model-folder' };
  } else {
    layout = { kind: 'folders' };
  }
  return new LocalModelSource(root, layout);
}

export class LocalModelSource implements ModelSource {
  readonly kind = 'local' as const;
  readonly id: string;
  readonly displayName: string;

  constructor(
    readonly root: string,
    private readonly layout: Layout,
  ) {
    this.id = `local:${root}`;
    this.displayName = root;
  }

  async listModels(options: ListModelsOptions = {}): Promise<Page<ModelSummary>> {
    checkAbort(options.signal, this.root);
    const all = await this.allModels();
    const needle = options.nameContains?.toLowerCase();
    const matching = needle ? all.filter((m) => m.name.toLowerCase().includes(needle)) : all;
    const start = options.continuationToken ? Number.parseInt(options.continuationToken, 10) : 0;
    if (!Number.isFinite(start) || start < 0) {
      throw new ModelSourceError(
        'bad-request',
        `The page token ${JSON.stringify(options.continuationToken)} is not one this folder gave out. Refresh the model list.`,
        {
          where: this.root,
        },
      );
    }
    const size = Math.max(1, options.pageSize ?? DEFAULT_PAGE);
    const items = matching.slice(start, start + size);
    return { items, continuationToken: start + size < matching.length ? String(start + size) : undefined };
  }

  async listVersions(modelName: string, options: RequestOptions = {}): Promise<ModelVersionInfo[]> {
    checkAbort(options.signal, this.root, modelName);
    if (this.layout.kind !== 'registry') return [await this.singleVersion(modelName)];
    const dir = await this.registryModelDir(modelName);
    const numbers = await versionNumbers(dir);
    const aliases = await readKeyFiles(join(dir, 'aliases'));
    return mapLimit(numbers, READ_CONCURRENCY, (n) => this.registryVersion(modelName, dir, String(n), aliases));
  }

  /**
   * One page of a model's versions, newest first: only this page's versions are read (meta.yaml,
   * tags, MLmodel). `continuationToken` is absent on the last page.
   */
  async listVersionsPage(modelName: string, options: VersionPageOptions = {}, signal?: AbortSignal): Promise<Page<ModelVersionInfo>> {
    checkAbort(signal, this.root, modelName);
    const start = options.pageToken === undefined ? 0 : /^\d+$/.test(options.pageToken) ? Number(options.pageToken) : NaN;
    if (!Number.isSafeInteger(start)) {
      throw new ModelSourceError(
        'bad-request',
        `The page token ${JSON.stringify(options.pageToken)} is not one this folder gave out for model '${modelName}'. Refresh the version list.`,
        { model: modelName, where: this.root },
      );
    }
    const size = Math.max(1, options.pageSize ?? DEFAULT_PAGE);
    if (this.layout.kind !== 'registry') return { items: start === 0 ? [await this.singleVersion(modelName)] : [] };
    const dir = await this.registryModelDir(modelName);
    const numbers = await versionNumbers(dir);
    const aliases = await readKeyFiles(join(dir, 'aliases'));
    const items = await mapLimit(numbers.slice(start, start + size), READ_CONCURRENCY, (n) => {
      checkAbort(signal, this.root, modelName);
      return this.registryVersion(modelName, dir, String(n), aliases);
    });
    return { items, continuationToken: start + size < numbers.length ? String(start + size) : undefined };
  }

  async getVersion(modelName: string, version: string, options: RequestOptions = {}): Promise<ModelVersionInfo> {
    checkAbort(options.signal, this.root, modelName, version);
    if (this.layout.kind === 'registry') {
      const dir = await this.registryModelDir(modelName);
      if (!/^\d+$/.test(version) || !existsSync(join(dir, `version-${version}`, 'meta.yaml'))) {
        throw this.notFound(modelName, version);
      }
      return this.registryVersion(modelName, dir, version);
    }
    const v = await this.singleVersion(modelName);
    if (version !== v.version) throw this.notFound(modelName, version);
    return v;
  }

  async download(modelName: string, version: string, options: DownloadOptions = {}): Promise<DownloadedModel> {
    checkAbort(options.signal, this.root, modelName, version);
    const info = await this.getVersion(modelName, version, options);
    const files = await this.filesOf(modelName, version);
    if (!info.isOnnx || !files.onnxPath) {
      if (files.problem && info.framework === 'onnx') {
        throw new ModelSourceError('corrupt', `Model '${modelName}' version ${version} in ${this.root}: ${files.problem}.`, {
          model: modelName,
          version,
          where: this.root,
        });
      }
      if (files.problem && !files.facts) {
        throw new ModelSourceError('unreachable-location', `Model '${modelName}' version ${version} in ${this.root}: ${files.problem}.`, {
          model: modelName,
          version,
          where: this.root,
        });
      }
      throw notOnnxError(info, this.root);
    }
    const size = (await stat(files.onnxPath)).size;
    options.onProgress?.({ bytesDone: size, bytesTotal: size, file: basename(files.onnxPath) });
    return { version: info, dir: files.dir, onnxPath: files.onnxPath, mlmodelPath: files.mlmodelPath, fromCache: true };
  }

  // --- listing -------------------------------------------------------------------------------

  private async allModels(): Promise<ModelSummary[]> {
    switch (this.layout.kind) {
      case 'onnx-file':
        return [{ name: basename(this.root, extname(this.root)), tags: {} }];
      case 'model-folder':
        return [{ name: basename(this.root), latestVersion: '1', tags: {} }];
      case 'folders': {
        const entries = await readdir(this.root, { withFileTypes: true });
        const out: ModelSummary[] = [];
        for (const e of entries) {
          if (e.isDirectory() && existsSync(join(this.root, e.name, 'MLmodel'))) {
            out.push({ name: e.name, latestVersion: '1', tags: {} });
          } else if (e.isFile() && extname(e.name).toLowerCase() === '.onnx') {
            out.push({ name: basename(e.name, extname(e.name)), latestVersion: '1', tags: {} });
          }
        }
        return out.sort((a, b) => a.name.localeCompare(b.name));
      }
      case 'registry': {
        const modelsDir = this.layout.modelsDir;
        const entries = await readdir(modelsDir, { withFileTypes: true });
        const out: ModelSummary[] = [];
        for (const e of entries) {
          if (!e.isDirectory()) continue;
          const dir = join(modelsDir, e.name);
          const meta = await readMeta(join(dir, 'meta.yaml'));
          if (!meta) continue;
          const versions = (await readdir(dir)).filter((n) => /^version-\d+$/.test(n)).map((n) => Number(n.slice(8)));
          out.push({
            name: str(meta.name) ?? e.name,
            description: str(meta.description) || undefined,
            latestVersion: versions.length ? String(Math.max(...versions)) : undefined,
            createdAt: msDate(meta.creation_timestamp),
            updatedAt: msDate(meta.last_updated_timestamp),
            tags: await readKeyFiles(join(dir, 'tags')),
          });
        }
        return out.sort((a, b) => a.name.localeCompare(b.name));
      }
    }
  }

  private async registryModelDir(modelName: string): Promise<string> {
    if (this.layout.kind !== 'registry') throw new Error('not a registry');
    // The file store names the folder after the model; fall back to matching meta.yaml names.
    const direct = join(this.layout.modelsDir, modelName);
    if (!modelName.includes('/') && !modelName.includes('\\') && modelName !== '..' && existsSync(join(direct, 'meta.yaml'))) return direct;
    for (const e of await readdir(this.layout.modelsDir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const meta = await readMeta(join(this.layout.modelsDir, e.name, 'meta.yaml'));
      if (meta && meta.name === modelName) return join(this.layout.modelsDir, e.name);
    }
    throw this.notFound(modelName);
  }

  private async registryVersion(modelName: string, modelDir: string, version: string, modelAliases?: Record<string, string>): Promise<ModelVersionInfo> {
    const vdir = join(modelDir, `version-${version}`);
    const meta = (await readMeta(join(vdir, 'meta.yaml'))) ?? {};
    const aliases = modelAliases ?? (await readKeyFiles(join(modelDir, 'aliases')));
    const tags = await readKeyFiles(join(vdir, 'tags'));
    const location = str(meta.storage_location) || str(meta.source) || undefined;
    const files = await this.resolveLocation(location, modelName, version);
    const status = str(meta.status);
    const info: ModelVersionInfo = {
      sourceId: this.id,
      modelName,
      version: String(meta.version ?? version),
      createdAt: msDate(meta.creation_timestamp),
      createdBy: str(meta.user_id) || undefined,
      description: str(meta.description) || undefined,
      tags,
      runId: str(meta.run_id) || files.facts?.runId,
      location,
      ...factsFields(files),
    };
    const aliasNames = Object.entries(aliases)
      .filter(([, v]) => v.trim() === version)
      .map(([k]) => k);
    if (aliasNames.length) info.aliases = aliasNames.sort();
    const stage = str(meta.current_stage);
    if (stage && stage !== 'None') info.stage = stage;
    if (status && status !== 'READY') {
      info.isOnnx = false;
      info.notOnnxReason = `its registration is ${status}${str(meta.status_message) ? `: ${str(meta.status_message)}` : ''}`;
    }
    return info;
  }

  private async singleVersion(modelName: string): Promise<ModelVersionInfo> {
    const files = await this.filesOf(modelName, '1');
    const st = await stat(files.onnxPath ?? files.mlmodelPath ?? files.dir);
    return {
      sourceId: this.id,
      modelName,
      version: '1',
      createdAt: files.facts?.createdAt ?? st.mtime,
      tags: {},
      runId: files.facts?.runId,
      location: files.onnxPath && !files.mlmodelPath ? files.onnxPath : files.dir,
      ...factsFields(files),
    };
  }

  private async filesOf(modelName: string, version: string): Promise<ResolvedFiles> {
    switch (this.layout.kind) {
      case 'onnx-file':
        if (modelName !== basename(this.root, extname(this.root))) throw this.notFound(modelName);
        return { dir: resolve(this.root, '..'), onnxPath: this.root };
      case 'model-folder':
        if (modelName !== basename(this.root)) throw this.notFound(modelName);
        return inspectFolder(this.root);
      case 'folders': {
        if (modelName.includes('/') || modelName.includes('\\') || modelName === '..' || modelName === '.') throw this.notFound(modelName);
        const dir = join(this.root, modelName);
        if (existsSync(join(dir, 'MLmodel'))) return inspectFolder(dir);
        for (const ext of ['.onnx', '.ONNX']) {
          if (existsSync(dir + ext)) return { dir: this.root, onnxPath: dir + ext };
        }
        throw this.notFound(modelName);
      }
      case 'registry': {
        const modelDir = await this.registryModelDir(modelName);
        const meta = (await readMeta(join(modelDir, `version-${version}`, 'meta.yaml'))) ?? {};
        return this.resolveLocation(str(meta.storage_location) || str(meta.source) || undefined, modelName, version);
      }
    }
  }

  /** Resolves a version's storage location to a folder on this disk, or says why it cannot. */
  private async resolveLocation(location: string | undefined, modelName: string, version: string): Promise<ResolvedFiles> {
    const root = this.root;
    if (!location) return { dir: root, problem: 'its meta.yaml has neither storage_location nor source' };
    let path: string | undefined;
    let problem: string | undefined;
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(location)?.[1]?.toLowerCase();
    if (scheme === 'file') {
      try {
        path = fileURLToPath(location);
      } catch {
        problem = `its location ${location} is not a valid file URI`;
      }
    } else if (scheme === 'runs') {
      // runs:/<run_id>/<path>: look for the run in a local mlruns layout: <root>/<experiment>/<run>/artifacts/<path>.
      const m = /^runs:\/+([^/]+)\/?(.*)$/.exec(location);
      if (m) path = await findRunArtifacts(root, m[1]!, m[2] ?? '');
      if (!path) {
        problem = `its source ${location} names a run whose artifacts are not in this folder (looked for <experiment>/${m?.[1] ?? '?'}/artifacts under ${root}). Open the MLflow tracking server that holds the run instead, or register the model from a folder on this disk`;
      }
    } else if (scheme === 'mlflow-artifacts') {
      const rel = location.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, '');
      for (const base of [join(root, 'mlartifacts'), join(root, '..', 'mlartifacts')]) {
        if (existsSync(join(base, rel))) path = join(base, rel);
      }
      if (!path) {
        problem = `its location ${location} is served by an MLflow tracking server (mlflow-artifacts), and no local copy was found under ${join(root, 'mlartifacts')}. Add the tracking server as a registry instead`;
      }
    } else if (scheme && scheme.length > 1) {
      problem = `its location ${location} is remote (${scheme}:), which a local folder registry cannot read. Add the registry that owns that storage instead`;
    } else {
      path = isAbsolute(location) ? location : resolve(root, location);
    }
    if (!path) return { dir: root, problem };
    if (!existsSync(path)) {
      return { dir: path, problem: `its files are missing: ${path} does not exist` };
    }
    if ((await stat(path)).isFile()) {
      if (extname(path).toLowerCase() === '.onnx') return { dir: resolve(path, '..'), onnxPath: path };
      return { dir: resolve(path, '..'), problem: `its location ${path} is a file but not an .onnx model` };
    }
    void modelName;
    void version;
    return inspectFolder(path);
  }

  private notFound(modelName: string, version?: string): ModelSourceError {
    const what = version === undefined ? `Model '${modelName}'` : `Model '${modelName}' version ${version}`;
    return new ModelSourceError('not-found', `${what} was not found in ${this.root}. Refresh the model list.`, {
      model: modelName,
      version,
      where: this.root,
    });
  }
}

/** Reads a model folder: its MLmodel (when present) and the ONNX file it names. */
async function inspectFolder(dir: string): Promise<ResolvedFiles> {
  const mlmodelPath = join(dir, 'MLmodel');
  if (!existsSync(mlmodelPath)) {
    const onnx = (await readdir(dir)).filter((n) => extname(n).toLowerCase() === '.onnx');
    if (onnx.length === 1) return { dir, onnxPath: join(dir, onnx[0]!) };
    return {
      dir,
      problem: onnx.length ? `its folder ${dir} has several .onnx files and no MLmodel saying which to use` : `its folder ${dir} has no MLmodel file`,
    };
  }
  let facts: MlmodelFacts;
  try {
    facts = mlmodelFacts(await readFile(mlmodelPath, 'utf8'));
  } catch (e) {
    return { dir, mlmodelPath, problem: `its MLmodel file ${mlmodelPath} cannot be read: ${(e as Error).message}` };
  }
  if (!facts.onnxFile) return { dir, mlmodelPath, facts };
  const onnxPath = resolve(dir, facts.onnxFile);
  if (!existsSync(onnxPath)) {
    return { dir, mlmodelPath, facts, problem: `the ONNX file ${facts.onnxFile} named by its MLmodel is missing from ${dir}` };
  }
  return { dir, mlmodelPath, facts, onnxPath };
}

function factsFields(files: ResolvedFiles): Pick<ModelVersionInfo, 'framework' | 'frameworkVersion' | 'flavors' | 'isOnnx' | 'notOnnxReason'> {
  if (files.facts) {
    const ok = files.onnxPath !== undefined && !files.problem;
    return {
      framework: files.facts.framework,
      frameworkVersion: files.facts.frameworkVersion,
      flavors: files.facts.flavors,
      isOnnx: ok,
      notOnnxReason: ok ? undefined : (files.problem ?? files.facts.notOnnxReason),
    };
  }
  if (files.onnxPath && !files.problem) return { framework: 'onnx', flavors: [], isOnnx: true };
  return { flavors: [], isOnnx: false, notOnnxReason: files.problem };
}

async function findRunArtifacts(root: string, runId: string, rel: string): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) return undefined;
  const roots = [root, join(root, 'mlruns')];
  for (const r of roots) {
    if (!existsSync(r)) continue;
    for (const e of await readdir(r, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const candidate = join(r, e.name, runId, 'artifacts', ...rel.split('/').filter(Boolean));
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The version numbers of a registry model folder (its version-N folders), newest first. */
async function versionNumbers(modelDir: string): Promise<number[]> {
  const entries = await readdir(modelDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^version-\d+$/.test(e.name))
    .map((e) => Number(e.name.slice('version-'.length)))
    .sort((a, b) => b - a);
}

async function readMeta(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const doc: unknown = parse(await readFile(path, 'utf8'));
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** tags/ and aliases/ folders: one file per key, its content the value. */
async function readKeyFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isFile()) out[e.name] = (await readFile(join(dir, e.name), 'utf8')).trim();
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function msDate(v: unknown): Date | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  return n === undefined ? undefined : new Date(n);
}

function checkAbort(signal: AbortSignal | undefined, where: string, model?: string, version?: string): void {
  if (signal?.aborted) throw cancelledError({ where, model, version });
}
