/**
 * Edit prediction: the wizard opened on a deployed view or procedure, filled in from its definition
 * (model version, mapping, names, replace), so a change is one more run of the wizard. An upgrade
 * whose mapping does not fit the new version opens the same way, with the problems marked.
 */
import * as vscode from 'vscode';
import { readBackMapping } from '../lifecycle/readback.js';
import type { DeployedModel, ReadBackMapping, ScoringObject } from '../lifecycle/types.js';
import { displayObjectName } from '../sql/names.js';
import type { ModelNode, ScoringObjectNode } from '../tree/models.js';
import { versionRow } from '../wizard/controller.js';
import { openWizard } from '../wizard-host/host.js';
import { readModelForWizard } from '../wizard/model-reader.js';
import { defaultWizardParts } from '../wizard/parts.js';
import { sqlCatalog } from '../wizard/catalog.js';
import type { SourceColumnOption } from '../wizard/protocol.js';
import type { WizardModel } from '../wizard/state.js';
import type { LifecycleHostDeps, LifecycleOutcome } from './commands.js';
import { inputNamesOf, prefillFromMapping, splitModelId } from './prefill.js';
import { findVersion, type RegistryVersion } from './versions.js';

/** A scoring object's mapping, read back with the input names its model row records. */
export function mappingOf(object: ScoringObject, model: DeployedModel): ReadBackMapping {
  return readBackMapping(object, { modelInputs: inputNamesOf(model.inputsSchema) });
}

/** A model version read for the wizard: its ports, its ONNX file, and the source table's columns. */
export interface ReadVersion {
  readonly chosen: RegistryVersion;
  readonly model: WizardModel;
  readonly onnxPath: string;
  readonly columns: readonly SourceColumnOption[];
}

/** Downloads (through the cache) and reads a version against the mapping's source table, with progress and cancel. */
export async function readVersion(
  deps: LifecycleHostDeps,
  connectionName: string,
  mapping: ReadBackMapping,
  chosen: RegistryVersion,
): Promise<ReadVersion | undefined> {
  const id = `${chosen.version.modelName}:${chosen.version.version}`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading model ${id}`, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const db = await deps.services.openDatabase(connectionName);
      try {
        const columns = await (deps.services.catalog?.(db) ?? sqlCatalog(db.sql)).columns(mapping.source);
        const read = deps.services.readModel ?? readModelForWizard;
        const r = await read({ registry: chosen.registry, version: chosen.version, columns, target: db.target, signal: abort.signal });
        return { chosen, model: r.model, onnxPath: r.onnxPath, columns };
      } catch (e) {
        if (abort.signal.aborted) return undefined;
        throw e;
      } finally {
        sub.dispose();
        await db.release();
      }
    },
  );
}

/** Opens the wizard on page 2 with the object's mapping against `read`'s version. */
export async function openWizardOnMapping(
  deps: LifecycleHostDeps,
  connectionName: string,
  mapping: ReadBackMapping,
  read: ReadVersion,
  banner?: string,
): Promise<void> {
  const version = versionRow(read.chosen.version);
  const prefill = prefillFromMapping(mapping, { registry: read.chosen.registry.name, version, model: read.model, sourceColumns: read.columns, banner });
  const parts = defaultWizardParts((line) => deps.log.info(line));
  await openWizard(deps.context, deps.services, parts, { connectionName, table: mapping.source }, performance.now(), undefined, {
    prefill,
    version: read.chosen.version,
    onnxPath: read.onnxPath,
  });
}

/** Edit prediction on a view or procedure. */
export async function editPrediction(deps: LifecycleHostDeps, node: ScoringObjectNode | ModelNode): Promise<LifecycleOutcome | undefined> {
  if (node.kind !== 'scoringObject') throw new Error('Run Edit Prediction on a view or procedure under a model.');
  const mapping = mappingOf(node.object, node.parent.model);
  const { name, version } = splitModelId(mapping.modelId);
  const what = `${node.object.kind} ${displayObjectName(node.object.name)}`;
  if (version === undefined)
    throw new Error(`The ${what} scores with '${mapping.modelId}', which is not a name:version ID; the wizard cannot find it in a registry.`);
  const chosen = await findVersion(deps.services, name, version);
  if (!chosen) {
    return {
      ok: false,
      message: `Model '${name}' version ${version} (used by ${what}) is in none of the configured registries: add the registry that holds it, or use Upgrade… to move to a version that is.`,
    };
  }
  const read = await readVersion(deps, node.connectionName, mapping, chosen);
  if (!read) return undefined;
  await openWizardOnMapping(deps, node.connectionName, mapping, read);
  return undefined;
}
