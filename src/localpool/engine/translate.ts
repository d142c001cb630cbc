/**
 * Translates parsed T-SQL queries and expressions to DuckDB SQL, resolving names against the
 * catalog (so errors 207/208 carry the T-SQL line) and computing each result column's declared
 * T-SQL type. PREDICT nodes become jobs (see predict/): the SQL refers to them by a temp table
 * name, and a query that is a plain projection of one PREDICT (through CTEs, views and derived
 * tables) is marked `passthrough`, so the executor can stream it without materializing.
 *
 * The translator lives in translate/: the shared context (context.ts), queries and expressions
 * (query.ts), INSERT/UPDATE/DELETE/MERGE (dml.ts), the functions as a table by family
 * (functions/), and object names as text (names.ts). This module is what the rest of the engine uses.
 */
export {
  duckTableName,
  q,
  resolveObject,
  rootScope,
  sqlString,
  TranslateContext,
  type CaughtError,
  type OutCol,
  type Passthrough,
  type PredictJob,
  type Resolved,
  type SessionFacts,
  type TExpr,
  type Translated,
  type Variable,
} from './translate/context.js';
export { translateDelete, translateInsert, translateMerge, translateUpdate } from './translate/dml.js';
export { nameText, objectIdOf, parseNameText } from './translate/names.js';
export { expr, hexBytes, literalOf, translateQuery, translateScalar, variable, viewQuery } from './translate/query.js';
