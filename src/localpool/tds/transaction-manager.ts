import { readAllHeaders } from './all-headers.js';
import { RequestError } from './errors.js';
import type { MessageReader } from './incoming.js';

/** A transaction manager request (MS-TDS 2.2.6.9), the way tedious begins, commits and rolls back. */
export type TransactionRequest =
  | { readonly kind: 'begin'; readonly name: string; readonly isolationLevel: number }
  | { readonly kind: 'commit' | 'rollback'; readonly name: string; readonly beginNew: boolean };

const TM_BEGIN_XACT = 5;
const TM_COMMIT_XACT = 7;
const TM_ROLLBACK_XACT = 8;

async function readName(r: MessageReader): Promise<string> {
  if (await r.atEnd()) return '';
  const bytes = await r.u8('a transaction name');
  return (await r.readBytes(bytes, 'a transaction name')).toString('utf16le');
}

/** `allHeaders`: the request starts with ALL_HEADERS (TDS 7.2+). */
export async function readTransactionRequest(r: MessageReader, allHeaders = true): Promise<TransactionRequest> {
  if (allHeaders) await readAllHeaders(r);
  const type = await r.u16('the transaction request type');
  switch (type) {
    case TM_BEGIN_XACT: {
      const isolationLevel = await r.u8('the isolation level');
      return { kind: 'begin', isolationLevel, name: await readName(r) };
    }
    case TM_COMMIT_XACT:
    case TM_ROLLBACK_XACT: {
      const name = await readName(r);
      const beginNew = !(await r.atEnd()) && (await r.u8()) !== 0;
      return { kind: type === TM_COMMIT_XACT ? 'commit' : 'rollback', name, beginNew };
    }
    default:
      throw new RequestError(
        8522,
        `The local pool does not support transaction manager request ${type} (distributed or saved transactions). Use BEGIN/COMMIT/ROLLBACK TRANSACTION.`,
      );
  }
}
