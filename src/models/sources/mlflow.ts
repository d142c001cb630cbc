// An MLflow tracking server's model registry over REST (mlflow/protos/model_registry.proto under
// /api/2.0/mlflow), with files through the artifact proxy (/api/2.0/mlflow-artifacts/artifacts)
// or the server's model-version artifact route. Also serves an Azure ML workspace's MLflow endpoint.

import type { TokenCredential } from '@azure/core-auth';
import { ModelCache, RemoteFile } from '../cache.js';
import { MlmodelFacts, mlmodelFacts } from './mlmodel-facts.js';
import { HttpClientOptions, RequestContext, bodyChunks, httpGet, httpGetJson } from './http.js';
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
  RetryPolicy,
  VersionPageOptions,
  notOnnxError,
} from '../source.js';
import { mapLimit } from './map-limit.js';

export type MlflowAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  /** An Entra token from a credential (Azure ML's MLflow endpoint: scope https://management.azure.com/.default). */
  | { kind: 'credential'; credential: TokenCredential; scope?: string };

export interface MlflowSourceOptions {
  /** The tracking server, e.g. http://127.0.0.1:5000 (a path prefix is kept). */
  trackingUri: string;
  auth?: MlflowAuth;
  cache: ModelCache;
  retry?: RetryPolicy;
  /** How the registry is named in messages; default "the MLflow server at <uri>". */
  displayName?: string;
  /** Page size for registered-models/search (MLflow allows up to 1000). Default 100. */
  pageSize?: number;
  /** Versions whose MLmodel is read at the same time when listing versions. Default 16. */
  detailConcurrency?: number;
  fetch?: typeof fetch;
}

/** MLflow's JSON for a registered model / model version (int64 fields may be numbers or strings). */
interface RestRegisteredModel {
  name: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  description?: string;
  latest_versions?: RestModelVersion[];
  tags?: { key: string; value?: string }[];
  aliases?: { alias: string; version: string }[];
}

interface RestModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: { key: string; value?: string }[];
  aliases?: string[];
}

interface ArtifactListing {
  files?: { path: string; is_dir?: boolean; file_size?: number | string }[];
}

/** Where a version's files are and how to read them. */
interface VersionFiles {
  artifactUri: string;
  /** Path for /api/2.0/mlflow-artifacts/artifacts/<path>, when the artifacts are proxied. */
  proxiedPath?: string;
  facts?: MlmodelFacts;
  mlmodelSize?: number;
  problem?: string;
}

const DEFAULT_PAGE = 100;
/**
 * Whether a version is ONNX is in its MLmodel, one request per version (the registry keeps no
 * flavor in the version's fields): a listing reads that many at a time. The requests are small;
 * what costs is the round trip, so a dozen in flight hide most of it without flooding the server.
 */
const DETAIL_CONCURRENCY = 16;

export class MlflowModelSource implements ModelSource {
  readonly kind = 'mlflow' as const;
  readonly id: string;
  readonly displayName: string;
  private readonly base: string;
  private readonly http: HttpClientOptions;
  private readonly signIn: string;
  private readonly files = new Map<string, Promise<VersionFiles>>();
  /** The last full version list of each model read by listVersionsPage, for its later pages. */
  private readonly versionLists = new Map<string, RestModelVersion[]>();

