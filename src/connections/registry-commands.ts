/**
 * Add / remove / sign in to / test a model registry (the `predictWizard.modelRegistries` setting).
 * Values are checked as the user types; MLflow tokens go to SecretStorage only, Azure Machine
 * Learning uses the VS Code Microsoft sign-in. Every prompt can be answered by the command's
 * argument instead (for scripts and tests), with the same checks.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { buildRegistries } from './registries.js';
import {
  defaultRegistryName,
  describeRegistry,
  readRegistries,
  registryNameProblem,
  registryTestMessage,
  registryTokenKey,
  resourceGroupProblem,
  subscriptionIdProblem,
  trackingUriProblem,
  withRegistryAdded,
  withRegistryRemoved,
  workspaceNameProblem,
  type RegistryConfig,
} from './registry-config.js';
import type { RegistryKind } from '../models/source.js';
import type { ModelCache } from '../models/cache.js';
import { messageOf } from '../common/errors.js';

export const REGISTRY_COMMANDS = {
  add: 'predictWizard.addModelRegistry',
  remove: 'predictWizard.removeModelRegistry',
  signIn: 'predictWizard.signInToModelRegistry',
  test: 'predictWizard.testModelRegistry',
} as const;

const SECTION = 'predictWizard';
const SETTING = 'modelRegistries';
/** Scopes of a token for Azure Resource Manager (Azure Machine Learning's model registry). */
export const AZURE_MANAGEMENT_SCOPES = ['https://management.azure.com/.default'];
/** The name the sample registry gets. */
export const SAMPLE_REGISTRY_NAME = 'Sample models';

/** Answers given as the Add command's argument; each one present skips its prompt. */
export interface AddRegistryArgs {
  kind?: RegistryKind | 'sample';
  path?: string;
  trackingUri?: string;
  /** MLflow: a bearer token ('' for none). Kept in SecretStorage. */
  token?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  workspace?: string;
  /** Defaults to one derived from the path, host or workspace when `kind` is given. */
  name?: string;
  /** true: test at once and return the result; false: do not offer the test. */
  test?: boolean;
}

export interface AddRegistryResult {
  name: string;
  /** The test's line (the models found, or the source's error message), when the test ran. */
  test?: { ok: boolean; message: string };
}

export interface RegistryCommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
}

function configured(log?: vscode.LogOutputChannel): RegistryConfig[] {
  const { registries, problems } = readRegistries(vscode.workspace.getConfiguration(SECTION).get<unknown>(SETTING));
  for (const p of problems) log?.debug(p);
  return registries;
}

function rawSetting(): unknown {
  return vscode.workspace.getConfiguration(SECTION).get<unknown>(SETTING);
}

async function writeSetting(list: unknown[]): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(SETTING, list, vscode.ConfigurationTarget.Global);
}

/** Names of every entry in the setting (also ones the extension ignores), so a new name never clashes. */
function takenNames(): string[] {
  const raw = rawSetting();
  return (Array.isArray(raw) ? raw : [])
    .map((e: unknown) =>
      typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name.trim() : undefined,
    )
    .filter((n): n is string => !!n);
}

/** An answer from the argument (checked) or from an input box (checked as typed); undefined when cancelled or invalid. */
async function ask(given: string | undefined, problem: (v: string) => string | undefined, box: vscode.InputBoxOptions): Promise<string | undefined> {
  if (given !== undefined) {
    const p = problem(given);
    if (p) {
      void vscode.window.showErrorMessage(p);
      return undefined;
    }
    return given.trim();
  }
  const v = await vscode.window.showInputBox({ ignoreFocusOut: true, ...box, validateInput: (t) => problem(t) });
  return v === undefined ? undefined : v.trim();
}

