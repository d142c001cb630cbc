/**
 * The BulkLoadBCP message (MS-TDS 2.2.1.7, 2.2.6.1): after an `INSERT BULK` batch the client sends
 * COLMETADATA describing its columns, then one ROW (or NBCROW) token per row, then DONE. The rows are
 * parsed straight from the packets as they arrive and handed to the engine in batches, so a load of
 * any size holds only a batch of rows and the packets the queue lets in.
 */
import type { BulkColumn, EngineSession, SqlMessage, SqlValue } from '../engine/api.js';
import { decodeValue, readTypeInfo, type TypeInfo } from './data-types/index.js';
import { IgnoredMessageError, ProtocolError, RequestError } from './errors.js';
import { ConnectionClosedError, type MessageReader } from './incoming.js';
import { Token } from './protocol.js';
import type { Reply } from './reply.js';

/** Rows handed to the engine at a time (DuckDB's vector size). */
const ROWS_PER_BATCH = 2048;
/** Bytes read from the message at a time. */
const READ_SIZE = 1 << 20;
/** A DONE token at TDS 7.2 and later: token, status, command, 8-byte row count. */
const DONE_LENGTH = 13;
const PLP_NULL = 0xffffffffffffffffn;
const PLP_UNKNOWN = 0xfffffffffffffffen;

export interface BulkMetadata {
  readonly columns: BulkColumn[];
  readonly infos: TypeInfo[];
}

/** Reads the COLMETADATA token that starts the message. */
export async function readBulkMetadata(r: MessageReader): Promise<BulkMetadata> {
  const token = await r.u8('the COLMETADATA token');
  if (token !== Token.ColMetadata) {
    throw new ProtocolError(`A bulk load must start with COLMETADATA (0x81), not 0x${token.toString(16)}.`);
  }
  const count = await r.u16('the column count');
  if (count === 0 || count === 0xffff) throw new ProtocolError('A bulk load must describe at least one column.');
  const columns: BulkColumn[] = [];
  const infos: TypeInfo[] = [];
  for (let i = 1; i <= count; i++) {
    await r.u32('a user type');
    const flags = await r.u16('column flags');
    let info: TypeInfo;
    try {
      info = await readTypeInfo(r, `column ${i}`);
    } catch (e) {
      if (e instanceof RequestError) {
        throw new RequestError(
          4816,
          `Invalid column type from bcp client for colid ${i}: ${e.message.replace(/^Parameter column \d+ has/, 'the column has')} The ` +
            `local pool takes no text, ntext or image columns in a bulk load.`,
        );
      }
      throw e;
    }
    const name = await r.bVarchar('a column name');
    columns.push({ name, type: info.type, nullable: (flags & 0x01) !== 0 });
    infos.push(info);
  }
  return { columns, infos };
}

/** Thrown by the row parser when the buffer ends inside a row. */
const NEED_MORE = Symbol('needMore');

/** Parses one row's values from `buf` at `pos`; NEED_MORE when the buffer ends first. */
function parseRow(buf: Buffer, pos: number, infos: readonly TypeInfo[], nbc: boolean): { values: SqlValue[]; end: number } | typeof NEED_MORE {
  const n = infos.length;
  let nulls: Buffer | undefined;
  if (nbc) {
    const bytes = (n + 7) >> 3;
    if (pos + bytes > buf.length) return NEED_MORE;
    nulls = buf.subarray(pos, pos + bytes);
    pos += bytes;
  }
  const values: SqlValue[] = new Array<SqlValue>(n);
  for (let c = 0; c < n; c++) {
    if (nulls && nulls[c >> 3]! & (1 << (c & 7))) {
      values[c] = null;
      continue;
    }
    const info = infos[c]!;
    let len: number;
    switch (info.lengthKind) {
      case 'fixed':
        len = info.fixedLength!;
        break;
      case 'byte':
        if (pos + 1 > buf.length) return NEED_MORE;
        len = buf[pos++]!;
        if (len === 0) {
          values[c] = null;
          continue;
        }
        break;
      case 'ushort':
        if (pos + 2 > buf.length) return NEED_MORE;
        len = buf.readUInt16LE(pos);
        pos += 2;
        if (len === 0xffff) {
          values[c] = null;
          continue;
        }
        if (len > 8000) throw new ProtocolError(`Column ${c + 1} of a bulk load row declares ${len} bytes; the limit without (max) is 8000.`);
        break;
      case 'plp': {
        const plp = readPlp(buf, pos, c);
        if (plp === NEED_MORE) return NEED_MORE;
        pos = plp.end;
        values[c] = plp.bytes && decodeValue(info, plp.bytes);
        continue;
      }
    }
    if (pos + len > buf.length) return NEED_MORE;
    values[c] = decodeValue(info, buf.subarray(pos, pos + len));
    pos += len;
  }
  return { values, end: pos };
}

