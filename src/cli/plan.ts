/**
 * From the command line's choices to the wizard's plan, through the wizard's own state machine
 * (src/wizard/state.ts): the suggestion is loaded as the wizard loads it, each option becomes the
 * edit a user would make on the page, the name checks the reducer asks for are run against the
 * database, and `planOf` decides — so the CLI accepts and refuses exactly what the wizard does,
 * with the same messages.
 */
import type { ModelVersionInfo } from '../models/source.js';
import { displayObjectName, parseObjectName, sameName, SqlNameError, type ObjectName } from '../sql/names.js';
import type { PredictTarget } from '../sql/types.js';
import { versionRow } from '../wizard/controller.js';
import type { SourceColumnOption, WizardEdit, WizardPage } from '../wizard/protocol.js';
import { createWizardRules } from '../wizard/rules.js';
import type { WizardCatalog, WizardRegistry } from '../wizard/services.js';
import {
  initialState,
  pageProblem,
  planOf,
  reduce,
  viewOf,
  type MappingSuggestion,
  type WizardAction,
  type WizardEffect,
  type WizardModel,
  type WizardPlan,
  type WizardRules,
  type WizardState,
} from '../wizard/state.js';
import type { PlanOptions } from './args.js';
import { CliFailure } from './errors.js';

export interface PlanInput {
  readonly connectionName: string;
  readonly table: ObjectName;
  readonly columns: readonly SourceColumnOption[];
  readonly registry: Pick<WizardRegistry, 'name' | 'kind'>;
  readonly version: ModelVersionInfo;
  readonly model: WizardModel;
  readonly suggestion: MappingSuggestion;
  readonly target: PredictTarget;
  readonly options: PlanOptions;
  readonly catalog: Pick<WizardCatalog, 'objectExists' | 'modelTables'>;
}

export interface ResolvedPlan {
  readonly plan: WizardPlan;
  readonly rules: WizardRules;
  /** The per-row warnings the wizard shows on the Map columns page, prefixed with the row. */
  readonly warnings: readonly string[];
}

/** What to change on the command line when a page's rule refuses the plan. */
const PAGE_HINTS: Readonly<Record<WizardPage, string>> = {
  model: 'choose another version with --model name:version',
  map: 'fix the mapping with --map input=column, --input-type input=type or --pass-through',
  store: 'fix the names with --view, --procedure, --replace, --model-table or --create-model-table',
};

