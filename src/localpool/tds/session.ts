import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import * as tls from 'node:tls';
import { SqlError, type Engine, type EngineEvent, type EngineSession, type SqlMessage } from '../engine/api.js';
import { serveBulkLoad } from './bulk-load.js';
import { ValueError } from './data-types/index.js';
import { createDuplexPair } from './duplex-pair.js';
import { IgnoredMessageError, ProtocolError, RequestError } from './errors.js';
import { ConnectionClosedError, MessageReader, PacketQueue } from './incoming.js';
import { parseLogin7, type Login7 } from './login7.js';
import { ResponseWriter } from './outgoing.js';
import { MAX_PACKET_SIZE, MIN_PACKET_SIZE, PacketFramer } from './packet.js';
import { buildPreloginResponse, Encryption, parsePrelogin } from './prelogin.js';
import { DEFAULT_COLLATION, DoneStatus, PacketType } from './protocol.js';
import { Reply } from './reply.js';
import { SpillFiles } from './param-spill.js';
import { PlpStream, readRpcHeader, readRpcParameters } from './rpc.js';
import { readSqlBatch } from './sql-batch.js';
import { writeDone } from './tokens/done.js';
import { writeCollationChange, writeDatabaseChange, writeLanguageChange, writePacketSizeChange } from './tokens/env-change.js';
import { writeLoginAck } from './tokens/login-ack.js';
import { writeMessage } from './tokens/message.js';
import { readTransactionRequest } from './transaction-manager.js';
import { negotiateVersion, TdsVersionNumber } from './version.js';
import { WireWriter } from './wire-writer.js';

export interface ServerLimits {
  /** Milliseconds a client has from connecting to finishing its login. Default 15 000. */
  readonly loginTimeoutMs: number;
  /** Logged-in connections at once. Default 64. */
  readonly maxConnections: number;
  /** Bytes of one request the server holds in memory (batch text, parameters); streamed varbinary(max) values do not count. Default 64 MiB. */
  readonly maxMessageBytes: number;
  /** varbinary(max) parameters longer than this stream to the engine. Default 1 MiB. */
  readonly streamThresholdBytes: number;
}

/** What every session of one server shares. */
export interface SessionContext {
  readonly engine: Engine;
  readonly user: string;
  readonly passwordDigest: Buffer;
  readonly tls: tls.SecureContext;
  readonly limits: ServerLimits;
  /** Where large parameter values that are not the last of their request are kept while it runs. */
  readonly spillDir: string;
  readonly version: readonly [number, number, number];
  nextSpid(): number;
  loggedInCount(): number;
  log(line: string): void;
}

export function digestPassword(password: string): Buffer {
  return createHash('sha256').update(password, 'utf8').digest();
}

const DEFAULT_PACKET_SIZE = 4096;

/**
 * After the server ends its side of a connection, how long the client has to close its side
 * before the socket is destroyed. The reply and the TLS close_notify are on their way by then.
 */
const CLOSE_GRACE_MS = 5_000;

class LoginRefused extends Error {}

/** One client connection: PRELOGIN, optional TLS, LOGIN7, then requests until it closes. */
export class Session {
  private readonly framer = new PacketFramer(MAX_PACKET_SIZE);
  private readonly queue: PacketQueue;
  private input: Readable;
  private readonly writer: ResponseWriter;
  private engineSession: EngineSession | undefined;
  private current: AbortController | undefined;
  private busy = false;
  private attentionsPending = 0;
  private closed = false;
  private strictTls = false;
  /** The TLS layer replies are written to, once there is one (strict TLS, or in-band after its handshake). */
  private secure: tls.TLSSocket | undefined;
  private loggedIn = false;
  /** LOGIN7 has arrived and its reply is not written yet. */
  private loginPending = false;
  private transactionDescriptor: Buffer | undefined;
  private transactionCounter = 0n;
  private database = '';
  readonly spid: number;

