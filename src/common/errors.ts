/**
 * Errors and error text shared by every layer. Imports nothing.
 */

/** The text of anything thrown: an Error's message, or the value as a string. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A peer broke the protocol it speaks with us: a webview posted a message the host does not accept,
 * or a TDS client sent a malformed packet, an impossible length or an unexpected message type. The
 * message is refused (a TDS session answers with an error token where it can and closes only that
 * connection); nothing else stops because of it.
 */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