const KIND_ITEMS: { label: string; detail: string; value: NonNullable<AddRegistryArgs['kind']> }[] = [
  { label: 'Local folder or file', detail: 'A folder of MLflow models, an MLflow file-store registry, or one .onnx file', value: 'local' },
  { label: 'MLflow tracking server', detail: 'An MLflow server over http(s), optionally with a token', value: 'mlflow' },
  { label: 'Azure Machine Learning workspace', detail: 'Signs in with your Microsoft account', value: 'azureml' },
  { label: 'Sample models', detail: 'Writes a small sample registry to this machine, to try the wizard', value: 'sample' },
];

export class RegistryCommands {
  private cache: Promise<ModelCache> | undefined;

  constructor(private readonly deps: RegistryCommandDeps) {}

  private modelCache = (): Promise<ModelCache> =>
    (this.cache ??= import('../models/cache.js').then(
      ({ ModelCache }) => new ModelCache(vscode.Uri.joinPath(this.deps.context.globalStorageUri, 'models').fsPath),
    ));

  /** A registry by name (argument: a name or `{ name }`), or picked from the configured ones. */
  async pick(arg: unknown, placeHolder: string): Promise<RegistryConfig | undefined> {
    const all = configured(this.deps.log);
    const named =
      typeof arg === 'string'
        ? arg
        : typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string'
          ? (arg as { name: string }).name
          : undefined;
    if (named !== undefined) {
      const found = all.find((r) => r.name.toLowerCase() === named.trim().toLowerCase());
      if (!found) void vscode.window.showErrorMessage(`There is no model registry named '${named}'. Add it with "Predict Wizard: Add Model Registry".`);
      return found;
    }
    if (!all.length) {
      const add = 'Add Model Registry';
      if ((await vscode.window.showInformationMessage('No model registries yet.', add)) === add) await vscode.commands.executeCommand(REGISTRY_COMMANDS.add);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      all.map((r) => ({ label: r.name, description: describeRegistry(r), registry: r })),
      { placeHolder, ignoreFocusOut: true },
    );
    return picked?.registry;
  }

  /** Lists the first models through the registry's source; the line to show, or the source's error message. */
  async test(c: RegistryConfig): Promise<{ ok: boolean; message: string }> {
    const [registry] = buildRegistries([c], this.deps.context.secrets, this.modelCache);
    try {
      const page = await registry!.source.listModels({ pageSize: 20 });
      const message = registryTestMessage(c.name, page);
      this.deps.log.info(message);
      return { ok: true, message };
    } catch (e) {
      const message = messageOf(e);
      this.deps.log.error(`Test of model registry '${c.name}' failed: ${message}`);
      return { ok: false, message };
    }
  }

