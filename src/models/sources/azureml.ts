// Azure Machine Learning: model containers and versions through ARM (@azure/arm-machinelearning,
// api 2022-10-01), files through the version's modelUri → datastore (datastores.get) → its key or
// SAS (datastores.listSecrets) or the user's own Entra token for identity-based datastores → blobs
// listed and downloaded with @azure/storage-blob — what azure-ai-ml's ModelOperations.download does.

import {
  AzureMachineLearningWorkspaces,
  getContinuationToken,
  type AzureMachineLearningWorkspacesOptionalParams,
  type ModelVersion,
  type Workspace,
} from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, ContainerClient, StorageSharedKeyCredential, type StoragePipelineOptions } from '@azure/storage-blob';
import { ModelCache, RemoteFile } from '../cache.js';
import { mlmodelFacts } from './mlmodel-facts.js';
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
  describeTarget,
  errorForStatus,
  isAbortError,
  networkError,
  notOnnxError,
} from '../source.js';

const SIGN_IN = 'Sign in to Azure again (Azure: Sign In) and retry.';

export interface AzureMlConnection {
  credential: TokenCredential;
  subscriptionId: string;
  /** ARM endpoint; default https://management.azure.com. Tests point it at a local server. */
  armEndpoint?: string;
  /** Options for the ARM client pipeline (retryOptions, tlsOptions, ...). */
  clientOptions?: Omit<AzureMachineLearningWorkspacesOptionalParams, 'endpoint' | '$host'>;
}

export interface AzureMlSourceOptions extends AzureMlConnection {
  resourceGroup: string;
  workspaceName: string;
  cache: ModelCache;
  /**
   * The blob service URL for a storage account; default https://<account>.blob.<endpoint>
   * (the datastore's endpoint, e.g. core.windows.net). Tests return an Azurite URL.
   */
  blobEndpoint?: (accountName: string, datastoreEndpoint: string | undefined) => string;
  /** Options for the storage pipeline (retryOptions, ...). */
  blobOptions?: StoragePipelineOptions;
}

export interface AzureMlWorkspaceRef {
  id: string;
  name: string;
  resourceGroup: string;
  location?: string;
  friendlyName?: string;
  /** azureml://… tracking URI for the workspace's MLflow endpoint. */
  mlFlowTrackingUri?: string;
}

function armClient(c: AzureMlConnection): AzureMachineLearningWorkspaces {
  const endpoint = c.armEndpoint ?? 'https://management.azure.com';
  return new AzureMachineLearningWorkspaces(c.credential, c.subscriptionId, {
    ...c.clientOptions,
    endpoint,
    credentialScopes: ['https://management.azure.com/.default'],
  });
}

