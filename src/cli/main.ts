/**
 * `predict-wizard`: parse the command line, run the subcommand, turn every failure into one line on
 * stderr and an exit code (0 done, 1 failed, 2 wrong command line). The stack only with --verbose.
 */
import { HELP, parseCommandLine, PROGRAM, type ParsedCommand } from './args.js';
import { context, deployCommand, modelsCommand, runCommand, scriptCommand, versionsCommand } from './commands.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, oneLine, UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { runLocalPool } from './localpool.js';
import { lifecycleCommand } from './lifecycle.js';

/** Secrets that must never reach the output, even inside a server's or a library's message. */
function secretsOf(io: CliIo): string[] {
  return ['PREDICT_SQL_PASSWORD', 'MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_PASSWORD', 'LOCALPOOL_PASSWORD']
    .map((k) => io.env[k])
    .filter((v): v is string => !!v && v.length >= 3);
}

function redacting(io: CliIo): CliIo {
  const secrets = secretsOf(io);
  if (!secrets.length) return io;
  const scrub = (t: string) => secrets.reduce((acc, s) => acc.replaceAll(s, '***'), t);
  return { ...io, stdout: (t) => io.stdout(scrub(t)), stderr: (t) => io.stderr(scrub(t)) };
}

async function dispatch(cmd: Exclude<ParsedCommand, { command: 'help' }>, io: CliIo): Promise<number> {
  const ctx = context(io, cmd.verbose);
  switch (cmd.command) {
    case 'localpool':
      return runLocalPool(cmd.pool, io, { program: `${PROGRAM} localpool`, allowPasswordOption: false });
    case 'models':
      return modelsCommand(cmd, ctx);
    case 'versions':
      return versionsCommand(cmd, ctx);
    case 'script':
      return scriptCommand(cmd, ctx);
    case 'deploy':
      return deployCommand(cmd, ctx);
    case 'run':
      return runCommand(cmd, ctx);
    default:
      return lifecycleCommand(cmd, ctx);
  }
}

/** Runs the CLI on `argv` (without node and the script name). Resolves with the exit code. */
export async function runCli(argv: readonly string[], rawIo: CliIo): Promise<number> {
  const io = redacting(rawIo);
  let cmd: ParsedCommand;
  try {
    cmd = parseCommandLine(argv);
  } catch (e) {
    io.stderr(`${oneLine(e)}\n`);
    return e instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  }
  if (cmd.command === 'help') {
    io.stdout(HELP[cmd.topic]);
    return EXIT_OK;
  }
  try {
    return await dispatch(cmd, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${oneLine(e)}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`${PROGRAM} ${cmd.command}: ${oneLine(e)}\n`);
    if (cmd.verbose && e instanceof Error && e.stack) {
      io.stderr(`${e.stack}\n`);
      let cause = e.cause;
      while (cause instanceof Error) {
        io.stderr(`Caused by: ${cause.stack ?? cause.message}\n`);
        cause = cause.cause;
      }
    }
    return EXIT_FAILED;
  }
}
