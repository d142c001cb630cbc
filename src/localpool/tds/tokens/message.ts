import type { SqlMessage } from '../../engine/api.js';
import { SERVER_NAME, Token } from '../protocol.js';
import { TDS_7_4, type TdsVersion } from '../version.js';
import { WireWriter } from '../wire-writer.js';

/** ERROR (class >= 11) or INFO token (MS-TDS 2.2.7.10 / 2.2.7.13); the line number is 4 bytes from TDS 7.2, 2 before. */
export function writeMessage(w: WireWriter, kind: 'error' | 'info', m: SqlMessage, serverName = SERVER_NAME, version: TdsVersion = TDS_7_4): void {
  const body = new WireWriter(64 + m.message.length * 2);
  body
    .i32(m.number)
    .u8(m.state & 0xff)
    .u8(m.class & 0xff)
    .usVarchar(m.message)
    .bVarchar(serverName)
    .bVarchar(m.procName ?? '');
  if (version.wide) body.i32(m.line);
  else body.u16(Math.min(Math.max(m.line, 0), 0xffff));
  w.u8(kind === 'error' ? Token.Error : Token.Info)
    .u16(body.length)
    .bytes(body.view());
}
