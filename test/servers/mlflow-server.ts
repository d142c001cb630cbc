// A local MLflow tracking server implementing the model-registry REST API
// (mlflow/protos/model_registry.proto under /api/2.0/mlflow), the artifact proxy
// (/api/2.0/mlflow-artifacts/artifacts) and the model-version artifact route, with page tokens,
// authentication and injectable faults. In memory; for tests and benchmarks.

import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan, applyFault, sendBytes } from './faults.js';

export interface FakeVersion {
  version: string;
  creation_timestamp: number;
  user_id?: string;
  description?: string;
  current_stage?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: Record<string, string>;
  aliases?: string[];
  /** What get-download-uri answers. Default mlflow-artifacts:/<artifactPath>. */
  artifactUri?: string;
  /** Where its files live in the artifact store. */
  artifactPath: string;
}

export interface FakeModel {
  name: string;
  creation_timestamp: number;
  description?: string;
  tags?: Record<string, string>;
  versions: FakeVersion[];
}

export interface MlflowServerOptions {
  /** Require `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Require HTTP basic authentication. */
  basic?: { username: string; password: string };
  /** Users that are signed in but may not read (answered 403). */
  forbiddenBasicUsers?: string[];
}

export class MlflowTestServer {
  readonly models = new Map<string, FakeModel>();
  /** Artifact store: path → bytes. */
  readonly artifacts = new Map<string, Uint8Array>();
  readonly faults = new FaultPlan();
  private server?: Server;
  url = '';