  private readonly onData = (chunk: Buffer): void => {
    try {
      for (const p of this.framer.push(chunk)) this.queue.push(p);
    } catch (e) {
      this.queue.end(e as Error);
    }
  };

  constructor(
    private readonly socket: Socket,
    private readonly ctx: SessionContext,
  ) {
    this.spid = ctx.nextSpid();
    this.input = socket;
    this.writer = new ResponseWriter(socket, DEFAULT_PACKET_SIZE);
    this.queue = new PacketQueue({
      onAttention: () => this.onAttention(),
      pause: () => this.input.pause(),
      resume: () => this.input.resume(),
    });
    socket.on('error', () => this.queue.end(new ConnectionClosedError()));
    socket.on('close', () => {
      // A dropped connection ends the request it was running.
      this.current?.abort();
      this.queue.end();
    });
  }

  get isLoggedIn(): boolean {
    return this.loggedIn && !this.closed;
  }

  /** Runs the connection to its end; never throws. */
  async run(): Promise<void> {
    const timer = setTimeout(() => {
      if (!this.loggedIn && !this.closed) {
        this.ctx.log(`connection ${this.spid}: no login within ${this.ctx.limits.loginTimeoutMs} ms; closing it`);
        void this.timeOutLogin();
      }
    }, this.ctx.limits.loginTimeoutMs);
    try {
      const first = await this.firstChunk();
      if (!first || this.closed) return;
      if (first[0] === 0x16) this.startStrictTls(first);
      else {
        this.attach(this.socket);
        this.onData(first);
      }
      await this.login();
      clearTimeout(timer);
      await this.serve();
    } catch (e) {
      if (e instanceof ProtocolError) this.ctx.log(`connection ${this.spid}: closed after a protocol error: ${e.message}`);
      else if (!(e instanceof ConnectionClosedError) && !(e instanceof LoginRefused)) {
        this.ctx.log(`connection ${this.spid}: closed after an unexpected error: ${(e as Error).stack ?? String(e)}`);
      }
    } finally {
      clearTimeout(timer);
      await this.close();
    }
  }

  /**
   * Ends the connection after everything already written has reached the client. The end goes to
   * the outermost stream replies were written to: with TLS that is the TLS socket, so a reply still
   * passing through the TLS layer is encrypted and sent, then close_notify, and only then does the
   * TCP socket end (through the pipe from the TLS layer). Ending the TCP socket directly would race
   * the reply still inside the TLS layer and lose it. The socket is destroyed once the client has
   * closed its side too, or after CLOSE_GRACE_MS.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.current?.abort();
    this.queue.end();
    this.endTransport();
    const s = this.engineSession;
    this.engineSession = undefined;
    if (s) {
      try {
        await s.close();
      } catch (e) {
        this.ctx.log(`connection ${this.spid}: closing its engine session failed: ${(e as Error).message}`);
      }
    }
  }

  // --- transport ------------------------------------------------------------------------------

  private endTransport(): void {
    const socket = this.socket;
    const secure = this.secure;
    if (socket.destroyed) {
      secure?.destroy();
      return;
    }
    const grace = setTimeout(() => {
      secure?.destroy();
      socket.destroy();
    }, CLOSE_GRACE_MS);
    grace.unref();
    socket.once('close', () => {
      clearTimeout(grace);
      secure?.destroy();
    });
    // Keep reading (and dropping) what the client still sends, so its end of the connection is seen
    // and the socket closes; a paused socket would wait for the grace period.
    this.input.off('data', this.onData);
    this.input.on('data', () => undefined);
    this.input.resume();
    socket.resume();
    if (secure && !secure.destroyed) secure.end();
    else socket.end();
  }

  private firstChunk(): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const onData = (d: Buffer): void => {
        cleanup();
        this.socket.pause();
        resolve(d);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(undefined);
      };
      const cleanup = (): void => {
        this.socket.off('data', onData);
        this.socket.off('close', onEnd);
        this.socket.off('end', onEnd);
      };
      this.socket.on('data', onData);
      this.socket.on('close', onEnd);
      this.socket.on('end', onEnd);
    });
  }

  /** Reads packets from `source` from now on. */
  private attach(source: Readable): void {
    if (this.input !== source) this.input.off('data', this.onData);
    this.input = source;
    source.on('data', this.onData);
    source.resume();
  }

