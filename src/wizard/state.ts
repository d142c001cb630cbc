/**
 * The wizard as data: its state, a pure reducer over user edits and host events, and the view
 * (with every validation message a user sees) computed from the state. No vscode, no I/O: the
 * reducer returns the effects the host must run (load versions, read a model, check a name).
 */
import type {
  DeployView,
  InputRowView,
  ModelPortInfo,
  ModelTableMode,
  ModelVersionRow,
  NameCheckView,
  OutputRowView,
  PreviewView,
  RegistryOption,
  ScriptType,
  SourceColumnOption,
  VersionsMore,
  WizardEdit,
  WizardPage,
  WizardView,
} from './protocol.js';
import { WIZARD_PAGES } from './protocol.js';
import { displayObjectName, parseObjectName, sameName, SqlNameError, type ObjectName } from '../sql/names.js';
import { messageOf } from '../common/errors.js';

// ---------------------------------------------------------------------------------------------
// Inputs from the host

/** The table the wizard was opened on. */
export interface WizardTarget {
  readonly connectionName: string;
  readonly table: ObjectName;
  readonly columns: readonly SourceColumnOption[];
}

/** What the wizard needs to know of a model version once read. */
export interface WizardModel {
  readonly inputs: readonly ModelPortInfo[];
  readonly outputs: readonly ModelPortInfo[];
}

/** A suggested mapping (from the model's signature and the table's columns). */
export interface MappingSuggestion {
  readonly inputs: readonly { sourceColumn: string; modelInput: string; inputType: string; warnings: readonly string[] }[];
  readonly outputs: readonly { modelOutput: string; outputType: string; warnings: readonly string[] }[];
  /** Key columns to return beside the predictions. */
  readonly passThrough?: readonly string[];
}

/** Everything the script generator and the deployer need, resolved from a valid state. */
export interface WizardPlan {
  readonly table: ObjectName;
  readonly registry: string;
  readonly model: ModelVersionRow;
  /** Model row ID: `<name>:<version>`. */
  readonly modelId: string;
  readonly inputs: readonly { sourceColumn: string; sourceType: string; modelInput: string; inputType: string }[];
  readonly outputs: readonly { modelOutput: string; outputType: string }[];
  readonly passThrough: readonly string[];
  /** The SQL types of the pass-through columns, by name. */
  readonly passThroughTypes?: Readonly<Record<string, string>>;
  readonly scriptType: ScriptType;
  readonly scriptName: ObjectName;
  readonly modelTable: ObjectName;
  readonly createModelTable: boolean;
  readonly replaceExisting: boolean;
}

/** The SQL rules the wizard applies: built by the host from src/sql/types.ts and src/sql/script.ts. */
export interface WizardRules {
  readonly inputTypes: readonly string[];
  readonly outputTypes: readonly string[];
  /** Why `type` cannot be a PREDICT input type, or undefined. */
  inputTypeProblem(type: string): string | undefined;
  outputTypeProblem(type: string): string | undefined;
  /** A warning when casting the column to `inputType` can lose data. */
  castWarning(column: SourceColumnOption, inputType: string): string | undefined;
  /** The scoring script for a valid plan. Throws an Error with a user-readable message. */
  buildScript(plan: WizardPlan): string;
}

// ---------------------------------------------------------------------------------------------
// State

export interface InputRow {
  readonly id: number;
  readonly sourceColumn: string;
  readonly modelInput: string;
  readonly inputType: string;
  /** Warnings from the suggestion; dropped once the user changes the row. */
  readonly suggestionWarnings: readonly string[];
}
export interface OutputRow {
  readonly id: number;
  readonly modelOutput: string;
  readonly outputType: string;
  readonly suggestionWarnings: readonly string[];
}

export type NameKind = 'script' | 'newTable';

/**
 * The fields the view shows exactly as the state holds them (`viewOf` passes them through); the
 * state's own fields below are the ones the view shows derived (checked names, validated rows,
 * versions filtered by the search) or not at all.
 */