  constructor(readonly options: MlflowServerOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) json(res, 500, { error_code: 'INTERNAL_ERROR', message: String((e as Error).message) });
        else res.destroy();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.faults.release();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Registers a model version with files (relative path → bytes) stored under its artifact path. */
  addVersion(
    name: string,
    version: Partial<Omit<FakeVersion, 'artifactPath'>> & { files?: Record<string, Uint8Array | string>; artifactPath?: string },
    model: Partial<Omit<FakeModel, 'name' | 'versions'>> = {},
  ): FakeVersion {
    let m = this.models.get(name);
    if (!m) {
      m = { name, creation_timestamp: model.creation_timestamp ?? Date.UTC(2024, 0, 1), versions: [], ...model };
      this.models.set(name, m);
    }
    const n = version.version ?? String(m.versions.length + 1);
    const runId = version.run_id ?? `run${m.versions.length + 1}${name.length}`.padEnd(32, '0');
    const v: FakeVersion = {
      creation_timestamp: Date.UTC(2024, 0, 1) + Number(n) * 3_600_000,
      user_id: 'ana@contoso.com',
      current_stage: 'None',
      status: 'READY',
      run_id: runId,
      ...version,
      version: n,
      artifactPath: version.artifactPath ?? `1/${runId}/artifacts/model`,
    };
    for (const [p, bytes] of Object.entries(version.files ?? {})) {
      this.artifacts.set(`${v.artifactPath}/${p}`, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    }
    m.versions.push(v);
    return v;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    await this.faults.admit(path);
    const fault = this.faults.take(path);
    if (applyFault(fault, req, res, errorBody)) return;
    if (req.method !== 'GET') return json(res, 405, { error_code: 'BAD_REQUEST', message: `Method ${req.method} not allowed` });
    const denied = this.authorize(req);
    if (denied) return json(res, denied, denied === 401 ? 'unauthenticated' : errorBody(403), denied === 401);
    const q = url.searchParams;
    const API = '/api/2.0/mlflow/';
    try {
      switch (path) {
        case `${API}registered-models/search`:
          return this.searchModels(res, q);
        case `${API}registered-models/get`: {
          const m = this.model(q.get('name'));
          return json(res, 200, { registered_model: this.restModel(m) });
        }
        case `${API}model-versions/search`:
          return this.searchVersions(res, q);
        case `${API}model-versions/get`:
          return json(res, 200, { model_version: restVersion(this.model(q.get('name')), this.version(q)) });
        case `${API}model-versions/get-download-uri`: {
          const v = this.version(q);
          return json(res, 200, { artifact_uri: v.artifactUri ?? `mlflow-artifacts:/${v.artifactPath}` });
        }
        case '/api/2.0/mlflow-artifacts/artifacts':
          return this.listArtifacts(res, q.get('path') ?? '');
        case '/model-versions/get-artifact': {
          const v = this.version(q);
          const rel = q.get('path') ?? '';
          return this.sendArtifact(req, res, `${v.artifactPath}/${rel}`, fault);
        }
      }
      if (path.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
        const p = decodeURIComponent(path.slice('/api/2.0/mlflow-artifacts/artifacts/'.length));
        return this.sendArtifact(req, res, p, fault);
      }
      return json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API endpoint at ${path}` });
    } catch (e) {
      if (e instanceof RestError) return json(res, e.status, { error_code: e.code, message: e.message });
      throw e;
    }
  }

  private authorize(req: IncomingMessage): number | undefined {
    const auth = req.headers.authorization ?? '';
    if (this.options.bearerToken !== undefined) {
      return auth === `Bearer ${this.options.bearerToken}` ? undefined : 401;
    }
    if (this.options.basic) {
      const m = /^Basic (.+)$/.exec(auth);
      if (!m) return 401;
      const [u, ...rest] = Buffer.from(m[1]!, 'base64').toString().split(':');
      if (this.options.forbiddenBasicUsers?.includes(u!)) return 403;
      return u === this.options.basic.username && rest.join(':') === this.options.basic.password ? undefined : 401;
    }
    return undefined;
  }

  private searchModels(res: ServerResponse, q: URLSearchParams): void {
    const max = intParam(q, 'max_results', 100);
    if (max < 1 || max > 1000)
      throw new RestError(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${max} for parameter 'max_results' supplied. It must be at most 1000.`);
    const filter = (q.get('filter') ?? '').trim();
    let match: (name: string) => boolean = () => true;
    if (filter) {
      const m = /^name\s+(LIKE|ILIKE|=)\s+(?:'([^']*)'|"([^"]*)")$/i.exec(filter);
      if (!m)
        throw new RestError(400, 'INVALID_PARAMETER_VALUE', `Invalid filter '${filter}'. Only name = 'x', name LIKE 'x' and name ILIKE 'x' are supported.`);
      const value = m[2] ?? m[3] ?? '';
      const op = m[1]!.toUpperCase();
      if (op === '=') match = (n) => n === value;
      else {
        const re = new RegExp(`^${value.split('%').map(escapeRe).join('.*')}$`, op === 'ILIKE' ? 'i' : '');
        match = (n) => re.test(n);
      }
    }
    const all = [...this.models.values()].filter((m) => match(m.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const start = pageStart(q.get('page_token'));
    const page = all.slice(start, start + max);
    json(res, 200, {
      registered_models: page.map((m) => this.restModel(m)),
      ...(start + max < all.length ? { next_page_token: pageToken(start + max) } : {}),
    });
  }

  private searchVersions(res: ServerResponse, q: URLSearchParams): void {
    const max = intParam(q, 'max_results', 10000);
    if (max < 1 || max > 200000) throw new RestError(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${max} for parameter 'max_results'.`);
    const filter = (q.get('filter') ?? '').trim();
    const m = /^name\s*=\s*(?:'([^']*)'|"([^"]*)")$/.exec(filter);
    if (filter && !m) throw new RestError(400, 'INVALID_PARAMETER_VALUE', `Invalid filter '${filter}'.`);
    const name = m ? (m[1] ?? m[2]) : undefined;
    const models = name !== undefined ? [this.models.get(name)].filter((x): x is FakeModel => !!x) : [...this.models.values()];
    const all = models.flatMap((mm) => mm.versions.map((v) => restVersion(mm, v)));
    const start = pageStart(q.get('page_token'));
    json(res, 200, {
      model_versions: all.slice(start, start + max),
      ...(start + max < all.length ? { next_page_token: pageToken(start + max) } : {}),
    });
  }

  private listArtifacts(res: ServerResponse, dir: string): void {
    const prefix = dir ? `${dir.replace(/\/+$/, '')}/` : '';
    const seen = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [p, bytes] of this.artifacts) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const first = rest.split('/')[0]!;
      if (rest.includes('/')) seen.set(first, { path: first, is_dir: true });
      else seen.set(first, { path: first, is_dir: false, file_size: bytes.byteLength });
    }
    json(res, 200, seen.size ? { files: [...seen.values()] } : {});
  }

  private sendArtifact(req: IncomingMessage, res: ServerResponse, path: string, fault: ReturnType<FaultPlan['take']>): void {
    const bytes = this.artifacts.get(path);
    if (!bytes) throw new RestError(404, 'RESOURCE_DOES_NOT_EXIST', `No such file or directory: '${path}'`);
    sendBytes(res, req, bytes, fault);
  }

  private model(name: string | null): FakeModel {
    const m = name !== null ? this.models.get(name) : undefined;
    if (!m) throw new RestError(404, 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
    return m;
  }

  private version(q: URLSearchParams): FakeVersion {
    const m = this.model(q.get('name'));
    const v = m.versions.find((x) => x.version === q.get('version'));
    if (!v) throw new RestError(404, 'RESOURCE_DOES_NOT_EXIST', `Model Version (name=${m.name}, version=${q.get('version')}) not found`);
    return v;
  }

  private restModel(m: FakeModel): unknown {
    const latest = m.versions.length ? m.versions.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a)) : undefined;
    return {
      name: m.name,
      creation_timestamp: m.creation_timestamp,
      last_updated_timestamp: latest?.creation_timestamp ?? m.creation_timestamp,
      ...(m.description ? { description: m.description } : {}),
      ...(latest ? { latest_versions: [restVersion(m, latest)] } : {}),
      ...(m.tags ? { tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })) } : {}),
    };
  }
}

class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function restVersion(m: FakeModel, v: FakeVersion): unknown {
  return {
    name: m.name,
    version: v.version,
    creation_timestamp: v.creation_timestamp,
    last_updated_timestamp: v.creation_timestamp,
    ...(v.user_id ? { user_id: v.user_id } : {}),
    current_stage: v.current_stage ?? 'None',
    ...(v.description ? { description: v.description } : {}),
    source: v.artifactUri ?? `mlflow-artifacts:/${v.artifactPath}`,
    ...(v.run_id ? { run_id: v.run_id } : {}),
    status: v.status ?? 'READY',
    ...(v.status_message ? { status_message: v.status_message } : {}),
    ...(v.tags ? { tags: Object.entries(v.tags).map(([key, value]) => ({ key, value })) } : {}),
    ...(v.aliases?.length ? { aliases: v.aliases } : {}),
  };
}

function errorBody(status: number): unknown {
  const code =
    status === 401
      ? 'UNAUTHENTICATED'
      : status === 403
        ? 'PERMISSION_DENIED'
        : status === 404
          ? 'RESOURCE_DOES_NOT_EXIST'
          : status === 429
            ? 'REQUEST_LIMIT_EXCEEDED'
            : 'INTERNAL_ERROR';
  const message =
    status === 429
      ? 'Too many requests. Please retry later.'
      : status === 403
        ? 'Permission denied'
        : status === 401
          ? 'You are not authenticated.'
          : `Error ${status}`;
  return { error_code: code, message };
}

function json(res: ServerResponse, status: number, body: unknown, challenge = false): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (challenge) headers['www-authenticate'] = 'Basic realm="mlflow"';
  const text =
    body === 'unauthenticated'
      ? 'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.'
      : JSON.stringify(body);
  if (body === 'unauthenticated') headers['content-type'] = 'text/plain';
  res.writeHead(status, headers);
  res.end(text);
}

function intParam(q: URLSearchParams, name: string, dflt: number): number {
  const v = q.get(name);
  if (v === null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new RestError(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${v} for parameter '${name}'.`);
  return n;
}

function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function pageStart(token: string | null): number {
  if (!token) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString()) as { offset?: unknown };
    if (typeof offset === 'number' && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new RestError(400, 'INVALID_PARAMETER_VALUE', `Invalid page token '${token}'.`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '.');
}
