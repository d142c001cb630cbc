/**
 * Every message between the wizard's host (extension side) and its webview, declared once and
 * imported by both. Plain JSON shapes only: no vscode, no Node, no DOM.
 *
 * Three kinds of message (the idea of GitLens's IpcCommand / IpcRequest / IpcNotification):
 * - commands: webview → host, fire and forget (the user changed a field, pressed a button);
 * - requests: webview → host with an `id`; the host answers with a response carrying the same id;
 * - notifications: host → webview (the whole wizard view after every change, deploy progress).
 *
 * The webview holds no secrets and no authority: it renders the `WizardView` the host sends and
 * posts intents. The host checks every incoming message with `parseWebviewMessage` before use.
 */

// ---------------------------------------------------------------------------------------------
// Message type declarations

export interface IpcCommandType<P> {
  readonly kind: 'command';
  readonly method: string;
  /** Phantom: carries the parameter type. Never set. */
  readonly params?: P;
}
export interface IpcRequestType<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly params?: P;
  readonly response?: R;
}
export interface IpcNotificationType<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly params?: P;
}

function command<P>(method: string): IpcCommandType<P> {
  return { kind: 'command', method };
}
function request<P, R>(method: string): IpcRequestType<P, R> {
  return { kind: 'request', method };
}
function notification<P>(method: string): IpcNotificationType<P> {
  return { kind: 'notification', method };
}

// ---------------------------------------------------------------------------------------------
// What the webview sees

export type WizardPage = 'model' | 'map' | 'store';
export const WIZARD_PAGES: readonly WizardPage[] = ['model', 'map', 'store'];
export const PAGE_TITLES: Readonly<Record<WizardPage, string>> = {
  model: 'Choose a pre-trained model',
  map: 'Map columns',
  store: 'Store objects in the database',
};

export type LoadStatus = 'idle' | 'loading' | 'loaded' | 'error';

/**
 * Whether older model versions remain to be read: 'none' (every version is listed), 'more' (the
 * registry has more; Load more reads the next page), 'loading' (more are being read now).
 */
export type VersionsMore = 'none' | 'more' | 'loading';

export interface RegistryOption {
  readonly name: string;
  /** 'local' | 'mlflow' | 'azureml', shown beside the name. */
  readonly kind: string;
}

/** One row of page 1's grid: one model version. */
export interface ModelVersionRow {
  /** Unique within the registry: `<name>:<version>`. */
  readonly key: string;
  readonly name: string;
  readonly version: string;
  /** ISO 8601, or '' when the registry does not say. */
  readonly created: string;
  readonly createdBy: string;
  readonly framework: string;
  /** Set when the version cannot be chosen (not ONNX, ...): the reason shown beside the row. */
  readonly disabledReason?: string;
}

/** A source table column as page 2's dropdown lists it. */
export interface SourceColumnOption {
  readonly name: string;
  /** Formatted SQL type, e.g. `nvarchar(30)`. */
  readonly type: string;
}

/** A model input or output as the model describes it (page 2's suggestions of names). */
export interface ModelPortInfo {
  readonly name: string;
  /** Human-readable type, e.g. `float32 [-1, 1]` or `long`. */
  readonly type: string;
  /** The SQL type the wizard suggests, e.g. `real`. */
  readonly suggestedSqlType: string;
  /** Why PREDICT cannot score this port, if it cannot. */
  readonly problem?: string;
}

export interface InputRowView {
  readonly id: number;
  readonly sourceColumn: string;
  readonly modelInput: string;
  readonly inputType: string;
  /** Warnings from the mapping suggestion or the type check (cast with loss, ...). */
  readonly warnings: readonly string[];
  /** Problems that block Next, per field. */
  readonly errors: { readonly sourceColumn?: string; readonly modelInput?: string; readonly inputType?: string };
}

export interface OutputRowView {
  readonly id: number;
  readonly modelOutput: string;
  readonly outputType: string;
  readonly warnings: readonly string[];
  readonly errors: { readonly modelOutput?: string; readonly outputType?: string };
}

export interface PreviewView {
  readonly status: LoadStatus;
  readonly columns: readonly string[];
  /** Cells already formatted for display. */
  readonly rows: readonly (readonly string[])[];
  readonly error?: string;
}

export type ScriptType = 'view' | 'procedure';
export type ModelTableMode = 'existing' | 'new';

/** An object name the user typed and what the host found about it. */
export interface NameCheckView {
  readonly text: string;
  readonly error?: string;
  /** The object already exists in the database. */
  readonly exists?: boolean;
}

export interface DeployView {
  readonly status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  readonly step?: string;
  readonly message?: string;
}