function readPlp(buf: Buffer, pos: number, c: number): { bytes: Buffer | null; end: number } | typeof NEED_MORE {
  if (pos + 8 > buf.length) return NEED_MORE;
  const declared = buf.readBigUInt64LE(pos);
  pos += 8;
  if (declared === PLP_NULL) return { bytes: null, end: pos };
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    if (pos + 4 > buf.length) return NEED_MORE;
    const len = buf.readUInt32LE(pos);
    pos += 4;
    if (len === 0) break;
    if (pos + len > buf.length) return NEED_MORE;
    parts.push(buf.subarray(pos, pos + len));
    total += len;
    pos += len;
  }
  if (declared !== PLP_UNKNOWN && BigInt(total) !== declared) {
    throw new ProtocolError(`Column ${c + 1} of a bulk load row declares ${declared} bytes but carries ${total}.`);
  }
  return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, total), end: pos };
}

/**
 * The rows of the message, in batches. A row is parsed once all its bytes are in; a row split across
 * packets waits for the next ones. `maxRowBytes` bounds what one row may hold.
 */
export async function* readBulkRows(r: MessageReader, infos: readonly TypeInfo[], maxRowBytes: number): AsyncGenerator<SqlValue[][]> {
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0;
  let batch: SqlValue[][] = [];
  let done = false;
  for (;;) {
    while (pos < buf.length && !done) {
      const token = buf[pos]!;
      if (token === Token.Row || token === Token.NbcRow) {
        const row = parseRow(buf, pos + 1, infos, token === Token.NbcRow);
        if (row === NEED_MORE) break;
        batch.push(row.values);
        pos = row.end;
        if (batch.length === ROWS_PER_BATCH) {
          yield batch;
          batch = [];
        }
      } else if (token === Token.Done) {
        if (pos + DONE_LENGTH > buf.length) break;
        pos += DONE_LENGTH;
        done = true;
      } else {
        throw new ProtocolError(`A bulk load row must be a ROW (0xd1) or NBCROW (0xd2) token, not 0x${token.toString(16)}.`);
      }
    }
    if (done) {
      if (pos < buf.length || (await r.readUpTo(1))) throw new ProtocolError('A bulk load message carries data after its DONE token.');
      break;
    }
    // Read on: at least as much again as the unparsed tail, so a long row is joined in few copies.
    const tail = buf.subarray(pos);
    const parts: Buffer[] = tail.length ? [tail] : [];
    let total = tail.length;
    const want = Math.max(tail.length * 2, 1);
    let ended = false;
    while (total < want) {
      const piece = await r.readUpTo(READ_SIZE);
      if (!piece) {
        ended = true;
        break;
      }
      parts.push(piece);
      total += piece.length;
    }
    if (ended && total === tail.length) {
      if (tail.length > 0) throw new ProtocolError('The bulk load message ended inside a row.');
      break;
    }
    if (total > maxRowBytes) {
      throw new RequestError(
        8003,
        `A row of the bulk load is larger than the local pool accepts (${maxRowBytes} bytes). Load long values ` + `with a parameterised INSERT instead.`,
      );
    }
    buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
    pos = 0;
  }
  if (batch.length) yield batch;
}

/**
 * Serves one BulkLoadBCP message: the engine stores its rows for the INSERT BULK it ran last, and the
 * reply carries the row count, or the error (the rest of the message is read and dropped first).
 */
export async function serveBulkLoad(
  msg: MessageReader,
  session: EngineSession,
  reply: Reply,
  signal: AbortSignal,
  maxRowBytes: number,
  errorMessage: (e: unknown) => SqlMessage,
): Promise<void> {
  try {
    if (!session.bulkLoad) throw new RequestError(40000, 'This engine does not take bulk loads (TDS message type 0x07).');
    const meta = await readBulkMetadata(msg);
    const count = await session.bulkLoad(meta.columns, readBulkRows(msg, meta.infos, maxRowBytes), signal);
    await msg.discardRest();
    reply.statementDone(count, false);
  } catch (e) {
    if (e instanceof IgnoredMessageError) return; // The client cancelled while sending: a plain end of message.
    if (e instanceof ProtocolError || e instanceof ConnectionClosedError) throw e;
    reply.message('error', errorMessage(e));
    reply.statementDone(undefined, true);
    try {
      await msg.discardRest();
    } catch (d) {
      if (!(d instanceof IgnoredMessageError)) throw d;
    }
  }
}
