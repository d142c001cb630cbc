/**
 * The `predictWizard.modelRegistries` setting: reading and checking its entries. No vscode import.
 */
import type { ModelSourceKind } from '../models/source.js';

export interface RegistryConfig {
  readonly name: string;
  readonly kind: ModelSourceKind;
  readonly path?: string;
  readonly trackingUri?: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly workspace?: string;
}

export function registryTokenKey(name: string): string {
  return `predictWizard.registry.${name}.token`;
}

/** Reads the setting; bad entries are reported, not thrown. */
export function readRegistries(raw: unknown): { registries: RegistryConfig[]; problems: string[] } {
  const registries: RegistryConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { registries, problems };
  if (!Array.isArray(raw)) return { registries, problems: ['predictWizard.modelRegistries must be an array of registries.'] };
  raw.forEach((e: unknown, i) => {
    const at = `predictWizard.modelRegistries[${i}]`;
    if (typeof e !== 'object' || e === null) return problems.push(`${at} is not an object: it was ignored.`);
    const r = e as Record<string, unknown>;
    const str = (k: string) => (typeof r[k] === 'string' && (r[k] as string).trim() ? (r[k] as string).trim() : undefined);
    const name = str('name');
    if (!name) return problems.push(`${at}: name is missing. It was ignored.`);
    if (registries.some((x) => x.name.toLowerCase() === name.toLowerCase())) return problems.push(`${at}: a registry named '${name}' already exists. It was ignored.`);
    const kind = r.kind;
    if (kind === 'local') {
      const path = str('path');
      if (!path) return problems.push(`${at} ('${name}'): a local registry needs path (a folder of MLflow models, a registry folder or an .onnx file). It was ignored.`);
      registries.push({ name, kind, path });
    } else if (kind === 'mlflow') {
      const trackingUri = str('trackingUri');
      if (!trackingUri || !/^https?:\/\//i.test(trackingUri)) return problems.push(`${at} ('${name}'): trackingUri must be an http(s) URL such as http://127.0.0.1:5000. It was ignored.`);
      registries.push({ name, kind, trackingUri });
    } else if (kind === 'azureml') {
      const subscriptionId = str('subscriptionId');
      const resourceGroup = str('resourceGroup');
      const workspace = str('workspace');
      if (!subscriptionId || !resourceGroup || !workspace) {
        return problems.push(`${at} ('${name}'): an Azure Machine Learning registry needs subscriptionId, resourceGroup and workspace. It was ignored.`);
      }
      registries.push({ name, kind, subscriptionId, resourceGroup, workspace });
    } else {
      return problems.push(`${at} ('${name}'): kind must be local, mlflow or azureml. It was ignored.`);
    }
    return undefined;
  });
  return { registries, problems };
}
