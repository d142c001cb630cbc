/**
 * A violation of the TDS protocol by the client (malformed packets, impossible lengths, unexpected
 * message types) is a ProtocolError. The session answers with an error token where it can and
 * closes the connection; the server itself never stops because of one.
 */
export { ProtocolError } from '../../common/errors.js';

/** The client ended the request message with the IGNORE bit: discard it and reply with DONE. */
export class IgnoredMessageError extends Error {
  constructor() {
    super('The client cancelled the request while sending it.');
    this.name = 'IgnoredMessageError';
  }
}

/** A request the local pool understands but refuses, answered with this SQL error and the connection stays open. */
export class RequestError extends Error {
  constructor(
    readonly number: number,
    message: string,
    readonly severity = 16,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
