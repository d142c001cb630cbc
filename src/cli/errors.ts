import { messageOf } from '../common/errors.js';
/**
 * The CLI's two kinds of failure: a usage problem (exit 2: the command line is wrong) and a failure
 * of the work itself (exit 1: the server, the registry or the model said no). Both carry one line a
 * user can act on.
 */

/** The command line is wrong: a missing or bad option, a missing environment variable. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The work failed with a message that already says what to do. Exit 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The message of anything thrown, on one line. */
export function oneLine(e: unknown): string {
  const text = messageOf(e);
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** parseArgs's messages, shortened to what a user needs. */
export function parseArgsMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const msg = err.message ?? String(e);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const opt = /Unknown option '([^']+)'/.exec(msg)?.[1];
    return `unknown option ${opt ?? ''}`.trim();
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const opt = /Option '(?:-\w, )?(--[\w-]+)/.exec(msg)?.[1];
    if (/argument missing/.test(msg)) return `${opt ?? 'an option'} needs a value`;
    if (/does not take an argument/.test(msg)) return `${opt ?? 'an option'} takes no value`;
  }
  return msg.replace(/\.$/, '');
}
