/** The syntax tree of the T-SQL the local pool understands (see parser.ts). */
import type { CopyIntoSpec } from './statements/copy-into-parse.js';

/** A declared type as written: `nvarchar(30)`, `decimal(18,4)`, `varbinary(max)`. */
export interface TypeSpec {
  /** Lower-case base name. */
  readonly name: string;
  readonly length?: number | 'max';
  readonly precision?: number;
  readonly scale?: number;
}

export type Expr =
  | { readonly k: 'lit'; readonly type: 'number' | 'string' | 'null' | 'binary'; readonly value: string; readonly national?: boolean }
  | { readonly k: 'col'; readonly parts: readonly string[]; readonly line: number }
  | { readonly k: 'star'; readonly qualifier?: readonly string[] }
  | { readonly k: 'var'; readonly name: string; readonly line: number }
  | { readonly k: 'unary'; readonly op: string; readonly arg: Expr }
  | { readonly k: 'bin'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'isnull'; readonly arg: Expr; readonly not: boolean }
  | { readonly k: 'in'; readonly arg: Expr; readonly not: boolean; readonly list?: readonly Expr[]; readonly query?: Query }
  | { readonly k: 'between'; readonly arg: Expr; readonly not: boolean; readonly low: Expr; readonly high: Expr }
  | { readonly k: 'like'; readonly arg: Expr; readonly not: boolean; readonly pattern: Expr }
  | { readonly k: 'exists'; readonly query: Query }
  | { readonly k: 'subquery'; readonly query: Query }
  | { readonly k: 'case'; readonly operand?: Expr; readonly whens: readonly { when: Expr; then: Expr }[]; readonly else?: Expr }
  | { readonly k: 'cast'; readonly fn: 'CAST' | 'TRY_CAST' | 'CONVERT' | 'TRY_CONVERT'; readonly arg: Expr; readonly type: TypeSpec; readonly style?: Expr }
  | {
      readonly k: 'call';
      /** Upper-case function name (last part). */
      readonly name: string;
      readonly args: readonly Expr[];
      readonly distinct?: boolean;
      /** `frame`: a window frame, normalized to `ROWS|RANGE BETWEEN bound AND bound`. */
      readonly over?: { readonly partitionBy: readonly Expr[]; readonly orderBy: readonly OrderItem[]; readonly frame?: string };
      readonly line: number;
    }
  /** DATEADD/DATEDIFF/DATEPART/DATENAME: the first argument is a date part keyword. */
  | { readonly k: 'datefn'; readonly name: string; readonly part: string; readonly args: readonly Expr[] };

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
}

export interface SelectItem {
  readonly expr: Expr;
  readonly alias?: string;
  /** `SELECT @v = expr`. */
  readonly assignTo?: string;
}

export interface NameRef {
  readonly parts: readonly string[];
  readonly line: number;
  /** The name as written, for error messages. */
  readonly text: string;
}

export interface PredictNode {
  readonly model: Expr;
  readonly data: TableRef;
  readonly dataAlias?: string;
  readonly runtime?: string;
  readonly outputs: readonly { readonly name: string; readonly type: TypeSpec; readonly notNull: boolean }[];
  readonly line: number;
}

export type TableRef =
  | { readonly k: 'table'; readonly name: NameRef; readonly alias?: string }
  | { readonly k: 'derived'; readonly query: Query; readonly alias: string; readonly columns?: readonly string[] }
  | { readonly k: 'predict'; readonly predict: PredictNode; readonly alias?: string }
  | {
      readonly k: 'join';
      readonly type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';
      readonly left: TableRef;
      readonly right: TableRef;
      readonly on?: Expr;
    };

export interface SelectCore {
  readonly k: 'select';
  readonly distinct: boolean;
  readonly top?: { readonly count: Expr; readonly percent: boolean };
  readonly items: readonly SelectItem[];
  readonly from: readonly TableRef[];
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
}

export type QueryBody =
  | SelectCore
  | { readonly k: 'setop'; readonly op: 'UNION' | 'UNION ALL' | 'EXCEPT' | 'INTERSECT'; readonly left: QueryBody; readonly right: QueryBody }
  | { readonly k: 'paren'; readonly query: Query };

export interface Cte {
  readonly name: string;
  readonly columns?: readonly string[];
  readonly query: Query;
}

export interface Query {
  readonly with: readonly Cte[];
  readonly body: QueryBody;
  readonly orderBy: readonly OrderItem[];
  readonly offset?: Expr;
  readonly fetch?: Expr;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: TypeSpec;
  readonly notNull: boolean;
  readonly identity?: { seed: number; increment: number };
  readonly default?: Expr;
}

export interface ProcParam {
  readonly name: string;
  readonly type: TypeSpec;
  readonly default?: Expr;
  readonly output: boolean;
}

