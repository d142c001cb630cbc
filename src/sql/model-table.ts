/**
 * The model table: the table that holds ONNX models as rows for PREDICT's
 * `MODEL = (SELECT [model] FROM <table> WHERE [ID] = N'<name>:<version>')`.
 *
 * Its schema is the one of the Synapse workshop's `wwi_ml.AMLModel` (REFERENCE.md §1), which the
 * Synapse Studio wizard writes to for "Existing table".
 */
import { displayObjectName, quoteName, quoteObjectName, sameName, type ObjectName } from './names.js';
import { dialectFor } from './dialect.js';
import { ScriptPlanError } from './script-error.js';
import {
  displaySqlType,
  formatSqlType,
  isApproximateType,
  isIntegerType,
  isStringType,
  isUnicodeStringType,
  type PredictTarget,
  type SqlType,
} from './types.js';

/** The columns the tool knows, by their role. */
export type ModelTableColumnKey =
  'ID' | 'name' | 'description' | 'version' | 'created_time' | 'created_by' | 'framework' | 'model' | 'inputs_schema' | 'outputs_schema';

export interface ModelTableColumn {
  readonly key: ModelTableColumnKey;
  readonly type: SqlType;
  readonly nullable: boolean;
}

/** The lab's AMLModel schema, in its order. */
export const MODEL_TABLE_COLUMNS: readonly ModelTableColumn[] = [
  { key: 'ID', type: { name: 'nvarchar', length: 1024 }, nullable: false },
  { key: 'name', type: { name: 'nvarchar', length: 1024 }, nullable: false },
  { key: 'description', type: { name: 'nvarchar', length: 1024 }, nullable: true },
  { key: 'version', type: { name: 'int' }, nullable: true },
  { key: 'created_time', type: { name: 'datetime2', scale: 7 }, nullable: true },
  { key: 'created_by', type: { name: 'nvarchar', length: 128 }, nullable: true },
  { key: 'framework', type: { name: 'nvarchar', length: 64 }, nullable: true },
  { key: 'model', type: { name: 'varbinary', length: 'max' }, nullable: true },
  { key: 'inputs_schema', type: { name: 'nvarchar', length: 'max' }, nullable: true },
  { key: 'outputs_schema', type: { name: 'nvarchar', length: 'max' }, nullable: true },
];

/** Columns an existing model table must have. */
export const REQUIRED_MODEL_TABLE_COLUMNS: readonly ModelTableColumnKey[] = ['ID', 'model'];

/**
 * `CREATE TABLE` for a new model table with the lab's schema. On a dedicated SQL pool the table is
 * `WITH (DISTRIBUTION = REPLICATE, HEAP)`: a clustered columnstore table cannot hold varbinary(max),
 * and the table is small and read by every distribution.
 */
export function createModelTableSql(table: ObjectName, target: PredictTarget): string {
  const dialect = dialectFor(target);
  const width = Math.max(...MODEL_TABLE_COLUMNS.map((c) => quoteName(c.key).length));
  const lines = MODEL_TABLE_COLUMNS.map(
    (c, i) =>
      `    ${quoteName(c.key).padEnd(width)} ${formatSqlType(c.type)} ${c.nullable ? 'NULL' : 'NOT NULL'}` + (i < MODEL_TABLE_COLUMNS.length - 1 ? ',' : ''),
  );
  return [`CREATE TABLE ${quoteObjectName(table)}`, '(', ...lines, ')', ...(dialect.modelTableOptions ? [dialect.modelTableOptions] : [])].join('\n');
}

/** A column of an existing table, as the catalog reports it. */
export interface ExistingColumn {
  readonly name: string;
  readonly type: SqlType;
  /** Whether NULL is allowed; undefined if not known. */
  readonly nullable?: boolean;
  /** Whether the column fills itself (DEFAULT, IDENTITY, computed, rowversion). */
  readonly filledByServer?: boolean;
}

export interface ModelTableCheck {
  /** True when the table can hold models (no problems). */
  readonly ok: boolean;
  /** Why the table cannot hold models, each a sentence a user can act on. */
  readonly problems: readonly string[];
  /** The table's own spelling of each column the tool knows, by role. */
  readonly columns: Partial<Record<ModelTableColumnKey, string>>;
  /** The optional columns (all but ID and model) the table has, in the lab's order. */
  readonly optionalColumns: readonly ModelTableColumnKey[];
}

type Kind = 'string' | 'integer' | 'datetime' | 'binary-max';

const EXPECTED_KIND: Record<ModelTableColumnKey, Kind> = {
  ID: 'string',
  name: 'string',
  description: 'string',
  version: 'integer',
  created_time: 'datetime',
  created_by: 'string',
  framework: 'string',
  model: 'binary-max',
  inputs_schema: 'string',
  outputs_schema: 'string',
};