  constructor(private readonly options: MlflowSourceOptions) {
    let url: URL;
    try {
      url = new URL(options.trackingUri);
    } catch {
      throw new ModelSourceError(
        'bad-request',
        `${JSON.stringify(options.trackingUri)} is not a tracking server address. Enter an http:// or https:// URL, e.g. http://127.0.0.1:5000.`,
        {
          where: options.trackingUri,
        },
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ModelSourceError('bad-request', `The tracking server address ${options.trackingUri} must start with http:// or https://.`, {
        where: options.trackingUri,
      });
    }
    url.search = '';
    url.hash = '';
    this.base = url.toString().replace(/\/+$/, '');
    this.id = `mlflow:${this.base}`;
    this.displayName = options.displayName ?? `the MLflow server at ${this.base}`;
    const auth = options.auth ?? { kind: 'none' };
    this.signIn = signInHint(auth);
    this.http = { headers: (signal) => this.authHeaders(auth, signal), retry: options.retry, fetch: options.fetch };
  }

  async listModels(options: ListModelsOptions = {}): Promise<Page<ModelSummary>> {
    const q = new URLSearchParams();
    if (options.nameContains) q.set('filter', `name LIKE ${likeLiteral(options.nameContains)}`);
    q.set('max_results', String(Math.min(1000, Math.max(1, options.pageSize ?? this.options.pageSize ?? DEFAULT_PAGE))));
    if (options.continuationToken) q.set('page_token', options.continuationToken);
    const body = await httpGetJson<{ registered_models?: RestRegisteredModel[]; next_page_token?: string }>(
      this.api(`mlflow/registered-models/search?${q}`),
      this.http,
      this.ctx(),
      options.signal,
    );
    const items = (body.registered_models ?? []).map(toSummary);
    return { items, continuationToken: body.next_page_token || undefined };
  }

  async listVersions(modelName: string, options: RequestOptions = {}): Promise<ModelVersionInfo[]> {
    const raw = await this.searchVersions(modelName, options.signal);
    return mapLimit(raw, this.options.detailConcurrency ?? DETAIL_CONCURRENCY, (v) => this.toVersionInfo(v, options.signal));
  }

  /**
   * One page of a model's versions, newest first, for a grid that shows the newest first: the
   * version list is one search request per 1 000 versions, and only the versions of this page have
   * their MLmodel read to tell whether PREDICT can use them. `continuationToken` is absent on the
   * last page.
   */
  async listVersionsPage(modelName: string, options: VersionPageOptions = {}, signal?: AbortSignal): Promise<Page<ModelVersionInfo>> {
    const start = options.pageToken === undefined ? 0 : /^\d+$/.test(options.pageToken) ? Number(options.pageToken) : NaN;
    if (!Number.isSafeInteger(start)) {
      throw new ModelSourceError(
        'bad-request',
        `The page token ${JSON.stringify(options.pageToken)} is not one ${this.displayName} gave out for model '${modelName}'. Refresh the version list.`,
        { model: modelName, where: this.displayName },
      );
    }
    let raw = start > 0 ? this.versionLists.get(modelName) : undefined;
    if (!raw) {
      raw = await this.searchVersions(modelName, signal);
      this.versionLists.set(modelName, raw);
    }
    const size = Math.max(1, options.pageSize ?? this.options.pageSize ?? DEFAULT_PAGE);
    const items = await mapLimit(raw.slice(start, start + size), this.options.detailConcurrency ?? DETAIL_CONCURRENCY, (v) => this.toVersionInfo(v, signal));
    return { items, continuationToken: start + size < raw.length ? String(start + size) : undefined };
  }

  /** Every version of a model as the registry lists it, newest first. */
  private async searchVersions(modelName: string, signal?: AbortSignal): Promise<RestModelVersion[]> {
    const ctx = this.ctx(modelName);
    const raw: RestModelVersion[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ filter: `name=${quoteLiteral(modelName)}`, max_results: '1000' });
      if (token) q.set('page_token', token);
      const body = await httpGetJson<{ model_versions?: RestModelVersion[]; next_page_token?: string }>(
        this.api(`mlflow/model-versions/search?${q}`),
        this.http,
        ctx,
        signal,
      );
      raw.push(...(body.model_versions ?? []).filter((v) => v.name === modelName));
      token = body.next_page_token || undefined;
    } while (token);
    if (!raw.length) {
      // An empty search is how MLflow answers for an unknown name: say which it is.
      await httpGetJson(this.api(`mlflow/registered-models/get?${new URLSearchParams({ name: modelName })}`), this.http, ctx, signal);
      return [];
    }
    return raw.sort((a, b) => Number(b.version) - Number(a.version));
  }

  async getVersion(modelName: string, version: string, options: RequestOptions = {}): Promise<ModelVersionInfo> {
    const q = new URLSearchParams({ name: modelName, version });
    const body = await httpGetJson<{ model_version?: RestModelVersion }>(
      this.api(`mlflow/model-versions/get?${q}`),
      this.http,
      this.ctx(modelName, version),
      options.signal,
    );
    if (!body.model_version) {
      throw new ModelSourceError('not-found', `Model '${modelName}' version ${version} was not found in ${this.displayName}. Refresh the model list.`, {
        model: modelName,
        version,
        where: this.displayName,
      });
    }
    return this.toVersionInfo(body.model_version, options.signal);
  }

  async download(modelName: string, version: string, options: DownloadOptions = {}): Promise<DownloadedModel> {
    const key = { sourceId: this.id, model: modelName, version };
    const cached = await this.options.cache.lookup(key);
    const info = await this.getVersion(modelName, version, options);
    if (!info.isOnnx) {
      const files = await this.versionFiles(modelName, version, options.signal);
      if (files.facts) throw notOnnxError(info, this.displayName);
      throw new ModelSourceError(
        'unreachable-location',
        `Model '${modelName}' version ${version} in ${this.displayName} cannot be downloaded: ${info.notOnnxReason}.`,
        {
          model: modelName,
          version,
          where: this.displayName,
        },
      );
    }
    if (cached) return this.result(info, cached.dir, cached.files, true);
    const got = await this.options.cache.fetch(key, () => this.remoteFiles(modelName, version, options.signal), {
      signal: options.signal,
      onProgress: options.onProgress,
      where: this.displayName,
    });
    return this.result(info, got.dir, got.files, got.fromCache);
  }

  // --- internals -----------------------------------------------------------------------------

  private result(info: ModelVersionInfo, dir: string, files: Map<string, string>, fromCache: boolean): DownloadedModel {
    const onnx = [...files.entries()].find(([p]) => p !== 'MLmodel');
    return { version: info, dir, onnxPath: onnx![1], mlmodelPath: files.get('MLmodel'), fromCache };
  }

  private async remoteFiles(modelName: string, version: string, signal?: AbortSignal): Promise<RemoteFile[]> {
    const vf = await this.versionFiles(modelName, version, signal);
    const onnxFile = vf.facts!.onnxFile!;
    const ctx = this.ctx(modelName, version);
    let onnxSize: number | undefined;
    if (vf.proxiedPath !== undefined) {
      const dir = onnxFile.includes('/') ? onnxFile.slice(0, onnxFile.lastIndexOf('/')) : '';
      const listing = await httpGetJson<ArtifactListing>(
        this.api(`mlflow-artifacts/artifacts?${new URLSearchParams({ path: joinPath(vf.proxiedPath, dir) })}`),
        this.http,
        ctx,
        signal,
      );
      const leaf = onnxFile.slice(onnxFile.lastIndexOf('/') + 1);
      const entry = (listing.files ?? []).find((f) => !f.is_dir && (f.path === leaf || f.path.endsWith(`/${leaf}`)));
      if (!entry) {
        throw new ModelSourceError(
          'corrupt',
          `Model '${modelName}' version ${version} in ${this.displayName}: its MLmodel names ${onnxFile}, but that file is not among its artifacts (${vf.artifactUri}). Register the version again with its ONNX file.`,
          { model: modelName, version, where: this.displayName },
        );
      }
      onnxSize = entry.file_size === undefined ? undefined : Number(entry.file_size);
    }
    return [this.remoteFile(modelName, version, vf, 'MLmodel', vf.mlmodelSize), this.remoteFile(modelName, version, vf, onnxFile, onnxSize)];
  }

  private remoteFile(modelName: string, version: string, vf: VersionFiles, path: string, size: number | undefined): RemoteFile {
    const ctx = this.ctx(modelName, version);
    return {
      path,
      size,
      open: async (signal) => {
        const res = await httpGet(this.fileUrl(modelName, version, vf, path), this.http, ctx, signal);
        return bodyChunks(res, ctx, signal);
      },
    };
  }

  private fileUrl(modelName: string, version: string, vf: VersionFiles, path: string): string {
    if (vf.proxiedPath !== undefined) return this.api(`mlflow-artifacts/artifacts/${encodePath(joinPath(vf.proxiedPath, path))}`);
    return `${this.base}/model-versions/get-artifact?${new URLSearchParams({ name: modelName, version, path })}`;
  }

  /**
   * Resolves where a version's files are and reads its MLmodel (once per version). `source` is the
   * version's source field, when known: a direct artifact location saves the get-download-uri request.
   */
  private versionFiles(modelName: string, version: string, signal?: AbortSignal, source?: string): Promise<VersionFiles> {
    const k = `${modelName}\n${version}`;
    let p = this.files.get(k);
    if (!p) {
      p = this.loadVersionFiles(modelName, version, signal, source);
      this.files.set(k, p);
      p.catch(() => this.files.delete(k));
    }
    return p;
  }

  private async loadVersionFiles(modelName: string, version: string, signal?: AbortSignal, source?: string): Promise<VersionFiles> {
    const ctx = this.ctx(modelName, version);
    const artifactUri =
      directArtifactLocation(source) ??
      (
        await httpGetJson<{ artifact_uri?: string }>(
          this.api(`mlflow/model-versions/get-download-uri?${new URLSearchParams({ name: modelName, version })}`),
          this.http,
          ctx,
          signal,
        )
      ).artifact_uri;
    if (!artifactUri) return { artifactUri: '', problem: 'the server gave no download location for it' };
    const vf: VersionFiles = { artifactUri };
    const proxied = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
    if (proxied) vf.proxiedPath = proxied[1]!.replace(/\/+$/, '');
    let text: string;
    try {
      const res = await httpGet(this.fileUrl(modelName, version, vf, 'MLmodel'), this.http, ctx, signal);
      text = await res.text();
      vf.mlmodelSize = Buffer.byteLength(text);
    } catch (e) {
      if (e instanceof ModelSourceError && e.kind === 'not-found') {
        vf.problem = `it has no MLmodel file at ${artifactUri}`;
        return vf;
      }
      throw e;
    }
    try {
      vf.facts = mlmodelFacts(text);
    } catch (e) {
      vf.problem = `its MLmodel file cannot be read: ${(e as Error).message}`;
    }
    return vf;
  }

  private async toVersionInfo(v: RestModelVersion, signal?: AbortSignal): Promise<ModelVersionInfo> {
    const info: ModelVersionInfo = {
      sourceId: this.id,
      modelName: v.name,
      version: String(v.version),
      createdAt: msDate(v.creation_timestamp),
      createdBy: v.user_id || undefined,
      description: v.description || undefined,
      tags: tagsOf(v.tags),
      aliases: v.aliases?.length ? [...v.aliases].sort() : undefined,
      stage: v.current_stage && v.current_stage !== 'None' ? v.current_stage : undefined,
      runId: v.run_id || undefined,
      location: v.source,
      flavors: [],
      isOnnx: false,
    };
    if (v.status && v.status !== 'READY') {
      info.notOnnxReason = `its registration is ${v.status}${v.status_message ? `: ${v.status_message}` : ''}`;
      return info;
    }
    const vf = await this.versionFiles(info.modelName, info.version, signal, v.source);
    if (vf.facts) {
      info.flavors = vf.facts.flavors;
      info.framework = vf.facts.framework;
      info.frameworkVersion = vf.facts.frameworkVersion;
      info.isOnnx = vf.facts.onnxFile !== undefined;
      info.notOnnxReason = vf.facts.notOnnxReason;
      info.runId ??= vf.facts.runId;
    } else {
      info.notOnnxReason = vf.problem;
    }
    return info;
  }

  private api(path: string): string {
    return `${this.base}/api/2.0/${path}`;
  }

  private ctx(model?: string, version?: string): RequestContext {
    return { model, version, where: this.displayName, signIn: this.signIn };
  }

  private async authHeaders(auth: MlflowAuth, signal?: AbortSignal): Promise<Record<string, string>> {
    const h: Record<string, string> = { accept: 'application/json' };
    switch (auth.kind) {
      case 'none':
        return h;
      case 'bearer':
        return { ...h, authorization: `Bearer ${auth.token}` };
      case 'basic':
        return { ...h, authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
      case 'credential': {
        let token;
        try {
          token = await auth.credential.getToken(auth.scope ?? 'https://management.azure.com/.default', { abortSignal: signal });
        } catch (e) {
          throw new ModelSourceError('not-signed-in', `Not signed in to Azure for ${this.displayName}: ${(e as Error).message.split('\n')[0]} ${this.signIn}`, {
            where: this.displayName,
            cause: e,
          });
        }
        if (!token) {
          throw new ModelSourceError('not-signed-in', `Not signed in to Azure for ${this.displayName}. ${this.signIn}`, { where: this.displayName });
        }
        return { ...h, authorization: `Bearer ${token.token}` };
      }
    }
  }
}

