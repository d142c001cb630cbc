import { readAllHeaders } from './all-headers.js';
import { ProtocolError } from './errors.js';
import type { MessageReader } from './incoming.js';

/** A SQL batch request (MS-TDS 2.2.6.7): ALL_HEADERS (TDS 7.2+), then the batch text in UTF-16LE. */
export async function readSqlBatch(r: MessageReader, allHeaders = true): Promise<string> {
  if (allHeaders) await readAllHeaders(r);
  const text = await r.readRest('the SQL batch');
  if (text.length % 2) throw new ProtocolError('The SQL batch text has an odd number of bytes.');
  return text.toString('utf16le');
}