/** The whole wizard as the webview renders it. Sent after every change. */
export interface WizardView {
  readonly page: WizardPage;
  /** `connection name · schema.table`, for the header. */
  readonly title: string;
  readonly tableName: string;
  /** A problem with the whole wizard (connection lost, ...), shown above the page. */
  readonly banner?: string;

  // Page 1
  readonly registries: readonly RegistryOption[];
  readonly registry: string;
  readonly search: string;
  readonly versionsStatus: LoadStatus;
  readonly versionsError?: string;
  /** Filtered by `search`, newest first: the versions read so far. */
  readonly versions: readonly ModelVersionRow[];
  /** Whether older versions remain to be read (a Load more button), or are being read. */
  readonly versionsMore: VersionsMore;
  readonly selectedVersion: string;
  readonly modelStatus: LoadStatus;
  readonly modelError?: string;

  // Page 2
  readonly sourceColumns: readonly SourceColumnOption[];
  readonly modelInputs: readonly ModelPortInfo[];
  readonly modelOutputs: readonly ModelPortInfo[];
  readonly inputTypes: readonly string[];
  readonly outputTypes: readonly string[];
  readonly inputs: readonly InputRowView[];
  readonly outputs: readonly OutputRowView[];
  /** Table-level mapping problems (a model input left unmapped, ...). */
  readonly mappingErrors: readonly string[];
  readonly passThrough: readonly string[];
  readonly preview: PreviewView;

  // Page 3
  readonly scriptType: ScriptType;
  readonly scriptName: NameCheckView;
  readonly modelTableMode: ModelTableMode;
  readonly modelTablesStatus: LoadStatus;
  /** Existing tables that can hold models (passed `checkModelTable`). */
  readonly modelTables: readonly string[];
  readonly existingTable: string;
  readonly existingTableError?: string;
  readonly newTableName: NameCheckView;
  readonly replaceExisting: boolean;
  /** The generated script, read-only; empty until the mapping and names are valid. */
  readonly script: string;

  readonly canBack: boolean;
  readonly canNext: boolean;
  /** Why Next (or Deploy on the last page) is disabled, for the tooltip and screen readers. */
  readonly blockedReason?: string;
  readonly canDeploy: boolean;
  readonly deploy: DeployView;
}

// ---------------------------------------------------------------------------------------------
// Edits: one command carries any field change; the host's reducer applies it.

export type WizardEdit =
  | { readonly field: 'registry'; readonly value: string }
  | { readonly field: 'search'; readonly value: string }
  | { readonly field: 'selectedVersion'; readonly value: string }
  | { readonly field: 'input'; readonly id: number; readonly sourceColumn?: string; readonly modelInput?: string; readonly inputType?: string }
  | { readonly field: 'addInput' }
  | { readonly field: 'removeInput'; readonly id: number }
  | { readonly field: 'output'; readonly id: number; readonly modelOutput?: string; readonly outputType?: string }
  | { readonly field: 'addOutput' }
  | { readonly field: 'removeOutput'; readonly id: number }
  | { readonly field: 'passThrough'; readonly value: readonly string[] }
  | { readonly field: 'scriptType'; readonly value: ScriptType }
  | { readonly field: 'scriptName'; readonly value: string }
  | { readonly field: 'modelTableMode'; readonly value: ModelTableMode }
  | { readonly field: 'existingTable'; readonly value: string }
  | { readonly field: 'newTableName'; readonly value: string }
  | { readonly field: 'replaceExisting'; readonly value: boolean };

export type WizardEditField = WizardEdit['field'];

// ---------------------------------------------------------------------------------------------
// The messages

/** The webview has loaded and wants the current view. */
export const ReadyCommand = command<Record<string, never>>('ready');
/** The webview has rendered its first page (the host measures the time to it). */
export const RenderedCommand = command<Record<string, never>>('rendered');
export const EditCommand = command<WizardEdit>('edit');
export const NextCommand = command<Record<string, never>>('next');
export const BackCommand = command<Record<string, never>>('back');
export const CancelCommand = command<Record<string, never>>('cancel');
/** Deploy model + open script. */
export const DeployCommand = command<Record<string, never>>('deploy');
/** Reload the versions of the chosen registry. */
export const RefreshCommand = command<Record<string, never>>('refresh');
/** Read the next page of older versions. */
export const LoadMoreCommand = command<Record<string, never>>('loadMore');

export interface PreviewResult {
  readonly ok: boolean;
  readonly error?: string;
}
/** Score the first rows of the table locally; the result also arrives in the view. */
export const PreviewRequest = request<Record<string, never>, PreviewResult>('preview');

export const StateNotification = notification<{ readonly view: WizardView }>('state');

// ---------------------------------------------------------------------------------------------
// Envelopes

