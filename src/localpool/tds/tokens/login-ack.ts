import { TDS_VERSION_7_4, Token } from '../protocol.js';
import { WireWriter } from '../wire-writer.js';

/** LOGINACK (MS-TDS 2.2.7.14): interface T-SQL, TDS 7.4, the program name and version. */
export function writeLoginAck(w: WireWriter, programName: string, version: readonly [number, number, number]): void {
  const body = new WireWriter(64);
  body.u8(1).u32be(TDS_VERSION_7_4).bVarchar(programName).u8(version[0]).u8(version[1]).u16be(version[2]);
  w.u8(Token.LoginAck).u16(body.length).bytes(body.view());
}