  /** TDS 8.0: the connection starts with a TLS handshake (ALPN tds/8.0), PRELOGIN follows inside it. */
  private startStrictTls(first: Buffer): void {
    const [inner, outer] = createDuplexPair();
    const secure = new tls.TLSSocket(inner as unknown as Socket, {
      isServer: true,
      secureContext: this.ctx.tls,
      ALPNProtocols: ['tds/8.0'],
    });
    secure.on('error', (e) => {
      this.ctx.log(`connection ${this.spid}: TLS failed: ${e.message}`);
      this.socket.destroy();
    });
    secure.on('close', () => this.queue.end());
    outer.write(first);
    this.socket.pipe(outer);
    outer.pipe(this.socket);
    this.strictTls = true;
    this.secure = secure;
    this.writer.setOutput(secure);
    this.attach(secure);
  }

  /** TDS 7.x encryption: the TLS handshake travels inside PRELOGIN packets, then TLS carries everything. */
  private async inBandTls(): Promise<void> {
    const [inner, outer] = createDuplexPair();
    const secure = new tls.TLSSocket(inner as unknown as Socket, { isServer: true, secureContext: this.ctx.tls });
    let done = false;
    let failure: Error | undefined;
    secure.once('secure', () => (done = true));
    secure.on('error', (e) => {
      failure = e;
      this.socket.destroy();
    });
    const pending: Buffer[] = [];
    const collect = (d: Buffer): void => {
      pending.push(d);
    };
    outer.on('data', collect);
    try {
      await this.tlsHandshakeInPrelogin(
        outer,
        pending,
        () => done,
        () => failure,
      );
    } catch (e) {
      secure.destroy();
      throw e;
    }
    outer.off('data', collect);
    this.socket.off('data', this.onData);
    this.socket.pipe(outer);
    outer.pipe(this.socket);
    this.secure = secure;
    this.writer.setOutput(secure);
    this.attach(secure);
  }

  /** Relays TLS handshake flights between PRELOGIN packets and the TLS engine until it is done. */
  private async tlsHandshakeInPrelogin(outer: Writable, pending: Buffer[], done: () => boolean, failed: () => Error | undefined): Promise<void> {
    while (!done()) {
      const msg = await this.nextMessage();
      if (!msg) throw new ConnectionClosedError();
      if (msg.type !== PacketType.Prelogin) throw new ProtocolError('Expected a TLS handshake inside PRELOGIN packets.');
      outer.write(await msg.readRest('the TLS handshake'));
      // The TLS engine answers each flight at once; wait until it has written all of it.
      for (let waited = 0; pending.length === 0 && !failed() && waited < 10_000; waited += 2) await delay(2);
      await delay(5);
      const failure = failed();
      if (failure) throw new ProtocolError(`The TLS handshake failed: ${failure.message}`);
      if (!pending.length) throw new ProtocolError('The TLS handshake stalled.');
      this.writer.setType(PacketType.Prelogin);
      this.writer.write(Buffer.concat(pending.splice(0)));
      await this.writer.endMessage();
    }
  }

  private async nextMessage(): Promise<MessageReader | undefined> {
    const p = await this.queue.next();
    if (!p) return undefined;
    return new MessageReader(this.queue, p, this.ctx.limits.maxMessageBytes);
  }

  // --- login ----------------------------------------------------------------------------------