/** Turns the options into the wizard's plan, or throws CliFailure with the wizard's reason and the option to change. */
export async function resolvePlan(input: PlanInput): Promise<ResolvedPlan> {
  const { options, catalog } = input;
  const rules = createWizardRules(input.target);
  let state: WizardState = initialState({ connectionName: input.connectionName, table: input.table, columns: input.columns }, [
    { name: input.registry.name, kind: input.registry.kind },
  ]).state;

  const apply = async (action: WizardAction): Promise<void> => {
    const t = reduce(state, action, rules);
    state = t.state;
    for (const e of t.effects) await runEffect(e);
  };
  const runEffect = async (e: WizardEffect): Promise<void> => {
    switch (e.kind) {
      case 'checkName':
        await apply({ type: 'nameChecked', kind: e.which, key: e.key, exists: await catalog.objectExists(e.name) });
        return;
      case 'loadModelTables':
        await apply({ type: 'modelTablesLoaded', tables: await catalog.modelTables() });
        return;
      case 'loadVersions':
      case 'loadModel':
        // Loaded by the caller: the version and the model are given.
        return;
    }
  };
  const edit = (e: WizardEdit) => apply({ type: 'edit', edit: e });

  // Page 1: the model version, read as the wizard reads it.
  const row = versionRow(input.version);
  await apply({ type: 'versionsLoaded', registry: input.registry.name, versions: [row] });
  await edit({ field: 'selectedVersion', value: row.key });
  await apply({ type: 'modelLoaded', key: row.key, model: input.model, suggestion: input.suggestion });

  // Page 2: the user's changes to the suggested mapping.
  for (const m of options.maps) {
    let r = state.inputs.find((x) => x.modelInput === m.input);
    if (!r) {
      await edit({ field: 'addInput' });
      r = state.inputs[state.inputs.length - 1]!;
      await edit({ field: 'input', id: r.id, modelInput: m.input });
    }
    await edit({ field: 'input', id: r.id, sourceColumn: m.column });
  }
  for (const t of options.inputTypes) {
    const r = state.inputs.find((x) => x.modelInput === t.input);
    if (!r) {
      const near = state.inputs.find((x) => sameName(x.modelInput, t.input));
      throw new CliFailure(
        near
          ? `--input-type names '${t.input}'; model input names are case-sensitive: did you mean '${near.modelInput}'?`
          : `--input-type names '${t.input}', which is not a model input; the inputs are: ${state.inputs.map((x) => x.modelInput).join(', ')}.`,
      );
    }
    await edit({ field: 'input', id: r.id, inputType: t.type });
  }
  if (options.passThrough) await edit({ field: 'passThrough', value: options.passThrough });

  // Page 3: objects. Moving to it loads the model tables, as the wizard does.
  for (const page of ['model', 'map'] as const) {
    const problem = pageProblem(state, page, rules);
    if (problem) throw failure(page, rowOf(state, rules, problem));
  }
  await apply({ type: 'next' });
  await apply({ type: 'next' });
  await edit({ field: 'scriptType', value: options.scriptType });
  if (options.scriptName !== undefined) await edit({ field: 'scriptName', value: options.scriptName });
  if (options.createModelTable) {
    await edit({ field: 'modelTableMode', value: 'new' });
    if (options.modelTable !== undefined) await edit({ field: 'newTableName', value: options.modelTable });
  } else {
    await edit({ field: 'modelTableMode', value: 'existing' });
    if (options.modelTable !== undefined) await edit({ field: 'existingTable', value: listedName(options.modelTable, state) });
    else if (!state.existingTable) {
      throw new CliFailure(
        `No table in ${input.connectionName} can hold models: name one with --model-table schema.table, or add --create-model-table to create ${state.newTableName}.`,
      );
    }
  }
  if (options.replace) await edit({ field: 'replaceExisting', value: true });

  const { plan, problem } = planOf(state, rules);
  if (!plan) {
    const page = (['model', 'map', 'store'] as const).find((p) => pageProblem(state, p, rules) !== undefined) ?? 'store';
    throw failure(page, rowOf(state, rules, problem ?? 'The plan is not complete.'));
  }
  const view = viewOf(state, rules);
  const warnings = [
    ...view.inputs.flatMap((r) =>
      distinct(r.warnings).map((w) => `${r.modelInput === r.sourceColumn ? r.modelInput : `${r.modelInput} ← ${r.sourceColumn}`}: ${w}`),
    ),
    ...view.outputs.flatMap((r) => distinct(r.warnings).map((w) => `${r.modelOutput}: ${w}`)),
  ];
  return { plan, rules, warnings };
}

/**
 * A row's warnings without repeats: the wizard shows the suggestion's warning and the type check's
 * side by side; on a terminal, one that another already says in full is left out.
 */
function distinct(warnings: readonly string[]): string[] {
  const core = (w: string) => w.replace(/^[^:]{1,128}: (?=\S)/, '').replace(/\.+$/, '');
  return warnings.filter((w, i) => {
    const text = core(w);
    return !warnings.some((other, j) => j !== i && other.includes(text) && (other.length > w.length || j < i));
  });
}

/** A mapping row's problem ("Choose a source column.") with the model input or output it is about. */
function rowOf(state: WizardState, rules: WizardRules, problem: string): string {
  const view = viewOf(state, rules);
  const input = view.inputs.find((r) => Object.values(r.errors).includes(problem));
  if (input) return `Model input '${input.modelInput}': ${problem}`;
  const output = view.outputs.find((r) => Object.values(r.errors).includes(problem));
  if (output) return `Model output '${output.modelOutput}': ${problem}`;
  return problem;
}

function failure(page: WizardPage, problem: string): CliFailure {
  return new CliFailure(`${problem.replace(/\s+$/, '')} (${PAGE_HINTS[page]})`);
}

/**
 * The model table as the catalog lists it (`schema.name`), when `text` names one of them in any
 * spelling (`[wwi_ml].[AMLModel]`, other letter case); otherwise `text` as typed, which the wizard's
 * rule then refuses ("is not a model table of this database").
 */
function listedName(text: string, state: WizardState): string {
  let wanted: ObjectName;
  try {
    wanted = parseObjectName(text, state.target.table.schema ?? 'dbo');
  } catch (e) {
    if (e instanceof SqlNameError) throw new CliFailure(`--model-table '${text}': ${e.message}`);
    throw e;
  }
  const match = state.modelTables.find((t) => {
    const listed = parseObjectName(t, 'dbo');
    return sameName(listed.name, wanted.name) && sameName(listed.schema ?? 'dbo', wanted.schema ?? 'dbo') && wanted.database === undefined;
  });
  return match ?? displayObjectName(wanted);
}
