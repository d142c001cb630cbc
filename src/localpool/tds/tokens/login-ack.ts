import { Token } from '../protocol.js';
import type { TdsVersion } from '../version.js';
import { WireWriter } from '../wire-writer.js';

/** LOGINACK (MS-TDS 2.2.7.14): interface T-SQL, the TDS version the server will speak, the program name and version. */
export function writeLoginAck(w: WireWriter, programName: string, version: readonly [number, number, number], tds: TdsVersion): void {
  const body = new WireWriter(64);
  body.u8(1).u32be(tds.number).bVarchar(programName).u8(version[0]).u8(version[1]).u16be(version[2]);
  w.u8(Token.LoginAck).u16(body.length).bytes(body.view());
}
