/**
 * A tiny in-memory engine for the TDS server's tests. It speaks a one-command-per-line language,
 * not T-SQL, so the tests exercise the wire protocol and nothing else:
 *
 *   SELECT 1                      one int column, one row
 *   SET ...                       accepted, no result (tedious's connect-time batch)
 *   ECHO                          one row holding every parameter (streams read to the end)
 *   PRINT text                    an INFO message
 *   RAISERROR number class text   an ERROR message on that line, the statement fails, the batch goes on
 *   THROW number text             the request fails with SqlError(number, text, line)
 *   SLEEP ms                      waits, stopping early when cancelled
 *   ROWS n                        n rows of (n int, label nvarchar(20)), 1 000 per event
 *   COUNT_STREAM                  reads the streamed parameter, returns its byte count (bigint)
 *   COUNT_BUFFERED                the same after gathering the whole value in memory (a non-streaming engine)
 *   BEGIN TRAN | COMMIT | ROLLBACK, USE db
 *   BAD_VALUE                     an int column holding text (an engine bug the server must survive)
 * Stored procedure 'sp_echo' echoes its parameters, sets OUTPUT parameters to their input and returns 7.
 */
import {
  SqlError,
  type Engine,
  type EngineEvent,
  type EngineSession,
  type Parameter,
  type ResultColumn,
  type SessionInfo,
  type SqlValue,
  type StreamedValue,
} from '../../src/localpool/engine/api.js';

function isStream(v: Parameter['value']): v is StreamedValue {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Date) && (v as StreamedValue).kind === 'stream';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

