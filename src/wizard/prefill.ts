/**
 * The wizard opened on an existing scoring object (Edit prediction, or an Upgrade whose mapping does
 * not fit the new version): page 2 filled in from the object's read-back mapping.
 */
import type { ModelVersionRow, RegistryOption, ScriptType } from './protocol.js';
import { sameName } from '../sql/names.js';
import { initialState, viewOf, type Transition, type WizardModel, type WizardRules, type WizardState, type WizardTarget } from './state.js';

/** A deployed object's mapping, read back from its definition, with the model version to use. */
export interface WizardPrefill {
  readonly registry: string;
  readonly version: ModelVersionRow;
  readonly model: WizardModel;
  readonly inputs: readonly { readonly sourceColumn: string; readonly modelInput: string; readonly inputType: string }[];
  readonly outputs: readonly { readonly modelOutput: string; readonly outputType: string }[];
  readonly passThrough: readonly string[];
  readonly scriptType: ScriptType;
  /** `schema.name` of the view or procedure (replaced when deployed). */
  readonly scriptName: string;
  /** `schema.name` of the model table it uses. */
  readonly modelTable: string;
  /** Shown above the page, e.g. what differs from the new version. */
  readonly banner?: string;
}

/**
 * The wizard on page 2, filled in from an object's read-back mapping (Edit prediction, or an Upgrade
 * whose mapping does not fit the new version): the rows are the object's own, so the problems the
 * new version raises show beside them. The object is replaced when deployed.
 */
export function prefilledState(target: WizardTarget, registries: readonly RegistryOption[], p: WizardPrefill): Transition {
  const base = initialState(target, registries).state;
  let id = 1;
  const state: WizardState = {
    ...base,
    page: 'map',
    registry: p.registry,
    versionsStatus: 'loading',
    versions: [p.version],
    selectedVersion: p.version.key,
    modelStatus: 'loaded',
    model: p.model,
    inputs: p.inputs.map((r) => ({ id: id++, ...r, suggestionWarnings: [] })),
    outputs: p.outputs.map((r) => ({ id: id++, ...r, suggestionWarnings: [] })),
    passThrough: p.passThrough.filter((c) => target.columns.some((col) => sameName(col.name, c))),
    scriptType: p.scriptType,
    scriptName: p.scriptName,
    modelTableMode: 'existing',
    existingTable: p.modelTable,
    replaceExisting: true,
    nextRowId: id,
    banner: p.banner ?? base.banner,
  };
  return { state, effects: [{ kind: 'loadVersions', registry: p.registry }] };
}

/** What blocks page 2 (the mapping) as the wizard's rules see it: every problem, in the order shown. */
export function mappingProblems(state: WizardState, rules: WizardRules): string[] {
  const v = viewOf({ ...state, page: 'map' }, rules);
  const rowErrors = [...v.inputs, ...v.outputs].flatMap((r) => Object.values(r.errors).filter((e): e is string => !!e));
  return [...v.mappingErrors, ...rowErrors];
}
