/**
 * Model versions in the configured registries, for the lifecycle commands: find the version an
 * object uses, and let the user pick another (of the same model first, or of any model).
 */
import * as vscode from 'vscode';
import type { ModelVersionInfo } from '../models/source.js';
import type { WizardRegistry, WizardServices } from '../wizard/services.js';
import { messageOf } from '../common/errors.js';

export interface RegistryVersion {
  readonly registry: WizardRegistry;
  readonly version: ModelVersionInfo;
}

/** The first registry (in the setting's order) that has `name` version `version`. */
export async function findVersion(services: WizardServices, name: string, version: string, signal?: AbortSignal): Promise<RegistryVersion | undefined> {
  const problems: string[] = [];
  for (const registry of services.registries()) {
    try {
      const v = await registry.source.getVersion(name, version, { signal });
      return { registry, version: v };
    } catch (e) {
      problems.push(`${registry.name}: ${messageOf(e)}`);
    }
  }
  if (problems.length) services.log.info(`Model '${name}' version ${version} was not found: ${problems.join('; ')}`);
  return undefined;
}

type VersionPick = vscode.QuickPickItem & { readonly choice?: RegistryVersion; readonly other?: boolean };

/**
 * Asks for a version: those of `modelName` in every registry, newest first, with `currentId`
 * marked, and an entry to pick any other model. Undefined when the user dismisses the pick.
 */
export async function pickVersion(services: WizardServices, modelName: string, currentId: string, title: string): Promise<RegistryVersion | undefined> {
  const registries = services.registries();
  if (!registries.length) throw new Error('No model registry is configured: add one with Add Model Registry (predictWizard.modelRegistries).');
  const items = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Listing the versions of '${modelName}'…` },
    async () => versionItems(services, registries, modelName, currentId),
  );
  items.push({ label: '$(search) Another model…', other: true, alwaysShow: true });
  const pick = await vscode.window.showQuickPick<VersionPick>(items, {
    title,
    placeHolder: `A version of ${modelName}, or another model`,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  if (pick.choice) return pick.choice;
  return pickOtherModel(services, registries, currentId, title);
}

async function versionItems(services: WizardServices, registries: readonly WizardRegistry[], modelName: string, currentId: string): Promise<VersionPick[]> {
  const items: VersionPick[] = [];
  for (const registry of registries) {
    let versions: ModelVersionInfo[];
    try {
      versions = await registry.source.listVersions(modelName);
    } catch (e) {
      services.log.info(`Listing '${modelName}' in ${registry.name} failed: ${messageOf(e)}`);
      continue;
    }
    for (const v of versions) items.push(versionItem(registry, v, currentId, registries.length > 1));
  }
  return items;
}

function versionItem(registry: WizardRegistry, v: ModelVersionInfo, currentId: string, showRegistry: boolean): VersionPick {
  const id = `${v.modelName}:${v.version}`;
  const facts = [
    id === currentId ? 'current' : undefined,
    v.createdAt ? v.createdAt.toISOString().slice(0, 10) : undefined,
    v.createdBy,
    showRegistry ? registry.name : undefined,
  ].filter((x): x is string => !!x);
  return {
    label: `${v.modelName} version ${v.version}`,
    description: facts.join(' · '),
    detail: v.isOnnx ? v.description : `Not usable: ${v.notOnnxReason ?? 'not an ONNX model'}`,
    choice: v.isOnnx ? { registry, version: v } : undefined,
  };
}

async function pickOtherModel(
  services: WizardServices,
  registries: readonly WizardRegistry[],
  currentId: string,
  title: string,
): Promise<RegistryVersion | undefined> {
  const models: (vscode.QuickPickItem & { registry: WizardRegistry; name: string })[] = [];
  for (const registry of registries) {
    try {
      const page = await registry.source.listModels({ pageSize: 200 });
      for (const m of page.items) models.push({ label: m.name, description: registries.length > 1 ? registry.name : undefined, registry, name: m.name });
    } catch (e) {
      services.log.info(`Listing the models of ${registry.name} failed: ${messageOf(e)}`);
    }
  }
  const model = await vscode.window.showQuickPick(models, { title, placeHolder: 'Model' });
  if (!model) return undefined;
  const items = await versionItems(services, [model.registry], model.name, currentId);
  const pick = await vscode.window.showQuickPick<VersionPick>(items, { title, placeHolder: `A version of ${model.name}` });
  return pick?.choice;
}
