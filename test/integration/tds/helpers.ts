import { Connection, Request, type ConnectionConfiguration } from 'tedious';
import { startTdsServer, type TdsServer, type TdsServerOptions } from '../../../src/localpool/tds/server.js';
import { MemoryEngine } from '../../support/memory-engine.js';

export const PASSWORD = 'Local#Pool-2024';

export interface TestServer {
  readonly server: TdsServer;
  readonly engine: MemoryEngine;
  readonly logs: string[];
}

export async function startTestServer(options: Partial<TdsServerOptions> = {}): Promise<TestServer> {
  const engine = new MemoryEngine();
  const logs: string[] = [];
  const server = await startTdsServer({ engine, password: PASSWORD, log: (l) => logs.push(l), ...options });
  return { server, engine, logs };
}

type Options = NonNullable<ConnectionConfiguration['options']>;

export function connect(server: TdsServer, options: Partial<Options> = {}, password = PASSWORD, userName = 'sa'): Promise<Connection> {
  const conn = new Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName, password } },
    options: { port: server.port, encrypt: false, connectTimeout: 10_000, ...options },
  });
  return new Promise((resolve, reject) => {
    conn.connect((err) => {
      if (err) {
        conn.close();
        reject(err);
      } else resolve(conn);
    });
  });
}

export interface Result {
  /** Result sets, each an array of rows of values. */
  readonly sets: unknown[][][];
  readonly columns: string[][];
  readonly rowCount: number | undefined;
  readonly infos: string[];
  readonly returnValues: Record<string, unknown>;
  readonly returnStatus?: number;
}

export type RequestSetup = (r: Request) => void;

function run(conn: Connection, sql: string, setup: RequestSetup | undefined, how: 'batch' | 'rpc' | 'proc'): Promise<Result> {
  return new Promise((resolve, reject) => {
    const sets: unknown[][][] = [];
    const columns: string[][] = [];
    const infos: string[] = [];
    const returnValues: Record<string, unknown> = {};
    let returnStatus: number | undefined;
    const onInfo = (m: { message: string }): void => void infos.push(m.message);
    conn.on('infoMessage', onInfo);
    const r = new Request(sql, (err, rowCount) => {
      conn.off('infoMessage', onInfo);
      if (err) reject(err);
      else resolve({ sets, columns, rowCount, infos, returnValues, returnStatus });
    });
    r.on('columnMetadata', (cols) => {
      sets.push([]);
      columns.push((Array.isArray(cols) ? cols : Object.values(cols)).map((c: { colName: string }) => c.colName));
    });
    r.on('row', (cols) => sets[sets.length - 1]!.push((cols as { value: unknown }[]).map((c) => c.value)));
    r.on('returnValue', (name: string, value: unknown) => (returnValues[name] = value));
    r.on('doneProc', (_rc: number | undefined, _more: boolean, status: number | undefined) => {
      if (status !== undefined) returnStatus = status;
    });
    setup?.(r);
    if (how === 'batch') conn.execSqlBatch(r);
    else if (how === 'rpc') conn.execSql(r);
    else conn.callProcedure(r);
  });
}

export const batch = (conn: Connection, sql: string): Promise<Result> => run(conn, sql, undefined, 'batch');
export const execSql = (conn: Connection, sql: string, setup?: RequestSetup): Promise<Result> => run(conn, sql, setup, 'rpc');
export const callProcedure = (conn: Connection, name: string, setup?: RequestSetup): Promise<Result> => run(conn, name, setup, 'proc');

export function closeConnection(conn: Connection): Promise<void> {
  return new Promise((resolve) => {
    if ((conn as unknown as { closed: boolean }).closed) return resolve();
    conn.once('end', () => resolve());
    conn.close();
  });
}
