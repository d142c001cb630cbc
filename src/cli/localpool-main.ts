/**
 * The local pool's command line:
 *   npm run localpool -- --port 1433 --password '<password>' --data <dir> [--host <address>] [--user sa]
 * The password may come from the environment variable LOCALPOOL_PASSWORD instead (better: it then
 * stays out of the shell history and the process list).
 *
 * The parsing and start-up are `localPoolCommand` (src/cli/localpool.ts), which
 * `predict-wizard localpool` runs too.
 */
import { messageOf } from '../common/errors.js';
import { localPoolCommand } from './localpool.js';
import { processIo } from './io.js';

const stop = new AbortController();
let stopping = false;
const onSignal = (): void => {
  if (stopping) process.exit(130);
  stopping = true;
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

localPoolCommand(process.argv.slice(2), processIo(stop.signal), { program: 'npm run localpool --', allowPasswordOption: true }).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`localpool: ${messageOf(e)}`);
    process.exit(1);
  },
);
