import type { SqlMessage } from '../../engine/api.js';
import { SERVER_NAME, Token } from '../protocol.js';
import { WireWriter } from '../wire-writer.js';

/** ERROR (class >= 11) or INFO token (MS-TDS 2.2.7.10 / 2.2.7.13). */
export function writeMessage(w: WireWriter, kind: 'error' | 'info', m: SqlMessage, serverName = SERVER_NAME): void {
  const body = new WireWriter(64 + m.message.length * 2);
  body
    .i32(m.number)
    .u8(m.state & 0xff)
    .u8(m.class & 0xff)
    .usVarchar(m.message)
    .bVarchar(serverName)
    .bVarchar(m.procName ?? '')
    .i32(m.line);
  w.u8(kind === 'error' ? Token.Error : Token.Info).u16(body.length).bytes(body.view());
}