async function materialize(p: Parameter): Promise<SqlValue> {
  if (!isStream(p.value)) return p.value;
  const parts: Uint8Array[] = [];
  for await (const c of p.value.chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

export interface MemoryEngineStats {
  sessionsOpened: number;
  sessionsClosed: number;
  /** Bytes COUNT_STREAM read, last request. */
  streamedBytes: number;
  /** The largest chunk a streamed parameter delivered. */
  largestChunk: number;
  cancelled: number;
}

export class MemoryEngine implements Engine {
  readonly serverInfo = { productVersion: '16.0.1000.6', version: 'Local pool test engine', engineEdition: 6 };
  readonly stats: MemoryEngineStats = { sessionsOpened: 0, sessionsClosed: 0, streamedBytes: 0, largestChunk: 0, cancelled: 0 };

  async openSession(info: SessionInfo): Promise<EngineSession> {
    if (info.database === 'nosuchdb') {
      throw new SqlError(4060, `Cannot open database "${info.database}" requested by the login. The login failed.`, 1, 11);
    }
    this.stats.sessionsOpened++;
    return new MemorySession(this, info.database || 'testdb');
  }

  async close(): Promise<void> {}
}

class MemorySession implements EngineSession {
  inTransaction = false;

  constructor(
    private readonly engine: MemoryEngine,
    public database: string,
  ) {}

  execute(sql: string, params: readonly Parameter[], signal: AbortSignal): AsyncIterable<EngineEvent> {
    return this.run(sql, params, signal);
  }

  private async *run(sql: string, params: readonly Parameter[], signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const lines = sql.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = i + 1;
      const text = lines[i]!.trim();
      if (!text || text.startsWith('--')) continue;
      if (signal.aborted) {
        this.engine.stats.cancelled++;
        return;
      }
      const [word = '', ...rest] = text.split(/\s+/);
      const command = word.toUpperCase();
      if (/^SELECT\s+1$/i.test(text)) {
        yield { kind: 'columns', columns: [{ name: '', type: { name: 'int' }, nullable: false }] };
        yield { kind: 'rows', rows: [[1]] };
        yield { kind: 'done', rowCount: 1 };
      } else if (command === 'SET') {
        yield { kind: 'done' };
      } else if (command === 'ECHO') {
        const columns: ResultColumn[] = params.map((p) => ({ name: p.name.replace(/^@/, ''), type: p.type, nullable: true }));
        const row: SqlValue[] = [];
        for (const p of params) row.push(await materialize(p));
        yield { kind: 'columns', columns };
        yield { kind: 'rows', rows: [row] };
        yield { kind: 'done', rowCount: 1 };
      } else if (command === 'PRINT') {
        yield { kind: 'info', message: { number: 0, state: 1, class: 0, message: rest.join(' '), line } };
        yield { kind: 'done' };
      } else if (command === 'RAISERROR') {
        const [num = '50000', cls = '16', ...msg] = rest;
        yield { kind: 'error', message: { number: Number(num), state: 1, class: Number(cls), message: msg.join(' '), line } };
        yield { kind: 'done', error: true };
      } else if (command === 'THROW') {
        const [num = '50000', ...msg] = rest;
        throw new SqlError(Number(num), msg.join(' '), line);
      } else if (command === 'SLEEP') {
        await sleep(Number(rest[0] ?? 0), signal);
        if (signal.aborted) {
          this.engine.stats.cancelled++;
          return;
        }
        yield { kind: 'done' };
      } else if (command === 'ROWS') {
        const n = Number(rest[0] ?? 0);
        yield {
          kind: 'columns',
          columns: [
            { name: 'n', type: { name: 'int' }, nullable: false },
            { name: 'label', type: { name: 'nvarchar', length: 20 }, nullable: true },
          ],
        };
        for (let start = 1; start <= n; start += 1000) {
          if (signal.aborted) {
            this.engine.stats.cancelled++;
            return;
          }
          const rows: SqlValue[][] = [];
          for (let k = start; k < Math.min(start + 1000, n + 1); k++) rows.push([k, k % 10 === 0 ? null : `row ${k}`]);
          yield { kind: 'rows', rows };
          await new Promise((r) => setImmediate(r));
        }
        yield { kind: 'done', rowCount: n };
      } else if (command === 'COUNT_STREAM') {
        let count = 0;
        let largest = 0;
        for (const p of params) {
          if (isStream(p.value)) {
            for await (const c of p.value.chunks) {
              count += c.length;
              largest = Math.max(largest, c.length);
            }
          } else if (p.value instanceof Uint8Array) count += p.value.length;
        }
        this.engine.stats.streamedBytes = count;
        this.engine.stats.largestChunk = largest;
        yield { kind: 'columns', columns: [{ name: 'bytes', type: { name: 'bigint' }, nullable: false }] };
        yield { kind: 'rows', rows: [[BigInt(count)]] };
        yield { kind: 'done', rowCount: 1 };
      } else if (command === 'COUNT_BUFFERED') {
        let count = 0;
        for (const p of params) {
          const v = await materialize(p);
          if (v instanceof Uint8Array) count += v.length;
        }
        this.engine.stats.streamedBytes = count;
        yield { kind: 'columns', columns: [{ name: 'bytes', type: { name: 'bigint' }, nullable: false }] };
        yield { kind: 'rows', rows: [[BigInt(count)]] };
        yield { kind: 'done', rowCount: 1 };
      } else if (/^BEGIN\s+TRAN/i.test(text)) {
        this.inTransaction = true;
        yield { kind: 'transaction', state: 'begin' };
        yield { kind: 'done' };
      } else if (command === 'COMMIT' || command === 'ROLLBACK') {
        this.inTransaction = false;
        yield { kind: 'transaction', state: command === 'COMMIT' ? 'commit' : 'rollback' };
        yield { kind: 'done' };
      } else if (command === 'USE') {
        this.database = rest[0] ?? this.database;
        yield { kind: 'database', name: this.database };
        yield { kind: 'done' };
      } else if (command === 'BAD_VALUE') {
        yield { kind: 'columns', columns: [{ name: 'x', type: { name: 'int' }, nullable: false }] };
        yield { kind: 'rows', rows: [['not a number']] };
        yield { kind: 'done', rowCount: 1 };
      } else {
        yield { kind: 'error', message: { number: 102, state: 1, class: 15, message: `Incorrect syntax near '${word}'.`, line } };
        yield { kind: 'done', error: true };
      }
    }
  }

  callProcedure(name: string, params: readonly Parameter[], signal: AbortSignal): AsyncIterable<EngineEvent> {
    return this.procedure(name, params, signal);
  }

  private async *procedure(name: string, params: readonly Parameter[], signal: AbortSignal): AsyncGenerator<EngineEvent> {
    if (name.toLowerCase() !== 'sp_echo') throw new SqlError(2812, `Could not find stored procedure '${name}'.`);
    yield* this.run(
      'ECHO',
      params.filter((p) => !p.output),
      signal,
    );
    for (const p of params) if (p.output) yield { kind: 'returnValue', name: p.name, type: p.type, value: await materialize(p) };
    yield { kind: 'returnStatus', value: 7 };
  }

  async beginTransaction(): Promise<void> {
    if (this.inTransaction) throw new SqlError(3902, 'A transaction is already open on this connection.');
    this.inTransaction = true;
  }

  async commitTransaction(): Promise<void> {
    if (!this.inTransaction) throw new SqlError(3902, 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.');
    this.inTransaction = false;
  }

  async rollbackTransaction(): Promise<void> {
    if (!this.inTransaction) throw new SqlError(3903, 'The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.');
    this.inTransaction = false;
  }

  async close(): Promise<void> {
    this.engine.stats.sessionsClosed++;
  }
}
