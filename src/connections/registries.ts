/**
 * The `predictWizard.modelRegistries` setting → the wizard's registries. Each source is created on
 * first use (the Azure and MLflow clients load only then); tokens come from SecretStorage (MLflow)
 * or the VS Code Microsoft sign-in (Azure ML), never from settings.
 */
import * as vscode from 'vscode';
import { versionPage, type ModelSource, type RegistryKind, type VersionPageOptions } from '../models/source.js';
import { registryTokenKey, type RegistryConfig } from './registry-config.js';
import type { ModelCache } from '../models/cache.js';
import type { WizardRegistry } from '../wizard/services.js';

/** A source created on first use. */
class LazySource implements ModelSource {
  private source: Promise<ModelSource> | undefined;
  constructor(
    readonly id: string,
    readonly kind: RegistryKind,
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
  /** One page of versions, so the wizard shows the newest ones before the rest have been read. */
  async listVersionsPage(modelName: string, options?: VersionPageOptions, signal?: AbortSignal) {
    return versionPage(await this.get(), modelName, options, signal);
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
          return new MlflowModelSource({
            trackingUri: c.trackingUri!,
            cache: await cache(),
            auth: token ? { kind: 'bearer', token } : { kind: 'none' },
            displayName: c.name,
          });
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