type ShownAsHeld = Pick<
  WizardView,
  | 'page'
  | 'banner'
  | 'registries'
  | 'registry'
  | 'search'
  | 'versionsStatus'
  | 'versionsError'
  | 'versionsMore'
  | 'selectedVersion'
  | 'modelStatus'
  | 'modelError'
  | 'passThrough'
  | 'preview'
  | 'scriptType'
  | 'modelTableMode'
  | 'modelTablesStatus'
  | 'modelTables'
  | 'existingTable'
  | 'replaceExisting'
  | 'deploy'
>;

export interface WizardState extends ShownAsHeld {
  readonly target: WizardTarget;
  /** The versions read so far, newest first. */
  readonly versions: readonly ModelVersionRow[];
  readonly model?: WizardModel;
  readonly inputs: readonly InputRow[];
  readonly outputs: readonly OutputRow[];
  readonly nextRowId: number;
  readonly scriptName: string;
  readonly newTableName: string;
  /** Results of existence checks, keyed by `nameKey(kind, object)`; undefined while being checked. */
  readonly existing: Readonly<Record<string, boolean | undefined>>;
}

export type WizardAction =
  | { readonly type: 'edit'; readonly edit: WizardEdit }
  | { readonly type: 'next' }
  | { readonly type: 'back' }
  | { readonly type: 'versionsLoading'; readonly registry: string }
  /** Every version at once. */
  | { readonly type: 'versionsLoaded'; readonly registry: string; readonly versions: readonly ModelVersionRow[] }
  /**
   * A page of versions as it arrives: the first page of a load replaces the list, later ones add to
   * it. `more` says whether older versions remain.
   */
  | {
      readonly type: 'versionsPage';
      readonly registry: string;
      readonly versions: readonly ModelVersionRow[];
      readonly first: boolean;
      readonly more: VersionsMore;
    }
  | { readonly type: 'versionsFailed'; readonly registry: string; readonly error: string }
  /** Reading a further page failed: the versions read so far stay, Load more can try again. */
  | { readonly type: 'versionsMoreFailed'; readonly registry: string; readonly error: string }
  /** The user asked for older versions (Load more). */
  | { readonly type: 'loadMore' }
  | { readonly type: 'modelLoaded'; readonly key: string; readonly model: WizardModel; readonly suggestion: MappingSuggestion }
  | { readonly type: 'modelFailed'; readonly key: string; readonly error: string }
  | { readonly type: 'modelTablesLoaded'; readonly tables: readonly string[] }
  | { readonly type: 'modelTablesFailed'; readonly error: string }
  | { readonly type: 'nameChecked'; readonly kind: NameKind; readonly key: string; readonly exists: boolean }
  | { readonly type: 'previewStarted' }
  | { readonly type: 'previewDone'; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly type: 'previewFailed'; readonly error: string }
  | { readonly type: 'deploy'; readonly deploy: DeployView }
  | { readonly type: 'banner'; readonly message: string | undefined };

/** Work the host must do after a transition. */
export type WizardEffect =
  | { readonly kind: 'loadVersions'; readonly registry: string }
  /** Read the next page of older versions; with `all`, every remaining page (a search needs them all). */
  | { readonly kind: 'loadMoreVersions'; readonly registry: string; readonly all: boolean }
  | { readonly kind: 'loadModel'; readonly registry: string; readonly version: ModelVersionRow }
  | { readonly kind: 'loadModelTables' }
  | {
      readonly kind: 'checkName';
      readonly which: NameKind;
      readonly key: string;
      readonly name: ObjectName;
      readonly objectType: 'view' | 'procedure' | 'table';
    };

export interface Transition {
  readonly state: WizardState;
  readonly effects: readonly WizardEffect[];
}

const IDLE_PREVIEW: PreviewView = { status: 'idle', columns: [], rows: [] };

