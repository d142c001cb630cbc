// A client process for login tests: makes `count` logins to the local pool's TDS server through the
// product's client (src/sql/client/connection.ts, over tedious), `parallel` at a time, and prints one JSON
// line per attempt with what the product and tedious reported. Run in its own process so that the
// server's event loop and the client's are separate, as they are for the product.
//
// Usage: node --import tsx login-client.ts '<JSON LoginClientArgs>'
import { SqlConnection, SqlConnectionError, type EncryptMode } from '../../../src/sql/client/connection.js';

export interface LoginClientArgs {
  readonly port: number;
  readonly caCertPem?: string;
  readonly encrypt: EncryptMode;
  readonly password: string;
  readonly count: number;
  readonly parallel: number;
}

export interface LoginOutcome {
  /** SqlConnectionError.kind, or 'connected'. */
  readonly kind: string;
  readonly number?: number;
  /** The message the product shows. */
  readonly message: string;
  /** tedious's own error: its code and message. */
  readonly tediousCode?: string;
  readonly tediousMessage?: string;
}

async function attempt(args: LoginClientArgs): Promise<LoginOutcome> {
  try {
    const conn = await SqlConnection.open({
      server: '127.0.0.1',
      port: args.port,
      authentication: { kind: 'sql-login', user: 'sa', password: args.password },
      encrypt: args.encrypt,
      caCertPem: args.caCertPem,
      connectTimeoutMs: 20_000,
    });
    await conn.close();
    return { kind: 'connected', message: '' };
  } catch (e) {
    if (!(e instanceof SqlConnectionError)) return { kind: 'unexpected', message: String(e) };
    const cause = e.cause as { code?: string; message?: string } | undefined;
    return { kind: e.kind, number: e.number, message: e.message, tediousCode: cause?.code, tediousMessage: cause?.message };
  }
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as LoginClientArgs;
  let started = 0;
  const outcomes: LoginOutcome[] = [];
  await Promise.all(
    Array.from({ length: args.parallel }, async () => {
      while (started < args.count) {
        started++;
        outcomes.push(await attempt(args));
      }
    }),
  );
  process.stdout.write(outcomes.map((o) => JSON.stringify(o)).join('\n') + '\n');
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
