/**
 * The running local pool, as its data folder records it: `localpool-state.json` with the pool's
 * process ID, address and certificate, written when the extension starts it and removed when it
 * stops. Another VS Code window (or a reloaded one whose old extension host still runs the pool)
 * finds the pool there and reuses it instead of starting a second one on the same DuckDB file,
 * which DuckDB's lock refuses. The password is in SecretStorage, which every window shares.
 * No vscode import.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const POOL_STATE_FILE = 'localpool-state.json';

export interface PoolState {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly caCertPath?: string;
  /** ISO 8601. */
  readonly startedAt: string;
}

export function poolStatePath(dataDir: string): string {
  return join(dataDir, POOL_STATE_FILE);
}

function isPoolState(v: unknown): v is PoolState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    Number.isSafeInteger(s['pid']) &&
    (s['pid'] as number) > 0 &&
    typeof s['host'] === 'string' &&
    Number.isSafeInteger(s['port']) &&
    (s['port'] as number) > 0 &&
    (s['port'] as number) < 65536 &&
    (s['caCertPath'] === undefined || typeof s['caCertPath'] === 'string') &&
    typeof s['startedAt'] === 'string'
  );
}

/** The recorded pool, or undefined when there is no record or it is not one. */
export async function readPoolState(dataDir: string): Promise<PoolState | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(poolStatePath(dataDir), 'utf8'));
    return isPoolState(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function writePoolState(dataDir: string, state: PoolState): Promise<void> {
  await writeFile(poolStatePath(dataDir), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

/** Removes the record if it still names process `pid` (a newer pool's record stays). */
export async function removePoolState(dataDir: string, pid: number | undefined): Promise<void> {
  const s = await readPoolState(dataDir);
  if (s && s.pid === pid) await rm(poolStatePath(dataDir), { force: true });
}

/** Whether process `pid` exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ReuseDecision =
  { readonly action: 'reuse'; readonly state: PoolState } | { readonly action: 'start'; readonly why: 'no record' | 'process gone' | 'not answering' };

/**
 * Whether Start Local Pool reuses the recorded pool: only when its process is alive and it answers
 * on its port; a record left by a pool that died is ignored (and overwritten by the new start).
 */
export async function reuseDecision(
  state: PoolState | undefined,
  checks: { alive(pid: number): boolean; answers(host: string, port: number): Promise<boolean> },
): Promise<ReuseDecision> {
  if (!state) return { action: 'start', why: 'no record' };
  if (!checks.alive(state.pid)) return { action: 'start', why: 'process gone' };
  if (!(await checks.answers(state.host, state.port))) return { action: 'start', why: 'not answering' };
  return { action: 'reuse', state };
}

/**
 * The pool's last output lines as a user reads them: without the name of the command line it was run
 * with (`npm run localpool --: …`, `predict-wizard localpool: …`) and its `--help` hints, and with
 * DuckDB's lock conflict said in words.
 */
export function poolErrorForUser(tail: string, dataDir: string): string {
  const lines = tail
    .split(/\r?\n/)
    .map((l) =>
      l
        .replace(/^(npm run localpool --|predict-wizard localpool|localpool):\s*/, '')
        .replace(/\s*\(see '[^']*--help'\)/, '')
        .trim(),
    )
    .filter((l) => l !== '');
  const text = lines.slice(-3).join(' ');
  if (/Could not set lock on file|Conflicting lock/i.test(text)) {
    const pid = /PID (\d+)/i.exec(text)?.[1];
    const who = `Another program${pid ? ` (process ${pid})` : ''}`;
    return `${who} already uses the local pool's data folder ${dataDir}. Stop it, or set predictWizard.localPool.dataDir to another folder.`;
  }
  return text;
}
