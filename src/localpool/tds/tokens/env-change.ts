import { EnvChangeType, Token } from '../protocol.js';
import { WireWriter } from '../wire-writer.js';

function envChange(w: WireWriter, type: number, fill: (body: WireWriter) => void): void {
  const body = new WireWriter(64);
  body.u8(type);
  fill(body);
  w.u8(Token.EnvChange).u16(body.length).bytes(body.view());
}

/** ENVCHANGE 1: the current database. */
export function writeDatabaseChange(w: WireWriter, next: string, previous: string): void {
  envChange(w, EnvChangeType.Database, (b) => b.bVarchar(next).bVarchar(previous));
}

/** ENVCHANGE 2: the session language. */
export function writeLanguageChange(w: WireWriter, next: string): void {
  envChange(w, EnvChangeType.Language, (b) => b.bVarchar(next).bVarchar(''));
}

/** ENVCHANGE 4: the packet size, as decimal text. */
export function writePacketSizeChange(w: WireWriter, next: number, previous: number): void {
  envChange(w, EnvChangeType.PacketSize, (b) => b.bVarchar(String(next)).bVarchar(String(previous)));
}

/** ENVCHANGE 7: the default collation, which tedious needs before it sends varchar parameters. */
export function writeCollationChange(w: WireWriter, collation: Uint8Array): void {
  envChange(w, EnvChangeType.SqlCollation, (b) => b.bVarbyte(collation).u8(0));
}

/** ENVCHANGE 8: a transaction began; the client sends `descriptor` in later requests. */
export function writeBeginTransaction(w: WireWriter, descriptor: Uint8Array): void {
  envChange(w, EnvChangeType.BeginTransaction, (b) => b.bVarbyte(descriptor).u8(0));
}

/** ENVCHANGE 9 / 10: the transaction `descriptor` committed or rolled back. */
export function writeEndTransaction(w: WireWriter, outcome: 'commit' | 'rollback', descriptor: Uint8Array): void {
  envChange(w, outcome === 'commit' ? EnvChangeType.CommitTransaction : EnvChangeType.RollbackTransaction, (b) => b.u8(0).bVarbyte(descriptor));
}