  /**
   * The login timeout: a client waiting for the answer to its LOGIN7 gets a login error saying so
   * (it would otherwise see only a lost connection); then the connection closes.
   */
  private async timeOutLogin(): Promise<void> {
    if (this.loginPending) {
      try {
        await this.writeLoginError(
          17197,
          `Login timed out: the local pool did not finish the login within ${this.ctx.limits.loginTimeoutMs} ms and closed the connection. The pool may be busy; try again.`,
        );
      } catch {
        // The connection is gone already.
      }
    }
    await this.close();
  }

  /** Writes the one reply a LOGIN7 gets when it is refused. */
  private async writeLoginError(number: number, message: string): Promise<void> {
    if (!this.loginPending || this.closed) return;
    this.loginPending = false;
    const w = new WireWriter();
    const version = this.writer.version;
    writeMessage(w, 'error', { number, state: 1, class: 14, message, line: 1 }, undefined, version);
    writeDone(w, 'done', DoneStatus.Error, 0, 0, version);
    this.writer.write(w.view());
    await this.writer.endMessage();
  }

  /**
   * PRELOGIN (and TLS when the client asks for it), then LOGIN7. A TDS 7.0 client (and some drivers
   * that do not want TLS) sends LOGIN7 first, with no PRELOGIN: the connection then stays
   * unencrypted, which the pool allows, as SQL Server does when it does not force encryption.
   */
  private async login(): Promise<void> {
    let msg = await this.nextMessage();
    if (!msg) throw new ConnectionClosedError();
    if (msg.type === PacketType.Prelogin) {
      const request = parsePrelogin(await msg.readRest('PRELOGIN'));
      const wantsTls = !this.strictTls && (request.encryption === Encryption.On || request.encryption === Encryption.Required);
      this.writer.write(buildPreloginResponse(wantsTls ? Encryption.On : Encryption.NotSupported, this.ctx.version));
      await this.writer.endMessage();
      if (wantsTls) await this.inBandTls();
      msg = await this.nextMessage();
      if (!msg) throw new ConnectionClosedError();
      if (msg.type !== PacketType.Login7) {
        throw new ProtocolError(`Expected LOGIN7 (0x10) after PRELOGIN, not 0x${msg.type.toString(16)}.`);
      }
    } else if (msg.type !== PacketType.Login7) {
      throw new ProtocolError(`The first message must be PRELOGIN (0x12) or LOGIN7 (0x10), not 0x${msg.type.toString(16)}.`);
    }
    const login = parseLogin7(await msg.readRest('LOGIN7'));
    // Replies, a refusal included, are in the version the server will speak.
    const version = negotiateVersion(login.tdsVersion);
    this.writer.version = version ?? negotiateVersion(TdsVersionNumber.V7_0)!;
    this.loginPending = true;
    if (!version) {
      await this.refuse(
        18452,
        `Login failed. The client asked for TDS version 0x${login.tdsVersion.toString(16).padStart(8, '0')}; the local pool speaks TDS 7.0 to 7.4.`,
      );
    }
    await this.authenticate(login);
  }

  private async refuse(number: number, message: string): Promise<never> {
    await this.writeLoginError(number, message);
    throw new LoginRefused(message);
  }

