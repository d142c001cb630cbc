/**
 * The local pool in a child process of its own: started with the password in its environment
 * (never on the command line, where other users could read it), watched until it accepts TCP
 * connections, stopped with SIGTERM (then SIGKILL). No vscode import.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { LOCAL_POOL_NODE_FLAGS } from '../localpool/node-flags.js';
import { poolErrorForUser } from './localpool-state.js';

export interface LocalPoolLaunch {
  /** The extension's root (where dist/ and, in development, src/ live). */
  readonly root: string;
  readonly port: number;
  readonly dataDir: string;
  readonly password: string;
  readonly host?: string;
  /** The only folder COPY INTO reads from; default `<dataDir>/import`. */
  readonly importDir?: string;
  /** Default 60 000 ms. */
  readonly readyTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface LocalPoolProcess {
  readonly host: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** The pool's CA certificate (PEM path), when it wrote one. */
  readonly caCertPath: string | undefined;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** How to run the pool: the built bundle with node, or the TypeScript entry through tsx in development. */
export function localPoolCommand(root: string): { command: string; args: string[] } | undefined {
  const bundle = join(root, 'dist', 'localpool.js');
  if (existsSync(bundle)) return { command: process.execPath, args: [...LOCAL_POOL_NODE_FLAGS, bundle] };
  const source = join(root, 'src', 'cli', 'localpool-main.ts');
  if (existsSync(source) && existsSync(join(root, 'node_modules', 'tsx')))
    return { command: process.execPath, args: [...LOCAL_POOL_NODE_FLAGS, '--import', 'tsx', source] };
  return undefined;
}

/** A port nobody listens on now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port (within a second). */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** Where the pool keeps its self-signed certificate. */
export function caCertCandidates(dataDir: string): string[] {
  return [join(dataDir, 'tls', 'localpool-cert.pem'), join(dataDir, 'localpool-cert.pem')];
}

export async function startLocalPoolProcess(opts: LocalPoolLaunch): Promise<LocalPoolProcess> {
  const how = localPoolCommand(opts.root);
  if (!how) throw new Error(`The local pool's program is missing from the extension (${join(opts.root, 'dist', 'localpool.js')}): reinstall the extension.`);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  if (await canConnect(host, opts.port)) {
    throw new Error(
      `Port ${opts.port} on ${host} is already in use: stop what listens there or set predictWizard.localPool.port to another port (0 = any free port).`,
    );
  }
  const args = [
    ...how.args,
    '--port',
    String(opts.port),
    '--data',
    opts.dataDir,
    '--host',
    host,
    '--import-dir',
    opts.importDir ?? join(opts.dataDir, 'import'),
  ];
  log(`Starting the local pool: ${[how.command, ...args].join(' ')}`);
  const child: ChildProcess = spawn(how.command, args, {
    cwd: opts.root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', LOCALPOOL_PASSWORD: opts.password },
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-2000);
    for (const line of text.split(/\r?\n/)) if (line.trim()) log(`[local pool] ${line.replaceAll(opts.password, '***')}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      tail += `\n${err.message}`;
      resolve(-1);
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const stop = async () => {
    if (hasExited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) {
      const why = poolErrorForUser(tail.replaceAll(opts.password, '***'), opts.dataDir).replace(/\.$/, '');
      throw new Error(`The local pool stopped while starting${why ? `: ${why}` : ''}.`);
    }
    if (await canConnect(host, opts.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The local pool did not start listening on ${host}:${opts.port} within ${Math.round((opts.readyTimeoutMs ?? 60_000) / 1000)} s.`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const caCertPath = caCertCandidates(opts.dataDir).find((p) => existsSync(p));
  log(`The local pool listens on ${host}:${opts.port}${caCertPath ? ` (TLS certificate ${caCertPath})` : ''}`);
  return { host, port: opts.port, pid: child.pid, caCertPath, exited, stop };
}
