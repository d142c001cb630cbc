/** A T-SQL function call being translated, as each function's translator sees it. */
import type { Expr } from '../../ast.js';
import type { TExpr, TranslateContext } from '../context.js';

export interface FunctionCall {
  readonly ctx: TranslateContext;
  readonly e: Extract<Expr, { k: 'call' }>;
  /** Translates the arguments (again at each call, as a translator may need them more than once). */
  args(): TExpr[];
  /** Translates one expression in the call's scope. */
  expr(x: Expr): TExpr;
  /** The call's ` OVER (...)` clause in DuckDB SQL, or ''. */
  readonly over: string;
  /** 'DISTINCT ' for an aggregate over distinct values, or ''. */
  readonly dist: string;
}

/** Translates one function (or a family of functions that share a translation) to DuckDB SQL. */
export type FunctionTranslator = (c: FunctionCall) => TExpr;

/** A family's functions by upper-case T-SQL name. */
export type FunctionTable = Readonly<Record<string, FunctionTranslator>>;