/** The first state, on the table the user chose. Returns the effect that loads the first registry. */
export function initialState(target: WizardTarget, registries: readonly RegistryOption[]): Transition {
  const schema = target.table.schema ?? 'dbo';
  const state: WizardState = {
    page: 'model',
    target,
    registries,
    registry: registries[0]?.name ?? '',
    search: '',
    versionsStatus: registries.length ? 'loading' : 'idle',
    versions: [],
    versionsMore: 'none',
    selectedVersion: '',
    modelStatus: 'idle',
    inputs: [],
    outputs: [],
    nextRowId: 1,
    passThrough: [],
    preview: IDLE_PREVIEW,
    scriptType: 'view',
    scriptName: displayObjectName({ schema, name: `${stripSuffix(target.table.name)}Prediction` }),
    modelTableMode: 'existing',
    modelTablesStatus: 'idle',
    modelTables: [],
    existingTable: '',
    newTableName: displayObjectName({ schema, name: 'AMLModel' }),
    existing: {},
    replaceExisting: false,
    deploy: { status: 'idle' },
    banner: registries.length
      ? undefined
      : 'No model registry is configured. Add one to the predictWizard.modelRegistries setting, then open the wizard again.',
  };
  return { state, effects: registries.length ? [{ kind: 'loadVersions', registry: state.registry }] : [] };
}

function stripSuffix(table: string): string {
  return table.replace(/(Test|Data|Table)$/i, '') || table;
}

/** Newest first: by creation time, then by version number. */
export function sortVersions(rows: readonly ModelVersionRow[]): ModelVersionRow[] {
  return [...rows].sort((a, b) => {
    const t = (Date.parse(b.created) || 0) - (Date.parse(a.created) || 0);
    if (t !== 0) return t;
    if (a.name !== b.name) return a.name.localeCompare(b.name);
    return (Number(b.version) || 0) - (Number(a.version) || 0) || b.version.localeCompare(a.version);
  });
}

export function filterVersions(rows: readonly ModelVersionRow[], search: string): ModelVersionRow[] {
  const q = search.trim().toLowerCase();
  if (!q) return [...rows];
  return rows.filter((r) => [r.name, r.version, r.createdBy, r.framework, r.key].some((f) => f.toLowerCase().includes(q)));
}

/** Key of an existence check: the kind and the object's name, compared case-insensitively. */
export function nameKey(kind: NameKind, obj: ObjectName): string {
  return `${kind}:${[obj.database ?? '', obj.schema ?? '', obj.name].map((p) => p.toLowerCase()).join('\u0001')}`;
}

// ---------------------------------------------------------------------------------------------
// Reducer

