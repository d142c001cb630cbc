/** The SQL client's errors: connecting failed or the connection was lost, the server reported errors, the request was cancelled. */
import type { SqlMessage } from '../port.js';

export type SqlConnectionErrorKind =
  'config' | 'login-failed' | 'database' | 'token' | 'unreachable' | 'timeout' | 'certificate' | 'encryption' | 'closed' | 'other';

/** Connecting failed, or the connection was lost. `message` says what to do. */
export class SqlConnectionError extends Error {
  constructor(
    readonly kind: SqlConnectionErrorKind,
    message: string,
    readonly number?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SqlConnectionError';
  }
}

/** The server reported one or more errors for a request. */
export class SqlRequestError extends Error {
  constructor(
    readonly errors: readonly SqlMessage[],
    readonly messages: readonly SqlMessage[] = [],
  ) {
    super(formatServerError(errors[0]!));
    this.name = 'SqlRequestError';
  }
  get number(): number {
    return this.errors[0]!.number;
  }
  get line(): number {
    return this.errors[0]!.line;
  }
}

export class SqlCancelledError extends Error {
  constructor() {
    super('The query was cancelled.');
    this.name = 'SqlCancelledError';
  }
}

/** `Msg 208, Level 16, State 1, Line 3: Invalid object name 'x'.` */
export function formatServerError(m: SqlMessage, lineOffset = 0): string {
  return `Msg ${m.number}, Level ${m.severity}, State ${m.state}${m.procName ? `, Procedure ${m.procName}` : ''}, Line ${m.line + lineOffset}: ${m.message}`;
}