function fits(kind: Kind, t: SqlType): boolean {
  switch (kind) {
    case 'string':
      return isStringType(t) && t.name !== 'text' && t.name !== 'ntext';
    case 'integer':
      // A version may be kept as a number or as text.
      return isIntegerType(t) || isApproximateType(t) || t.name === 'decimal' || t.name === 'numeric' || fits('string', t);
    case 'datetime':
      return ['datetime2', 'datetime', 'smalldatetime', 'datetimeoffset'].includes(t.name);
    case 'binary-max':
      return t.name === 'varbinary' && t.length === 'max';
  }
}

const KIND_WORDS: Record<Kind, string> = {
  string: 'a text type such as nvarchar(1024)',
  integer: 'a number type such as int',
  datetime: 'a date-and-time type such as datetime2',
  'binary-max': 'varbinary(max)',
};

/**
 * Checks that an existing table can hold models: it needs an ID column of a text type long enough
 * for `<name>:<version>` and a `model` column of type varbinary(max) (names compared
 * case-insensitively). Columns the tool does not know must allow NULL or be filled by the server.
 * `modelId`, when given, is checked against the ID column's length and character set.
 */
export function checkModelTable(columns: readonly ExistingColumn[], opts: { table?: ObjectName; modelId?: string } = {}): ModelTableCheck {
  const where = opts.table ? ` in ${displayObjectName(opts.table)}` : '';
  const theTable = opts.table ? `The table ${displayObjectName(opts.table)}` : 'The table';
  const problems: string[] = [];
  const found: Partial<Record<ModelTableColumnKey, string>> = {};
  const unknown: ExistingColumn[] = [];
  for (const col of columns) {
    const known = MODEL_TABLE_COLUMNS.find((c) => sameName(c.key, col.name));
    if (known && found[known.key] === undefined) {
      const kind = EXPECTED_KIND[known.key];
      if (!fits(kind, col.type)) {
        const required = REQUIRED_MODEL_TABLE_COLUMNS.includes(known.key);
        problems.push(
          `The column ${col.name}${where} is ${displaySqlType(col.type)}; ${required ? 'it must be' : "to hold the model's " + known.key + ' it must be'} ${KIND_WORDS[kind]}.` +
            (required ? '' : ' Change its type or choose another table.'),
        );
      }
      found[known.key] = col.name;
    } else {
      unknown.push(col);
    }
  }
  for (const key of REQUIRED_MODEL_TABLE_COLUMNS) {
    if (found[key] === undefined) {
      problems.push(
        key === 'ID'
          ? `${theTable} has no ID column; a model table needs an ID column of a text type (nvarchar(1024) in the lab's AMLModel) to find the model by '<name>:<version>'.`
          : `${theTable} has no model column; a model table needs a model column of type varbinary(max) to hold the ONNX file.`,
      );
    }
  }
  const idCol = columns.find((c) => found.ID !== undefined && c.name === found.ID);
  if (idCol && opts.modelId !== undefined && fits('string', idCol.type)) {
    const len = idCol.type.length ?? 1;
    if (len !== 'max' && opts.modelId.length > len) {
      problems.push(
        `The ID column ${idCol.name}${where} holds ${len} characters, but the model ID '${opts.modelId}' has ${opts.modelId.length}; widen the column or choose another table.`,
      );
    }
    if (!isUnicodeStringType(idCol.type) && /[^\x20-\x7e]/.test(opts.modelId)) {
      problems.push(
        `The ID column ${idCol.name}${where} is ${displaySqlType(idCol.type)}, which may not keep the non-ASCII characters of the model ID '${opts.modelId}'; use an nvarchar column.`,
      );
    }
  }
  for (const col of unknown) {
    if (col.nullable === false && !col.filledByServer) {
      problems.push(
        `The column ${col.name}${where} does not allow NULL and has no default, and the wizard does not know what to put in it; choose another table or give the column a default.`,
      );
    }
  }
  const optionalColumns = MODEL_TABLE_COLUMNS.map((c) => c.key).filter((k) => !REQUIRED_MODEL_TABLE_COLUMNS.includes(k) && found[k] !== undefined);
  return { ok: problems.length === 0, problems, columns: found, optionalColumns };
}

/** A parameter of a model-row statement; `name` includes the `@`. */
export interface StatementParameter {
  readonly name: string;
  readonly type: SqlType;
  readonly value: string | number | Date | Uint8Array | null;
}

export interface ParameterizedStatement {
  readonly sql: string;
  readonly params: readonly StatementParameter[];
}

