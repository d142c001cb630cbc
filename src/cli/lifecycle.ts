/**
 * The lifecycle commands over src/lifecycle: deployed, upgrade, rollback, compare, delete-model.
 * Each connects as the other commands do, returns its exit code and throws CliFailure with one line.
 */
import { readFile } from 'node:fs/promises';
import { deleteModel } from '../lifecycle/delete.js';
import { listDeployedModels, listModelTables, listScoringObjects, sameTable } from '../lifecycle/deployed.js';
import { compareVersions } from '../lifecycle/compare.js';
import { inputNamesFromSchema, readBackMapping } from '../lifecycle/readback.js';
import { previousVersionId, repoint } from '../lifecycle/repoint.js';
import type { DeployedModel, ModelTableRef, ReadBackMapping, RepointStep, ScoringObject } from '../lifecycle/types.js';
import { shutdownOnnxWorker } from '../models/onnx-worker.js';
import type { SqlConnection } from '../sql/client/connection.js';
import { displayObjectName, sameName, type ObjectName } from '../sql/names.js';
import { displaySqlType } from '../sql/types.js';
import type { ParsedCommand } from './args.js';
import { chooseVersion, type context } from './commands.js';
import { connect, connectionConfig } from './connect.js';
import { CliFailure, EXIT_OK } from './errors.js';
import { textTable } from './format.js';
import { openRegistry, parseRegistrySpec } from './registry.js';
import { messageOf } from '../common/errors.js';

type Ctx = ReturnType<typeof context>;
type Cmd<K extends ParsedCommand['command']> = Extract<ParsedCommand, { command: K }>;
type LifecycleCmd = Cmd<'deployed' | 'upgrade' | 'rollback' | 'compare' | 'delete-model'>;

const STEP_TEXT: Readonly<Record<RepointStep, string>> = { check: 'Checking', store: 'Storing', rewrite: 'Rewriting', 'delete-old': 'Deleting' };

function failure(e: unknown): never {
  throw new CliFailure(messageOf(e), { cause: e });
}

async function open(cmd: LifecycleCmd, ctx: Ctx): Promise<SqlConnection> {
  return connect(await connectionConfig(cmd.command, cmd.sql, ctx.io.env, ctx.io.cwd), ctx.log);
}

/** The scoring object named by --object, its mapping read back, and its model table. */
interface FoundObject {
  readonly object: ScoringObject;
  readonly mapping: ReadBackMapping;
  readonly table: ModelTableRef;
  readonly models: DeployedModel[];
}

async function findObject(conn: SqlConnection, name: ObjectName): Promise<FoundObject> {
  const objects = await listScoringObjects(conn);
  const object = objects.find((o) => sameTable(o.name, name));
  if (!object) {
    throw new CliFailure(
      `${displayObjectName(name)} is not a view or stored procedure that scores with a model row ` +
        `(no PREDICT with MODEL = (SELECT … WHERE ID = '…') in its definition).`,
    );
  }
  const table = (await listModelTables(conn)).find((t) => sameTable(object.modelTable, t.table));
  if (!table) {
    throw new CliFailure(`${displayObjectName(object.name)} reads its model from ${displayObjectName(object.modelTable)}, which is not a model table.`);
  }
  const models = await listDeployedModels(conn, table);
  const row = models.find((m) => sameName(m.id, object.modelId));
  let mapping: ReadBackMapping;
  try {
    mapping = readBackMapping(object, { modelInputs: inputNamesFromSchema(row?.inputsSchema) });
  } catch (e) {
    return failure(e);
  }
  return { object, mapping, table, models };
}

function progress(ctx: Ctx): (step: RepointStep, detail: string) => void {
  return (step, detail) => ctx.note(`  ${STEP_TEXT[step]}: ${detail}`);
}

export async function lifecycleCommand(cmd: LifecycleCmd, ctx: Ctx): Promise<number> {
  const conn = await open(cmd, ctx);
  try {
    switch (cmd.command) {
      case 'deployed':
        return await deployed(cmd, conn, ctx);
      case 'upgrade':
        return await upgrade(cmd, conn, ctx);
      case 'rollback':
        return await rollback(cmd, conn, ctx);
      case 'compare':
        return await compare(cmd, conn, ctx);
      case 'delete-model':
        return await deleteCommand(cmd, conn, ctx);
    }
  } finally {
    await conn.close();
    await shutdownOnnxWorker();
  }
}

