import type { Parameter, SqlValue, StreamedValue } from '../engine/api.js';
import { readAllHeaders } from './all-headers.js';
import { decodeValue, readTypeInfo, type TypeInfo } from './data-types/index.js';
import { ProtocolError, RequestError } from './errors.js';
import type { MessageReader } from './incoming.js';
import { ProcId } from './protocol.js';
import { SpilledValue, type SpillFiles } from './param-spill.js';

const PLP_NULL = 0xffffffffffffffffn;
const PLP_UNKNOWN = 0xfffffffffffffffen;

/** Stored procedures an RPC may name by number (MS-TDS 2.2.6.6). */
const PROC_NAMES: Record<number, string> = {
  1: 'sp_cursor',
  2: 'sp_cursoropen',
  3: 'sp_cursorprepare',
  4: 'sp_cursorexecute',
  5: 'sp_cursorprepexec',
  6: 'sp_cursorunprepare',
  7: 'sp_cursorfetch',
  8: 'sp_cursoroption',
  9: 'sp_cursorclose',
  10: 'sp_executesql',
  11: 'sp_prepare',
  12: 'sp_execute',
  13: 'sp_prepexec',
  14: 'sp_prepexecrpc',
  15: 'sp_unprepare',
};

export interface RpcHeader {
  /** The procedure's name ('sp_executesql' for ProcID 10). */
  readonly procName: string;
  readonly isExecuteSql: boolean;
}

/** Reads ALL_HEADERS (TDS 7.2+, `allHeaders`), the procedure name or id, and the option flags. */
export async function readRpcHeader(r: MessageReader, allHeaders = true): Promise<RpcHeader> {
  if (allHeaders) await readAllHeaders(r);
  const nameLength = await r.u16('the procedure name');
  let procName: string;
  if (nameLength === 0xffff) {
    const id = await r.u16('the procedure id');
    procName = PROC_NAMES[id] ?? `procedure #${id}`;
    await r.u16('the option flags');
    return { procName, isExecuteSql: id === ProcId.ExecuteSql };
  }
  procName = (await r.readBytes(nameLength * 2, 'the procedure name')).toString('utf16le');
  await r.u16('the option flags');
  const bare = procName.replace(/[[\]]/g, '').toLowerCase();
  return { procName, isExecuteSql: bare === 'sp_executesql' || bare.endsWith('.sp_executesql') };
}

/**
 * A varbinary(max) parameter still arriving. It reads its PLP chunks straight from the request
 * message as the engine iterates; `finish()` reads whatever the engine left unread.
 */
export class PlpStream implements StreamedValue {
  readonly kind = 'stream' as const;
  private iterated = false;
  private done = false;
  /** Bytes left in the current PLP chunk. */
  private chunkLeft: number;
  private received: number;

  constructor(
    private readonly r: MessageReader,
    private readonly paramName: string,
    private readonly prefix: Buffer[],
    firstChunkLeft: number,
    readonly length: number | undefined,
  ) {
    this.chunkLeft = firstChunkLeft;
    this.received = prefix.reduce((n, b) => n + b.length, 0);
  }

  get chunks(): AsyncIterable<Uint8Array> {
    if (this.iterated) throw new Error(`The streamed value of ${this.paramName} can be read only once.`);
    this.iterated = true;
    return this.generate();
  }

  private async *generate(): AsyncGenerator<Uint8Array> {
    while (this.prefix.length) yield this.prefix.shift()!;
    for (;;) {
      const next = await this.nextPiece();
      if (!next) return;
      yield next;
    }
  }

  /** The next bytes of the value, or undefined after its terminator. */
  private async nextPiece(): Promise<Buffer | undefined> {
    if (this.done) return undefined;
    while (this.chunkLeft === 0) {
      const len = await this.r.u32('a PLP chunk length');
      if (len === 0) {
        this.done = true;
        if (this.length !== undefined && this.received !== this.length) {
          throw new ProtocolError(`Parameter ${this.paramName} declares ${this.length} bytes but carries ${this.received}.`);
        }
        if (!(await this.r.atEnd())) {
          throw new RequestError(
            8004,
            `Parameter ${this.paramName} is a varbinary(max) value larger than the local pool buffers, and it must be the last parameter of the request. Move it to the end of the parameter list.`,
          );
        }
        return undefined;
      }
      this.chunkLeft = len;
    }
    const piece = await this.r.readUpTo(this.chunkLeft);
    if (!piece) throw new ProtocolError(`The message ended inside parameter ${this.paramName}.`);
    this.chunkLeft -= piece.length;
    this.received += piece.length;
    return piece;
  }

  /** Reads and drops what the engine did not read. */
  async finish(): Promise<void> {
    this.prefix.length = 0;
    while (await this.nextPiece());
  }
}

export interface ReadParameterOptions {
  /** varbinary(max), nvarchar(max) and varchar(max) values longer than this are not held in memory. */
  readonly streamThreshold: number;
  /** Where large values that are not the last parameter go while the rest of the request is read. */
  readonly spill?: SpillFiles;
}

/** What readParameterValue knows of a parameter's place. */
interface Place {
  /** The last parameter of the request: a large value streams to the engine. */
  readonly last: boolean;
  /** sp_executesql's @statement and @params: always text in memory. */
  readonly buffered: boolean;
}

const LARGE_TYPES = new Set(['varbinary', 'binary', 'nvarchar', 'nchar', 'varchar', 'char']);