/** The Azure ML workspaces of a subscription. */
export async function listAzureMlWorkspaces(c: AzureMlConnection, options: RequestOptions = {}): Promise<AzureMlWorkspaceRef[]> {
  const where = `subscription ${c.subscriptionId}`;
  const out: AzureMlWorkspaceRef[] = [];
  try {
    for await (const w of armClient(c).workspaces.listBySubscription({ abortSignal: options.signal })) out.push(workspaceRef(w));
  } catch (e) {
    throw mapAzureError(e, { where });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function workspaceRef(w: Workspace): AzureMlWorkspaceRef {
  const id = w.id ?? '';
  return {
    id,
    name: w.name ?? '',
    resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '',
    location: w.location,
    friendlyName: w.friendlyName,
    mlFlowTrackingUri: w.mlFlowTrackingUri,
  };
}

/** Where a modelUri points: a datastore and a path in it, or a blob URL. */
export type ModelLocation = { kind: 'datastore'; datastore: string; path: string } | { kind: 'blob-url'; url: string };

/**
 * Parses a model version's modelUri. Long and short azureml:// datastore forms; job outputs and
 * runs:/ map to the run's folder in workspaceartifactstore (ExperimentRun/dcid.<run>/…), as the
 * Azure ML SDK does; https blob URLs as they are. Throws a ModelSourceError for anything else.
 */
export function parseModelUri(uri: string, ctx: { model: string; version: string; where: string }): ModelLocation {
  const ds =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/(.*)$/i.exec(
      uri,
    );
  if (ds) return { kind: 'datastore', datastore: decodeURIComponent(ds[1]!), path: trimSlashes(decodeURIComponent(ds[2]!)) };
  const job =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths\/(.*))?$/i.exec(
      uri,
    );
  if (job) {
    if (job[2] !== 'artifacts') {
      throw new ModelSourceError(
        'unreachable-location',
        `${capital(describeTarget(ctx.model, ctx.version))} in ${ctx.where} points at the named output '${job[2]}' of job '${job[1]}' (${uri}), which can only be resolved from the job's output settings. Register the model from the output's datastore path (azureml://datastores/<datastore>/paths/<path>) instead.`,
        ctx,
      );
    }
    return { kind: 'datastore', datastore: 'workspaceartifactstore', path: trimSlashes(`ExperimentRun/dcid.${job[1]}/${job[3] ?? ''}`) };
  }
  const run = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
  if (run) return { kind: 'datastore', datastore: 'workspaceartifactstore', path: trimSlashes(`ExperimentRun/dcid.${run[1]}/${run[2] ?? ''}`) };
  if (/^https:\/\/[^/]+\/[^/]+/.test(uri)) return { kind: 'blob-url', url: uri };
  throw new ModelSourceError(
    'unreachable-location',
    `${capital(describeTarget(ctx.model, ctx.version))} in ${ctx.where} is stored at ${uri}, which this product cannot read. Register the model from a datastore path (azureml://datastores/<datastore>/paths/<path>).`,
    ctx,
  );
}

export class AzureMlModelSource implements ModelSource {
  readonly kind = 'azureml' as const;
  readonly id: string;
  readonly displayName: string;
  private readonly client: AzureMachineLearningWorkspaces;
  private readonly where: string;

  constructor(private readonly options: AzureMlSourceOptions) {
    this.client = armClient(options);
    this.id = `azureml:${options.subscriptionId}/${options.resourceGroup}/${options.workspaceName}`.toLowerCase();
    this.where = `workspace '${options.workspaceName}'`;
    this.displayName = `Azure ML workspace '${options.workspaceName}'`;
  }

  async listModels(options: ListModelsOptions = {}): Promise<Page<ModelSummary>> {
    const { resourceGroup: rg, workspaceName: ws } = this.options;
    try {
      const pages = this.client.modelContainers
        .list(rg, ws, { abortSignal: options.signal, count: options.pageSize })
        .byPage({ continuationToken: options.continuationToken });
      const r = await pages.next();
      const page = r.done ? [] : r.value;
      const token = getContinuationToken(page);
      const needle = options.nameContains?.toLowerCase();
      const items = page
        .filter((c) => !c.properties?.isArchived)
        .filter((c) => !needle || (c.name ?? '').toLowerCase().includes(needle))
        .map((c): ModelSummary => ({
          name: c.name ?? '',
          description: c.properties?.description || undefined,
          latestVersion: c.properties?.latestVersion,
          createdAt: c.systemData?.createdAt,
          updatedAt: c.systemData?.lastModifiedAt,
          tags: cleanRecord(c.properties?.tags),
        }));
      return { items, continuationToken: token || undefined };
    } catch (e) {
      throw mapAzureError(e, { where: this.where, signal: options.signal });
    }
  }

  async listVersions(modelName: string, options: RequestOptions = {}): Promise<ModelVersionInfo[]> {
    const { resourceGroup: rg, workspaceName: ws } = this.options;
    const out: ModelVersionInfo[] = [];
    try {
      for await (const v of this.client.modelVersions.list(rg, ws, modelName, { orderBy: 'createdtime desc', abortSignal: options.signal })) {
        if (!v.properties?.isArchived) out.push(this.toInfo(modelName, v));
      }
      if (!out.length) await this.client.modelContainers.get(rg, ws, modelName, { abortSignal: options.signal });
    } catch (e) {
      throw mapAzureError(e, { where: this.where, model: modelName, signal: options.signal });
    }
    return out.sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || Number(b.version) - Number(a.version));
  }

  /**
   * One page of a model's versions, newest first, through ARM's own paging: `$top` sets the page
   * size and the page token is the service's nextLink. Archived versions are left out, so a page
   * may hold fewer than asked.
   */
  async listVersionsPage(modelName: string, options: VersionPageOptions = {}, signal?: AbortSignal): Promise<Page<ModelVersionInfo>> {
    const { resourceGroup: rg, workspaceName: ws } = this.options;
    // The token is a nextLink: it must point at this client's ARM endpoint, which gets the user's token.
    const endpoint = (this.options.armEndpoint ?? 'https://management.azure.com').replace(/\/+$/, '');
    if (options.pageToken !== undefined && !options.pageToken.toLowerCase().startsWith(`${endpoint.toLowerCase()}/`)) {
      throw new ModelSourceError(
        'bad-request',
        `The page token ${JSON.stringify(options.pageToken.slice(0, 80))} is not one ${this.where} gave out for model '${modelName}'. Refresh the version list.`,
        { model: modelName, where: this.where },
      );
    }
    try {
      const pages = this.client.modelVersions
        .list(rg, ws, modelName, { orderBy: 'createdtime desc', top: options.pageSize, abortSignal: signal })
        .byPage({ continuationToken: options.pageToken });
      const r = await pages.next();
      const page = r.done ? [] : r.value;
      const token = getContinuationToken(page) || undefined;
      const items = page.filter((v) => !v.properties?.isArchived).map((v) => this.toInfo(modelName, v));
      // An empty first page is how the service answers for an unknown model too: say which it is.
      if (options.pageToken === undefined && !items.length && !token) await this.client.modelContainers.get(rg, ws, modelName, { abortSignal: signal });
      return { items, continuationToken: token };
    } catch (e) {
      throw mapAzureError(e, { where: this.where, model: modelName, signal });
    }
  }

  async getVersion(modelName: string, version: string, options: RequestOptions = {}): Promise<ModelVersionInfo> {
    const { resourceGroup: rg, workspaceName: ws } = this.options;
    try {
      return this.toInfo(modelName, await this.client.modelVersions.get(rg, ws, modelName, version, { abortSignal: options.signal }));
    } catch (e) {
      throw mapAzureError(e, { where: this.where, model: modelName, version, signal: options.signal });
    }
  }

  async download(modelName: string, version: string, options: DownloadOptions = {}): Promise<DownloadedModel> {
    const info = await this.getVersion(modelName, version, options);
    const ctx = { model: modelName, version, where: this.where };
    if (!info.isOnnx) throw notOnnxError(info, this.where);
    if (!info.location) {
      throw new ModelSourceError(
        'unreachable-location',
        `${capital(describeTarget(modelName, version))} in ${this.where} has no modelUri: its files cannot be found.`,
        ctx,
      );
    }
    const location = parseModelUri(info.location, ctx);
    const got = await this.options.cache.fetch({ sourceId: this.id, model: modelName, version }, () => this.remoteFiles(location, ctx, options.signal), {
      signal: options.signal,
      onProgress: options.onProgress,
      where: this.where,
    });
    const onnx = [...got.files.entries()].find(([p]) => p !== 'MLmodel');
    if (!onnx) throw notOnnxError(info, this.where);
    return { version: info, dir: got.dir, onnxPath: onnx[1], mlmodelPath: got.files.get('MLmodel'), fromCache: got.fromCache };
  }

  // --- internals -----------------------------------------------------------------------------

  private toInfo(modelName: string, v: ModelVersion): ModelVersionInfo {
    const p = v.properties ?? {};
    const flavors = Object.keys(p.flavors ?? {});
    const modelType = p.modelType ?? '';
    const info: ModelVersionInfo = {
      sourceId: this.id,
      modelName,
      version: v.name ?? '',
      createdAt: v.systemData?.createdAt,
      createdBy: v.systemData?.createdBy,
      description: p.description || undefined,
      tags: cleanRecord(p.tags),
      stage: (p as { stage?: string }).stage || undefined,
      runId: p.jobName || undefined,
      location: p.modelUri,
      flavors,
      isOnnx: false,
    };
    const hinted = [p.tags, p.properties].some((r) =>
      Object.entries(r ?? {}).some(([k, val]) => /^(framework|flavor|model_format)$/i.test(k) && /^onnx$/i.test(val ?? '')),
    );
    if (/^mlflow_model$/i.test(modelType)) {
      info.framework = flavors.includes('onnx') ? 'onnx' : (flavors.find((f) => f !== 'python_function') ?? flavors[0]);
      info.isOnnx = flavors.includes('onnx');
      if (!info.isOnnx)
        info.notOnnxReason = flavors.length ? `its MLflow flavors are ${flavors.join(', ')}, with no onnx flavor` : 'it lists no MLflow flavors';
    } else if (/^custom_model$/i.test(modelType)) {
      info.isOnnx = /\.onnx\/?$/i.test(p.modelUri ?? '') || hinted;
      info.framework = info.isOnnx ? 'onnx' : 'custom';
      if (!info.isOnnx) info.notOnnxReason = 'it is a custom_model whose path is not an .onnx file and which is not tagged framework=onnx';
    } else {
      info.framework = modelType || undefined;
      info.notOnnxReason = `its model type is ${modelType || 'not stated'}`;
    }
    return info;
  }

  private async remoteFiles(location: ModelLocation, ctx: { model: string; version: string; where: string }, signal?: AbortSignal): Promise<RemoteFile[]> {
    const { container, prefix, storageWhere } = await this.containerFor(location, ctx, signal);
    const storageCtx = { ...ctx, where: storageWhere };
    try {
      // A single blob (a custom_model .onnx file) or a folder.
      const blobs: { name: string; size?: number; md5?: Uint8Array }[] = [];
      const single = container.getBlobClient(prefix);
      if (prefix && /\.onnx$/i.test(prefix)) {
        const props = await single.getProperties({ abortSignal: signal });
        blobs.push({ name: prefix, size: props.contentLength, md5: props.contentMD5 });
      } else {
        const base = prefix ? `${prefix}/` : '';
        for await (const b of container.listBlobsFlat({ prefix: base, abortSignal: signal })) {
          blobs.push({ name: b.name, size: b.properties.contentLength, md5: b.properties.contentMD5 });
        }
      }
      const folder = prefix && /\.onnx$/i.test(prefix) ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : prefix ? `${prefix}/` : '';
      const rel = (name: string) => name.slice(folder.length);
      const byRel = new Map(blobs.map((b) => [rel(b.name), b]));
      if (!blobs.length) {
        throw new ModelSourceError(
          'not-found',
          `${capital(describeTarget(ctx.model, ctx.version))} in ${ctx.where} has no files at ${prefix || '/'} in ${storageWhere}. The files may have been deleted; register the model again.`,
          ctx,
        );
      }
      const fileFor = (relPath: string): RemoteFile => {
        const b = byRel.get(relPath)!;
        return {
          path: relPath,
          size: b.size,
          hash: b.md5?.length ? { algorithm: 'md5', digest: Buffer.from(b.md5) } : undefined,
          open: async (s) => {
            try {
              const res = await container.getBlobClient(b.name).download(0, undefined, { abortSignal: s, maxRetryRequests: 3 });
              const body = res.readableStreamBody;
              if (!body) throw new Error('no body');
              return streamChunks(body as AsyncIterable<Buffer>, storageCtx, s);
            } catch (e) {
              throw mapAzureError(e, { ...storageCtx, signal: s });
            }
          },
        };
      };
      const mlmodel = byRel.get('MLmodel');
      if (mlmodel) {
        const text = (await container.getBlobClient(mlmodel.name).downloadToBuffer(undefined, undefined, { abortSignal: signal })).toString('utf8');
        let onnxFile: string | undefined;
        try {
          onnxFile = mlmodelFacts(text).onnxFile;
        } catch (e) {
          throw new ModelSourceError(
            'corrupt',
            `The MLmodel of ${describeTarget(ctx.model, ctx.version)} in ${ctx.where} cannot be read: ${(e as Error).message}`,
            ctx,
          );
        }
        if (!onnxFile)
          throw notOnnxError({ modelName: ctx.model, version: ctx.version, framework: undefined, notOnnxReason: 'its MLmodel has no onnx flavor' }, ctx.where);
        if (!byRel.has(onnxFile)) {
          throw new ModelSourceError(
            'corrupt',
            `${capital(describeTarget(ctx.model, ctx.version))} in ${ctx.where}: its MLmodel names ${onnxFile}, which is not among its files in ${storageWhere}. Register the version again with its ONNX file.`,
            ctx,
          );
        }
        return [fileFor('MLmodel'), fileFor(onnxFile)];
      }
      const onnx = [...byRel.keys()].filter((k) => /\.onnx$/i.test(k));
      if (onnx.length !== 1) {
        throw new ModelSourceError(
          'not-onnx',
          onnx.length
            ? `${capital(describeTarget(ctx.model, ctx.version))} in ${ctx.where} holds several .onnx files (${onnx.join(', ')}) and no MLmodel saying which to use. Register the one to score as its own model version.`
            : `${capital(describeTarget(ctx.model, ctx.version))} in ${ctx.where} has no .onnx file and no MLmodel; PREDICT runs ONNX models only.`,
          ctx,
        );
      }
      return [fileFor(onnx[0]!)];
    } catch (e) {
      throw mapAzureError(e, { ...storageCtx, signal });
    }
  }

  /** The container and path prefix for a location, with credentials from the datastore. */
  private async containerFor(
    location: ModelLocation,
    ctx: { model: string; version: string; where: string },
    signal?: AbortSignal,
  ): Promise<{ container: ContainerClient; prefix: string; storageWhere: string }> {
    const { resourceGroup: rg, workspaceName: ws } = this.options;
    const blobOptions = this.options.blobOptions ?? {};
    if (location.kind === 'blob-url') {
      const url = new URL(location.url);
      const [containerName, ...rest] = url.pathname.replace(/^\/+/, '').split('/');
      const service = new BlobServiceClient(`${url.protocol}//${url.host}`, this.options.credential, blobOptions);
      return { container: service.getContainerClient(containerName!), prefix: trimSlashes(rest.join('/')), storageWhere: `storage at ${url.host}` };
    }
    let ds;
    try {
      ds = await this.client.datastores.get(rg, ws, location.datastore, { abortSignal: signal });
    } catch (e) {
      const err = mapAzureError(e, { ...ctx, signal });
      if (err.kind === 'not-found') {
        throw new ModelSourceError(
          'not-found',
          `${capital(describeTarget(ctx.model, ctx.version))} is stored in datastore '${location.datastore}', which ${ctx.where} does not have (404). Register the model again from an existing datastore.`,
          ctx,
        );
      }
      throw err;
    }
    const props = ds.properties as {
      datastoreType?: string;
      accountName?: string;
      containerName?: string;
      filesystem?: string;
      endpoint?: string;
      credentials?: { credentialsType?: string };
    };
    const containerName = props.datastoreType === 'AzureDataLakeGen2' ? props.filesystem : props.containerName;
    if ((props.datastoreType !== 'AzureBlob' && props.datastoreType !== 'AzureDataLakeGen2') || !props.accountName || !containerName) {
      throw new ModelSourceError(
        'unreachable-location',
        `${capital(describeTarget(ctx.model, ctx.version))} is stored in datastore '${location.datastore}' of type ${props.datastoreType ?? 'unknown'}; only Azure Blob and Data Lake Gen2 datastores can be read. Register the model from a blob datastore.`,
        ctx,
      );
    }
    const url = this.options.blobEndpoint?.(props.accountName, props.endpoint) ?? `https://${props.accountName}.blob.${props.endpoint ?? 'core.windows.net'}`;
    const storageWhere = `storage account '${props.accountName}' (container '${containerName}')`;
    const credType = props.credentials?.credentialsType;
    let service: BlobServiceClient;
    if (credType === 'AccountKey' || credType === 'Sas') {
      let secrets;
      try {
        secrets = (await this.client.datastores.listSecrets(rg, ws, location.datastore, { abortSignal: signal })) as {
          secretsType?: string;
          key?: string;
          sasToken?: string;
        };
      } catch (e) {
        throw mapAzureError(e, { ...ctx, signal });
      }
      if (secrets.secretsType === 'AccountKey' && secrets.key) {
        service = new BlobServiceClient(url, new StorageSharedKeyCredential(props.accountName, secrets.key), blobOptions);
      } else if (secrets.secretsType === 'Sas' && secrets.sasToken) {
        service = new BlobServiceClient(`${url}?${secrets.sasToken.replace(/^\?/, '')}`, undefined, blobOptions);
      } else {
        throw new ModelSourceError(
          'forbidden',
          `Datastore '${location.datastore}' of ${ctx.where} returned no usable ${credType === 'Sas' ? 'SAS token' : 'account key'}. Ask the workspace's owner to update the datastore's credentials.`,
          ctx,
        );
      }
    } else {
      // Identity-based datastore: the user's own Entra token reads the storage.
      service = new BlobServiceClient(url, this.options.credential, blobOptions);
    }
    return { container: service.getContainerClient(containerName), prefix: location.path, storageWhere };
  }
}

