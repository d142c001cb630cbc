/**
 * `--registry <where>` → a model source: a local path (folder of MLflow models, MLflow file-store
 * registry, or .onnx file), an MLflow tracking server (http(s) URL), or an Azure Machine Learning
 * workspace (azureml://subscriptions/<id>/resourceGroups/<rg>/workspaces/<ws>). Tokens come from the
 * environment only. The remote clients are imported only when used.
 */
import { resolve } from 'node:path';
import type { ModelSource } from '../models/source.js';
import type { WizardRegistry } from '../wizard/services.js';
import { ENV, PROGRAM } from './args.js';
import { UsageError } from './errors.js';

export type RegistrySpec =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 'mlflow'; readonly trackingUri: string }
  | { readonly kind: 'azureml'; readonly subscriptionId: string; readonly resourceGroup: string; readonly workspace: string };

const AZUREML = /^azureml:\/\/subscriptions\/([^/]+)\/resource[gG]roups\/([^/]+)\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/([^/]+)\/?$/;

/** Reads `--registry`. Relative paths resolve against `cwd`. */
export function parseRegistrySpec(text: string, cwd: string, command = 'models'): RegistrySpec {
  const where = `${PROGRAM} ${command}`;
  const t = text.trim();
  if (/^https?:\/\//i.test(t)) return { kind: 'mlflow', trackingUri: t };
  if (/^azureml:/i.test(t)) {
    const m = AZUREML.exec(t);
    if (!m) {
      throw new UsageError(
        `${where}: --registry '${t}' is not an Azure ML workspace address; write azureml://subscriptions/<id>/resourceGroups/<group>/workspaces/<workspace>.`,
      );
    }
    return { kind: 'azureml', subscriptionId: decodeURIComponent(m[1]!), resourceGroup: decodeURIComponent(m[2]!), workspace: decodeURIComponent(m[3]!) };
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(t) && !/^file:\/\//i.test(t)) {
    throw new UsageError(
      `${where}: --registry '${t}' uses a scheme this tool cannot read; give a folder, an .onnx file, an http(s) MLflow server or an azureml:// workspace.`,
    );
  }
  const path = /^file:\/\//i.test(t) ? new URL(t).pathname : t;
  return { kind: 'local', path: resolve(cwd, path) };
}

/** Opens the registry. Errors are the sources' own (they name the registry and what to do). */
export async function openRegistry(spec: RegistrySpec, env: Readonly<Record<string, string | undefined>>): Promise<WizardRegistry> {
  let source: ModelSource;
  switch (spec.kind) {
    case 'local': {
      const { openLocalSource } = await import('../models/sources/local.js');
      source = await openLocalSource(spec.path);
      break;
    }
    case 'mlflow': {
      const [{ MlflowModelSource }, { ModelCache }] = await Promise.all([import('../models/sources/mlflow.js'), import('../models/cache.js')]);
      const token = env[ENV.mlflowToken];
      const user = env[ENV.mlflowUser];
      const password = env[ENV.mlflowPassword];
      source = new MlflowModelSource({
        trackingUri: spec.trackingUri,
        cache: new ModelCache(),
        auth: token ? { kind: 'bearer', token } : user && password ? { kind: 'basic', username: user, password } : { kind: 'none' },
      });
      break;
    }
    case 'azureml': {
      const [{ AzureMlModelSource }, { ModelCache }, { DefaultAzureCredential }] = await Promise.all([
        import('../models/sources/azureml.js'),
        import('../models/cache.js'),
        import('@azure/identity'),
      ]);
      source = new AzureMlModelSource({
        credential: new DefaultAzureCredential(),
        subscriptionId: spec.subscriptionId,
        resourceGroup: spec.resourceGroup,
        workspaceName: spec.workspace,
        cache: new ModelCache(),
      });
      break;
    }
  }
  return { name: source.displayName, kind: spec.kind, source };
}