export function reduce(state: WizardState, action: WizardAction, rules: WizardRules): Transition {
  switch (action.type) {
    case 'edit':
      return applyEdit(state, action.edit);
    case 'next':
      return goNext(state, rules);
    case 'back':
      if (state.deploy.status === 'running') return { state, effects: [] };
      return { state: { ...state, page: WIZARD_PAGES[Math.max(0, WIZARD_PAGES.indexOf(state.page) - 1)]! }, effects: [] };
    case 'versionsLoading':
      if (action.registry !== state.registry) return { state, effects: [] };
      return { state: { ...state, versionsStatus: 'loading', versionsError: undefined, versionsMore: 'none' }, effects: [] };
    case 'versionsLoaded':
      if (action.registry !== state.registry) return { state, effects: [] };
      return {
        state: { ...state, versionsStatus: 'loaded', versionsError: undefined, versions: sortVersions(action.versions), versionsMore: 'none' },
        effects: [],
      };
    case 'versionsPage': {
      if (action.registry !== state.registry) return { state, effects: [] };
      let versions: ModelVersionRow[];
      if (action.first) versions = sortVersions(action.versions);
      else {
        const added = new Map(action.versions.map((v) => [v.key, v]));
        versions = sortVersions([...state.versions.filter((v) => !added.has(v.key)), ...added.values()]);
      }
      return {
        state: {
          ...state,
          versionsStatus: 'loaded',
          versionsError: action.first ? undefined : state.versionsError,
          versions,
          versionsMore: action.more,
        },
        effects: [],
      };
    }
    case 'versionsFailed':
      if (action.registry !== state.registry) return { state, effects: [] };
      return { state: { ...state, versionsStatus: 'error', versionsError: action.error, versions: [], versionsMore: 'none' }, effects: [] };
    case 'versionsMoreFailed':
      if (action.registry !== state.registry) return { state, effects: [] };
      return { state: { ...state, versionsError: action.error, versionsMore: 'more' }, effects: [] };
    case 'loadMore':
      if (state.versionsMore !== 'more' || !state.registry) return { state, effects: [] };
      return {
        state: { ...state, versionsMore: 'loading', versionsError: undefined },
        effects: [{ kind: 'loadMoreVersions', registry: state.registry, all: false }],
      };
    case 'modelLoaded': {
      if (action.key !== state.selectedVersion) return { state, effects: [] };
      let id = state.nextRowId;
      const inputs = action.suggestion.inputs.map((s) => ({
        id: id++,
        sourceColumn: s.sourceColumn,
        modelInput: s.modelInput,
        inputType: s.inputType,
        suggestionWarnings: s.warnings,
      }));
      const outputs = action.suggestion.outputs.map((s) => ({
        id: id++,
        modelOutput: s.modelOutput,
        outputType: s.outputType,
        suggestionWarnings: s.warnings,
      }));
      return {
        state: {
          ...state,
          modelStatus: 'loaded',
          modelError: undefined,
          model: action.model,
          inputs,
          outputs,
          nextRowId: id,
          passThrough: (action.suggestion.passThrough ?? []).filter((p) => state.target.columns.some((c) => c.name === p)),
          preview: IDLE_PREVIEW,
        },
        effects: [],
      };
    }
    case 'modelFailed':
      if (action.key !== state.selectedVersion) return { state, effects: [] };
      return { state: { ...state, modelStatus: 'error', modelError: action.error, model: undefined }, effects: [] };
    case 'modelTablesLoaded': {
      const tables = [...action.tables];
      const existingTable = state.existingTable && tables.some((t) => t === state.existingTable) ? state.existingTable : (tables[0] ?? '');
      const modelTableMode: ModelTableMode = tables.length === 0 ? 'new' : state.modelTableMode;
      return { state: { ...state, modelTablesStatus: 'loaded', modelTables: tables, existingTable, modelTableMode }, effects: [] };
    }
    case 'modelTablesFailed':
      return { state: { ...state, modelTablesStatus: 'error', modelTables: [], banner: action.error }, effects: [] };
    case 'nameChecked':
      return { state: { ...state, existing: { ...state.existing, [action.key]: action.exists } }, effects: [] };
    case 'previewStarted':
      return { state: { ...state, preview: { status: 'loading', columns: [], rows: [] } }, effects: [] };
    case 'previewDone':
      return { state: { ...state, preview: { status: 'loaded', columns: action.columns, rows: action.rows } }, effects: [] };
    case 'previewFailed':
      return { state: { ...state, preview: { status: 'error', columns: [], rows: [], error: action.error } }, effects: [] };
    case 'deploy':
      return { state: { ...state, deploy: action.deploy }, effects: [] };
    case 'banner':
      return { state: { ...state, banner: action.message }, effects: [] };
  }
}

