/**
 * Upgrade… and Roll back: move views and procedures to another model version with progress and
 * cancel. The core (src/lifecycle/repoint.ts) orders the steps so that every object keeps working;
 * this file picks the version, checks the mapping with the wizard's rules, and says what happened.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { previousVersionId, repoint } from '../lifecycle/repoint.js';
import { RepointError, type DeployedModel, type ModelRow, type ModelTableRef, type ReadBackMapping, type RepointStep } from '../lifecycle/types.js';
import { displayObjectName } from '../sql/names.js';
import type { ModelNode, ScoringObjectNode } from '../tree/models.js';
import { versionRow } from '../wizard/controller.js';
import { defaultWizardParts } from '../wizard/parts.js';
import { mappingProblems, prefilledState } from '../wizard/prefill.js';
import { refreshModels, type LifecycleHostDeps, type LifecycleOutcome } from './commands.js';
import { mappingOf, openWizardOnMapping, readVersion, type ReadVersion } from './edit.js';
import { prefillFromMapping, splitModelId } from './prefill.js';
import { pickVersion } from './versions.js';

const STEP_TITLES: Readonly<Record<RepointStep, string>> = {
  check: 'Checking the new version',
  store: 'Storing the model row',
  rewrite: 'Rewriting',
  'delete-old': 'Deleting the old row',
};

/** The objects a node stands for: a view or procedure, or every one that uses a model. */
function objectsOf(node: ScoringObjectNode | ModelNode): { mappings: ReadBackMapping[]; model: DeployedModel } {
  if (node.kind === 'scoringObject') return { mappings: [mappingOf(node.object, node.parent.model)], model: node.parent.model };
  if (!node.users.length)
    throw new Error(`No view or procedure uses '${node.model.id}': there is nothing to upgrade. Use Predict with a model to deploy a new object.`);
  return { mappings: node.users.map((o) => mappingOf(o, node.model)), model: node.model };
}

function names(mappings: readonly ReadBackMapping[]): string {
  return mappings.map((m) => `${m.scriptType === 'view' ? 'view' : 'procedure'} ${displayObjectName(m.objectName)}`).join(', ');
}

/** Runs the core's repoint under one cancellable progress notification. */
async function runRepoint(
  deps: LifecycleHostDeps,
  connectionName: string,
  mappings: readonly ReadBackMapping[],
  toModelId: string,
  newRow?: ModelRow,
): Promise<LifecycleOutcome | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Moving ${names(mappings)} to ${toModelId}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const db = await deps.services.openDatabase(connectionName);
      try {
        const r = await repoint({
          db: db.sql,
          objects: mappings,
          toModelId,
          newRow,
          signal: abort.signal,
          target: db.target,
          progress: (step, detail) => {
            deps.log.info(`${STEP_TITLES[step]}: ${detail}`);
            progress.report({ message: detail });
          },
        });
        const stored = r.storedId && newRow ? ` (stored in ${displayObjectName(newRow.table)})` : '';
        return { ok: true, message: `${names(mappings)} now ${mappings.length === 1 ? 'scores' : 'score'} with ${toModelId}${stored}.` };
      } catch (e) {
        if (e instanceof RepointError && e.cancelled) return { ok: true, message: e.message };
        if (e instanceof RepointError) return { ok: false, message: e.message };
        throw e;
      } finally {
        sub.dispose();
        await db.release();
      }
    },
  );
}

/** The row an upgrade stores, as deploy stores it. */
async function newRowFor(read: ReadVersion, table: ModelTableRef, mapping: ReadBackMapping): Promise<ModelRow> {
  const v = read.chosen.version;
  const prefill = prefillFromMapping(mapping, { registry: read.chosen.registry.name, version: versionRow(v), model: read.model, sourceColumns: read.columns });
  return {
    table: table.table,
    modelId: `${v.modelName}:${v.version}`,
    name: v.modelName,
    version: v.version,
    model: await readFile(read.onnxPath),
    description: v.description,
    createdBy: v.createdBy,
    createdTime: v.createdAt,
    framework: v.framework ?? 'onnx',
    inputsSchema: JSON.stringify(prefill.inputs.map((i) => ({ name: i.modelInput, type: i.inputType }))),
    outputsSchema: JSON.stringify(prefill.outputs.map((o) => ({ name: o.modelOutput, type: o.outputType }))),
    existingColumns: table.allColumns,
  };
}

