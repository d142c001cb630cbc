// The one interface every model registry implements: local MLflow folders, MLflow tracking servers
// (REST) and Azure Machine Learning (ARM + blob storage). The wizard and the CLI only see this.

/** What kind of registry a source talks to (the `kind` of a `predictWizard.modelRegistries` entry). */
export type RegistryKind = 'local' | 'mlflow' | 'azureml';

/** A registered model, as listed. */
export interface ModelSummary {
  name: string;
  description?: string;
  /** The newest version the registry reports, if it says. */
  latestVersion?: string;
  createdAt?: Date;
  updatedAt?: Date;
  tags: Record<string, string>;
}

/** One page of a paged listing; `continuationToken` is absent on the last page. */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface ListModelsOptions {
  /** Case-insensitive substring of the model name. */
  nameContains?: string;
  /** Where the previous page ended; absent for the first page. */
  continuationToken?: string;
  /** Requested page size; a source may return fewer. */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface VersionPageOptions {
  /** Where the previous page ended (that page's `continuationToken`); absent for the first page. */
  pageToken?: string;
  /** Requested page size; a source may return fewer. */
  pageSize?: number;
}

/** One version of a registered model, as listed and as fetched. */
export interface ModelVersionInfo {
  /** The `ModelSource.id` it came from. */
  sourceId: string;
  modelName: string;
  version: string;
  createdAt?: Date;
  createdBy?: string;
  /** The framework the model was made with, e.g. `onnx`, `sklearn` (the main MLflow flavor or the registry's model type). */
  framework?: string;
  frameworkVersion?: string;
  /** Every MLflow flavor the version declares (empty when unknown). */
  flavors: string[];
  description?: string;
  tags: Record<string, string>;
  /** MLflow aliases pointing at this version (e.g. `champion`). */
  aliases?: string[];
  /** MLflow stage (Staging, Production, Archived) or Azure ML stage, when set. */
  stage?: string;
  runId?: string;
  /** True when PREDICT can load it: it has an ONNX file. */
  isOnnx: boolean;
  /** Why it is not usable, when `isOnnx` is false. */
  notOnnxReason?: string;
  /** Where its files live, as the registry states it (a URI or a path). */
  location?: string;
}

export interface DownloadProgress {
  bytesDone: number;
  /** Undefined while the total is not yet known. */
  bytesTotal?: number;
  /** The file being transferred, relative to the model folder. */
  file?: string;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

/** A version's files on the local disk. */
export interface DownloadedModel {
  version: ModelVersionInfo;
  /** The folder holding the files. */
  dir: string;
  onnxPath: string;
  /** The MLmodel file, when the version has one. */
  mlmodelPath?: string;
  /** True when the files were already in the cache (or are local files used in place). */
  fromCache: boolean;
}

export interface ModelSource {
  /** Stable identity used for caching, e.g. `local:/path`, `mlflow:https://host`, `azureml:<sub>/<rg>/<ws>`. */
  readonly id: string;
  readonly kind: RegistryKind;
  /** For people: the folder, server or workspace name. */
  readonly displayName: string;
  /** One page of registered models. */
  listModels(options?: ListModelsOptions): Promise<Page<ModelSummary>>;
  /** The versions of one model, newest first. */
  listVersions(modelName: string, options?: RequestOptions): Promise<ModelVersionInfo[]>;
  /**
   * One page of a model's versions, newest first, reading only what that page needs (so the first
   * versions can be shown before the rest are read). `continuationToken` is absent on the last
   * page. Optional: `versionPage` falls back to `listVersions` as a single page.
   */
  listVersionsPage?(modelName: string, options?: VersionPageOptions, signal?: AbortSignal): Promise<Page<ModelVersionInfo>>;
  getVersion(modelName: string, version: string, options?: RequestOptions): Promise<ModelVersionInfo>;
  /** Brings the version's ONNX file and its MLmodel to the local disk (through the cache). */
  download(modelName: string, version: string, options?: DownloadOptions): Promise<DownloadedModel>;
}

/**
 * The pages of a model listing as an async iterator: each page is requested only when the
 * previous one has been consumed, so the first page is usable before the rest exists.
 */
export async function* modelPages(
  source: ModelSource,
  options: Omit<ListModelsOptions, 'continuationToken'> = {},
): AsyncGenerator<Page<ModelSummary>, void, undefined> {
  let token: string | undefined;
  do {
    const page = await source.listModels({ ...options, continuationToken: token });
    yield page;
    token = page.continuationToken;
  } while (token);
}

/**
 * One page of a model's versions, newest first: the source's `listVersionsPage`, or, for a source
 * without one, every version as a single page.
 */
export async function versionPage(
  source: Pick<ModelSource, 'listVersions' | 'listVersionsPage' | 'displayName'>,
  modelName: string,
  options: VersionPageOptions = {},
  signal?: AbortSignal,
): Promise<Page<ModelVersionInfo>> {
  if (source.listVersionsPage) return source.listVersionsPage(modelName, options, signal);
  if (options.pageToken !== undefined) {
    throw new ModelSourceError(
      'bad-request',
      `The page token ${JSON.stringify(options.pageToken)} is not one ${source.displayName} gave out for model '${modelName}'. Refresh the version list.`,
      { model: modelName, where: source.displayName },
    );
  }
  return { items: await source.listVersions(modelName, { signal }) };
}

// ---------------------------------------------------------------------------------------------
// Errors

export type ModelSourceErrorKind =
  | 'not-signed-in'
  | 'forbidden'
  | 'not-found'
  | 'throttled'
  | 'network-down'
  | 'not-onnx'
  | 'cancelled'
  /** The files are there but wrong: size or hash mismatch, unreadable metadata. */
  | 'corrupt'
  /** The registry points at a place this product cannot read (e.g. `runs:/` on disk, s3://). */
  | 'unreachable-location'
  /** The request itself was refused as malformed (a bug or an unsupported server). */
  | 'bad-request'
  | 'server-error';

export interface ModelSourceErrorDetails {
  model?: string;
  version?: string;
  /** The registry: folder, server address or workspace name. */
  where?: string;
  status?: number;
  cause?: unknown;
}

/** An error a user can act on: `message` says what failed, on what, and what to do. */
export class ModelSourceError extends Error {
  override readonly name = 'ModelSourceError';
  readonly kind: ModelSourceErrorKind;
  readonly model?: string;
  readonly version?: string;
  readonly where?: string;
  readonly status?: number;

  constructor(kind: ModelSourceErrorKind, message: string, details: ModelSourceErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.model = details.model;
    this.version = details.version;
    this.where = details.where;
    this.status = details.status;
  }
}

/** "model 'x' version 3" / "model 'x'" / "the model list" — the object named in messages. */
export function describeTarget(model?: string, version?: string): string {
  if (model === undefined) return 'the model list';
  return version === undefined ? `model '${model}'` : `model '${model}' version ${version}`;
}

/**
 * The error for an HTTP status, worded for the user. `where` names the registry (a server address
 * or "workspace 'ws'"), `signIn` says how to sign in for that registry.
 */
export function errorForStatus(
  status: number,
  ctx: { model?: string; version?: string; where: string; signIn: string; serverMessage?: string; retryAfterMs?: number },
): ModelSourceError {
  const target = describeTarget(ctx.model, ctx.version);
  const d = { model: ctx.model, version: ctx.version, where: ctx.where, status };
  const said = ctx.serverMessage ? ` The server said: ${ctx.serverMessage}` : '';
  if (status === 401) {
    return new ModelSourceError('not-signed-in', `Not signed in to ${ctx.where}: could not read ${target}. ${ctx.signIn}`, d);
  }
  if (status === 403) {
    return new ModelSourceError(
      'forbidden',
      `Access denied to ${target} in ${ctx.where} (403). Ask the registry's owner for read access to its models, or sign in with an account that has it.${said}`,
      d,
    );
  }
  if (status === 404) {
    return new ModelSourceError(
      'not-found',
      `${capitalize(target)} was not found in ${ctx.where} (404). It may have been deleted or renamed: refresh the model list.${said}`,
      d,
    );
  }
  if (status === 429) {
    const wait = ctx.retryAfterMs !== undefined ? ` (it asked to wait ${Math.ceil(ctx.retryAfterMs / 1000)} s)` : '';
    return new ModelSourceError(
      'throttled',
      `${ctx.where} is throttling requests${wait} and kept refusing after several retries while reading ${target}. Wait a minute and try again.`,
      d,
    );
  }
  if (status >= 500) {
    return new ModelSourceError('server-error', `${ctx.where} failed (${status}) while reading ${target}. Try again later.${said}`, d);
  }
  return new ModelSourceError('bad-request', `${ctx.where} refused the request for ${target} (${status}).${said}`, d);
}

export function cancelledError(ctx: { model?: string; version?: string; where: string }): ModelSourceError {
  return new ModelSourceError('cancelled', `Cancelled: ${describeTarget(ctx.model, ctx.version)} from ${ctx.where} was not read.`, {
    ...ctx,
  });
}

export function networkError(ctx: { model?: string; version?: string; where: string; cause?: unknown }): ModelSourceError {
  const why = ctx.cause instanceof Error ? ` (${networkCause(ctx.cause)})` : '';
  return new ModelSourceError(
    'network-down',
    `Could not reach ${ctx.where} while reading ${describeTarget(ctx.model, ctx.version)}${why}. Check the network connection and the registry's address, then try again.`,
    { model: ctx.model, version: ctx.version, where: ctx.where, cause: ctx.cause },
  );
}

/** The user-facing message for a version that is not ONNX. */
export function notOnnxError(v: { modelName: string; version: string; framework?: string; notOnnxReason?: string }, where: string): ModelSourceError {
  const flavor = v.framework ?? 'non-ONNX';
  return new ModelSourceError(
    'not-onnx',
    `Model '${v.modelName}' version ${v.version} in ${where} is a ${flavor} model; PREDICT runs ONNX models only. Convert it to ONNX (for example with skl2onnx or tf2onnx), register the ONNX model as a new version, and pick that version.` +
      (v.notOnnxReason && !v.framework ? ` (${v.notOnnxReason})` : ''),
    { model: v.modelName, version: v.version, where },
  );
}

function networkCause(e: Error): string {
  const code = (e as { code?: unknown }).code ?? (e.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : e.message;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: unknown }).code === 'ABORT_ERR');
}

// ---------------------------------------------------------------------------------------------
// Retry with backoff

export interface RetryPolicy {
  /** Attempts after the first. Default 4. */
  maxRetries?: number;
  /** First backoff; doubles each time. Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound for one wait, including a server's Retry-After. Default 60 s. */
  maxDelayMs?: number;
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const when = Date.parse(trimmed);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Thrown by a retried operation to ask for another attempt. */
export class RetryableError extends Error {
  constructor(
    readonly final: ModelSourceError,
    readonly retryAfterMs?: number,
  ) {
    super(final.message);
  }
}

/**
 * Runs `attempt` until it succeeds or throws something other than RetryableError; waits between
 * attempts with exponential backoff, or the server's Retry-After when it gave one.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy = {}, signal?: AbortSignal): Promise<T> {
  const maxRetries = policy.maxRetries ?? 4;
  const base = policy.baseDelayMs ?? 500;
  const cap = policy.maxDelayMs ?? 60_000;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof RetryableError)) throw e;
      if (n >= maxRetries) throw e.final;
      const backoff = base * 2 ** n;
      await sleep(Math.min(cap, e.retryAfterMs ?? backoff), signal);
    }
  }
}