type SimpleCommand = 'ready' | 'rendered' | 'next' | 'back' | 'cancel' | 'deploy' | 'refresh' | 'loadMore';

export type WebviewMessage =
  | { readonly kind: 'command'; readonly method: SimpleCommand }
  | { readonly kind: 'command'; readonly method: 'edit'; readonly params: WizardEdit }
  | { readonly kind: 'request'; readonly id: number; readonly method: 'preview' };

export type HostMessage =
  | { readonly kind: 'notification'; readonly method: 'state'; readonly params: { readonly view: WizardView } }
  | { readonly kind: 'response'; readonly id: number; readonly method: 'preview'; readonly result: PreviewResult };

/** Builds a command envelope with the parameter type its declaration demands. */
export function commandMessage<P>(type: IpcCommandType<P>, ...params: P extends Record<string, never> ? [] : [P]): WebviewMessage {
  const p = params[0];
  return (p === undefined ? { kind: 'command', method: type.method } : { kind: 'command', method: type.method, params: p }) as WebviewMessage;
}

// ---------------------------------------------------------------------------------------------
// Validation of what the webview posts (the host never trusts it)

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const SIMPLE_COMMANDS = new Set(['ready', 'rendered', 'next', 'back', 'cancel', 'deploy', 'refresh', 'loadMore']);
/** Longest text a field accepts; longer input is refused rather than truncated. */
export const MAX_FIELD_LENGTH = 4000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw new ProtocolError(`'${key}' must be a string.`);
  if (v.length > MAX_FIELD_LENGTH) throw new ProtocolError(`'${key}' is longer than ${MAX_FIELD_LENGTH} characters.`);
  return v;
}

function rowId(o: Record<string, unknown>): number {
  const v = o['id'];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ProtocolError(`'id' must be a non-negative integer.`);
  return v;
}

function parseEdit(p: unknown): WizardEdit {
  if (!isRecord(p)) throw new ProtocolError('An edit must be an object.');
  const field = p['field'];
  switch (field) {
    case 'registry':
    case 'search':
    case 'selectedVersion':
    case 'scriptName':
    case 'existingTable':
    case 'newTableName':
      return { field, value: str(p, 'value')! };
    case 'input':
      return {
        field,
        id: rowId(p),
        sourceColumn: str(p, 'sourceColumn', true),
        modelInput: str(p, 'modelInput', true),
        inputType: str(p, 'inputType', true),
      };
    case 'output':
      return { field, id: rowId(p), modelOutput: str(p, 'modelOutput', true), outputType: str(p, 'outputType', true) };
    case 'addInput':
    case 'addOutput':
      return { field };
    case 'removeInput':
    case 'removeOutput':
      return { field, id: rowId(p) };
    case 'passThrough': {
      const v = p['value'];
      if (!Array.isArray(v) || v.length > 4096 || !v.every((x) => typeof x === 'string' && x.length <= MAX_FIELD_LENGTH)) {
        throw new ProtocolError(`'value' must be a list of column names.`);
      }
      return { field, value: v as string[] };
    }
    case 'scriptType': {
      const v = p['value'];
      if (v !== 'view' && v !== 'procedure') throw new ProtocolError(`'value' must be 'view' or 'procedure'.`);
      return { field, value: v };
    }
    case 'modelTableMode': {
      const v = p['value'];
      if (v !== 'existing' && v !== 'new') throw new ProtocolError(`'value' must be 'existing' or 'new'.`);
      return { field, value: v };
    }
    case 'replaceExisting': {
      const v = p['value'];
      if (typeof v !== 'boolean') throw new ProtocolError(`'value' must be true or false.`);
      return { field, value: v };
    }
    default:
      throw new ProtocolError(`Unknown field '${String(field).slice(0, 40)}'.`);
  }
}

/** Checks a message posted by the webview. Throws ProtocolError naming what is wrong. */
export function parseWebviewMessage(raw: unknown): WebviewMessage {
  if (!isRecord(raw)) throw new ProtocolError('A message must be an object.');
  const { kind, method } = raw;
  if (kind === 'command') {
    if (typeof method === 'string' && SIMPLE_COMMANDS.has(method)) {
      return { kind, method: method as SimpleCommand };
    }
    if (method === 'edit') return { kind, method, params: parseEdit(raw['params']) };
    throw new ProtocolError(`Unknown command '${String(method).slice(0, 40)}'.`);
  }
  if (kind === 'request') {
    const id = raw['id'];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new ProtocolError(`A request needs a non-negative integer 'id'.`);
    if (method === 'preview') return { kind, id, method };
    throw new ProtocolError(`Unknown request '${String(method).slice(0, 40)}'.`);
  }
  throw new ProtocolError(`Unknown message kind '${String(kind).slice(0, 40)}'.`);
}
