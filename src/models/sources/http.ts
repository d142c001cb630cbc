// HTTP plumbing shared by the REST sources: one request with retries on 429/503 and network
// failures (honouring Retry-After), errors turned into ModelSourceError with the user's words.

import {
  ModelSourceError,
  RetryPolicy,
  RetryableError,
  cancelledError,
  errorForStatus,
  isAbortError,
  networkError,
  parseRetryAfter,
  withRetry,
} from '../source.js';

export interface RequestContext {
  model?: string;
  version?: string;
  /** The registry, as named in messages. */
  where: string;
  /** What to do to sign in, appended to not-signed-in messages. */
  signIn: string;
}

export interface HttpClientOptions {
  /** Headers for each request (authorization); may throw a ModelSourceError (not signed in). */
  headers: (signal?: AbortSignal) => Promise<Record<string, string>>;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
}

/** Sends a GET and returns the response when it is 2xx; maps everything else to a ModelSourceError. */
export async function httpGet(url: string, opts: HttpClientOptions, ctx: RequestContext, signal?: AbortSignal): Promise<Response> {
  const doFetch = opts.fetch ?? fetch;
  try {
    return await withRetry(
      async () => {
        if (signal?.aborted) throw cancelledError(ctx);
        const headers = await opts.headers(signal);
        let res: Response;
        try {
          res = await doFetch(url, { headers, signal });
        } catch (e) {
          if (signal?.aborted || isAbortError(e)) throw cancelledError(ctx);
          throw new RetryableError(networkError({ ...ctx, cause: e }));
        }
        if (res.ok) return res;
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        const serverMessage = await errorMessageOf(res);
        const err = errorForStatus(res.status, { ...ctx, serverMessage, retryAfterMs });
        if (res.status === 429 || res.status === 503) throw new RetryableError(err, retryAfterMs);
        throw err;
      },
      opts.retry,
      signal,
    );
  } catch (e) {
    if (e instanceof ModelSourceError) throw e;
    if (signal?.aborted || isAbortError(e)) throw cancelledError(ctx);
    throw e;
  }
}

/** GET and parse JSON. */
export async function httpGetJson<T>(url: string, opts: HttpClientOptions, ctx: RequestContext, signal?: AbortSignal): Promise<T> {
  const res = await httpGet(url, opts, ctx, signal);
  try {
    return (await res.json()) as T;
  } catch (e) {
    if (signal?.aborted) throw cancelledError(ctx);
    throw new ModelSourceError(
      'server-error',
      `${ctx.where} sent a reply that is not JSON for ${url.replace(/\?.*$/, '')}. Check that the address is the registry's.`,
      {
        ...ctx,
        cause: e,
      },
    );
  }
}

/** The body of a response as a stream of chunks, turning a dropped connection into network-down. */
export async function* bodyChunks(res: Response, ctx: RequestContext, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  const reader = res.body.getReader();
  try {
    for (;;) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch (e) {
        if (signal?.aborted || isAbortError(e)) throw cancelledError(ctx);
        throw networkError({ ...ctx, cause: e });
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    reader.releaseLock();
    if (!res.bodyUsed || signal?.aborted) void res.body.cancel().catch(() => undefined);
  }
}

/** The server's own message from an error body: MLflow `{error_code, message}` or ARM `{error: {code, message}}`. */
async function errorMessageOf(res: Response): Promise<string | undefined> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    return undefined;
  }
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } | unknown; error_code?: unknown };
    const msg = typeof body.message === 'string' ? body.message : (body.error as { message?: unknown } | undefined)?.message;
    if (typeof msg === 'string') return truncate(msg);
  } catch {
    // not JSON
  }
  return text.trim() && !/^\s*</.test(text) ? truncate(text.trim()) : undefined;
}

function truncate(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