export interface ModelRow {
  readonly table: ObjectName;
  /** `<name>:<version>`. */
  readonly modelId: string;
  readonly name: string;
  readonly version: string | number;
  /** The ONNX file. Sent as a varbinary(max) parameter, never as a literal. */
  readonly model: Uint8Array;
  readonly description?: string;
  readonly createdBy?: string;
  readonly createdTime?: Date;
  readonly framework?: string;
  readonly inputsSchema?: string;
  readonly outputsSchema?: string;
  /**
   * The table's column names (from the catalog, or `checkModelTable(...).columns`); only these are
   * written. For a table made by createModelTableSql, pass the names of MODEL_TABLE_COLUMNS.
   */
  readonly existingColumns: readonly string[];
}

function textParam(name: string, value: string): StatementParameter {
  return { name, type: { name: 'nvarchar', length: value.length <= 4000 ? 4000 : 'max' }, value };
}

/**
 * The statements that store one model version as a row: first a DELETE of any row with the same ID
 * (so deploying again replaces the model), then an INSERT of the new row. The model bytes and every
 * value are parameters; the SQL text holds only quoted names. Only the columns the table has are
 * written.
 *
 * Run them in order inside one transaction (BEGIN TRANSACTION … COMMIT, rolled back on any error),
 * so that a failed deploy leaves the previous row in place.
 */
export function modelRowStatements(row: ModelRow): ParameterizedStatement[] {
  const columnName = (key: ModelTableColumnKey): string | undefined => row.existingColumns.find((c) => sameName(c, key));
  const idColumn = columnName('ID');
  const modelColumn = columnName('model');
  if (idColumn === undefined || modelColumn === undefined) {
    throw new ScriptPlanError(
      `The table ${displayObjectName(row.table)} needs an ID column and a model column to hold models; choose another table or create a new one.`,
    );
  }
  if (row.modelId === '') throw new ScriptPlanError('The model ID is empty; it should be <name>:<version>.');
  const table = quoteObjectName(row.table);
  const id = textParam('@id', row.modelId);

  const values: [ModelTableColumnKey, StatementParameter | undefined][] = [
    ['ID', id],
    ['name', textParam('@name', row.name)],
    ['description', row.description !== undefined ? textParam('@description', row.description) : undefined],
    [
      'version',
      typeof row.version === 'number' || /^-?\d{1,9}$/.test(row.version)
        ? { name: '@version', type: { name: 'int' }, value: Number(row.version) }
        : textParam('@version', row.version),
    ],
    ['created_time', row.createdTime ? { name: '@created_time', type: { name: 'datetime2', scale: 7 }, value: row.createdTime } : undefined],
    ['created_by', row.createdBy !== undefined ? textParam('@created_by', row.createdBy) : undefined],
    ['framework', row.framework !== undefined ? textParam('@framework', row.framework) : undefined],
    ['model', { name: '@model', type: { name: 'varbinary', length: 'max' }, value: row.model }],
    ['inputs_schema', row.inputsSchema !== undefined ? textParam('@inputs_schema', row.inputsSchema) : undefined],
    ['outputs_schema', row.outputsSchema !== undefined ? textParam('@outputs_schema', row.outputsSchema) : undefined],
  ];
  const cols: string[] = [];
  const params: StatementParameter[] = [];
  for (const [key, param] of values) {
    const col = columnName(key);
    if (col === undefined || param === undefined) continue;
    cols.push(quoteName(col));
    params.push(param);
  }
  // The model bytes go last among the parameters: servers (the local pool among them) can then
  // stream a large varbinary(max) value into the row instead of holding the whole message.
  const isBinary = (p: StatementParameter) => p.type.name === 'varbinary';
  return [
    { sql: `DELETE FROM ${table} WHERE ${quoteName(idColumn)} = @id;`, params: [id] },
    {
      sql: `INSERT INTO ${table} (${cols.join(', ')})\nVALUES (${params.map((p) => p.name).join(', ')});`,
      params: [...params.filter((p) => !isBinary(p)), ...params.filter(isBinary)],
    },
  ];
}

/**
 * The statements as a reader would check them: each parameter as a comment with its type and value
 * (binary values as their size only), then the statement. For logs and previews; not for running.
 */
export function describeStatements(statements: readonly ParameterizedStatement[]): string {
  return statements
    .map((s) => {
      const params = s.params.map((p) => `-- ${p.name} ${displaySqlType(p.type)} = ${describeValue(p.value)}`);
      return [...params, s.sql].join('\n');
    })
    .join('\n\n');
}

function describeValue(v: StatementParameter['value']): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `(${v.byteLength} bytes)`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