async function deployed(cmd: Cmd<'deployed'>, conn: SqlConnection, ctx: Ctx): Promise<number> {
  const tables = await listModelTables(conn);
  const objects = await listScoringObjects(conn);
  const report = [];
  for (const t of tables) {
    const models = await listDeployedModels(conn, t);
    report.push({
      table: t,
      models: models.map((m) => ({ model: m, usedBy: objects.filter((o) => sameName(o.modelId, m.id) && sameTable(o.modelTable, t.table)) })),
    });
  }
  if (cmd.json) {
    const json = report.map((r) => ({
      modelTable: displayObjectName(r.table.table),
      models: r.models.map(({ model: m, usedBy }) => ({
        id: m.id,
        name: m.name ?? null,
        version: m.version ?? null,
        sizeBytes: m.sizeBytes ?? null,
        createdTime: m.createdTime?.toISOString() ?? null,
        createdBy: m.createdBy ?? null,
        framework: m.framework ?? null,
        usedBy: usedBy.map((o) => ({ kind: o.kind, name: displayObjectName(o.name) })),
      })),
    }));
    ctx.io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT_OK;
  }
  if (!tables.length) {
    ctx.note('No model table here (a table with an ID column and a varbinary(max) model column).');
    return EXIT_OK;
  }
  const rows = report.flatMap((r) =>
    r.models.map(({ model: m, usedBy }) => [
      displayObjectName(r.table.table),
      m.id,
      m.sizeBytes === undefined ? '' : String(m.sizeBytes),
      m.createdTime
        ? m.createdTime
            .toISOString()
            .replace('T', ' ')
            .replace(/\.\d+Z$/, 'Z')
        : '',
      usedBy.map((o) => `${o.kind} ${displayObjectName(o.name)}`).join(', '),
    ]),
  );
  ctx.io.stdout(textTable(['Model table', 'ID', 'Bytes', 'Created', 'Used by'], rows, [false, false, true, false, false]));
  return EXIT_OK;
}

async function upgrade(cmd: Cmd<'upgrade'>, conn: SqlConnection, ctx: Ctx): Promise<number> {
  const { mapping, table, models } = await findObject(conn, cmd.object);
  const registry = await openRegistry(parseRegistrySpec(cmd.registry, ctx.io.cwd, 'upgrade'), ctx.io.env);
  const version = await chooseVersion(registry, cmd.model, ctx.io.signal);
  const toId = `${version.modelName}:${version.version}`;
  if (sameName(toId, mapping.modelId)) {
    ctx.note(`${displayObjectName(mapping.objectName)} already uses ${toId}.`);
    return EXIT_OK;
  }
  const stored = models.some((m) => sameName(m.id, toId) && m.sizeBytes !== undefined);
  let newRow;
  if (!stored) {
    ctx.note(`Downloading ${toId} from ${registry.source.displayName}…`);
    const downloaded = await registry.source.download(version.modelName, version.version, { signal: ctx.io.signal });
    newRow = {
      table: table.table,
      modelId: toId,
      name: version.modelName,
      version: version.version,
      model: await readFile(downloaded.onnxPath),
      description: version.description,
      createdBy: version.createdBy,
      createdTime: version.createdAt,
      framework: version.framework ?? 'onnx',
      // As deploy writes them: the object's inputs (with the type each is cast to) and outputs.
      inputsSchema: JSON.stringify(mapping.inputs.map((i) => ({ name: i.modelInput, ...(i.castType ? { type: displaySqlType(i.castType) } : {}) }))),
      outputsSchema: JSON.stringify(mapping.outputs.map((o) => ({ name: o.name, type: displaySqlType(o.type) }))),
      existingColumns: table.allColumns,
    };
  }
  ctx.note(`Moving ${displayObjectName(mapping.objectName)} from ${mapping.modelId} to ${toId}…`);
  try {
    const r = await repoint({
      db: conn,
      objects: [mapping],
      toModelId: toId,
      newRow,
      deleteOldRow: cmd.deleteOld,
      signal: ctx.io.signal,
      progress: progress(ctx),
    });
    ctx.io.stdout(`${displayObjectName(mapping.objectName)} now uses ${toId}.${r.deletedId ? ` Deleted ${r.deletedId}.` : ''}\n`);
  } catch (e) {
    return failure(e);
  }
  return EXIT_OK;
}