/** Upgrade…: pick a version from the registries; deploy it when the mapping fits, else open the wizard on the mapping. */
export async function upgrade(deps: LifecycleHostDeps, node: ScoringObjectNode | ModelNode): Promise<LifecycleOutcome | undefined> {
  const { mappings, model } = objectsOf(node);
  const current = mappings[0]!.modelId;
  const chosen = await pickVersion(deps.services, splitModelId(current).name, current, `Upgrade ${names(mappings)}`);
  if (!chosen) return undefined;
  const toId = `${chosen.version.modelName}:${chosen.version.version}`;
  const read = await readVersion(deps, node.connectionName, mappings[0]!, chosen);
  if (!read) return undefined;
  const db = await deps.services.openDatabase(node.connectionName);
  const rules = defaultWizardParts().rulesFor(db.target);
  await db.release();
  for (const m of mappings) {
    const prefill = prefillFromMapping(m, {
      registry: chosen.registry.name,
      version: versionRow(chosen.version),
      model: read.model,
      sourceColumns: read.columns,
    });
    const target = { connectionName: node.connectionName, table: m.source, columns: read.columns };
    const problems = mappingProblems(prefilledState(target, [{ name: chosen.registry.name, kind: chosen.registry.kind }], prefill).state, rules);
    if (problems.length) {
      const what = names([m]);
      await openWizardOnMapping(
        deps,
        node.connectionName,
        m,
        read,
        `${toId} does not fit the mapping of ${what}: ${problems.join(' ')} Change the rows marked below, then deploy to replace it.`,
      );
      return { ok: false, message: `${toId} does not fit the mapping of ${what}: the wizard is open on it with the problems marked. Nothing was changed.` };
    }
  }
  const outcome = await runRepoint(deps, node.connectionName, mappings, toId, await newRowFor(read, model.modelTable, mappings[0]!));
  refreshModels(deps.explorer, node);
  return outcome;
}

/** Roll back: point a view or procedure to another row of its model table (the previous version by default). */
export async function rollBack(deps: LifecycleHostDeps, node: ScoringObjectNode): Promise<LifecycleOutcome | undefined> {
  const mapping = mappingOf(node.object, node.parent.model);
  const toId = await pickStoredVersion(node, `Roll back ${names([mapping])}`);
  if (!toId) return undefined;
  const outcome = await runRepoint(deps, node.connectionName, [mapping], toId);
  refreshModels(deps.explorer, node);
  return outcome;
}

/** Asks for another row of the object's model table, the previous version first. */
export async function pickStoredVersion(node: ScoringObjectNode, title: string): Promise<string | undefined> {
  const current = node.object.modelId;
  const others = node.parent.siblings.filter((m) => m.id.toLowerCase() !== current.toLowerCase());
  if (!others.length) throw new Error(`${displayObjectName(node.parent.model.modelTable.table)} holds no other model than '${current}'.`);
  const previous = previousVersionId(node.parent.siblings, current);
  others.sort((a, b) => (a.id === previous ? -1 : b.id === previous ? 1 : b.id.localeCompare(a.id)));
  const pick = await vscode.window.showQuickPick(
    others.map((m) => ({
      label: m.id,
      description: [m.id === previous ? 'previous version' : undefined, m.createdTime?.toISOString().slice(0, 10)].filter(Boolean).join(' · '),
      detail: m.sizeBytes === undefined ? 'holds no model bytes' : undefined,
    })),
    { title, placeHolder: `Now: ${current}` },
  );
  return pick?.label;
}