  private async authenticate(login: Login7): Promise<void> {
    if (login.integratedSecurity || login.sspiLength > 0 || !login.userName) {
      this.ctx.log(`connection ${this.spid}: refused a login without SQL authentication`);
      await this.refuse(18456, `Login failed. The local pool accepts SQL authentication only: connect as '${this.ctx.user}' with the pool's password.`);
    }
    const userOk = login.userName.toLowerCase() === this.ctx.user.toLowerCase();
    const passwordOk = timingSafeEqual(digestPassword(login.password), this.ctx.passwordDigest);
    if (!userOk || !passwordOk) {
      this.ctx.log(`connection ${this.spid}: login failed for user '${login.userName}'`);
      await this.refuse(18456, `Login failed for user '${login.userName}'.`);
    }
    if (this.ctx.loggedInCount() >= this.ctx.limits.maxConnections) {
      await this.refuse(
        17809,
        `Could not connect because the maximum number of '${this.ctx.limits.maxConnections}' user connections has already been reached. Close other connections to the local pool, or start it with a higher connection limit.`,
      );
    }
    try {
      this.engineSession = await this.ctx.engine.openSession({
        user: this.ctx.user,
        database: login.database,
        spid: this.spid,
        appName: login.appName || undefined,
        hostName: login.hostName || undefined,
      });
    } catch (e) {
      if (e instanceof SqlError) await this.refuse(e.number, e.message);
      throw e;
    }
    if (!this.loginPending || this.closed) {
      // The login timed out while the engine opened the session: the client has its answer.
      const late = this.engineSession;
      this.engineSession = undefined;
      await late.close().catch(() => undefined);
      throw new LoginRefused('The login timed out.');
    }
    this.database = this.engineSession.database;
    const packetSize = Math.min(Math.max(login.packetSize || DEFAULT_PACKET_SIZE, MIN_PACKET_SIZE), MAX_PACKET_SIZE - 1);
    const w = new WireWriter();
    const version = this.writer.version;
    writeDatabaseChange(w, this.database, 'master');
    writeMessage(w, 'info', { number: 5701, state: 2, class: 0, message: `Changed database context to '${this.database}'.`, line: 1 }, undefined, version);
    // TDS 7.0 has no collations.
    if (version.collations) writeCollationChange(w, DEFAULT_COLLATION);
    writeLanguageChange(w, 'us_english');
    writeLoginAck(w, 'Microsoft SQL Server', this.ctx.version, version);
    writePacketSizeChange(w, packetSize, this.writer.size);
    writeDone(w, 'done', 0, 0, 0, version);
    this.loginPending = false;
    this.loggedIn = true;
    this.writer.write(w.view());
    await this.writer.endMessage();
    this.writer.setPacketSize(packetSize);
  }

  // --- requests -------------------------------------------------------------------------------

  private async serve(): Promise<void> {
    for (;;) {
      let msg: MessageReader | undefined;
      try {
        msg = await this.nextMessage();
      } catch (e) {
        if (!(e instanceof IgnoredMessageError)) throw e;
        // A request cancelled in its first packet: answer it like any other.
        this.busy = true;
        await new Reply(this.writer, 'batch', () => false).finish();
        this.busy = false;
        await this.acknowledgeAttentions();
        continue;
      }
      if (!msg) return;
      this.busy = true;
      try {
        await this.handle(msg);
      } finally {
        this.busy = false;
      }
      await this.acknowledgeAttentions();
    }
  }

  private onAttention(): void {
    if (!this.loggedIn) return;
    this.attentionsPending++;
    this.current?.abort();
    if (!this.busy) void this.acknowledgeAttentions().catch(() => this.socket.destroy());
  }

  /** After an ATTENTION: a message holding only DONE with the ATTN bit, after the reply it interrupted. */
  private async acknowledgeAttentions(): Promise<void> {
    if (this.attentionsPending === 0 || this.closed) return;
    this.attentionsPending = 0;
    const w = new WireWriter(16);
    writeDone(w, 'done', DoneStatus.Attention, 0, 0, this.writer.version);
    this.writer.write(w.view());
    await this.writer.endMessage();
  }

  private session(): EngineSession {
    if (!this.engineSession) throw new ConnectionClosedError();
    return this.engineSession;
  }

  private async handle(msg: MessageReader): Promise<void> {
    switch (msg.type) {
      case PacketType.SqlBatch:
        return this.handleExecution(msg, 'batch');
      case PacketType.Rpc:
        return this.handleExecution(msg, 'rpc');
      case PacketType.TransactionManager:
        return this.handleTransaction(msg);
      case PacketType.BulkLoad:
        return this.handleBulkLoad(msg);
      case PacketType.Prelogin:
      case PacketType.Login7:
      case PacketType.Sspi:
      case PacketType.FedAuthToken: {
        const reply = new Reply(this.writer, 'batch', () => false);
        try {
          await msg.discardRest();
        } catch (e) {
          if (!(e instanceof IgnoredMessageError)) throw e;
        }
        reply.message('error', {
          number: 40000,
          state: 1,
          class: 16,
          message: `The local pool does not support TDS message type 0x${msg.type.toString(16).padStart(2, '0')} here (re-login is not available).`,
          line: 1,
        });
        await reply.finish();
        return;
      }
      default:
        throw new ProtocolError(`Unknown TDS message type 0x${msg.type.toString(16).padStart(2, '0')}.`);
    }
  }

