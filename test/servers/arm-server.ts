// A local Azure Resource Manager endpoint for Microsoft.MachineLearningServices: the routes
// @azure/arm-machinelearning calls for workspaces, model containers and versions, and datastores
// (get, listSecrets), in the shapes of the REST API's published examples, with nextLink paging,
// ARM error bodies ({ error: { code, message } }), bearer authentication and injectable faults.
// HTTPS with a throwaway certificate: the SDK sends bearer tokens over https only.

import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan, applyFault } from './faults.js';
import { testCertificate } from './tls.js';

const PROVIDER = 'Microsoft.MachineLearningServices';

export interface ArmModelVersion {
  version: string;
  modelType: 'mlflow_model' | 'custom_model' | 'triton_model' | string;
  modelUri: string;
  flavors?: Record<string, Record<string, string>>;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  jobName?: string;
  createdAt?: string;
  createdBy?: string;
  isArchived?: boolean;
}

export interface ArmDatastore {
  name: string;
  datastoreType?: 'AzureBlob' | 'AzureDataLakeGen2' | 'AzureFile';
  accountName: string;
  containerName: string;
  endpoint?: string;
  credentials: { credentialsType: 'AccountKey'; key: string } | { credentialsType: 'Sas'; sasToken: string } | { credentialsType: 'None' };
}

interface WorkspaceState {
  name: string;
  resourceGroup: string;
  location: string;
  models: Map<string, { description?: string; tags?: Record<string, string>; createdAt: string; versions: ArmModelVersion[] }>;
  datastores: Map<string, ArmDatastore>;
}

export class ArmTestServer {
  readonly faults = new FaultPlan();
  readonly workspaces: WorkspaceState[] = [];
  /** Items per page for list operations (to exercise nextLink). */
  pageSize = 2;
  url = '';
  readonly ca: string;
  private server?: Server;

  constructor(
    readonly subscriptionId: string,
    readonly token: string,
  ) {
    this.ca = testCertificate().cert;
  }

