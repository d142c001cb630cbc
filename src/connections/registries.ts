/**
 * The `predictWizard.modelRegistries` setting → the wizard's registries. Each source is created on
 * first use (the Azure and MLflow clients load only then); tokens come from SecretStorage (MLflow)
 * or the VS Code Microsoft sign-in (Azure ML), never from settings.
 */
import * as vscode from 'vscode';
import type { ModelSource, ModelSourceKind } from '../models/source.js';
import type { ModelCache } from '../models/cache.js';
import type { WizardRegistry } from '../wizard/services.js';

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

/** A source created on first use. */
class LazySource implements ModelSource {
  private source: Promise<ModelSource> | undefined;
  constructor(
    readonly id: string,
    readonly kind: ModelSourceKind,
    readonly displayName: string,
    private readonly create: () => Promise<ModelSource>,
  ) {}
  private get(): Promise<ModelSource> {
    this.source ??= this.create().catch((e: unknown) => {
      this.source = undefined;
      throw e;
    });
    return this.source;
  }
  async listModels(...a: Parameters<ModelSource['listModels']>) {
    return (await this.get()).listModels(...a);
  }
  async listVersions(...a: Parameters<ModelSource['listVersions']>) {
    return (await this.get()).listVersions(...a);
  }
  async getVersion(...a: Parameters<ModelSource['getVersion']>) {
    return (await this.get()).getVersion(...a);
  }
  async download(...a: Parameters<ModelSource['download']>) {
    return (await this.get()).download(...a);
  }
}

/** A TokenCredential over the VS Code Microsoft sign-in. */
function vscodeCredential() {
  return {
    async getToken(scopes: string | string[]) {
      const list = Array.isArray(scopes) ? scopes : [scopes];
      const session = await vscode.authentication.getSession('microsoft', list, { createIfNone: true });
      // VS Code does not expose the expiry; ask again within the hour.
      return { token: session.accessToken, expiresOnTimestamp: Date.now() + 45 * 60_000 };
    },
  };
}

export function buildRegistries(configs: readonly RegistryConfig[], secrets: vscode.SecretStorage, cache: () => Promise<ModelCache>): WizardRegistry[] {
  return configs.map((c) => {
    let source: ModelSource;
    switch (c.kind) {
      case 'local':
        source = new LazySource(`local:${c.path}`, 'local', c.path!, async () => (await import('../models/sources/local.js')).openLocalSource(c.path!));
        break;
      case 'mlflow':
        source = new LazySource(`mlflow:${c.trackingUri}`, 'mlflow', c.trackingUri!, async () => {
          const { MlflowModelSource } = await import('../models/sources/mlflow.js');
          const token = await secrets.get(registryTokenKey(c.name));
          return new MlflowModelSource({ trackingUri: c.trackingUri!, cache: await cache(), auth: token ? { kind: 'bearer', token } : { kind: 'none' }, displayName: c.name });
        });
        break;
      case 'azureml':
        source = new LazySource(`azureml:${c.subscriptionId}/${c.resourceGroup}/${c.workspace}`, 'azureml', c.workspace!, async () => {
          const { AzureMlModelSource } = await import('../models/sources/azureml.js');
          return new AzureMlModelSource({
            credential: vscodeCredential(),
            subscriptionId: c.subscriptionId!,
            resourceGroup: c.resourceGroup!,
            workspaceName: c.workspace!,
            cache: await cache(),
          });
        });
        break;
    }
    return { name: c.name, kind: c.kind, source };
  });
}
