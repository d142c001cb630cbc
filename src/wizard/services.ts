/**
 * What the wizard needs from the rest of the extension. `src/extension.ts` builds these and passes
 * them to `registerWizard(context, services)`. No vscode here: the controller and its tests use the
 * same interfaces.
 */
import type { ModelSource, ModelVersionInfo, RegistryKind } from '../models/source.js';
import type { SqlPort } from '../sql/port.js';
import type { ObjectName } from '../sql/names.js';
import type { PredictTarget } from '../sql/types.js';
import type { SourceColumnOption } from './protocol.js';
import type { MappingSuggestion, WizardModel } from './state.js';

export interface WizardLog {
  info(message: string): void;
  warn(message: string): void;
  /** `detail` (a stack, a server message) goes to the log only, never to a notification. */
  error(message: string, detail?: unknown): void;
}

/** A configured model registry (an entry of `predictWizard.modelRegistries`) and its source. */
export interface WizardRegistry {
  readonly name: string;
  readonly kind: RegistryKind;
  readonly source: ModelSource;
}

/** The statements the wizard runs: the SQL port, which `SqlConnection` implements. */
export type WizardSql = SqlPort;

/** An open database session for one wizard. */
export interface WizardDatabase {
  readonly connectionName: string;
  readonly target: PredictTarget;
  readonly sql: WizardSql;
  /** Called when the wizard closes. */
  release(): void | Promise<void>;
}

/** Catalog facts the wizard asks for (see `sqlCatalog` for the default over sys.* views). */
export interface WizardCatalog {
  listTables(): Promise<ObjectName[]>;
  /** The table's columns in order, with their SQL types as text (`nvarchar(30)`). Throws when the table does not exist. */
  columns(table: ObjectName): Promise<SourceColumnOption[]>;
  /** Whether any object (table, view, procedure, ...) has this name: they share one namespace per schema. */
  objectExists(name: ObjectName): Promise<boolean>;
  /** Tables whose columns can hold models (they pass `checkModelTable`), as `schema.name`. */
  modelTables(): Promise<string[]>;
}

/** The table the wizard is opened on, as a tree node or a test names it. */
export interface WizardTableRef {
  readonly connectionName: string;
  readonly table: ObjectName;
}

/** Reads a downloaded model and suggests the mapping for the table's columns. */
export type ModelReader = (input: {
  readonly registry: WizardRegistry;
  readonly version: ModelVersionInfo;
  readonly columns: readonly SourceColumnOption[];
  readonly target: PredictTarget;
  readonly signal: AbortSignal;
}) => Promise<{ model: WizardModel; suggestion: MappingSuggestion; onnxPath: string }>;

export interface WizardServices {
  readonly log: WizardLog;
  /** Names of the configured connections, for the palette's quick pick. */
  listConnections(): Promise<readonly { name: string; description?: string }[]>;
  /** Opens (or borrows) a session on a configured connection. Throws an Error a user can read. */
  openDatabase(connectionName: string): Promise<WizardDatabase>;
  /** The configured model registries, in the order of the setting. */
  registries(): readonly WizardRegistry[];
  /** The tree's table node → the table, when the command runs from the explorer's context menu. */
  tableFromNode?(node: unknown): WizardTableRef | undefined;
  /** Catalog over a session; defaults to `sqlCatalog`. */
  catalog?(db: WizardDatabase): WizardCatalog;
  /** Defaults to `readModelForWizard` (describeModel + mapping suggestions). */
  readModel?: ModelReader;
}
