/**
 * What is deployed: model tables (tables with the model-table shape), their rows without the bytes,
 * and the views and procedures that score with a row, found from their definitions.
 */
import { findModelTables, type CatalogRunner } from '../sql/catalog.js';
import type { SqlCell } from '../sql/port.js';
import { checkModelTable } from '../sql/model-table.js';
import { displayObjectName, quoteName, quoteObjectName, sameName, type ObjectName } from '../sql/names.js';
import type { ScriptType } from '../sql/script.js';
import { findModelReferences } from './model-ref.js';
import type { DeployedModel, ModelTableColumnRole, ModelTableRef, ScoringObject } from './types.js';
import { messageOf } from '../common/errors.js';

const ROLES: readonly ModelTableColumnRole[] = ['name', 'version', 'description', 'created_time', 'created_by', 'framework', 'inputs_schema', 'outputs_schema'];

export class LifecycleCatalogError extends Error {
  override readonly name = 'LifecycleCatalogError';
}

function text(cell: SqlCell | undefined): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string') return cell;
  if (cell instanceof Date) return cell.toISOString();
  if (Buffer.isBuffer(cell)) return undefined;
  return String(cell);
}

/** Tables whose columns pass checkModelTable (at least an ID column and a varbinary(max) model column). */
export async function listModelTables(db: CatalogRunner): Promise<ModelTableRef[]> {
  const candidates = await findModelTables(db, 1000);
  const out: ModelTableRef[] = [];
  for (const c of candidates) {
    const typed = c.columns.filter((col) => col.type !== undefined).map((col) => ({ name: col.name, type: col.type!, nullable: col.nullable }));
    const check = checkModelTable(typed, { table: c.table });
    if (!check.ok || check.columns.ID === undefined || check.columns.model === undefined) continue;
    const columns: Partial<Record<ModelTableColumnRole, string>> = {};
    for (const role of ROLES) if (check.columns[role] !== undefined) columns[role] = check.columns[role];
    out.push({
      table: { schema: c.table.schema, name: c.table.name },
      idColumn: check.columns.ID,
      modelColumn: check.columns.model,
      columns,
      allColumns: c.columns.map((col) => col.name),
    });
  }
  return out;
}

/** The rows of a model table, by ID, without their bytes (DATALENGTH gives the size). */
export async function listDeployedModels(db: CatalogRunner, table: ModelTableRef): Promise<DeployedModel[]> {
  const roles = ROLES.filter((r) => table.columns[r] !== undefined);
  const select = [quoteName(table.idColumn), `DATALENGTH(${quoteName(table.modelColumn)})`, ...roles.map((r) => quoteName(table.columns[r]!))];
  let rows: readonly (readonly SqlCell[])[];
  try {
    const result = await db.query(`SELECT ${select.join(', ')} FROM ${quoteObjectName(table.table)} ORDER BY ${quoteName(table.idColumn)}`);
    rows = result.resultSets[0]?.rows ?? [];
  } catch (e) {
    throw new LifecycleCatalogError(`Cannot read the models in ${displayObjectName(table.table)}: ${messageOf(e)}`, { cause: e });
  }
  const out: DeployedModel[] = [];
  for (const r of rows) {
    const id = text(r[0]);
    if (id === undefined) continue;
    const size = r[1];
    const value = (role: ModelTableColumnRole) => r[2 + roles.indexOf(role)];
    const has = (role: ModelTableColumnRole) => roles.includes(role);
    const created = has('created_time') ? value('created_time') : undefined;
    out.push({
      modelTable: table,
      id,
      name: has('name') ? text(value('name')) : undefined,
      version: has('version') ? text(value('version')) : undefined,
      sizeBytes: size === null || size === undefined ? undefined : Number(size),
      createdTime: created instanceof Date ? created : typeof created === 'string' ? new Date(created) : undefined,
      createdBy: has('created_by') ? text(value('created_by')) : undefined,
      framework: has('framework') ? text(value('framework')) : undefined,
      description: has('description') ? text(value('description')) : undefined,
      inputsSchema: has('inputs_schema') ? text(value('inputs_schema')) : undefined,
      outputsSchema: has('outputs_schema') ? text(value('outputs_schema')) : undefined,
    });
  }
  return out;
}

const MODULES_SQL =
  'SELECT s.name, o.name, o.type, m.definition FROM sys.sql_modules AS m ' +
  'JOIN sys.objects AS o ON o.object_id = m.object_id JOIN sys.schemas AS s ON s.schema_id = o.schema_id ' +
  // sys.objects.type is char(2) ('V '): filtered here rather than in SQL, where servers differ on trailing spaces.
  'ORDER BY s.name, o.name';