  private async handleExecution(msg: MessageReader, mode: 'batch' | 'rpc'): Promise<void> {
    const session = this.session();
    const controller = new AbortController();
    this.current = controller;
    const reply = new Reply(this.writer, mode, () => session.inTransaction);
    let stream: PlpStream | undefined;
    let returnStatus: number | undefined;
    const spill = new SpillFiles(this.ctx.spillDir);
    try {
      let events: AsyncIterable<EngineEvent>;
      if (mode === 'batch') {
        events = session.execute(await readSqlBatch(msg, this.writer.version.allHeaders), [], controller.signal);
      } else {
        const header = await readRpcHeader(msg, this.writer.version.allHeaders);
        const read = await readRpcParameters(msg, { streamThreshold: this.ctx.limits.streamThresholdBytes, spill }, header.isExecuteSql);
        stream = read.stream;
        if (header.isExecuteSql) {
          const [statement, , ...rest] = read.params;
          if (!statement || typeof statement.value !== 'string') {
            throw new RequestError(214, "Procedure expects parameter '@statement' of type 'ntext/nchar/nvarchar'.");
          }
          if (read.params.length >= 2 && (read.params[1]!.value === null || typeof read.params[1]!.value !== 'string')) {
            throw new RequestError(214, "Procedure expects parameter '@params' of type 'ntext/nchar/nvarchar'.");
          }
          returnStatus = 0;
          events = session.execute(statement.value, rest, controller.signal);
        } else {
          events = session.callProcedure(header.procName, read.params, controller.signal);
        }
      }
      await this.pump(events, reply, controller.signal);
      if (stream) await stream.finish();
      await msg.discardRest();
    } catch (e) {
      if (e instanceof IgnoredMessageError) {
        // The client cancelled while sending: the reply is a plain end of message.
      } else if (e instanceof RequestError) {
        reply.message('error', { number: e.number, state: 1, class: e.severity, message: e.message, line: 1 });
        await this.discardQuietly(msg, stream);
      } else {
        throw e;
      }
    } finally {
      this.current = undefined;
      await spill.removeAll();
    }
    await reply.finish({ returnStatus });
  }

  /** A BulkLoadBCP message: the rows of the INSERT BULK the session ran last (bulk-load.ts). */
  private async handleBulkLoad(msg: MessageReader): Promise<void> {
    const session = this.session();
    const controller = new AbortController();
    this.current = controller;
    const reply = new Reply(this.writer, 'batch', () => session.inTransaction);
    try {
      await serveBulkLoad(msg, session, reply, controller.signal, this.ctx.limits.maxMessageBytes, (e) => this.errorMessage(e));
    } finally {
      this.current = undefined;
    }
    await reply.finish();
  }

  private async discardQuietly(msg: MessageReader, stream: PlpStream | undefined): Promise<void> {
    try {
      if (stream) await stream.finish();
    } catch (e) {
      if (e instanceof ProtocolError || e instanceof ConnectionClosedError) throw e;
    }
    try {
      await msg.discardRest();
    } catch (e) {
      if (!(e instanceof IgnoredMessageError)) throw e;
    }
  }