  /** Tests with a progress notification and shows the outcome. */
  async testAndShow(c: RegistryConfig): Promise<{ ok: boolean; message: string }> {
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Listing the models of '${c.name}'…` }, () =>
      this.test(c),
    );
    if (r.ok) void vscode.window.showInformationMessage(r.message);
    else {
      const signIn = 'Sign In';
      void vscode.window.showErrorMessage(r.message, ...(c.kind === 'local' ? [] : [signIn])).then((choice) => {
        if (choice === signIn) void vscode.commands.executeCommand(REGISTRY_COMMANDS.signIn, c.name);
      });
    }
    return r;
  }

  async add(args: AddRegistryArgs = {}): Promise<AddRegistryResult | undefined> {
    const title = 'Add model registry';
    let kind = args.kind;
    if (kind === undefined) {
      const item = await vscode.window.showQuickPick(KIND_ITEMS, { title, placeHolder: 'Where are the models?', ignoreFocusOut: true });
      if (!item) return undefined;
      kind = item.value;
    } else if (!KIND_ITEMS.some((i) => i.value === kind)) {
      void vscode.window.showErrorMessage(`Unknown registry kind '${String(kind)}': use local, mlflow, azureml or sample.`);
      return undefined;
    }

    let entry: Omit<RegistryConfig, 'name'>;
    let token: string | undefined;
    if (kind === 'sample') {
      const path = join(this.deps.context.globalStorageUri.fsPath, 'sample-registry');
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Writing the sample models…' }, async () => {
        const { writeSampleRegistry } = await import('../samples/registry.js');
        await writeSampleRegistry(path);
      });
      entry = { kind: 'local', path };
      args = { name: SAMPLE_REGISTRY_NAME, ...args };
    } else if (kind === 'local') {
      let path = args.path?.trim();
      if (args.path !== undefined && !path) {
        void vscode.window.showErrorMessage('Give the folder or .onnx file of the local registry.');
        return undefined;
      }
      if (path === undefined) {
        const picked = await vscode.window.showOpenDialog({
          title: `${title}: a folder of MLflow models, a registry folder, or an .onnx file`,
          canSelectFolders: true,
          canSelectFiles: true,
          canSelectMany: false,
          filters: { 'ONNX models': ['onnx'] },
          openLabel: 'Use as Model Registry',
        });
        if (!picked?.length) return undefined;
        path = picked[0]!.fsPath;
      }
      entry = { kind, path };
    } else if (kind === 'mlflow') {
      const trackingUri = await ask(args.trackingUri, trackingUriProblem, {
        title,
        prompt: 'Address of the MLflow tracking server',
        placeHolder: 'http://127.0.0.1:5000',
      });
      if (trackingUri === undefined) return undefined;
      entry = { kind, trackingUri };
      token =
        args.token ??
        (await vscode.window.showInputBox({
          title,
          prompt: 'Token for the server (leave empty if it needs none; kept in the OS keychain, never in settings)',
          password: true,
          ignoreFocusOut: true,
        }));
      if (token === undefined) return undefined;
    } else {
      const subscriptionId = await ask(args.subscriptionId, subscriptionIdProblem, {
        title,
        prompt: 'Subscription ID of the workspace',
        placeHolder: '00000000-0000-0000-0000-000000000000',
      });
      if (subscriptionId === undefined) return undefined;
      const resourceGroup = await ask(args.resourceGroup, resourceGroupProblem, { title, prompt: 'Resource group of the workspace', placeHolder: 'rg-ml' });
      if (resourceGroup === undefined) return undefined;
      const workspace = await ask(args.workspace, workspaceNameProblem, {
        title,
        prompt: 'Azure Machine Learning workspace name',
        placeHolder: 'ml-workspace',
      });
      if (workspace === undefined) return undefined;
      entry = { kind, subscriptionId, resourceGroup, workspace };
    }

    const taken = takenNames();
    // Given the kind as an argument (a script), the name defaults to the derived one instead of asking.
    const name = await ask(args.name ?? (args.kind !== undefined ? defaultRegistryName(entry, taken) : undefined), (v) => registryNameProblem(v, taken), {
      title,
      prompt: 'A name for this registry (shown in the wizard)',
      value: defaultRegistryName(entry, taken),
    });
    if (name === undefined) return undefined;
    const config = { ...entry, name } as RegistryConfig;

    try {
      await writeSetting(withRegistryAdded(rawSetting(), config));
    } catch (e) {
      void vscode.window.showErrorMessage(messageOf(e));
      return undefined;
    }
    // A token left by an earlier registry of the same name must not be sent to this one.
    await this.deps.context.secrets.delete(registryTokenKey(name));
    if (token) await this.deps.context.secrets.store(registryTokenKey(name), token);
    this.deps.log.info(`Added model registry '${name}' (${describeRegistry(config)})`);

    if (args.test === true) return { name, test: await this.test(config) };
    if (args.test === false) return { name };
    const testIt = 'Test';
    const signIn = 'Sign In';
    const buttons = config.kind === 'azureml' ? [signIn, testIt] : [testIt];
    void vscode.window.showInformationMessage(`Model registry '${name}' added. The wizard lists its models.`, ...buttons).then(async (choice) => {
      if (choice === signIn && (await this.signIn(config.name))) await this.testAndShow(config);
      else if (choice === testIt) await this.testAndShow(config);
    });
    return { name };
  }

  /** Removes a registry and its stored token. Argument: a name, or `{ name, confirmed }` (confirmed skips the question). */
  async remove(arg?: unknown): Promise<boolean> {
    const c = await this.pick(arg, 'Model registry to remove');
    if (!c) return false;
    const confirmedByArg = typeof arg === 'object' && arg !== null && (arg as { confirmed?: unknown }).confirmed === true;
    if (!confirmedByArg) {
      const remove = 'Remove';
      const what = c.kind === 'mlflow' ? ' and its stored token' : '';
      const answer = await vscode.window.showWarningMessage(
        `Remove model registry '${c.name}'${what}? ${c.kind === 'local' ? 'Its files stay where they are.' : 'The models stay in the registry.'}`,
        { modal: true },
        remove,
      );
      if (answer !== remove) return false;
    }
    await writeSetting(withRegistryRemoved(rawSetting(), c.name));
    await this.deps.context.secrets.delete(registryTokenKey(c.name));
    this.deps.log.info(`Removed model registry '${c.name}'`);
    return true;
  }

  /**
   * MLflow: asks for a token (SecretStorage; empty removes it). Azure ML: the Microsoft sign-in.
   * Local: nothing to do. Argument: a name, or `{ name, token }` for MLflow.
   */
  async signIn(arg?: unknown): Promise<boolean> {
    const c = await this.pick(arg, 'Model registry to sign in to');
    if (!c) return false;
    switch (c.kind) {
      case 'local':
        void vscode.window.showInformationMessage(`'${c.name}' is a local folder: it needs no sign-in.`);
        return true;
      case 'mlflow': {
        const given = typeof arg === 'object' && arg !== null ? (arg as { token?: unknown }).token : undefined;
        const had = (await this.deps.context.secrets.get(registryTokenKey(c.name))) !== undefined;
        const token =
          typeof given === 'string'
            ? given
            : await vscode.window.showInputBox({
                title: `Sign in to '${c.name}'`,
                prompt: had
                  ? `Token for ${c.trackingUri} (replaces the stored one; leave empty to remove it)`
                  : `Token for ${c.trackingUri} (kept in the OS keychain, never in settings)`,
                password: true,
                ignoreFocusOut: true,
              });
        if (token === undefined) return false;
        if (token) {
          await this.deps.context.secrets.store(registryTokenKey(c.name), token);
          this.deps.log.info(`Stored a token for model registry '${c.name}'`);
        } else {
          await this.deps.context.secrets.delete(registryTokenKey(c.name));
          this.deps.log.info(`Removed the token of model registry '${c.name}'`);
        }
        return true;
      }
      case 'azureml':
        try {
          const session = await vscode.authentication.getSession('microsoft', AZURE_MANAGEMENT_SCOPES, { createIfNone: true });
          void vscode.window.showInformationMessage(`Signed in to Azure as ${session.account.label} for '${c.name}'.`);
          return true;
        } catch (e) {
          const message = `Sign-in to Azure for '${c.name}' did not complete: ${messageOf(e)}`;
          this.deps.log.warn(message);
          void vscode.window.showErrorMessage(message);
          return false;
        }
    }
  }
}

export function registerRegistryCommands(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): RegistryCommands {
  const commands = new RegistryCommands({ context, log });
  context.subscriptions.push(
    vscode.commands.registerCommand(REGISTRY_COMMANDS.add, (args?: AddRegistryArgs) => commands.add(typeof args === 'object' && args !== null ? args : {})),
    vscode.commands.registerCommand(REGISTRY_COMMANDS.remove, (arg?: unknown) => commands.remove(arg)),
    vscode.commands.registerCommand(REGISTRY_COMMANDS.signIn, (arg?: unknown) => commands.signIn(arg)),
    vscode.commands.registerCommand(REGISTRY_COMMANDS.test, async (arg?: unknown) => {
      const c = await commands.pick(arg, 'Model registry to test');
      return c ? commands.testAndShow(c) : undefined;
    }),
  );
  return commands;
}