// INFORMATION_SCHEMA cuts definitions at 4000 characters: longer ones are read again with OBJECT_DEFINITION.
const INFORMATION_SCHEMA_SQL =
  "SELECT TABLE_SCHEMA, TABLE_NAME, 'V', VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS " +
  'UNION ALL ' +
  "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, 'P', ROUTINE_DEFINITION FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_TYPE = 'PROCEDURE'";
const INFORMATION_SCHEMA_LIMIT = 4000;

async function fromInformationSchema(db: CatalogRunner): Promise<(readonly SqlCell[])[]> {
  const rows = ((await db.query(INFORMATION_SCHEMA_SQL)).resultSets[0]?.rows ?? []).map((r) => [...r]);
  for (const r of rows) {
    const def = text(r[3]);
    const schema = text(r[0]);
    const name = text(r[1]);
    if ((def !== undefined && def.length < INFORMATION_SCHEMA_LIMIT) || schema === undefined || name === undefined) continue;
    const full = await db.query('SELECT OBJECT_DEFINITION(OBJECT_ID(@name))', [
      { name: 'name', type: { name: 'nvarchar', length: 4000 }, value: quoteObjectName({ schema, name }) },
    ]);
    const cell = full.resultSets[0]?.rows[0]?.[0];
    if (typeof cell === 'string') r[3] = cell;
  }
  return rows;
}

/** Every view and procedure, with its definition (sys.sql_modules, else INFORMATION_SCHEMA with OBJECT_DEFINITION). */
export async function listModules(db: CatalogRunner): Promise<{ kind: ScriptType; name: ObjectName; definition: string }[]> {
  let rows: readonly (readonly SqlCell[])[];
  try {
    rows = (await db.query(MODULES_SQL)).resultSets[0]?.rows ?? [];
  } catch (first) {
    try {
      rows = await fromInformationSchema(db);
    } catch (e) {
      throw new LifecycleCatalogError(
        `Cannot read the definitions of views and procedures (sys.sql_modules: ${messageOf(first)}; INFORMATION_SCHEMA: ${messageOf(e)}). ` +
          'The login needs VIEW DEFINITION permission.',
        { cause: e },
      );
    }
  }
  const out: { kind: ScriptType; name: ObjectName; definition: string }[] = [];
  for (const r of rows) {
    const schema = text(r[0]);
    const name = text(r[1]);
    const type = text(r[2])?.trim().toUpperCase();
    const definition = text(r[3]);
    if (schema === undefined || name === undefined || definition === undefined) continue;
    if (type !== 'V' && type !== 'P') continue;
    out.push({ kind: type === 'V' ? 'view' : 'procedure', name: { schema, name }, definition });
  }
  return out;
}

/** Views and procedures whose definition selects a model row by ID inside PREDICT. */
export async function listScoringObjects(db: CatalogRunner): Promise<ScoringObject[]> {
  const out: ScoringObject[] = [];
  for (const m of await listModules(db)) {
    let refs;
    try {
      refs = findModelReferences(m.definition);
    } catch {
      continue; // A definition this reader cannot tokenize does not score with a model row it can name.
    }
    const ref = refs[0];
    if (!ref) continue;
    out.push({ kind: m.kind, name: m.name, modelTable: ref.modelTable, modelId: ref.modelId, definition: m.definition });
  }
  return out;
}

/** Whether a model table reference in a definition (maybe without schema) names `table`. */
export function sameTable(ref: ObjectName, table: ObjectName, defaultSchema = 'dbo'): boolean {
  return sameName(ref.name, table.name) && sameName(ref.schema ?? defaultSchema, table.schema ?? defaultSchema);
}

/** The scoring objects that use row `id` of `table`. */
export function usersOf(objects: readonly ScoringObject[], table: ObjectName, id: string): ScoringObject[] {
  return objects.filter((o) => sameName(o.modelId, id) && sameTable(o.modelTable, table));
}

/** The stored ONNX bytes of one row (for Save as .onnx). */
export async function readModelBytes(db: CatalogRunner, table: ModelTableRef, id: string): Promise<Uint8Array> {
  const result = await db.query(`SELECT ${quoteName(table.modelColumn)} FROM ${quoteObjectName(table.table)} WHERE ${quoteName(table.idColumn)} = @id`, [
    { name: 'id', type: { name: 'nvarchar', length: id.length <= 4000 ? 4000 : 'max' }, value: id },
  ]);
  const rows = result.resultSets[0]?.rows ?? [];
  if (rows.length === 0) throw new LifecycleCatalogError(`There is no model '${id}' in ${displayObjectName(table.table)}; refresh the list of models.`);
  const cell = rows[0]![0];
  if (!Buffer.isBuffer(cell)) {
    throw new LifecycleCatalogError(`The model '${id}' in ${displayObjectName(table.table)} holds no bytes (its ${table.modelColumn} is NULL).`);
  }
  return new Uint8Array(cell.buffer, cell.byteOffset, cell.byteLength);
}