  async start(): Promise<string> {
    const { cert, key } = testCertificate();
    this.server = createServer({ cert, key }, (req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) armError(res, 500, 'InternalServerError', String((e as Error).message));
        else res.destroy();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.faults.release();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  addWorkspace(name: string, resourceGroup: string, location = 'westeurope'): WorkspaceState {
    const ws: WorkspaceState = { name, resourceGroup, location, models: new Map(), datastores: new Map() };
    this.workspaces.push(ws);
    return ws;
  }

  addModelVersion(ws: WorkspaceState, name: string, v: ArmModelVersion, container: { description?: string; tags?: Record<string, string> } = {}): void {
    let m = ws.models.get(name);
    if (!m) {
      m = { ...container, createdAt: v.createdAt ?? '2024-03-01T10:00:00.0000000Z', versions: [] };
      ws.models.set(name, m);
    }
    m.versions.push(v);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    await this.faults.admit(path);
    if (applyFault(this.faults.take(path), req, res, (s) => faultBody(s))) return;
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    }
    if (!url.searchParams.get('api-version')) {
      return armError(res, 400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    }
    const sub = `/subscriptions/${this.subscriptionId}`;
    if (!path.toLowerCase().startsWith(sub.toLowerCase())) {
      return armError(res, 404, 'SubscriptionNotFound', `The subscription '${path.split('/')[2]}' could not be found.`);
    }
    const rest = path.slice(sub.length);
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = new RegExp(`^/providers/${PROVIDER}/workspaces$`, 'i').exec(rest))) {
      return this.paged(
        res,
        url,
        this.workspaces.map((w) => this.workspaceJson(w)),
      );
    }
    m = new RegExp(`^/resourceGroups/([^/]+)/providers/${PROVIDER}/workspaces/([^/]+)(/.*)?$`, 'i').exec(rest);
    if (!m) return armError(res, 404, 'NotFound', `No route for ${path}`);
    const ws = this.workspaces.find((w) => w.resourceGroup.toLowerCase() === m![1]!.toLowerCase() && w.name.toLowerCase() === m![2]!.toLowerCase());
    if (!ws) return armError(res, 404, 'ResourceNotFound', `The Resource '${PROVIDER}/workspaces/${m[2]}' under resource group '${m[1]}' was not found.`);
    const tail = m[3] ?? '';
    const wsId = `${sub}/resourceGroups/${ws.resourceGroup}/providers/${PROVIDER}/workspaces/${ws.name}`;
    let t: RegExpExecArray | null;
    if (req.method === 'GET' && tail === '/models') {
      const items = [...ws.models.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, c]) => this.containerJson(wsId, name, c));
      return this.paged(res, url, items);
    }
    if (req.method === 'GET' && (t = /^\/models\/([^/]+)$/.exec(tail))) {
      const name = decodeURIComponent(t[1]!);
      const c = ws.models.get(name);
      if (!c) return notFound(res);
      return json(res, 200, this.containerJson(wsId, name, c));
    }
    if (req.method === 'GET' && (t = /^\/models\/([^/]+)\/versions$/.exec(tail))) {
      const name = decodeURIComponent(t[1]!);
      const c = ws.models.get(name);
      const versions = (c?.versions ?? []).map((v) => this.versionJson(wsId, name, v));
      const order = url.searchParams.get('$orderBy');
      if (order && /^createdtime desc$/i.test(order)) versions.reverse();
      return this.paged(res, url, versions);
    }
    if (req.method === 'GET' && (t = /^\/models\/([^/]+)\/versions\/([^/]+)$/.exec(tail))) {
      const name = decodeURIComponent(t[1]!);
      const v = ws.models.get(name)?.versions.find((x) => x.version === decodeURIComponent(t![2]!));
      if (!v) return notFound(res);
      return json(res, 200, this.versionJson(wsId, name, v));
    }
    if ((t = /^\/datastores\/([^/]+)(\/listSecrets)?$/.exec(tail))) {
      const ds = ws.datastores.get(decodeURIComponent(t[1]!));
      if (!ds) return notFound(res);
      if (t[2] && req.method === 'POST') {
        const c = ds.credentials;
        if (c.credentialsType === 'AccountKey') return json(res, 200, { secretsType: 'AccountKey', key: c.key });
        if (c.credentialsType === 'Sas') return json(res, 200, { secretsType: 'Sas', sasToken: c.sasToken });
        return armError(res, 400, 'UserError', `Datastore ${ds.name} has no secrets: it uses identity-based access.`);
      }
      if (!t[2] && req.method === 'GET') return json(res, 200, this.datastoreJson(wsId, ds));
    }
    return armError(res, 404, 'NotFound', `No route for ${req.method} ${path}`);
  }

  /** Answers one page of `items`; the page token is the offset ($skip), nextLink the full URL. */
  private paged(res: ServerResponse, url: URL, items: unknown[]): void {
    const skip = Number(url.searchParams.get('$skip') ?? '0');
    const top = Number(url.searchParams.get('$top') ?? url.searchParams.get('count') ?? this.pageSize);
    const size = Math.max(1, Math.min(top || this.pageSize, this.pageSize));
    const page = items.slice(skip, skip + size);
    const body: { value: unknown[]; nextLink?: string } = { value: page };
    if (skip + size < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('$skip', String(skip + size));
      body.nextLink = next.toString();
    }
    json(res, 200, body);
  }

  private workspaceJson(w: WorkspaceState): unknown {
    const id = `/subscriptions/${this.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/${PROVIDER}/workspaces/${w.name}`;
    return {
      id,
      name: w.name,
      type: `${PROVIDER}/workspaces`,
      location: w.location,
      identity: { type: 'SystemAssigned' },
      sku: { name: 'Basic', tier: 'Basic' },
      properties: {
        friendlyName: w.name,
        description: '',
        storageAccount: `/subscriptions/${this.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${w.name.replace(/-/g, '')}sa`,
        discoveryUrl: `https://${w.location}.api.azureml.ms/discovery`,
        mlFlowTrackingUri: `azureml://${w.location}.api.azureml.ms/mlflow/v1.0${id}`,
        provisioningState: 'Succeeded',
        v1LegacyMode: false,
      },
    };
  }

  private containerJson(
    wsId: string,
    name: string,
    c: { description?: string; tags?: Record<string, string>; createdAt: string; versions: ArmModelVersion[] },
  ): unknown {
    const latest = c.versions.reduce((a, v) => Math.max(a, Number(v.version) || 0), 0);
    return {
      id: `${wsId}/models/${name}`,
      name,
      type: `${PROVIDER}/workspaces/models`,
      properties: {
        description: c.description ?? null,
        tags: c.tags ?? {},
        properties: {},
        isArchived: false,
        latestVersion: String(latest),
        nextVersion: String(latest + 1),
      },
      systemData: {
        createdAt: c.createdAt,
        createdBy: 'ana@contoso.com',
        createdByType: 'User',
        lastModifiedAt: c.createdAt,
        lastModifiedBy: 'ana@contoso.com',
        lastModifiedByType: 'User',
      },
    };
  }

  private versionJson(wsId: string, name: string, v: ArmModelVersion): unknown {
    const created = v.createdAt ?? new Date(Date.UTC(2024, 2, 1) + Number(v.version) * 86_400_000).toISOString();
    return {
      id: `${wsId}/models/${name}/versions/${v.version}`,
      name: v.version,
      type: `${PROVIDER}/workspaces/models/versions`,
      properties: {
        description: v.description ?? null,
        tags: v.tags ?? {},
        properties: v.properties ?? {},
        isAnonymous: false,
        isArchived: v.isArchived ?? false,
        flavors: v.flavors ? Object.fromEntries(Object.entries(v.flavors).map(([k, data]) => [k, { data }])) : {},
        jobName: v.jobName ?? null,
        modelType: v.modelType,
        modelUri: v.modelUri,
        stage: 'Development',
      },
      systemData: {
        createdAt: created,
        createdBy: v.createdBy ?? 'ana@contoso.com',
        createdByType: 'User',
        lastModifiedAt: created,
        lastModifiedBy: 'ana@contoso.com',
        lastModifiedByType: 'User',
      },
    };
  }

  private datastoreJson(wsId: string, ds: ArmDatastore): unknown {
    return {
      id: `${wsId}/datastores/${ds.name}`,
      name: ds.name,
      type: `${PROVIDER}/workspaces/datastores`,
      properties: {
        datastoreType: ds.datastoreType ?? 'AzureBlob',
        accountName: ds.accountName,
        containerName: ds.containerName,
        endpoint: ds.endpoint ?? 'core.windows.net',
        protocol: 'https',
        credentials: { credentialsType: ds.credentials.credentialsType },
        isDefault: ds.name === 'workspaceblobstore',
        description: null,
        tags: {},
        properties: {},
        serviceDataAccessAuthIdentity: 'None',
      },
    };
  }
}

function faultBody(status: number): unknown {
  switch (status) {
    case 401:
      return { error: { code: 'ExpiredAuthenticationToken', message: 'The access token expiry UTC time is earlier than current UTC time.' } };
    case 403:
      return {
        error: {
          code: 'AuthorizationFailed',
          message:
            "The client 'ana@contoso.com' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/models/read' over scope '/subscriptions/…/workspaces/aml-ws' or the scope is invalid.",
        },
      };
    case 404:
      return notFoundBody();
    case 429:
      return { error: { code: 'TooManyRequests', message: 'The request is being throttled.' } };
    default:
      return { error: { code: 'InternalServerError', message: `Error ${status}` } };
  }
}

function notFoundBody(): unknown {
  return { error: { code: 'UserError', message: 'The specified resource was not found.', details: [], innerError: { code: 'NotFoundError' } } };
}

function notFound(res: ServerResponse): void {
  json(res, 404, notFoundBody());
}

function armError(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { error: { code, message } });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'x-ms-request-id': 'test' });
  res.end(text);
}