  /** Writes the engine's events as tokens, stopping when the client cancels. */
  private async pump(events: AsyncIterable<EngineEvent>, reply: Reply, signal: AbortSignal): Promise<void> {
    const it = events[Symbol.asyncIterator]();
    const aborted = new Promise<'aborted'>((resolve) => {
      if (signal.aborted) resolve('aborted');
      else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    let finished = false;
    try {
      for (;;) {
        const next = await Promise.race([it.next(), aborted]);
        if (next === 'aborted' || next.done) {
          finished = next !== 'aborted';
          break;
        }
        await this.writeEvent(next.value, reply);
        if (signal.aborted) break;
      }
    } catch (e) {
      if (e instanceof ProtocolError || e instanceof ConnectionClosedError || e instanceof IgnoredMessageError) throw e;
      reply.message('error', this.errorMessage(e));
      reply.statementDone(undefined, true);
      if (!(e instanceof SqlError) && !(e instanceof RequestError) && !(e instanceof ValueError)) {
        this.ctx.log(`connection ${this.spid}: the engine failed: ${(e as Error).stack ?? String(e)}`);
      }
    } finally {
      if (!finished) void Promise.resolve(it.return?.()).catch(() => undefined);
    }
  }

  private errorMessage(e: unknown): SqlMessage {
    if (e instanceof SqlError) return { number: e.number, state: e.state, class: e.severity, message: e.message, line: e.line };
    if (e instanceof RequestError) return { number: e.number, state: 1, class: e.severity, message: e.message, line: 1 };
    if (e instanceof ValueError) return { number: 8114, state: 1, class: 16, message: e.message, line: 1 };
    return { number: 50000, state: 1, class: 16, message: `The local pool failed to run the request: ${(e as Error)?.message ?? String(e)}`, line: 1 };
  }

  private async writeEvent(ev: EngineEvent, reply: Reply): Promise<void> {
    switch (ev.kind) {
      case 'columns':
        reply.columnsStart(ev.columns);
        return;
      case 'rows':
        await reply.rows(ev.rows);
        return;
      case 'block':
        await reply.block(ev.block);
        return;
      case 'done':
        reply.statementDone(ev.rowCount, ev.error);
        return;
      case 'info':
        reply.message('info', ev.message);
        return;
      case 'error':
        reply.message('error', ev.message);
        return;
      case 'returnStatus':
        reply.returnStatus(ev.value);
        return;
      case 'returnValue':
        reply.returnValue(ev.name, ev.type, ev.value);
        return;
      case 'transaction':
        this.transactionEvent(reply, ev.state);
        return;
      case 'database':
        reply.databaseChange(ev.name, this.database);
        this.database = ev.name;
        return;
    }
  }

  private transactionEvent(reply: Reply, state: 'begin' | 'commit' | 'rollback'): void {
    if (state === 'begin') {
      this.transactionCounter++;
      const d = Buffer.alloc(8);
      d.writeBigUInt64LE(this.transactionCounter);
      this.transactionDescriptor = d;
      reply.beginTransaction(d);
    } else {
      reply.endTransaction(state, this.transactionDescriptor ?? Buffer.alloc(8));
      this.transactionDescriptor = undefined;
    }
  }

  private async handleTransaction(msg: MessageReader): Promise<void> {
    const session = this.session();
    const reply = new Reply(this.writer, 'batch', () => session.inTransaction);
    try {
      const request = await readTransactionRequest(msg, this.writer.version.allHeaders);
      await msg.discardRest();
      if (request.kind === 'begin') {
        await session.beginTransaction(request.name || undefined);
        this.transactionEvent(reply, 'begin');
      } else {
        if (request.kind === 'commit') await session.commitTransaction();
        else await session.rollbackTransaction();
        this.transactionEvent(reply, request.kind);
        if (request.beginNew) {
          await session.beginTransaction();
          this.transactionEvent(reply, 'begin');
        }
      }
    } catch (e) {
      if (e instanceof ProtocolError || e instanceof ConnectionClosedError) throw e;
      if (!(e instanceof IgnoredMessageError)) {
        reply.message('error', this.errorMessage(e));
        await this.discardQuietly(msg, undefined);
      }
    }
    await reply.finish();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