/** One `WHEN ... [AND condition] THEN action` of a MERGE. */
export interface MergeClause {
  readonly when: 'matched' | 'notMatchedByTarget' | 'notMatchedBySource';
  readonly cond?: Expr;
  readonly action:
    | { readonly k: 'update'; readonly sets: readonly { column: string; expr: Expr }[] }
    | { readonly k: 'delete' }
    | { readonly k: 'insert'; readonly columns?: readonly string[]; readonly values: readonly Expr[] };
}

export type Statement = { readonly line: number; readonly text: string } & (
  | { readonly k: 'query'; readonly query: Query }
  | {
      readonly k: 'insert';
      readonly table: NameRef;
      readonly columns?: readonly string[];
      readonly values?: readonly (readonly Expr[])[];
      readonly query?: Query;
      readonly exec?: Statement;
    }
  | {
      readonly k: 'update';
      readonly table: NameRef;
      readonly alias?: string;
      readonly sets: readonly { column: string; expr: Expr }[];
      readonly from: readonly TableRef[];
      readonly where?: Expr;
    }
  | { readonly k: 'delete'; readonly table: NameRef; readonly from: readonly TableRef[]; readonly where?: Expr }
  | { readonly k: 'createSchema'; readonly name: string }
  | { readonly k: 'createTable'; readonly name: NameRef; readonly columns: readonly ColumnDef[]; readonly options: string; readonly asQuery?: Query }
  | {
      readonly k: 'createView';
      readonly name: NameRef;
      readonly mode: 'create' | 'alter' | 'createOrAlter';
      readonly columns?: readonly string[];
      readonly query: Query;
      readonly bodyText: string;
    }
  | {
      readonly k: 'createProc';
      readonly name: NameRef;
      readonly mode: 'create' | 'alter' | 'createOrAlter';
      readonly params: readonly ProcParam[];
      readonly body: readonly Statement[];
      readonly bodyText: string;
    }
  | { readonly k: 'drop'; readonly what: 'TABLE' | 'VIEW' | 'PROCEDURE' | 'SCHEMA'; readonly ifExists: boolean; readonly names: readonly NameRef[] }
  | { readonly k: 'truncate'; readonly table: NameRef }
  | { readonly k: 'exec'; readonly proc: NameRef; readonly args: readonly { name?: string; expr: Expr; output: boolean }[]; readonly returnVar?: string }
  | { readonly k: 'execSql'; readonly sql: Expr }
  | { readonly k: 'declare'; readonly vars: readonly { name: string; type: TypeSpec; init?: Expr }[] }
  | { readonly k: 'setVar'; readonly name: string; readonly op: string; readonly expr: Expr }
  | { readonly k: 'setOption'; readonly option: string; readonly on?: boolean }
  | { readonly k: 'if'; readonly cond: Expr; readonly then: Statement; readonly else?: Statement }
  | { readonly k: 'while'; readonly cond: Expr; readonly body: Statement }
  | { readonly k: 'block'; readonly body: readonly Statement[] }
  | { readonly k: 'print'; readonly expr: Expr }
  | { readonly k: 'tran'; readonly action: 'begin' | 'commit' | 'rollback' }
  | { readonly k: 'use'; readonly database: string }
  | { readonly k: 'return'; readonly expr?: Expr }
  | { readonly k: 'raiserror'; readonly message: Expr; readonly severity: Expr; readonly state: Expr }
  | { readonly k: 'throw'; readonly number: Expr; readonly message: Expr; readonly state: Expr }
  /**
   * CREATE/UPDATE/DROP STATISTICS: checked against the catalog, then nothing to do (DuckDB keeps its
   * own statistics), so Synapse scripts that maintain statistics run unchanged.
   */
  | { readonly k: 'statistics'; readonly action: 'create' | 'update' | 'drop'; readonly tables: readonly NameRef[]; readonly columns?: readonly string[] }
  | {
      readonly k: 'merge';
      readonly target: NameRef;
      readonly alias?: string;
      readonly source: TableRef;
      readonly on: Expr;
      readonly clauses: readonly MergeClause[];
    }
  /** Synapse's `RENAME OBJECT [::] table TO new_name`. */
  | { readonly k: 'rename'; readonly table: NameRef; readonly newName: string }
  /** `THROW;` in a CATCH block: raises the caught error again. */
  | { readonly k: 'rethrow' }
  /** `BEGIN TRY ... END TRY BEGIN CATCH ... END CATCH`. */
  | { readonly k: 'try'; readonly body: readonly Statement[]; readonly handler: readonly Statement[] }
  | { readonly k: 'empty' }
  /** Synapse's COPY INTO (statements/copy-into-parse.ts). */
  | { readonly k: 'copyInto'; readonly copy: CopyIntoSpec }
);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A statement without its position (what the parser builds before adding line and text). */
export type StatementBody = DistributiveOmit<Statement, 'line' | 'text'>;
