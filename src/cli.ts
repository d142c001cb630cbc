/**
 * `predict-wizard`: the same core as the extension, without VS Code, for scripts and CI/CD.
 * Built to dist/cli.js (the package's bin); in development: node --import tsx src/cli.ts <command>.
 */
import { processIo } from './cli/io.js';
import { runCli } from './cli/main.js';
import { messageOf } from './common/errors.js';

// tedious names the server in the TLS handshake even when it is an IP address (127.0.0.1 for the
// local pool); Node's deprecation notice about it says nothing a user of this tool can act on.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

const interrupt = new AbortController();
let interrupted = false;
const onSignal = (): void => {
  // The first Ctrl+C cancels the work (a deploy leaves the database as it was); the second exits.
  if (interrupted) process.exit(130);
  interrupted = true;
  interrupt.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runCli(process.argv.slice(2), processIo(interrupt.signal)).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  },
  (e: unknown) => {
    process.stderr.write(`predict-wizard: ${messageOf(e)}\n`);
    process.exitCode = 1;
  },
);