function applyEdit(state: WizardState, edit: WizardEdit): Transition {
  if (state.deploy.status === 'running') return { state, effects: [] };
  const none = (s: WizardState): Transition => ({ state: s, effects: [] });
  switch (edit.field) {
    case 'registry': {
      if (!state.registries.some((r) => r.name === edit.value) || edit.value === state.registry) return none(state);
      return {
        state: { ...state, registry: edit.value, versions: [], versionsMore: 'none', versionsStatus: 'loading', versionsError: undefined, ...clearModel() },
        effects: [{ kind: 'loadVersions', registry: edit.value }],
      };
    }
    case 'search': {
      // A search looks through every version: older ones not read yet are read now, page by page.
      if (!edit.value.trim() || state.versionsMore === 'none' || !state.registry) return none({ ...state, search: edit.value });
      return {
        state: { ...state, search: edit.value, versionsMore: 'loading' },
        effects: [{ kind: 'loadMoreVersions', registry: state.registry, all: true }],
      };
    }
    case 'selectedVersion': {
      if (edit.value === state.selectedVersion) return none(state);
      const row = state.versions.find((v) => v.key === edit.value);
      if (!row) return none(state);
      if (row.disabledReason) return none({ ...state, selectedVersion: row.key, ...clearModel(), modelStatus: 'idle' });
      return {
        state: { ...state, selectedVersion: row.key, ...clearModel(), modelStatus: 'loading' },
        effects: [{ kind: 'loadModel', registry: state.registry, version: row }],
      };
    }
    case 'input': {
      const inputs = state.inputs.map((r) => {
        if (r.id !== edit.id) return r;
        const next = {
          ...r,
          sourceColumn: edit.sourceColumn ?? r.sourceColumn,
          modelInput: edit.modelInput ?? r.modelInput,
          inputType: edit.inputType ?? r.inputType,
        };
        const changed = next.sourceColumn !== r.sourceColumn || next.modelInput !== r.modelInput || next.inputType !== r.inputType;
        return changed ? { ...next, suggestionWarnings: [] } : r;
      });
      return none({ ...state, inputs, preview: IDLE_PREVIEW });
    }
    case 'addInput': {
      const mapped = new Set(state.inputs.map((r) => r.modelInput.toLowerCase()));
      const nextInput = state.model?.inputs.find((i) => !mapped.has(i.name.toLowerCase()));
      const row: InputRow = {
        id: state.nextRowId,
        sourceColumn: '',
        modelInput: nextInput?.name ?? '',
        inputType: nextInput?.suggestedSqlType ?? '',
        suggestionWarnings: [],
      };
      return none({ ...state, inputs: [...state.inputs, row], nextRowId: state.nextRowId + 1, preview: IDLE_PREVIEW });
    }
    case 'removeInput':
      return none({ ...state, inputs: state.inputs.filter((r) => r.id !== edit.id), preview: IDLE_PREVIEW });
    case 'output': {
      const outputs = state.outputs.map((r) => {
        if (r.id !== edit.id) return r;
        const next = { ...r, modelOutput: edit.modelOutput ?? r.modelOutput, outputType: edit.outputType ?? r.outputType };
        const changed = next.modelOutput !== r.modelOutput || next.outputType !== r.outputType;
        return changed ? { ...next, suggestionWarnings: [] } : r;
      });
      return none({ ...state, outputs, preview: IDLE_PREVIEW });
    }
    case 'addOutput': {
      const mapped = new Set(state.outputs.map((r) => r.modelOutput.toLowerCase()));
      const nextOutput = state.model?.outputs.find((o) => !mapped.has(o.name.toLowerCase()));
      const row: OutputRow = {
        id: state.nextRowId,
        modelOutput: nextOutput?.name ?? '',
        outputType: nextOutput?.suggestedSqlType ?? '',
        suggestionWarnings: [],
      };
      return none({ ...state, outputs: [...state.outputs, row], nextRowId: state.nextRowId + 1, preview: IDLE_PREVIEW });
    }
    case 'removeOutput':
      return none({ ...state, outputs: state.outputs.filter((r) => r.id !== edit.id), preview: IDLE_PREVIEW });
    case 'passThrough': {
      // Keep the table's column order and drop duplicates.
      const chosen = state.target.columns.filter((c) => edit.value.some((v) => sameName(v, c.name))).map((c) => c.name);
      const unknown = edit.value.filter((v) => !state.target.columns.some((c) => sameName(c.name, v)));
      return none({ ...state, passThrough: [...chosen, ...new Set(unknown)] });
    }
    case 'scriptType':
      return withNameChecks({ ...state, scriptType: edit.value });
    case 'scriptName':
      return withNameChecks({ ...state, scriptName: edit.value, replaceExisting: false });
    case 'modelTableMode':
      return withNameChecks({ ...state, modelTableMode: edit.value });
    case 'existingTable':
      return none({ ...state, existingTable: edit.value });
    case 'newTableName':
      return withNameChecks({ ...state, newTableName: edit.value });
    case 'replaceExisting':
      return none({ ...state, replaceExisting: edit.value });
  }
}

function clearModel(): Partial<WizardState> {
  return { model: undefined, modelError: undefined, modelStatus: 'idle', inputs: [], outputs: [], passThrough: [], preview: IDLE_PREVIEW };
}

/** Asks the host to check whether the typed names exist, for the names not checked yet. */
function withNameChecks(state: WizardState): Transition {
  const effects: WizardEffect[] = [];
  const script = tryParse(state.scriptName, state.target.table.schema);
  if (script.name) {
    const key = nameKey('script', script.name);
    if (!(key in state.existing)) effects.push({ kind: 'checkName', which: 'script', key, name: script.name, objectType: state.scriptType });
  }
  if (state.modelTableMode === 'new') {
    const table = tryParse(state.newTableName, state.target.table.schema);
    if (table.name) {
      const key = nameKey('newTable', table.name);
      if (!(key in state.existing)) effects.push({ kind: 'checkName', which: 'newTable', key, name: table.name, objectType: 'table' });
    }
  }
  if (!effects.length) return { state, effects };
  const pending = Object.fromEntries(effects.map((e) => [e.kind === 'checkName' ? e.key : '', undefined]));
  return { state: { ...state, existing: { ...state.existing, ...pending } }, effects };
}