/**
 * The MLflow source for an Azure ML workspace, from its `mlFlowTrackingUri`
 * (azureml://<region>.api.azureml.ms/mlflow/v1.0/subscriptions/…/workspaces/<ws>), signed in with
 * the user's Entra token for https://management.azure.com/.default.
 */
export function mlflowSourceForAzureMlWorkspace(opts: {
  mlFlowTrackingUri: string;
  workspaceName: string;
  credential: TokenCredential;
  cache: ModelCache;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
}): MlflowModelSource {
  const uri = opts.mlFlowTrackingUri.replace(/^azureml:\/\//i, 'https://');
  return new MlflowModelSource({
    trackingUri: uri,
    auth: { kind: 'credential', credential: opts.credential, scope: 'https://management.azure.com/.default' },
    cache: opts.cache,
    retry: opts.retry,
    fetch: opts.fetch,
    displayName: `Azure ML workspace '${opts.workspaceName}' (MLflow)`,
  });
}

function signInHint(auth: MlflowAuth): string {
  switch (auth.kind) {
    case 'none':
      return "The server asks for credentials: add a token or a user name and password to this registry's settings.";
    case 'bearer':
      return "The server refused the access token: set a current token (MLFLOW_TRACKING_TOKEN) in this registry's settings.";
    case 'basic':
      return "The server refused the user name or password: correct them in this registry's settings.";
    case 'credential':
      return 'Sign in to Azure again (Azure: Sign In) and retry.';
  }
}

function toSummary(m: RestRegisteredModel): ModelSummary {
  const versions = (m.latest_versions ?? []).map((v) => Number(v.version)).filter((n) => Number.isFinite(n));
  return {
    name: m.name,
    description: m.description || undefined,
    latestVersion: versions.length ? String(Math.max(...versions)) : undefined,
    createdAt: msDate(m.creation_timestamp),
    updatedAt: msDate(m.last_updated_timestamp),
    tags: tagsOf(m.tags),
  };
}

function tagsOf(tags: { key: string; value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) out[t.key] = t.value ?? '';
  return out;
}

function msDate(v: number | string | undefined): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? new Date(n) : undefined;
}

/** A string literal for MLflow's filter grammar. */
function quoteLiteral(s: string): string {
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  throw new ModelSourceError('bad-request', `The model name ${s} contains both ' and " and cannot be searched on an MLflow server.`, { model: s });
}

function likeLiteral(s: string): string {
  return quoteLiteral(`%${s}%`);
}

/**
 * A version's source when it already is where its files are stored: an artifact-store URI
 * (mlflow-artifacts:, s3:, wasbs:, abfss:, gs:, file:, …). MLflow answers get-download-uri with
 * that same URI for such versions; only `runs:/` and `models:/` sources, or none, need the server
 * to resolve them.
 */
function directArtifactLocation(source: string | undefined): string | undefined {
  const scheme = source ? /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(source)?.[1]?.toLowerCase() : undefined;
  if (!scheme || scheme.length < 2 || scheme === 'runs' || scheme === 'models') return undefined;
  return source;
}

function joinPath(a: string, b: string): string {
  return [a, b].filter(Boolean).join('/');
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}
