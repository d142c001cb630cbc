// Injectable faults and request gating shared by the local test servers.

import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Fault {
  /** Requests whose path (without query) starts with this, or matches this expression. */
  path: string | RegExp;
  /** HTTP status to answer with; omit with `drop` to drop the connection. */
  status?: number;
  /** Retry-After header value (seconds) for 429/503. */
  retryAfter?: string;
  /** Body to send; defaults to the server's error shape for the status. */
  body?: unknown;
  /** Drop the connection: before any byte, or after this many body bytes for file downloads. */
  drop?: true | { afterBytes: number };
  /** How many matching requests it affects (default 1; Infinity = until cleared). */
  times?: number;
}

export class FaultPlan {
  private faults: (Fault & { left: number })[] = [];
  /** Requests received, by path (without query), in order. */
  readonly log: string[] = [];
  private gateAfter = Infinity;
  private waiting: (() => void)[] = [];

  add(f: Fault): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault for a request, consuming one use of it. */
  take(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.left > 0 && (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path)));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.left--;
    return f;
  }

  /** Requests after the first `n` wait until `release()`. */
  holdAfter(n: number): void {
    this.gateAfter = n;
  }

  release(): void {
    this.gateAfter = Infinity;
    for (const w of this.waiting.splice(0)) w();
  }

  /** Resolves when this request may be answered. */
  async admit(path: string): Promise<void> {
    this.log.push(path);
    if (this.log.length > this.gateAfter) await new Promise<void>((r) => this.waiting.push(r));
  }

  /** Requests answered so far (those admitted past the gate). */
  get answered(): number {
    return Math.min(this.log.length, this.gateAfter);
  }
}

/**
 * Applies a fault, returning true when it answered (or dropped) the request.
 * `errorBody(status)` gives the server's own error shape.
 */
export function applyFault(fault: Fault | undefined, req: IncomingMessage, res: ServerResponse, errorBody: (status: number) => unknown): boolean {
  if (!fault) return false;
  if (fault.drop === true) {
    req.socket.destroy();
    return true;
  }
  if (fault.drop) return false; // handled by the file route (after some bytes)
  const status = fault.status ?? 500;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  res.writeHead(status, headers);
  res.end(JSON.stringify(fault.body ?? errorBody(status)));
  return true;
}

/** Sends file bytes, honouring a drop-after-N-bytes fault. */
export function sendBytes(
  res: ServerResponse,
  req: IncomingMessage,
  bytes: Uint8Array,
  fault: Fault | undefined,
  contentType = 'application/octet-stream',
): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.byteLength) });
  if (fault?.drop && fault.drop !== true) {
    const n = Math.min(fault.drop.afterBytes, bytes.byteLength);
    res.write(bytes.subarray(0, n), () => setTimeout(() => req.socket.destroy(), 20));
    return;
  }
  res.end(bytes);
}
