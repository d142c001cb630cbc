/**
 * "Start local pool" / "Stop local pool": the pool runs in its own process with a generated
 * password kept in SecretStorage and its data under the extension's global storage; a 'Local pool'
 * connection is added or updated to reach it. The pool stops with VS Code (deactivate).
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { DEFAULT_LOCAL_POOL_DATABASE, LOCAL_POOL_CONNECTION, LOCAL_POOL_PASSWORD_KEY, LOCAL_POOL_USER, type ConnectionProfile } from './config.js';
import { canConnect, freePort, startLocalPoolProcess, type LocalPoolProcess } from './localpool-process.js';
import { processAlive, readPoolState, removePoolState, reuseDecision, writePoolState, type PoolState } from './localpool-state.js';
import type { ConnectionStore, SessionManager } from './store.js';
import { messageOf } from '../common/errors.js';

export const START_LOCAL_POOL = 'predictWizard.startLocalPool';
export const STOP_LOCAL_POOL = 'predictWizard.stopLocalPool';

export interface LocalPoolDeps {
  readonly context: vscode.ExtensionContext;
  readonly store: ConnectionStore;
  readonly sessions: SessionManager;
  readonly log: vscode.LogOutputChannel;
}

export class LocalPoolController implements vscode.Disposable {
  private pool: LocalPoolProcess | undefined;
  private starting: Promise<LocalPoolProcess> | undefined;
  /** The running pool belongs to another window (or an earlier extension host): reused, never stopped from here. */
  reused = false;

  constructor(private readonly deps: LocalPoolDeps) {}

  get running(): LocalPoolProcess | undefined {
    return this.pool;
  }

  /** Starts the pool (or returns the running one) and points the 'Local pool' connection at it. */
  async start(): Promise<LocalPoolProcess> {
    // A reused pool may have been stopped by the window that owns it.
    if (this.pool && this.reused && !(await canConnect(this.pool.host, this.pool.port))) {
      this.pool = undefined;
      this.reused = false;
    }
    if (this.pool) return this.pool;
    if (this.starting) return this.starting;
    this.starting = this.startNow().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startNow(): Promise<LocalPoolProcess> {
    const { context, store, log } = this.deps;
    const settings = vscode.workspace.getConfiguration('predictWizard.localPool');
    const configuredPort = settings.get<number>('port') ?? 0;
    const port = configuredPort > 0 ? configuredPort : await freePort();
    const dataDir = settings.get<string>('dataDir')?.trim() || vscode.Uri.joinPath(context.globalStorageUri, 'localpool').fsPath;
    await mkdir(dataDir, { recursive: true });
    let password = await context.secrets.get(LOCAL_POOL_PASSWORD_KEY);
    // A pool another window started on this data folder holds DuckDB's lock: reuse it (same password in SecretStorage).
    const decision = await reuseDecision(await readPoolState(dataDir), { alive: processAlive, answers: canConnect });
    let pool: LocalPoolProcess;
    if (decision.action === 'reuse' && password) {
      pool = reusedPool(decision.state);
      this.reused = true;
      log.info(`Reusing the local pool already running on ${pool.host}:${pool.port} (process ${pool.pid}, data ${dataDir}).`);
    } else {
      if (decision.action === 'reuse') {
        throw new Error(
          `The local pool of ${dataDir} already runs (process ${decision.state.pid}, port ${decision.state.port}), but its password is not known here. ` +
            'Stop it from the window that started it (Stop Local Pool), then start it again.',
        );
      }
      if (!password) {
        // Letters, digits and symbols from each class, as SQL Server's password policy wants.
        password = `Lp1!${randomBytes(18).toString('base64url')}`;
        await context.secrets.store(LOCAL_POOL_PASSWORD_KEY, password);
      }
      pool = await startLocalPoolProcess({
        root: context.extensionUri.fsPath,
        port,
        dataDir,
        password,
        log: (line) => log.info(line),
      });
      this.reused = false;
      const started = pool;
      if (started.pid) {
        const { host, port: listening, caCertPath } = started;
        const state: PoolState = { pid: started.pid, host, port: listening, caCertPath, startedAt: new Date().toISOString() };
        await writePoolState(dataDir, state).catch((e: unknown) => log.warn(`Could not record the local pool in ${dataDir}: ${String(e)}`));
        void started.exited.then(() => removePoolState(dataDir, started.pid).catch(() => undefined));
      }
    }
    this.pool = pool;
    void pool.exited.then((code) => {
      if (this.pool === pool) {
        this.pool = undefined;
        log.info(`The local pool exited (code ${code ?? 'signal'}).`);
        void this.deps.sessions.close(LOCAL_POOL_CONNECTION);
      }
    });
    const profile: ConnectionProfile = {
      name: LOCAL_POOL_CONNECTION,
      server: pool.host,
      port: pool.port,
      database: store.get(LOCAL_POOL_CONNECTION)?.database ?? DEFAULT_LOCAL_POOL_DATABASE,
      authenticationType: 'LocalPool',
      user: LOCAL_POOL_USER,
      ...(pool.caCertPath ? { encrypt: 'strict' as const, caCertPath: pool.caCertPath } : { encrypt: 'optional' as const }),
    };
    await this.deps.sessions.close(LOCAL_POOL_CONNECTION);
    await store.save(profile);
    return pool;
  }

  async stop(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await this.deps.sessions.close(LOCAL_POOL_CONNECTION);
    if (pool && this.reused) {
      this.deps.log.info('Left the local pool running: another window started it.');
    } else if (pool) {
      await pool.stop();
      this.deps.log.info('The local pool stopped.');
    }
    this.reused = false;
  }

  dispose(): void {
    void this.stop();
  }
}

/** A pool another window runs: reached at its address; `stop` only lets go of it. */
function reusedPool(state: PoolState): LocalPoolProcess {
  return {
    host: state.host,
    port: state.port,
    pid: state.pid,
    caCertPath: state.caCertPath,
    exited: new Promise<number | null>(() => undefined),
    stop: async () => undefined,
  };
}

export function registerLocalPool(deps: LocalPoolDeps): LocalPoolController {
  const controller = new LocalPoolController(deps);
  deps.context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(START_LOCAL_POOL, async () => {
      try {
        const pool = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the local pool…' }, () =>
          controller.start(),
        );
        const how = controller.reused ? 'The local pool another window started is running' : 'The local pool listens';
        void vscode.window.showInformationMessage(`${how} on ${pool.host}:${pool.port}; connection '${LOCAL_POOL_CONNECTION}' is ready in the SQL Pools view.`);
        return { host: pool.host, port: pool.port };
      } catch (e) {
        const message = messageOf(e);
        deps.log.error(`Start local pool: ${message}`);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(STOP_LOCAL_POOL, async () => {
      if (!controller.running) {
        void vscode.window.showInformationMessage('The local pool is not running.');
        return;
      }
      await controller.stop();
    }),
  );
  return controller;
}
