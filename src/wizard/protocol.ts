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
 * posts intents. The host checks every incoming message with `parseWebviewMessage`
 * (`webview-message.ts`) before use.
 */

// ---------------------------------------------------------------------------------------------
// Message type declarations: one constant per message, each with an `is()` guard; the unions of
// messages below derive from these constants, so a method name is written once.

/** The parameters of a message that carries none. */
export type NoParams = Record<string, never>;

export class IpcCommandType<P, M extends string> {
  readonly kind = 'command';
  /** Phantom: carries the parameter type. Never set. */
  declare readonly params?: P;
  constructor(readonly method: M) {}
  /** Whether `m` is this command (after `parseWebviewMessage` has checked it). */
  is(m: { readonly kind: string; readonly method: string }): m is CommandMessage<P, M> {
    return m.kind === 'command' && m.method === this.method;
  }
}
export class IpcRequestType<P, R, M extends string> {
  readonly kind = 'request';
  declare readonly params?: P;
  declare readonly response?: R;
  constructor(readonly method: M) {}
  is(m: { readonly kind: string; readonly method: string }): m is RequestMessage<M> {
    return m.kind === 'request' && m.method === this.method;
  }
}
export class IpcNotificationType<P, M extends string> {
  readonly kind = 'notification';
  declare readonly params?: P;
  constructor(readonly method: M) {}
  is(m: { readonly kind: string; readonly method: string }): m is NotificationMessage<P, M> {
    return m.kind === 'notification' && m.method === this.method;
  }
}

/** A command as posted: no `params` when it carries none. */
export type CommandMessage<P, M extends string> = [P] extends [NoParams]
  ? { readonly kind: 'command'; readonly method: M }
  : { readonly kind: 'command'; readonly method: M; readonly params: P };
export interface RequestMessage<M extends string> {
  readonly kind: 'request';
  readonly id: number;
  readonly method: M;
}
export interface NotificationMessage<P, M extends string> {
  readonly kind: 'notification';
  readonly method: M;
  readonly params: P;
}
export interface ResponseMessage<R, M extends string> {
  readonly kind: 'response';
  readonly id: number;
  readonly method: M;
  readonly result: R;
}

function command<M extends string>(method: M): IpcCommandType<NoParams, M> {
  return new IpcCommandType<NoParams, M>(method);
}
function commandWith<P>(): <M extends string>(method: M) => IpcCommandType<P, M> {
  return (method) => new IpcCommandType(method);
}
function request<P, R>(): <M extends string>(method: M) => IpcRequestType<P, R, M> {
  return (method) => new IpcRequestType(method);
}
function notification<P>(): <M extends string>(method: M) => IpcNotificationType<P, M> {
  return (method) => new IpcNotificationType(method);
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
  /** Shown beside the name: models/source.ts's RegistryKind, repeated so the protocol imports nothing (webview-message.ts checks they agree). */
  readonly kind: 'local' | 'mlflow' | 'azureml';
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

/** sql/script.ts's ScriptType, repeated here so the protocol imports nothing (webview-message.ts checks they agree). */
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
export const ReadyCommand = command('ready');
/** The webview has rendered its first page (the host measures the time to it). */
export const RenderedCommand = command('rendered');
export const EditCommand = commandWith<WizardEdit>()('edit');
export const NextCommand = command('next');
export const BackCommand = command('back');
export const CancelCommand = command('cancel');
/** Deploy model + open script. */
export const DeployCommand = command('deploy');
/** Reload the versions of the chosen registry. */
export const RefreshCommand = command('refresh');
/** Read the next page of older versions. */
export const LoadMoreCommand = command('loadMore');

export interface PreviewResult {
  readonly ok: boolean;
  readonly error?: string;
}
/** Score the first rows of the table locally; the result also arrives in the view. */
export const PreviewRequest = request<NoParams, PreviewResult>()('preview');

export const StateNotification = notification<{ readonly view: WizardView }>()('state');

// ---------------------------------------------------------------------------------------------
// Envelopes, derived from the constants above

/** The commands that carry no parameters: the one list of their names. */
export const SIMPLE_COMMANDS = [
  ReadyCommand,
  RenderedCommand,
  NextCommand,
  BackCommand,
  CancelCommand,
  DeployCommand,
  RefreshCommand,
  LoadMoreCommand,
] as const;
export type SimpleCommand = (typeof SIMPLE_COMMANDS)[number]['method'];

type MessageOfCommand<T> = T extends IpcCommandType<infer P, infer M> ? CommandMessage<P, M> : never;
type MessageOfRequest<T> = T extends IpcRequestType<unknown, unknown, infer M> ? RequestMessage<M> : never;

export type WebviewMessage = MessageOfCommand<(typeof SIMPLE_COMMANDS)[number] | typeof EditCommand> | MessageOfRequest<typeof PreviewRequest>;

export type HostMessage =
  NotificationMessage<{ readonly view: WizardView }, typeof StateNotification.method> | ResponseMessage<PreviewResult, typeof PreviewRequest.method>;

/** Builds a command envelope with the parameter type its declaration demands. */
export function commandMessage<P, M extends string>(type: IpcCommandType<P, M>, ...params: [P] extends [NoParams] ? [] : [P]): CommandMessage<P, M> {
  const p = params[0];
  return (p === undefined ? { kind: 'command', method: type.method } : { kind: 'command', method: type.method, params: p }) as CommandMessage<P, M>;
}

/** Builds a request envelope. */
export function requestMessage<M extends string>(type: IpcRequestType<unknown, unknown, M>, id: number): RequestMessage<M> {
  return { kind: 'request', id, method: type.method };
}

/** Builds a notification envelope. */
export function notificationMessage<P, M extends string>(type: IpcNotificationType<P, M>, params: P): NotificationMessage<P, M> {
  return { kind: 'notification', method: type.method, params };
}

/** Builds the response to a request. */
export function responseMessage<R, M extends string>(type: IpcRequestType<unknown, R, M>, id: number, result: R): ResponseMessage<R, M> {
  return { kind: 'response', id, method: type.method, result };
}
