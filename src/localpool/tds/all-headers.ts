import { ProtocolError } from './errors.js';
import type { MessageReader } from './incoming.js';

/** Headers of a request (MS-TDS 2.2.5.3); the local pool only needs to get past them. */
export interface AllHeaders {
  /** The transaction descriptor the client sent, when it sent one. */
  readonly transactionDescriptor?: Buffer;
}

const MAX_ALL_HEADERS = 4096;

/** Reads ALL_HEADERS, which TDS 7.2+ puts first in SQL batch, RPC and transaction manager requests. */
export async function readAllHeaders(r: MessageReader): Promise<AllHeaders> {
  const total = await r.u32('ALL_HEADERS');
  if (total < 4 || total > MAX_ALL_HEADERS) throw new ProtocolError(`ALL_HEADERS declares ${total} bytes.`);
  const body = await r.readBytes(total - 4, 'ALL_HEADERS');
  let offset = 0;
  let transactionDescriptor: Buffer | undefined;
  while (offset < body.length) {
    if (offset + 6 > body.length) throw new ProtocolError('A header in ALL_HEADERS is truncated.');
    const length = body.readUInt32LE(offset);
    const type = body.readUInt16LE(offset + 4);
    if (length < 6 || offset + length > body.length) throw new ProtocolError(`A header in ALL_HEADERS declares ${length} bytes.`);
    if (type === 2 && length >= 14) transactionDescriptor = Buffer.from(body.subarray(offset + 6, offset + 14));
    offset += length;
  }
  return { transactionDescriptor };
}