function goNext(state: WizardState, rules: WizardRules): Transition {
  if (state.deploy.status === 'running') return { state, effects: [] };
  const problem = pageProblem(state, state.page, rules);
  if (problem !== undefined || state.page === 'store') return { state, effects: [] };
  if (state.page === 'model') return { state: { ...state, page: 'map' }, effects: [] };
  const next = withNameChecks({ ...state, page: 'store', modelTablesStatus: 'loading' });
  return { state: next.state, effects: [{ kind: 'loadModelTables' }, ...next.effects] };
}

// ---------------------------------------------------------------------------------------------
// Validation

function tryParse(text: string, defaultSchema: string | undefined): { name?: ObjectName; error?: string } {
  try {
    return { name: parseObjectName(text, defaultSchema ?? 'dbo') };
  } catch (e) {
    return { error: e instanceof SqlNameError ? e.message : String(e) };
  }
}

const SCRIPT_WORD: Record<ScriptType, string> = { view: 'view', procedure: 'stored procedure' };

interface Validation {
  readonly inputs: InputRowView[];
  readonly outputs: OutputRowView[];
  readonly mappingErrors: string[];
  readonly scriptName: NameCheckView & { object?: ObjectName };
  readonly newTableName: NameCheckView & { object?: ObjectName };
  readonly existingTableError?: string;
  readonly modelTable?: ObjectName;
}

