/**
 * The host's check of what the comparison webview posts: a `CompareWebviewMessage` of `protocol.ts`,
 * or a ProtocolError naming what is wrong.
 */
import { ProtocolError } from '../../common/errors.js';
import type { CompareWebviewMessage } from './protocol.js';

/** Checks a message posted by the comparison webview. Throws ProtocolError naming what is wrong. */
export function parseCompareMessage(raw: unknown): CompareWebviewMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProtocolError('A message must be an object.');
  const { kind, method } = raw as { kind?: unknown; method?: unknown };
  if (kind !== 'command') throw new ProtocolError(`Unknown message kind '${String(kind).slice(0, 40)}'.`);
  if (method !== 'ready' && method !== 'rendered') throw new ProtocolError(`Unknown command '${String(method).slice(0, 40)}'.`);
  return { kind, method };
}
