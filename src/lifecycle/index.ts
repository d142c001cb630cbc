/** The model lifecycle core (no vscode): one import for the tree, the commands and the CLI. */
export * from './types.js';
export { listModelTables, listDeployedModels, listScoringObjects, listModules, readModelBytes, usersOf, sameTable, LifecycleCatalogError } from './deployed.js';
export { readBackMapping, toScoringPlan, inputNamesFromSchema, type ReadBackHints } from './readback.js';
export { repoint, previousVersionId, alterStatement, type RepointOptions } from './repoint.js';
export { deleteModel, inUseMessage, ModelNotFoundError } from './delete.js';
export { compareVersions, summarize, closeEnough, DEFAULT_COMPARE_ROWS, CompareError } from './compare.js';
export { findModelReferences, type ModelReference } from './model-ref.js';