function validate(state: WizardState, rules: WizardRules): Validation {
  const columns = state.target.columns;
  const model = state.model;
  const inputs: InputRowView[] = state.inputs.map((r) => {
    const errors: { sourceColumn?: string; modelInput?: string; inputType?: string } = {};
    const warnings = [...r.suggestionWarnings];
    const column = columns.find((c) => sameName(c.name, r.sourceColumn));
    if (!r.sourceColumn) errors.sourceColumn = 'Choose a source column.';
    else if (!column) errors.sourceColumn = `The table has no column '${r.sourceColumn}'.`;
    if (!r.modelInput.trim()) errors.modelInput = 'Enter the name of a model input.';
    else if (model && !model.inputs.some((i) => i.name === r.modelInput)) {
      const near = model.inputs.find((i) => sameName(i.name, r.modelInput));
      errors.modelInput = near
        ? `Model input names are case-sensitive: did you mean '${near.name}'?`
        : `The model has no input '${r.modelInput}'. Its inputs are: ${model.inputs.map((i) => i.name).join(', ')}.`;
    } else if (state.inputs.filter((o) => o.modelInput === r.modelInput).length > 1) {
      errors.modelInput = `The model input '${r.modelInput}' is mapped more than once.`;
    }
    if (!r.inputType.trim()) errors.inputType = 'Choose an input type.';
    else {
      const p = rules.inputTypeProblem(r.inputType);
      if (p) errors.inputType = p;
      else if (column) {
        const w = rules.castWarning(column, r.inputType);
        if (w && !warnings.includes(w)) warnings.push(w);
      }
    }
    return { id: r.id, sourceColumn: r.sourceColumn, modelInput: r.modelInput, inputType: r.inputType, warnings, errors };
  });

  const outputs: OutputRowView[] = state.outputs.map((r) => {
    const errors: { modelOutput?: string; outputType?: string } = {};
    if (!r.modelOutput.trim()) errors.modelOutput = 'Enter the name of a model output.';
    else if (model && !model.outputs.some((o) => o.name === r.modelOutput)) {
      errors.modelOutput = `The model has no output '${r.modelOutput}'. Its outputs are: ${model.outputs.map((o) => o.name).join(', ')}.`;
    } else if (state.outputs.filter((o) => o.modelOutput === r.modelOutput).length > 1) {
      errors.modelOutput = `The model output '${r.modelOutput}' is listed more than once.`;
    }
    if (!r.outputType.trim()) errors.outputType = 'Choose an output type.';
    else {
      const p = rules.outputTypeProblem(r.outputType);
      if (p) errors.outputType = p;
    }
    return { id: r.id, modelOutput: r.modelOutput, outputType: r.outputType, warnings: [...r.suggestionWarnings], errors };
  });

  const mappingErrors: string[] = [];
  if (state.inputs.length === 0) mappingErrors.push('Map at least one source column to a model input.');
  if (model) {
    for (const i of model.inputs) {
      if (!state.inputs.some((r) => r.modelInput === i.name)) mappingErrors.push(`The model input '${i.name}' is not mapped to a source column.`);
    }
  }
  if (state.outputs.length === 0) mappingErrors.push('Add at least one model output.');
  for (const p of state.passThrough) {
    if (!columns.some((c) => sameName(c.name, p))) mappingErrors.push(`The pass-through column '${p}' is not a column of the table.`);
    else if (state.inputs.some((r) => sameName(r.modelInput, p))) {
      mappingErrors.push(`The pass-through column '${p}' has the same name as a model input; remove it from the pass-through columns.`);
    } else if (state.outputs.some((r) => sameName(r.modelOutput, p))) {
      mappingErrors.push(`The pass-through column '${p}' has the same name as a model output; remove it from the pass-through columns.`);
    }
  }

  const schema = state.target.table.schema;
  const word = SCRIPT_WORD[state.scriptType];
  const scriptName: NameCheckView & { object?: ObjectName } = (() => {
    const text = state.scriptName;
    if (!text.trim()) return { text, error: `Enter a ${word} name.` };
    const parsed = tryParse(text, schema);
    if (!parsed.name) return { text, error: parsed.error };
    if (parsed.name.database !== undefined) return { text, error: `A ${word} is created in the current database: use schema.name, without a database.` };
    const exists = state.existing[nameKey('script', parsed.name)];
    if (exists && !state.replaceExisting) {
      return {
        text,
        exists,
        object: parsed.name,
        error: `An object named ${displayObjectName(parsed.name)} already exists. Choose another name, or replace it.`,
      };
    }
    return { text, exists, object: parsed.name };
  })();

  const newTableName: NameCheckView & { object?: ObjectName } = (() => {
    const text = state.newTableName;
    if (state.modelTableMode !== 'new') return { text };
    if (!text.trim()) return { text, error: 'Enter a name for the new model table.' };
    const parsed = tryParse(text, schema);
    if (!parsed.name) return { text, error: parsed.error };
    if (parsed.name.database !== undefined) return { text, error: 'The model table is created in the current database: use schema.name, without a database.' };
    const exists = state.existing[nameKey('newTable', parsed.name)];
    if (exists) {
      return {
        text,
        exists,
        object: parsed.name,
        error: `A table named ${displayObjectName(parsed.name)} already exists. Choose another name, or choose Existing table.`,
      };
    }
    if (scriptName.object && sameName(displayObjectName(scriptName.object), displayObjectName(parsed.name))) {
      return { text, object: parsed.name, error: `The model table and the ${word} cannot have the same name.` };
    }
    return { text, exists, object: parsed.name };
  })();

  let existingTableError: string | undefined;
  let modelTable: ObjectName | undefined;
  if (state.modelTableMode === 'existing') {
    if (state.modelTablesStatus === 'loaded' && state.modelTables.length === 0) {
      existingTableError = 'No table in this database can hold models. Choose Create new.';
    } else if (!state.existingTable) existingTableError = 'Choose a model table.';
    else if (state.modelTablesStatus === 'loaded' && !state.modelTables.includes(state.existingTable)) {
      existingTableError = `'${state.existingTable}' is not a model table of this database.`;
    } else {
      const parsed = tryParse(state.existingTable, schema);
      if (parsed.name) modelTable = parsed.name;
      else existingTableError = parsed.error;
    }
  } else {
    modelTable = newTableName.error ? undefined : newTableName.object;
  }

  return { inputs, outputs, mappingErrors, scriptName, newTableName, existingTableError, modelTable };
}