async function* streamChunks(
  body: AsyncIterable<Buffer>,
  ctx: { model: string; version: string; where: string },
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (e) {
    if (signal.aborted || isAbortError(e)) throw cancelledError(ctx);
    throw mapAzureError(e, { ...ctx, signal });
  } finally {
    (body as { destroy?: () => void }).destroy?.();
  }
}

/** Turns an ARM / storage / credential error into the user's words. */
export function mapAzureError(e: unknown, ctx: { where: string; model?: string; version?: string; signal?: AbortSignal }): ModelSourceError {
  if (e instanceof ModelSourceError) return e;
  const target = { model: ctx.model, version: ctx.version, where: ctx.where };
  if (ctx.signal?.aborted || isAbortError(e)) return cancelledError(target);
  const err = e as {
    statusCode?: number;
    code?: string;
    name?: string;
    message?: string;
    details?: unknown;
    response?: { headers?: { get(n: string): string | undefined } };
  };
  if (err.name === 'CredentialUnavailableError' || err.name === 'AuthenticationRequiredError' || err.name === 'AuthenticationError') {
    return new ModelSourceError(
      'not-signed-in',
      `Not signed in to Azure: could not read ${describeTarget(ctx.model, ctx.version)} in ${ctx.where}. ${SIGN_IN}`,
      { ...target, cause: e },
    );
  }
  if (typeof err.statusCode === 'number') {
    const serverMessage = armMessage(err);
    const retryAfter = err.response?.headers?.get('retry-after');
    const mapped = errorForStatus(err.statusCode, {
      ...target,
      signIn: SIGN_IN,
      serverMessage,
      retryAfterMs: retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined,
    });
    if (mapped.kind === 'forbidden' && ctx.where.startsWith('storage account')) {
      return new ModelSourceError(
        'forbidden',
        `Access denied to the files of ${describeTarget(ctx.model, ctx.version)} in ${ctx.where} (403). Reading them needs the Storage Blob Data Reader role on that account (identity-based datastores), or current datastore credentials: ask the workspace's owner.${serverMessage ? ` The server said: ${serverMessage}` : ''}`,
        { ...target, status: 403, cause: e },
      );
    }
    return mapped;
  }
  if (typeof err.code === 'string' && /^(E[A-Z]+|REQUEST_SEND_ERROR)$/.test(err.code)) return networkError({ ...target, cause: e });
  if (err.name === 'RestError' || (e instanceof Error && /socket|network|ECONN|terminated|aborted/i.test(e.message)))
    return networkError({ ...target, cause: e });
  return new ModelSourceError('server-error', `Reading ${describeTarget(ctx.model, ctx.version)} in ${ctx.where} failed: ${err.message ?? String(e)}`, {
    ...target,
    cause: e,
  });
}

function armMessage(err: { details?: unknown; message?: string }): string | undefined {
  const d = err.details as { error?: { message?: unknown }; message?: unknown } | undefined;
  const m = d?.error?.message ?? d?.message;
  if (typeof m === 'string' && m) return m.length > 300 ? `${m.slice(0, 300)}…` : m;
  return undefined;
}

function cleanRecord(r: Record<string, string | null> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r ?? {})) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
