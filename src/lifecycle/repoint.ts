/**
 * Upgrade and rollback: move scoring objects to another model row. The steps, in the order that
 * keeps every object working whatever fails:
 *
 * 1. check: each object's new script is generated and the new version's ONNX graph is checked
 *    against it with the wizard's rules (every input mapped and fed a compatible type, every output
 *    present). Nothing is changed yet.
 * 2. store (when asked): the new row is written as deploy writes it, in one transaction; the
 *    objects still use their old rows.
 * 3. rewrite: each object is changed by one ALTER VIEW / ALTER PROCEDURE statement, outside any
 *    transaction (dedicated pools restrict DDL in user transactions). One statement is atomic, so an
 *    object is on its old version or its new one, never between; the old rows stay until step 4.
 * 4. delete-old (when asked): the old row is deleted, once no object uses it.
 *
 * A failure or a cancel throws RepointError with the step and every object's model ID at that
 * moment.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listColumns, serverInfo, type CatalogRunner } from '../sql/catalog.js';
import { checkAgainstPlan, DeployError } from '../wizard/deploy.js';
import { modelRowStatements } from '../sql/model-table.js';
import { displayObjectName, quoteName, quoteObjectName, type ObjectName } from '../sql/names.js';
import { generateScoringScript, type ScoringPlan } from '../sql/script.js';
import { displaySqlType, type PredictTarget } from '../sql/types.js';
import { sharedOnnxWorker, type OnnxModelInfo, type OnnxWorker } from '../models/onnx-worker.js';
import { tensorKindFor } from '../models/preview.js';
import { listScoringObjects, sameTable, usersOf } from './deployed.js';
import { toScoringPlan } from './readback.js';
import { RepointError, type DeployedModel, type LifecycleSql, type RepointRequest, type RepointResult, type RepointStep } from './types.js';
import { messageOf } from '../common/errors.js';

const STEP_WORDS: Readonly<Record<RepointStep, string>> = {
  check: 'checking the new version against the mapping',
  store: 'storing the new model row',
  rewrite: 'rewriting the scoring objects',
  'delete-old': 'deleting the old model row',
};

export interface RepointOptions {
  /** The PREDICT dialect; default the server's (SERVERPROPERTY), else Synapse's dedicated pool. */
  readonly target?: PredictTarget;
  /** The ONNX worker that loads the new version for the check; default the shared one. */
  readonly worker?: OnnxWorker;
}

/** What went wrong: a DeployError's own reason (without its "Deploy failed while …" opening), else the message. */
function failureReason(e: unknown): string {
  return e instanceof DeployError ? e.reason : messageOf(e);
}

/** `CREATE VIEW`/`CREATE PROCEDURE` of a generated batch as `ALTER …` (the batch starts with a comment line, then CREATE). */
export function alterStatement(plan: ScoringPlan): string {
  const script = generateScoringScript({ ...plan, replaceExisting: false });
  const batch = script.batches[script.createBatch]!;
  const altered = batch.replace(/^CREATE (VIEW|PROCEDURE) /m, 'ALTER $1 ');
  if (altered === batch) throw new Error(`The script for ${displayObjectName(plan.objectName)} has no CREATE line to alter.`);
  return altered.replace(/^-- Create a (view|stored procedure)/m, '-- Change a $1');
}

function describeState(state: readonly { object: ObjectName; modelId: string }[]): string {
  return state.map((s) => `${displayObjectName(s.object)} uses ${s.modelId}`).join('; ');
}

