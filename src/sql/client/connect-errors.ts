/** Turns what tedious reports when connecting into a message that names the server and says what to do. */
import { endpointText, type EncryptMode, type SqlAuthentication } from './config.js';
import { SqlConnectionError } from './errors.js';

interface TediousLikeError {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as TediousLikeError;
  const out: string[] = [];
  if (typeof e.code === 'string') out.push(e.code);
  out.push(...errorCodes(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) out.push(...errorCodes(inner, depth + 1));
  return out;
}

function errorMessages(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as TediousLikeError;
  const out: string[] = [];
  if (typeof e.message === 'string' && e.message) out.push(e.message);
  out.push(...errorMessages(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) out.push(...errorMessages(inner, depth + 1));
  return out;
}

const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

/** What the connection was trying to reach, for messages. */
export interface ConnectTarget {
  readonly server: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly authKind?: SqlAuthentication['kind'];
  readonly connectTimeoutMs?: number;
  readonly encrypt?: EncryptMode;
}

/**
 * Turns a tedious connect error into a message that names the server and says what to do.
 * `loginErrorNumber` is the number of the ERROR token the server sent during login, when it sent one.
 */
export function translateConnectError(err: unknown, target: ConnectTarget, loginErrorNumber?: number): SqlConnectionError {
  if (err instanceof SqlConnectionError) return err;
  const where = endpointText(target);
  const codes = errorCodes(err);
  const messages = errorMessages(err);
  const first = messages[0] ?? String(err);
  const detail = (messages.find((m) => !/^Failed to connect to /.test(m)) ?? first).replace(/\.$/, '');
  const opts = { cause: err };

  if (codes.includes('ELOGIN') || loginErrorNumber !== undefined) {
    const number = loginErrorNumber ?? 18456;
    if (number === 4060 || /Cannot open database/i.test(first)) {
      return new SqlConnectionError(
        'database',
        `Cannot open database '${target.database ?? ''}' on ${where}: check the database name and that ${target.user ? `user '${target.user}'` : 'your account'} has access to it (error ${number}).`,
        number,
        opts,
      );
    }
    if (target.authKind === 'access-token') {
      return new SqlConnectionError(
        'token',
        `Login with a Microsoft Entra token failed on ${where}: check that your account is a user of the database and sign in again (error ${number}: ${first.replace(/\.$/, '')}).`,
        number,
        opts,
      );
    }
    const user = target.user ?? /Login failed for user '([^']*)'/.exec(first)?.[1] ?? '';
    if (number === 18456 || /Login failed/i.test(first)) {
      return new SqlConnectionError('login-failed', `Login failed for user '${user}' on ${where}: check the password (error ${number}).`, number, opts);
    }
    return new SqlConnectionError('login-failed', `Login to ${where} failed: ${first.replace(/\.$/, '')} (error ${number}).`, number, opts);
  }
  if (codes.includes('EFEDAUTH')) {
    return new SqlConnectionError('token', `The Microsoft Entra access token was not accepted by ${where}: sign in again.`, undefined, opts);
  }
  if (
    codes.some((c) => CERTIFICATE_CODES.has(c)) ||
    /self[- ]signed certificate|unable to verify|certificate has expired|Hostname\/IP does not match/i.test(messages.join(' '))
  ) {
    const fix =
      target.encrypt === 'strict'
        ? 'set the CA certificate of the server (caCertPath) for this connection'
        : 'set the CA certificate of the server (caCertPath), or set trustServerCertificate if you trust this network';
    return new SqlConnectionError('certificate', `The certificate of ${where} is not trusted (${detail}): ${fix}.`, undefined, opts);
  }
  if (codes.includes('EENCRYPT')) {
    return new SqlConnectionError('encryption', `${where} requires encryption: set encrypt to 'mandatory' or 'strict' for this connection.`, undefined, opts);
  }
  if (codes.includes('ETIMEOUT')) {
    const secs = Math.round((target.connectTimeoutMs ?? 15_000) / 1000);
    return new SqlConnectionError(
      'timeout',
      `Cannot reach server ${where}: no answer within ${secs} s. Check the server name and port, and that the server's firewall allows your IP address.`,
      undefined,
      opts,
    );
  }
  if (codes.includes('ECONNREFUSED')) {
    return new SqlConnectionError(
      'unreachable',
      `Cannot reach server ${where}: connection refused. Check the port and that the server is running.`,
      undefined,
      opts,
    );
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return new SqlConnectionError(
      'unreachable',
      `Cannot reach server ${where}: the host name '${target.server}' was not found. Check the server name.`,
      undefined,
      opts,
    );
  }
  if (codes.includes('ECONNRESET') || codes.includes('EPIPE') || codes.includes('ESOCKET')) {
    return new SqlConnectionError('unreachable', `Cannot reach server ${where}: ${detail}.`, undefined, opts);
  }
  return new SqlConnectionError('other', `Cannot connect to ${where}: ${detail}.`, undefined, opts);
}
