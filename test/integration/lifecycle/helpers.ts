/**
 * The local pool, a tedious connection to it and the sample registry, for the lifecycle tests; and
 * the deploy of a sample model version as the wizard does it (row stored, script's CREATE run).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPool, type LocalPool } from '../../../src/localpool/index.js';
import { SqlConnection } from '../../../src/sql/client/connection.js';
import { deployModel } from '../../../src/wizard/deploy.js';
import { generateScoringScript, type ScoringPlan } from '../../../src/sql/script.js';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import { openLocalSource, type LocalModelSource } from '../../../src/models/sources/local.js';
import { suggestedPlan } from '../../support/suggested-plan.js';

export interface LifecycleEnv {
  readonly pool: LocalPool;
  readonly conn: SqlConnection;
  readonly source: LocalModelSource;
  readonly root: string;
  close(): Promise<void>;
}

const PASSWORD = 'Lifecycle-Test-Pw-1';

export async function startEnv(seedCustomers = 60): Promise<LifecycleEnv> {
  const root = await mkdtemp(join(tmpdir(), 'lifecycle-it-'));
  await writeSampleRegistry(join(root, 'registry'));
  const source = await openLocalSource(join(root, 'registry'));
  const pool = await startLocalPool({ port: 0, password: PASSWORD, seedCustomers });
  const conn = await SqlConnection.open({
    server: pool.host,
    port: pool.port,
    database: 'SQLPool01',
    authentication: { kind: 'sql-login', user: 'sa', password: PASSWORD },
    ...(pool.caCertPem ? { encrypt: 'strict' as const, caCertPem: pool.caCertPem } : { encrypt: 'optional' as const }),
  });
  return {
    pool,
    conn,
    source,
    root,
    close: async () => {
      await conn.close();
      await pool.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The wizard's suggested plan for CustomerTest and `name:version`, changed by `over`. */
export async function planFor(env: LifecycleEnv, name: string, version: string, over: Partial<ScoringPlan> = {}): Promise<ScoringPlan> {
  const v = await env.source.getVersion(name, version);
  const base = await suggestedPlan(env.conn, env.source, v, { modelTable: 'AMLModel', passThrough: [{ column: 'CustomerKey', type: { name: 'int' } }] });
  return { ...base, ...over };
}

/** Deploys as the wizard does: the row stored, then the script's batches run (the object created). */
export async function deployAndCreate(env: LifecycleEnv, plan: ScoringPlan, createModelTable = false): Promise<void> {
  const [name, version] = splitId(plan.modelId);
  const v = await env.source.getVersion(name, version);
  const r = await deployModel({ sql: env.conn, source: env.source, version: v, plan, createModelTable });
  await env.conn.execute(r.script.batches[r.script.createBatch]!);
}

/** Only stores the row of `name:version` (no object). */
export async function storeRow(env: LifecycleEnv, plan: ScoringPlan, createModelTable = false): Promise<void> {
  const [name, version] = splitId(plan.modelId);
  const v = await env.source.getVersion(name, version);
  await deployModel({ sql: env.conn, source: env.source, version: v, plan, createModelTable });
}

export function splitId(id: string): [string, string] {
  const i = id.lastIndexOf(':');
  return [id.slice(0, i), id.slice(i + 1)];
}

export async function onnxBytes(env: LifecycleEnv, name: string, version: string): Promise<Buffer> {
  return readFile((await env.source.download(name, version)).onnxPath);
}

export { generateScoringScript };