/** Moves every object of `req.objects` to `req.toModelId`; see the module comment for the steps. */
export async function repoint(req: RepointRequest & RepointOptions): Promise<RepointResult> {
  const { db, signal } = req;
  const state = req.objects.map((o) => ({ object: o.objectName, modelId: o.modelId }));
  let step: RepointStep = 'check';
  const fail = async (e: unknown): Promise<never> => {
    if (e instanceof RepointError) throw e;
    const cancelled = signal?.aborted === true;
    // A statement cut short by a cancel or a lost answer may still have run: read what each object uses now.
    if (step === 'rewrite') await readState(db, state);
    const snapshot = state.map((s) => ({ ...s }));
    const head = cancelled ? `Cancelled while ${STEP_WORDS[step]}.` : `Failed while ${STEP_WORDS[step]}: ${failureReason(e)}`;
    throw new RepointError(`${head} Every object still works: ${describeState(snapshot)}.`, step, snapshot, cancelled, { cause: e });
  };
  const begin = (s: RepointStep, detail: string) => {
    step = s;
    if (signal?.aborted) throw new Error('cancelled');
    req.progress?.(s, detail);
    if (signal?.aborted) throw new Error('cancelled');
  };
  const onAbort = () => db.cancel();
  signal?.addEventListener('abort', onAbort);
  try {
    if (req.objects.length === 0) throw new Error('there is no object to move.');
    if (req.plans && req.plans.length !== req.objects.length) throw new Error(`${req.plans.length} plans were given for ${req.objects.length} objects.`);

    begin('check', `Checking ${req.toModelId}`);
    const plans = await newPlans(req);
    const bytes = req.newRow ? req.newRow.model : await storedBytes(db, plans[0]!, req.toModelId);
    const info = await loadInfo(bytes, req.worker, signal);
    for (const plan of plans) checkPlan(info, plan);

    let storedId: string | undefined;
    if (req.newRow) {
      const row = req.newRow;
      begin('store', `Storing ${row.modelId} in ${displayObjectName(row.table)}`);
      const statements = modelRowStatements(row);
      await db.transaction(async (tx) => {
        for (const s of statements) {
          if (signal?.aborted) throw new Error('cancelled');
          await tx.execute(s.sql, s.params);
        }
        if (signal?.aborted) throw new Error('cancelled');
      });
      storedId = row.modelId;
    } else {
      for (const plan of plans.slice(1)) await storedBytes(db, plan, req.toModelId, false);
    }

    const rewritten: ObjectName[] = [];
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i]!;
      begin('rewrite', `Changing ${displayObjectName(plan.objectName)} to ${req.toModelId}`);
      await db.execute(alterStatement(plan));
      state[i] = { object: plan.objectName, modelId: req.toModelId };
      rewritten.push(plan.objectName);
    }

    let deletedId: string | undefined;
    if (req.deleteOldRow) {
      const moved = req.objects.filter((o) => o.modelId !== req.toModelId);
      const old = [...new Map(moved.map((o) => [`${o.modelId}\u0000${displayObjectName(o.modelTable)}`, o])).values()];
      const deleted: string[] = [];
      for (const o of old) {
        begin('delete-old', `Deleting ${o.modelId}`);
        const users = usersOf(await listScoringObjects(db as CatalogRunner), o.modelTable, o.modelId);
        if (users.length > 0) continue; // another object still scores with it: it stays
        await db.execute(`DELETE FROM ${quoteObjectName(o.modelTable)} WHERE ${quoteName(o.modelColumns.id)} = @id`, [
          { name: 'id', type: { name: 'nvarchar', length: 4000 }, value: o.modelId },
        ]);
        deleted.push(o.modelId);
      }
      if (deleted.length) deletedId = deleted.join(', ');
    }
    return { rewritten, ...(storedId !== undefined ? { storedId } : {}), ...(deletedId !== undefined ? { deletedId } : {}) };
  } catch (e) {
    return await fail(e);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Updates `state` from the objects' definitions as the server has them now; keeps it when they cannot be read. */
async function readState(db: LifecycleSql, state: { object: ObjectName; modelId: string }[]): Promise<void> {
  try {
    const objects = await listScoringObjects(db as CatalogRunner);
    for (const s of state) {
      const now = objects.find((o) => sameTable(o.name, s.object));
      if (now) s.modelId = now.modelId;
    }
  } catch {
    // The connection may be gone: the state known from the statements that completed stands.
  }
}

/** Each object's script for the new version: the given plan, else its own mapping with the new ID. */
async function newPlans(req: RepointRequest & RepointOptions): Promise<ScoringPlan[]> {
  const db = req.db as CatalogRunner;
  let target = req.target;
  if (!target && !req.plans) target = (await serverInfo(db)).predictTarget ?? 'synapse-dedicated';
  const plans: ScoringPlan[] = [];
  for (let i = 0; i < req.objects.length; i++) {
    const m = req.objects[i]!;
    let plan = req.plans?.[i];
    if (!plan) {
      const cols = await listColumns(db, { schema: m.source.schema ?? m.objectName.schema ?? 'dbo', name: m.source.name });
      if (cols.length === 0) {
        throw new Error(`${displayObjectName(m.objectName)} reads ${displayObjectName(m.source)}, which does not exist or has no columns.`);
      }
      const sourceColumns = cols.map((c) => {
        if (!c.type) throw new Error(`the column ${c.name} of ${displayObjectName(m.source)} has the type ${c.typeText}, which this tool does not know.`);
        return { name: c.name, type: c.type };
      });
      plan = toScoringPlan(m, { target: target!, sourceColumns });
    }
    plan = { ...plan, modelId: req.toModelId, replaceExisting: false };
    if (req.newRow && !sameTable(plan.modelTable, req.newRow.table)) {
      throw new Error(
        `${displayObjectName(plan.objectName)} reads its model from ${displayObjectName(plan.modelTable)}, ` +
          `but the new row goes to ${displayObjectName(req.newRow.table)}.`,
      );
    }
    generateScoringScript(plan); // refuses a plan the wizard would refuse
    plans.push(plan);
  }
  return plans;
}

/** The bytes of row `id` in the plan's model table (or only that the row exists, when `read` is false). */
async function storedBytes(db: LifecycleSql, plan: ScoringPlan, id: string, read = true): Promise<Uint8Array> {
  const idCol = quoteName(plan.modelColumns?.id ?? 'ID');
  const modelCol = quoteName(plan.modelColumns?.model ?? 'model');
  const sql = read
    ? `SELECT ${modelCol} FROM ${quoteObjectName(plan.modelTable)} WHERE ${idCol} = @id`
    : `SELECT COUNT(*) FROM ${quoteObjectName(plan.modelTable)} WHERE ${idCol} = @id AND ${modelCol} IS NOT NULL`;
  const r = await db.query(sql, [{ name: 'id', type: { name: 'nvarchar', length: 4000 }, value: id }]);
  const cell = r.resultSets[0]?.rows[0]?.[0];
  const missing = read ? !Buffer.isBuffer(cell) : Number(cell ?? 0) === 0;
  if (missing) throw new Error(`there is no model '${id}' with bytes in ${displayObjectName(plan.modelTable)}; deploy that version first.`);
  return read ? new Uint8Array(cell as Buffer) : new Uint8Array();
}

async function loadInfo(bytes: Uint8Array, worker: OnnxWorker | undefined, signal: AbortSignal | undefined): Promise<OnnxModelInfo> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-repoint-'));
  try {
    const path = join(dir, 'model.onnx');
    await writeFile(path, bytes);
    try {
      return await (worker ?? sharedOnnxWorker()).load(path, { signal, keep: false, fromBytes: true });
    } catch (e) {
      throw new Error(`ONNX Runtime cannot load the new version (${failureReason(e)}); PREDICT would fail with "Model is corrupt or invalid".`, { cause: e });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ONNX_KIND: Readonly<Record<string, string>> = { float: 'float32', double: 'float64' };

/** The wizard's rules against the new graph: names (checkAgainstPlan) and the tensor type each input gets. */
function checkPlan(info: OnnxModelInfo, plan: ScoringPlan): void {
  try {
    checkAgainstPlan(info, plan);
  } catch (e) {
    throw new Error(`${displayObjectName(plan.objectName)}: ${failureReason(e)}`, { cause: e });
  }
  const problems: string[] = [];
  for (const i of plan.inputs) {
    const meta = info.inputMetadata.find((m) => m.name === i.modelInput);
    if (!meta?.isTensor || !meta.type) continue;
    const wanted = ONNX_KIND[meta.type] ?? meta.type;
    let fed: string;
    try {
      fed = tensorKindFor(i.inputType);
    } catch (e) {
      problems.push(failureReason(e));
      continue;
    }
    if (fed !== wanted) {
      problems.push(`the model input '${i.modelInput}' takes ${wanted} values, but the object feeds it ${displaySqlType(i.inputType)} (${fed})`);
    }
  }
  if (problems.length) {
    const what = `${displayObjectName(plan.objectName)} does not fit the new version: ${problems.join('; ')}.`;
    throw new Error(`${what} Open the object in the wizard to change its mapping.`);
  }
}

/**
 * The version to roll back to: the highest version below the current one of the same model name
 * still in the table (by the version column when present, else by the ID's `:version` suffix).
 */
export function previousVersionId(models: readonly DeployedModel[], currentId: string): string | undefined {
  const split = (m: DeployedModel): { name: string; version: string } => {
    const i = m.id.lastIndexOf(':');
    return { name: m.name ?? (i >= 0 ? m.id.slice(0, i) : m.id), version: m.version ?? (i >= 0 ? m.id.slice(i + 1) : '') };
  };
  const current = models.find((m) => m.id.toLowerCase() === currentId.toLowerCase());
  const ci = currentId.lastIndexOf(':');
  const cur = current ? split(current) : { name: ci >= 0 ? currentId.slice(0, ci) : currentId, version: ci >= 0 ? currentId.slice(ci + 1) : '' };
  const cmp = (a: string, b: string) => {
    const x = Number(a);
    const y = Number(b);
    return Number.isFinite(x) && Number.isFinite(y) && a.trim() !== '' && b.trim() !== '' ? x - y : a.localeCompare(b);
  };
  const older = models
    .filter((m) => m.id.toLowerCase() !== currentId.toLowerCase() && m.sizeBytes !== undefined)
    .map((m) => ({ m, s: split(m) }))
    .filter(({ s }) => s.name.toLowerCase() === cur.name.toLowerCase() && cmp(s.version, cur.version) < 0)
    .sort((a, b) => cmp(b.s.version, a.s.version));
  return older[0]?.m.id;
}
