/**
 * Delete model: one DELETE of one row, refused while any view or procedure scores with it. The
 * caller confirms first (naming the row); Save as .onnx reads the bytes with readModelBytes.
 */
import type { CatalogRunner } from '../sql/catalog.js';
import { displayObjectName, quoteName, quoteObjectName } from '../sql/names.js';
import { listScoringObjects, usersOf } from './deployed.js';
import { ModelInUseError, type LifecycleSql, type ModelTableRef, type ScoringObject } from './types.js';

export { readModelBytes } from './deployed.js';

export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
}

/** The message of a refusal: which objects still use the row. */
export function inUseMessage(table: ModelTableRef, id: string, users: readonly ScoringObject[]): string {
  const list = users.map((u) => `${u.kind === 'view' ? 'view' : 'procedure'} ${displayObjectName(u.name)}`).join(', ');
  return (
    `The model '${id}' in ${displayObjectName(table.table)} cannot be deleted: ${users.length === 1 ? 'it is' : 'they are'} used by ${list}. ` +
    'Move them to another version (Upgrade or Roll back) or drop them first.'
  );
}

/** Deletes row `id` of `table`; throws ModelInUseError while scoring objects use it, ModelNotFoundError when there is no such row. */
export async function deleteModel(db: LifecycleSql, table: ModelTableRef, id: string): Promise<void> {
  const users = usersOf(await listScoringObjects(db as CatalogRunner), table.table, id);
  if (users.length > 0) throw new ModelInUseError(inUseMessage(table, id, users), users);
  const r = await db.execute(`DELETE FROM ${quoteObjectName(table.table)} WHERE ${quoteName(table.idColumn)} = @id`, [
    { name: 'id', type: { name: 'nvarchar', length: id.length <= 4000 ? 4000 : 'max' }, value: id },
  ]);
  if (r.rowsAffected === 0) throw new ModelNotFoundError(`There is no model '${id}' in ${displayObjectName(table.table)}; refresh the list of models.`);
}