/** Why the user cannot leave `page` forward, or undefined. */
export function pageProblem(state: WizardState, page: WizardPage, rules?: WizardRules): string | undefined {
  if (page === 'model') {
    if (!state.registry) return 'Choose a model registry.';
    const row = state.versions.find((v) => v.key === state.selectedVersion);
    if (!row) return 'Choose a model version.';
    if (row.disabledReason) return row.disabledReason;
    if (state.modelStatus === 'loading') return 'Reading the model…';
    if (state.modelStatus === 'error') return state.modelError ?? 'The model could not be read.';
    if (!state.model) return 'Reading the model…';
    return undefined;
  }
  if (!rules) return undefined;
  const v = validate(state, rules);
  if (page === 'map') {
    const rowError = [...v.inputs, ...v.outputs].flatMap((r) => Object.values(r.errors).filter((e): e is string => !!e))[0];
    return v.mappingErrors[0] ?? rowError;
  }
  return v.scriptName.error ?? (state.modelTableMode === 'new' ? v.newTableName.error : v.existingTableError);
}

/** Resolves a valid state into a plan, or returns the first problem. */
export function planOf(state: WizardState, rules: WizardRules): { plan?: WizardPlan; problem?: string } {
  for (const page of WIZARD_PAGES) {
    const p = pageProblem(state, page, rules);
    if (p) return { problem: p };
  }
  const v = validate(state, rules);
  const model = state.versions.find((r) => r.key === state.selectedVersion)!;
  const columns = state.target.columns;
  const plan: WizardPlan = {
    table: state.target.table,
    registry: state.registry,
    model,
    modelId: `${model.name}:${model.version}`,
    inputs: state.inputs.map((r) => {
      const c = columns.find((col) => sameName(col.name, r.sourceColumn))!;
      return { sourceColumn: c.name, sourceType: c.type, modelInput: r.modelInput, inputType: r.inputType };
    }),
    outputs: state.outputs.map((r) => ({ modelOutput: r.modelOutput, outputType: r.outputType })),
    passThrough: state.passThrough,
    passThroughTypes: Object.fromEntries(state.passThrough.map((p) => [p, columns.find((c) => sameName(c.name, p))?.type ?? ''])),
    scriptType: state.scriptType,
    scriptName: v.scriptName.object!,
    modelTable: v.modelTable!,
    createModelTable: state.modelTableMode === 'new',
    replaceExisting: state.replaceExisting && v.scriptName.exists === true,
  };
  return { plan };
}

/** The view the webview renders: the state plus every validation message. */
export function viewOf(state: WizardState, rules: WizardRules): WizardView {
  const v = validate(state, rules);
  const onModelPage = state.page === 'model';
  let script = '';
  let scriptError: string | undefined;
  if (state.page === 'store') {
    const { plan, problem } = planOf(state, rules);
    if (plan) {
      try {
        script = rules.buildScript(plan);
      } catch (e) {
        scriptError = messageOf(e);
      }
    } else if (problem) scriptError = undefined;
  }
  const blocked = pageProblem(state, state.page, rules) ?? scriptError;
  const running = state.deploy.status === 'running';
  const { model: _model, existing: _existing, nextRowId: _n, target, ...rest } = state;
  return {
    ...rest,
    title: `${target.connectionName} · ${displayObjectName(target.table)}`,
    tableName: displayObjectName(target.table),
    versions: filterVersions(state.versions, state.search),
    sourceColumns: target.columns,
    modelInputs: state.model?.inputs ?? [],
    modelOutputs: state.model?.outputs ?? [],
    inputTypes: rules.inputTypes,
    outputTypes: rules.outputTypes,
    inputs: v.inputs,
    outputs: v.outputs,
    mappingErrors: onModelPage ? [] : v.mappingErrors,
    scriptName: { text: v.scriptName.text, error: v.scriptName.error, exists: v.scriptName.exists },
    newTableName: { text: v.newTableName.text, error: v.newTableName.error, exists: v.newTableName.exists },
    existingTableError: v.existingTableError,
    script,
    canBack: state.page !== 'model' && !running,
    canNext: state.page !== 'store' && blocked === undefined && !running,
    blockedReason: blocked,
    canDeploy: state.page === 'store' && blocked === undefined && script !== '' && !running,
  };
}
