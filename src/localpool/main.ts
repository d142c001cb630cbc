/**
 * The local pool's command line:
 *   npm run localpool -- --port 1433 --password '<password>' --data <dir> [--host <address>] [--user sa]
 * The password may come from the environment variable LOCALPOOL_PASSWORD instead (better: it then
 * stays out of the shell history and the process list).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalPool } from './index.js';

const USAGE = `Usage: npm run localpool -- --password <password> [--port 1433] [--data <dir>] [--host 127.0.0.1] [--user sa] [--database SQLPool01] [--cert <pem> --key <pem>]
  The password can also be set in the environment variable LOCALPOOL_PASSWORD.
  Without --data the pool keeps everything in memory.`;

function fail(message: string): never {
  console.error(`localpool: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '1433' },
        password: { type: 'string' },
        data: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        user: { type: 'string', default: 'sa' },
        database: { type: 'string', default: 'SQLPool01' },
        cert: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const password = values.password ?? process.env.LOCALPOOL_PASSWORD;
  if (!password) fail('a password is required: pass --password or set LOCALPOOL_PASSWORD.');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, not '${values.port}'.`);
  const host = values.host!;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    console.warn(`localpool: WARNING: listening on ${host} lets other machines reach the pool. Anyone who knows the password can read and change its data.`);
  }
  const dataDir = values.data ? resolve(values.data) : undefined;
  const pool = await startLocalPool({
    dataDir,
    host,
    port,
    user: values.user,
    password,
    database: values.database,
    tls: values.cert || values.key ? { certPath: values.cert, keyPath: values.key } : undefined,
    log: (line) => console.error(`localpool: ${line}`),
  });
  const cert = pool.certPath ?? '(in memory: start with --data <dir> to keep a certificate file)';
  console.log(`Local pool listening on ${pool.host}:${pool.port}, database ${pool.database}${dataDir ? `, data in ${dataDir}` : ', in memory'}.
TLS certificate: ${cert}

Connect with:
  tedious:  { server: '${pool.host}', options: { port: ${pool.port}, database: '${pool.database}', encrypt: 'strict',
              cryptoCredentialsDetails: { ca: fs.readFileSync('${pool.certPath ?? '<cert.pem>'}') } },
              authentication: { type: 'default', options: { userName: '${values.user}', password: <password> } } }
            (or encrypt: false on this machine)
  sqlcmd:   sqlcmd -S ${pool.host},${pool.port} -U ${values.user} -d ${pool.database} -C   (-C trusts the pool's certificate)
  FreeTDS:  TDSVER=7.4 tsql -H ${pool.host} -p ${pool.port} -U ${values.user}
  Azure Data Studio / VS Code mssql: server ${pool.host},${pool.port}, SQL Login ${values.user}, encrypt Mandatory,
            trust server certificate: yes (or install ${pool.certPath ?? 'the certificate'} as trusted)
Press Ctrl+C to stop.`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping the local pool...');
    void pool.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`localpool: ${(e as Error).message}`);
  process.exit(1);
});
