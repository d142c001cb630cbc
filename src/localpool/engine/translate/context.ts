/**
 * What every part of the translator shares: the context of one statement's translation (catalog,
 * variables, session facts, PREDICT jobs, `$n` parameters), the scopes of names, the translated
 * shapes, object resolution, and DuckDB quoting.
 */
import { SqlError, type SqlValue } from '../api.js';
import type { NameRef, PredictNode, TypeSpec } from '../ast.js';
import { findSystemView, type CatalogSnapshot, type ObjectInfo } from '../catalog.js';
import { unsupported } from '../parse/base.js';

export interface OutCol {
  readonly name: string;
  readonly type?: TypeSpec;
  readonly nullable: boolean;
}

export interface Variable {
  readonly name: string;
  readonly type: TypeSpec;
  value: SqlValue;
}

/** A PREDICT to evaluate: the SQL that reads its DATA and its MODEL, and its result columns. */
export interface PredictJob {
  readonly id: number;
  readonly tempTable: string;
  readonly node: PredictNode;
  /** Standalone DuckDB SQL returning every DATA column. */
  readonly dataSql: string;
  readonly dataCols: readonly OutCol[];
  /** Standalone DuckDB SQL returning the model bytes (one row, one column), or the value of a variable. */
  readonly model: { readonly sql: string } | { readonly value: SqlValue };
  readonly cols: readonly OutCol[];
  /** The values of `$n` parameters the SQL refers to. */
  readonly params: readonly SqlValue[];
}

export interface Passthrough {
  readonly jobId: number;
  /** For each result column, its index among the job's columns. */
  readonly colMap: readonly number[];
  /** TOP n applied on the way. */
  readonly limit?: number;
}

export interface Translated {
  readonly sql: string;
  readonly cols: readonly OutCol[];
  readonly passthrough?: Passthrough;
  /** `SELECT COUNT(*) FROM <passthrough of a job>`. */
  readonly countOf?: { readonly jobId: number; readonly name: string; readonly big: boolean };
  /** `SELECT @v = ...` items: the variable for each result column. */
  readonly assign?: readonly string[];
}

export interface SessionFacts {
  readonly database: string;
  readonly user: string;
  readonly spid: number;
  readonly rowcount: number;
  readonly trancount: number;
  readonly version: string;
  readonly productVersion: string;
  readonly appName?: string;
  readonly hostName?: string;
  readonly now: Date;
  /** 0 without a transaction, 1 in one that can commit, -1 in one an error has made uncommittable. */
  readonly xactState?: number;
  /** The error a CATCH block is handling (ERROR_NUMBER() and the like); undefined elsewhere. */
  readonly error?: CaughtError;
}

/** What ERROR_NUMBER(), ERROR_MESSAGE(), ... report inside a CATCH block. */
export interface CaughtError {
  readonly number: number;
  readonly severity: number;
  readonly state: number;
  readonly line: number;
  readonly message: string;
  readonly procedure?: string;
}

export class TranslateContext {
  readonly jobs: PredictJob[] = [];
  readonly params: SqlValue[] = [];
  constructor(
    readonly catalog: CatalogSnapshot,
    readonly vars: Map<string, Variable>,
    readonly facts: SessionFacts,
    /** 'describe' replaces PREDICT by its columns with NULL outputs (for CREATE VIEW checks). */
    readonly mode: 'execute' | 'describe',
    readonly nextJobId: () => number,
  ) {}
}

/** A source of columns in a FROM clause (a table, view, CTE, derived table or PREDICT). */
export interface Source {
  /** Lower-cased names a column qualifier may use. */
  readonly names: readonly string[];
  readonly sqlAlias: string;
  readonly cols: readonly OutCol[];
  /** PREDICT's DATA alias: answers for the first `dataCount` columns. */
  readonly dataAlias?: string;
  readonly dataCount?: number;
  readonly passthrough?: Passthrough;
}

export interface CteInfo {
  readonly name: string;
  readonly sql: string;
  readonly cols: readonly OutCol[];
  readonly passthrough?: Passthrough;
}

export class Scope {
  sources: Source[] = [];
  readonly ctes = new Map<string, CteInfo>();
  constructor(readonly parent?: Scope) {}
  findCte(name: string): CteInfo | undefined {
    return this.ctes.get(name.toLowerCase()) ?? this.parent?.findCte(name);
  }
  /** Every CTE visible here, outermost first, for standalone SQL. */
  visibleCtes(): CteInfo[] {
    const outer = this.parent ? this.parent.visibleCtes() : [];
    return [...outer.filter((c) => !this.ctes.has(c.name.toLowerCase())), ...this.ctes.values()];
  }
}

/** Quotes a DuckDB identifier. */
export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** Quotes a DuckDB string literal. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function rootScope(): Scope {
  return new Scope();
}

export type Resolved =
  | { readonly kind: 'object'; readonly object: ObjectInfo }
  | { readonly kind: 'system'; readonly duck: string; readonly cols: readonly OutCol[]; readonly name: string };

export function resolveObject(ctx: TranslateContext, ref: NameRef): Resolved | undefined {
  const parts = ref.parts;
  if (parts.length === 4) throw unsupported('linked servers (four-part names)', ref.line);
  if (parts.length === 3 && parts[0] && parts[0].toLowerCase() !== ctx.facts.database.toLowerCase()) {
    throw new SqlError(208, `Invalid object name '${ref.text}'.`, ref.line);
  }
  const name = parts[parts.length - 1]!;
  if (name.startsWith('#')) {
    // A session's #temp table (the session adds them to its catalog under their own name).
    const temp = ctx.catalog.objects.get(name.toLowerCase());
    return temp ? { kind: 'object', object: temp } : undefined;
  }
  const schema = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2]! : 'dbo';
  const sys = findSystemView(schema, name);
  if (sys) return { kind: 'system', duck: `__lpsys.${sys.duckName}`, cols: sys.columns, name: sys.name };
  const obj = ctx.catalog.objects.get(`${schema}.${name}`.toLowerCase());
  return obj ? { kind: 'object', object: obj } : undefined;
}

export function duckTableName(o: { schema: string; name: string; duckName?: string }): string {
  return o.duckName ?? `${q(o.schema)}.${q(o.name)}`;
}

export interface TExpr {
  readonly sql: string;
  readonly type?: TypeSpec;
}

export const STRING_TYPES = new Set(['char', 'varchar', 'nchar', 'nvarchar', 'text', 'ntext', 'sysname']);
export const isStringType = (t?: TypeSpec) => !!t && STRING_TYPES.has(t.name);

export function isIntType(t?: TypeSpec): boolean {
  return !!t && ['tinyint', 'smallint', 'int', 'bigint'].includes(t.name);
}