/** Reads a PLP value fully (budgeted). */
async function readPlpBuffered(r: MessageReader, name: string, declared: bigint): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const len = await r.u32('a PLP chunk length');
    if (len === 0) break;
    const part = Buffer.from(await r.readBytes(len, `parameter ${name}`));
    parts.push(part);
    total += len;
  }
  if (declared !== PLP_UNKNOWN && BigInt(total) !== declared) {
    throw new ProtocolError(`Parameter ${name} declares ${declared} bytes but carries ${total}.`);
  }
  return Buffer.concat(parts, total);
}

async function readParameterValue(
  r: MessageReader,
  info: TypeInfo,
  name: string,
  options: ReadParameterOptions,
  place: Place,
): Promise<SqlValue | StreamedValue> {
  switch (info.lengthKind) {
    case 'fixed':
      return decodeValue(info, await r.readBytes(info.fixedLength!, `parameter ${name}`));
    case 'byte': {
      const len = await r.u8(`parameter ${name}`);
      return len === 0 ? null : decodeValue(info, await r.readBytes(len, `parameter ${name}`));
    }
    case 'ushort': {
      const len = await r.u16(`parameter ${name}`);
      if (len === 0xffff) return null;
      if (len > 8000) throw new ProtocolError(`Parameter ${name} declares ${len} bytes; the limit without (max) is 8000.`);
      return decodeValue(info, await r.readBytes(len, `parameter ${name}`));
    }
    case 'plp': {
      const declared = await r.u64(`parameter ${name}`);
      if (declared === PLP_NULL) return null;
      const known = declared === PLP_UNKNOWN ? undefined : declared;
      // Text that is the last parameter is held in memory (within the message budget), as before.
      const binary = info.type.name === 'varbinary' || info.type.name === 'binary';
      if (place.buffered || !LARGE_TYPES.has(info.type.name) || (place.last && !binary)) {
        return decodeValue(info, await readPlpBuffered(r, name, declared));
      }
      if (known !== undefined && known > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new ProtocolError(`Parameter ${name} declares ${known} bytes.`);
      }
      // Buffer up to the threshold; past it, the last parameter streams and any other is spilled.
      const prefix: Buffer[] = [];
      let total = 0;
      for (;;) {
        const len = await r.u32('a PLP chunk length');
        if (len === 0) {
          if (known !== undefined && BigInt(total) !== known) {
            throw new ProtocolError(`Parameter ${name} declares ${known} bytes but carries ${total}.`);
          }
          return decodeValue(info, Buffer.concat(prefix, total));
        }
        let left = len;
        while (left > 0) {
          if (total >= options.streamThreshold) {
            const length = known === undefined ? undefined : Number(known);
            if (place.last || !options.spill) return new PlpStream(r, name, prefix, left, length);
            return spillPlp(r, name, options.spill, prefix, left, length);
          }
          const piece = await r.readUpTo(Math.min(left, options.streamThreshold - total));
          if (!piece) throw new ProtocolError(`The message ended inside parameter ${name}.`);
          prefix.push(Buffer.from(piece));
          total += piece.length;
          left -= piece.length;
        }
      }
    }
  }
}

/** Writes the rest of a large PLP value to a spill file; the value then reads from the file. */
async function spillPlp(
  r: MessageReader,
  name: string,
  spill: SpillFiles,
  prefix: Buffer[],
  chunkLeft: number,
  length: number | undefined,
): Promise<SpilledValue> {
  const file = await spill.create();
  try {
    for (const p of prefix) await file.write(p);
    let left = chunkLeft;
    for (;;) {
      while (left > 0) {
        const piece = await r.readUpTo(left);
        if (!piece) throw new ProtocolError(`The message ended inside parameter ${name}.`);
        await file.write(piece);
        left -= piece.length;
      }
      left = await r.u32('a PLP chunk length');
      if (left === 0) break;
    }
  } finally {
    await file.close();
  }
  if (length !== undefined && file.length !== length) {
    throw new ProtocolError(`Parameter ${name} declares ${length} bytes but carries ${file.length}.`);
  }
  return new SpilledValue(file.path, file.length, name);
}

export interface RpcParameters {
  readonly params: Parameter[];
  /** The streamed parameter, always the last one read, when there is one. */
  readonly stream?: PlpStream;
}

/** How many parameters sp_executesql's @params text declares ('@a int, @b decimal(10,2)' declares 2). */
export function declaredParameterCount(text: string): number {
  let depth = 0;
  let count = text.trim() ? 1 : 0;
  for (const ch of text.replace(/'[^']*'/g, '')) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) count++;
  }
  return count;
}

/**
 * Reads the parameters of an RPC until the end of the message or a value that streams. For
 * sp_executesql (`isExecuteSql`) the @params text tells which parameter is the last: its large
 * value streams; large values before it are spilled to files (`options.spill`).
 */
export async function readRpcParameters(r: MessageReader, options: ReadParameterOptions, isExecuteSql = false): Promise<RpcParameters> {
  const params: Parameter[] = [];
  let expected: number | undefined;
  while (!(await r.atEnd())) {
    const name = await r.bVarchar('a parameter name');
    const status = await r.u8('parameter status flags');
    const shown = name || `#${params.length + 1}`;
    const info = await readTypeInfo(r, shown);
    const index = params.length;
    const place: Place = {
      buffered: isExecuteSql && index < 2,
      last: isExecuteSql ? expected === undefined || index >= expected - 1 : !options.spill,
    };
    const value = await readParameterValue(r, info, shown, options, place);
    const output = (status & 0x01) !== 0;
    params.push({ name, type: info.type, value, output });
    if (value instanceof PlpStream) return { params, stream: value };
    if (isExecuteSql && index === 1 && typeof value === 'string') expected = 2 + declaredParameterCount(value);
  }
  return { params };
}