async function rollback(cmd: Cmd<'rollback'>, conn: SqlConnection, ctx: Ctx): Promise<number> {
  const { mapping, table, models } = await findObject(conn, cmd.object);
  const toId = cmd.to ?? previousVersionId(models, mapping.modelId);
  if (!toId) {
    throw new CliFailure(`${displayObjectName(table.table)} holds no earlier version of ${mapping.modelId}; give the version with --to name:version.`);
  }
  ctx.note(`Moving ${displayObjectName(mapping.objectName)} from ${mapping.modelId} back to ${toId}…`);
  try {
    const r = await repoint({ db: conn, objects: [mapping], toModelId: toId, deleteOldRow: cmd.deleteOld, signal: ctx.io.signal, progress: progress(ctx) });
    ctx.io.stdout(`${displayObjectName(mapping.objectName)} now uses ${toId}.${r.deletedId ? ` Deleted ${r.deletedId}.` : ''}\n`);
  } catch (e) {
    return failure(e);
  }
  return EXIT_OK;
}

async function compare(cmd: Cmd<'compare'>, conn: SqlConnection, ctx: Ctx): Promise<number> {
  const { mapping, table } = await findObject(conn, cmd.object);
  ctx.note(`Scoring the first ${cmd.rows} rows of ${displayObjectName(mapping.source)} with ${mapping.modelId} and ${cmd.model}…`);
  let report;
  try {
    report = await compareVersions({ db: conn, object: mapping, modelTable: table, otherId: cmd.model, rows: cmd.rows, signal: ctx.io.signal });
  } catch (e) {
    return failure(e);
  }
  if (cmd.json) {
    ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT_OK;
  }
  const out: string[] = [];
  const output = mapping.outputs[0]!;
  out.push(`${report.rows} rows, output ${report.output} (${displaySqlType(output.type)}, ${report.kind})`);
  out.push(`Agreement: ${(report.agreement * 100).toFixed(1)}% (${Math.round(report.agreement * report.rows)} of ${report.rows} rows)`);
  if (report.confusion) {
    out.push('', `Rows: ${report.modelA}; columns: ${report.modelB}`);
    const { labels, counts } = report.confusion;
    out.push(
      textTable(
        ['', ...labels],
        labels.map((l, i) => [l, ...counts[i]!.map(String)]),
        [false, ...labels.map(() => true)],
      ).trimEnd(),
    );
  }
  if (report.errors) out.push(`Mean absolute difference: ${report.errors.meanAbs}`, `Largest absolute difference: ${report.errors.maxAbs}`);
  if (report.differing.length) {
    const keyNames = Object.keys(report.differing[0]!.key);
    out.push('', 'Rows that differ most:');
    out.push(
      textTable(
        [...keyNames, report.modelA, report.modelB, ...(report.errors ? ['|difference|'] : [])],
        report.differing.map((d) => [...keyNames.map((k) => d.key[k] ?? ''), d.a, d.b, ...(report.errors ? [String(d.absDiff ?? '')] : [])]),
      ).trimEnd(),
    );
  }
  ctx.io.stdout(`${out.join('\n')}\n`);
  return EXIT_OK;
}

async function deleteCommand(cmd: Cmd<'delete-model'>, conn: SqlConnection, ctx: Ctx): Promise<number> {
  const tables = await listModelTables(conn);
  let candidates = cmd.table ? tables.filter((t) => sameTable(cmd.table!, t.table)) : tables;
  if (cmd.table && candidates.length === 0) {
    throw new CliFailure(`${displayObjectName(cmd.table)} is not a model table (it needs an ID column and a varbinary(max) model column).`);
  }
  if (!cmd.table) {
    const holding: ModelTableRef[] = [];
    for (const t of candidates) if ((await listDeployedModels(conn, t)).some((m) => sameName(m.id, cmd.id))) holding.push(t);
    if (holding.length > 1) {
      throw new CliFailure(`Several model tables hold '${cmd.id}' (${holding.map((t) => displayObjectName(t.table)).join(', ')}); say which with --table.`);
    }
    if (holding.length === 0) throw new CliFailure(`No model table holds a model '${cmd.id}'; 'predict-wizard deployed' lists the models.`);
    candidates = holding;
  }
  const table = candidates[0]!;
  try {
    await deleteModel(conn, table, cmd.id);
  } catch (e) {
    return failure(e);
  }
  ctx.io.stdout(`Deleted ${cmd.id} from ${displayObjectName(table.table)}.\n`);
  return EXIT_OK;
}
