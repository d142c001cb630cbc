/**
 * The model lifecycle after the first deploy: what is deployed (model tables, their rows, the views
 * and procedures that score with them), reading a scoring object's mapping back from its definition,
 * moving objects to another model version (upgrade, rollback), comparing two versions and deleting a
 * version nobody uses. No vscode: the tree, the commands and the CLI build on these types.
 */
import type { ObjectName } from '../sql/names.js';
import type { SqlType } from '../sql/types.js';
import type { ScriptType, ScoringPlan } from '../sql/script.js';
import type { ModelRow } from '../sql/model-table.js';
import type { SqlPort } from '../sql/port.js';

export type { CatalogRunner } from '../sql/catalog.js';
export type { ModelRow } from '../sql/model-table.js';

/** What the lifecycle needs from a connection: the SQL port (SqlConnection implements it; tests wrap it to inject failures). */
export type LifecycleSql = SqlPort;

/** The optional model-table columns, by role. */
export type ModelTableColumnRole = 'name' | 'version' | 'description' | 'created_time' | 'created_by' | 'framework' | 'inputs_schema' | 'outputs_schema';

/** A table whose columns have the model-table shape (checkModelTable passes: at least ID and model). */
export interface ModelTableRef {
  readonly table: ObjectName;
  /** The table's own spelling of its ID column. */
  readonly idColumn: string;
  /** The table's own spelling of its model (varbinary(max)) column. */
  readonly modelColumn: string;
  /** The other lab columns present, by role, in the table's own spelling. */
  readonly columns: Partial<Record<ModelTableColumnRole, string>>;
  /** Every column of the table, in order (what modelRowStatements needs as `existingColumns`). */
  readonly allColumns: readonly string[];
}

/** One row of a model table (without its bytes). */
export interface DeployedModel {
  readonly modelTable: ModelTableRef;
  /** `name:version`. */
  readonly id: string;
  readonly name?: string;
  readonly version?: string;
  /** DATALENGTH of the model bytes; undefined when the row holds NULL. */
  readonly sizeBytes?: number;
  readonly createdTime?: Date;
  readonly createdBy?: string;
  readonly framework?: string;
  readonly description?: string;
  readonly inputsSchema?: string;
  readonly outputsSchema?: string;
}

/** A view or procedure whose definition selects a model row by ID (any quoting: [ID] = N'x', "ID"='x', ID = 'x'). */
export interface ScoringObject {
  readonly kind: ScriptType;
  readonly name: ObjectName;
  readonly modelTable: ObjectName;
  readonly modelId: string;
  readonly definition: string;
}

/** One input of a read-back mapping: a source column feeding a model input. */
export interface ReadBackInput {
  readonly sourceColumn: string;
  readonly modelInput: string;
  /** The CAST's type, absent when the column is not cast. */
  readonly castType?: SqlType;
}

/** What a scoring object's definition says, read back (the inverse of generateScoringScript). */
export interface ReadBackMapping {
  readonly scriptType: ScriptType;
  readonly objectName: ObjectName;
  readonly modelTable: ObjectName;
  readonly modelId: string;
  readonly modelColumns: { readonly id: string; readonly model: string };
  readonly source: ObjectName;
  readonly inputs: readonly ReadBackInput[];
  readonly passThrough: readonly string[];
  readonly outputs: readonly { readonly name: string; readonly type: SqlType }[];
}

/** Says what in a definition could not be read, e.g. "the DATA CTE selects an expression, not a column: …". */
export class ReadBackError extends Error {
  override readonly name = 'ReadBackError';
}

export type RepointStep = 'store' | 'check' | 'rewrite' | 'delete-old';

export interface RepointRequest {
  readonly db: LifecycleSql;
  /** The objects to move, as read back from their definitions. */
  readonly objects: readonly ReadBackMapping[];
  /** The model ID every object uses afterwards. */
  readonly toModelId: string;
  /** When the new row is not yet stored: the row to store first (bytes + metadata, as deploy stores it). */
  readonly newRow?: ModelRow;
  /** Mapping changes for the new version (from the wizard), one per object in order — absent: keep each object's mapping. */
  readonly plans?: readonly ScoringPlan[];
  /** Delete the row the objects used before (only when no other object still uses it). */
  readonly deleteOldRow?: boolean;
  readonly signal?: AbortSignal;
  readonly progress?: (step: RepointStep, detail: string) => void;
}

export interface RepointResult {
  readonly rewritten: readonly ObjectName[];
  readonly storedId?: string;
  readonly deletedId?: string;
}

/** Every object and the model ID it uses now, after a failed or cancelled repoint. */
export type RepointState = readonly { readonly object: ObjectName; readonly modelId: string }[];

export class RepointError extends Error {
  override readonly name = 'RepointError';
  constructor(
    message: string,
    readonly step: RepointStep,
    /** Every object and the model ID it now uses. */
    readonly state: RepointState,
    readonly cancelled = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Refuses to delete a model row that views or procedures still score with. */
export class ModelInUseError extends Error {
  override readonly name = 'ModelInUseError';
  constructor(
    message: string,
    readonly users: readonly ScoringObject[],
  ) {
    super(message);
  }
}

/** Two versions scored on the same rows of an object's source. */
export interface ComparisonReport {
  readonly rows: number;
  readonly modelA: string;
  readonly modelB: string;
  /** The output compared (the first of the object's outputs). */
  readonly output: string;
  readonly kind: 'classifier' | 'regressor';
  /** Fraction of rows where both give the same label (classifier) or |a-b| <= 1e-6·max(1,|a|) (regressor). */
  readonly agreement: number;
  /** Rows: A's label, columns: B's label. */
  readonly confusion?: { readonly labels: readonly string[]; readonly counts: readonly (readonly number[])[] };
  readonly errors?: { readonly meanAbs: number; readonly maxAbs: number };
  /** Most different first, at most 50; `key` holds the pass-through columns (or the row number as `#`). */
  readonly differing: readonly { readonly key: Readonly<Record<string, string>>; readonly a: string; readonly b: string; readonly absDiff?: number }[];
}

export interface CompareRequest {
  readonly db: LifecycleSql;
  /** The object whose source rows, mapping and casts are used; its own model ID is version A. */
  readonly object: ReadBackMapping;
  readonly modelTable: ModelTableRef;
  /** Version B. */
  readonly otherId: string;
  /** Rows of the source scored (the first N); default 1 000. */
  readonly rows?: number;
  readonly signal?: AbortSignal;
}
