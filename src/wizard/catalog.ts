/**
 * The catalog facts the wizard needs, from src/sql/catalog.ts over the wizard's session. No vscode.
 */
import { findModelTables, listColumns, listObjects, listSchemas, objectExists, type CatalogRunner } from '../sql/catalog.js';
import { checkModelTable } from '../sql/model-table.js';
import { displayObjectName, type ObjectName } from '../sql/names.js';
import type { SourceColumnOption } from './protocol.js';
import type { WizardCatalog } from './services.js';

export function sqlCatalog(db: CatalogRunner): WizardCatalog {
  return {
    async listTables() {
      const out: ObjectName[] = [];
      for (const schema of await listSchemas(db)) {
        for (const o of await listObjects(db, schema)) if (o.kind === 'table') out.push({ schema: o.schema, name: o.name });
      }
      return out;
    },
    async columns(table: ObjectName): Promise<SourceColumnOption[]> {
      const cols = await listColumns(db, { schema: table.schema ?? 'dbo', name: table.name });
      return cols.map((c) => ({ name: c.name, type: c.typeText }));
    },
    async objectExists(name: ObjectName) {
      return (await objectExists(db, name)) !== undefined;
    },
    async modelTables() {
      const candidates = await findModelTables(db);
      return candidates
        .filter(
          (c) =>
            checkModelTable(c.columns.filter((col) => col.type !== undefined).map((col) => ({ name: col.name, type: col.type!, nullable: col.nullable }))).ok,
        )
        .map((c) => displayObjectName(c.table));
    },
  };
}
