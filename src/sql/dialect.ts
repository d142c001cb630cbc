/**
 * What differs between the places a scoring script runs, as data. The script generator reads these
 * facts; it has no per-target branches of its own.
 *
 * Sources: the PREDICT reference (sql-docs predict-transact-sql.md), the Synapse PREDICT page
 * (azure-docs sql-data-warehouse-predict.md), Azure SQL Edge's ONNX overview, and the model table of
 * the Synapse workshop (REFERENCE.md §1–§2).
 */
import { quoteObjectName, quoteString, type ObjectName } from './names.js';
import { predictInputTypes, predictTargetLabel, type PredictTarget } from './types.js';

export interface SqlDialect {
  readonly target: PredictTarget;
  /** As a user reads it: "Azure Synapse dedicated SQL pool". */
  readonly label: string;
  /**
   * Whether `RUNTIME = ONNX` must be written: required on Synapse and SQL Edge, optional on Managed
   * Instance. The generator writes it on every target (it is accepted everywhere ONNX PREDICT is),
   * so the same script runs on all of them.
   */
  readonly runtimeOnnx: 'required' | 'optional';
  /**
   * Table options for a table that holds varbinary(max) (the model table): a dedicated pool needs a
   * distribution and a heap (columnstore cannot hold LOB columns); other targets need nothing.
   */
  readonly modelTableOptions?: string;
  /** Whether `CREATE OR ALTER VIEW/PROCEDURE` exists (Managed Instance and SQL Edge; not dedicated pools). */
  readonly supportsCreateOrAlter: boolean;
  /** Base type names PREDICT accepts as inputs. */
  readonly predictInputTypes: readonly string[];
}

export const DIALECTS: Readonly<Record<PredictTarget, SqlDialect>> = {
  'synapse-dedicated': {
    target: 'synapse-dedicated',
    label: predictTargetLabel('synapse-dedicated'),
    runtimeOnnx: 'required',
    modelTableOptions: 'WITH (DISTRIBUTION = REPLICATE, HEAP)',
    supportsCreateOrAlter: false,
    predictInputTypes: predictInputTypes('synapse-dedicated'),
  },
  'sql-mi': {
    target: 'sql-mi',
    label: predictTargetLabel('sql-mi'),
    runtimeOnnx: 'optional',
    supportsCreateOrAlter: true,
    predictInputTypes: predictInputTypes('sql-mi'),
  },
  'sql-edge': {
    target: 'sql-edge',
    label: predictTargetLabel('sql-edge'),
    runtimeOnnx: 'required',
    supportsCreateOrAlter: true,
    predictInputTypes: predictInputTypes('sql-edge'),
  },
};

export function dialectFor(target: PredictTarget): SqlDialect {
  const d = (DIALECTS as Partial<Record<string, SqlDialect>>)[target];
  if (!d) throw new Error(`Unknown target '${String(target)}'; use one of ${Object.keys(DIALECTS).join(', ')}.`);
  return d;
}

export type DroppableObject = 'view' | 'procedure' | 'table';

const OBJECT_TYPE_CODES: Record<DroppableObject, { code: string; keyword: string }> = {
  view: { code: 'V', keyword: 'VIEW' },
  procedure: { code: 'P', keyword: 'PROCEDURE' },
  table: { code: 'U', keyword: 'TABLE' },
};

/**
 * A statement that drops `obj` if it exists, in the one shape every target accepts:
 * `IF OBJECT_ID(N'[s].[v]', N'V') IS NOT NULL DROP VIEW [s].[v];`
 * (dedicated pools lack CREATE OR ALTER, and DROP ... IF EXISTS is not documented for them).
 * CREATE VIEW / CREATE PROCEDURE must start their own batch, so put this in the batch before.
 */
export function dropIfExistsSql(kind: DroppableObject, obj: ObjectName): string {
  const { code, keyword } = OBJECT_TYPE_CODES[kind];
  const quoted = quoteObjectName(obj);
  return `IF OBJECT_ID(${quoteString(quoted)}, ${quoteString(code)}) IS NOT NULL DROP ${keyword} ${quoted};`;
}
