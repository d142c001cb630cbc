/**
 * The `predictWizard.modelRegistries` setting: reading and checking its entries. No vscode import.
 */
import type { RegistryKind } from '../models/source.js';

export interface RegistryConfig {
  readonly name: string;
  readonly kind: RegistryKind;
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
    if (registries.some((x) => x.name.toLowerCase() === name.toLowerCase()))
      return problems.push(`${at}: a registry named '${name}' already exists. It was ignored.`);
    const kind = r.kind;
    if (kind === 'local') {
      const path = str('path');
      if (!path)
        return problems.push(`${at} ('${name}'): a local registry needs path (a folder of MLflow models, a registry folder or an .onnx file). It was ignored.`);
      registries.push({ name, kind, path });
    } else if (kind === 'mlflow') {
      const trackingUri = str('trackingUri');
      if (!trackingUri || !/^https?:\/\//i.test(trackingUri))
        return problems.push(`${at} ('${name}'): trackingUri must be an http(s) URL such as http://127.0.0.1:5000. It was ignored.`);
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

/** Why a registry name cannot be used, or undefined. Names are unique without regard to case. */
export function registryNameProblem(name: string, existing: readonly string[]): string | undefined {
  const n = name.trim();
  if (!n) return 'Enter a name for the registry, e.g. "Team models".';
  if (n.length > 100) return 'A registry name is at most 100 characters.';
  if ([...n].some((ch) => ch.charCodeAt(0) < 0x20)) return 'A registry name cannot contain control characters.';
  if (existing.some((e) => e.toLowerCase() === n.toLowerCase())) return `A registry named '${n}' already exists: choose another name.`;
  return undefined;
}

/** Why a tracking server address cannot be used, or undefined. */
export function trackingUriProblem(text: string): string | undefined {
  const v = text.trim();
  if (!v) return 'Enter the address of the MLflow tracking server, e.g. http://127.0.0.1:5000.';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && /^[\w.-]+(:\d+)?(\/\S*)?$/.test(v)) return `Start the address with http:// or https://, e.g. http://${v}.`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `'${v}' is not a URL: enter an http:// or https:// address, e.g. http://127.0.0.1:5000.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `The tracking server address must start with http:// or https:// (not ${url.protocol}//).`;
  if (!url.hostname) return 'The tracking server address has no host name: enter e.g. http://127.0.0.1:5000.';
  if (url.username || url.password) return 'Do not put a user name or password in the address: enter a token with "Sign In to Model Registry" instead.';
  return undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function subscriptionIdProblem(text: string): string | undefined {
  const v = text.trim();
  if (!v) return 'Enter the subscription ID of the Azure Machine Learning workspace.';
  if (!GUID.test(v)) return `'${v}' is not a subscription ID: it is a GUID such as 00000000-1111-2222-3333-444444444444 (Azure portal → Subscriptions).`;
  return undefined;
}

/** Azure resource group names: 1–90 letters, digits, _ - . ( ), not ending with a period. */
export function resourceGroupProblem(text: string): string | undefined {
  const v = text.trim();
  if (!v) return 'Enter the resource group of the Azure Machine Learning workspace.';
  if (v.length > 90) return 'A resource group name is at most 90 characters.';
  if (!/^[\p{L}\p{N}_\-.()]+$/u.test(v)) return `'${v}' is not a resource group name: use letters, digits, underscores, hyphens, periods and parentheses.`;
  if (v.endsWith('.')) return 'A resource group name cannot end with a period.';
  return undefined;
}

/** Azure Machine Learning workspace names: 3–33 letters, digits, _ and -, starting with a letter or digit. */
export function workspaceNameProblem(text: string): string | undefined {
  const v = text.trim();
  if (!v) return 'Enter the name of the Azure Machine Learning workspace.';
  if (v.length < 3 || v.length > 33) return 'A workspace name has 3 to 33 characters.';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(v))
    return `'${v}' is not a workspace name: use letters, digits, underscores and hyphens, starting with a letter or digit.`;
  return undefined;
}

/** A name proposed for a new registry: the folder or file name, the server's host, or the workspace; made unique. */
export function defaultRegistryName(c: Omit<RegistryConfig, 'name'>, existing: readonly string[]): string {
  let base: string;
  if (c.kind === 'local') {
    const parts = (c.path ?? '').split(/[\\/]+/).filter(Boolean);
    base = (parts[parts.length - 1] ?? '').replace(/\.onnx$/i, '') || 'Local models';
  } else if (c.kind === 'mlflow') {
    let host = '';
    try {
      const u = new URL(c.trackingUri ?? '');
      host = u.port ? `${u.hostname}:${u.port}` : u.hostname;
    } catch {
      // an invalid address is reported where it is typed
    }
    base = host ? `MLflow ${host}` : 'MLflow';
  } else {
    base = c.workspace?.trim() || 'Azure ML';
  }
  const taken = (n: string) => existing.some((e) => e.toLowerCase() === n.toLowerCase());
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base} (${i})`)) return `${base} (${i})`;
}

/** The setting entry of a registry: only the fields its kind uses, trimmed. */
export function registryToSetting(c: RegistryConfig): Record<string, string> {
  const out: Record<string, string> = { name: c.name.trim(), kind: c.kind };
  if (c.kind === 'local') out.path = c.path!.trim();
  if (c.kind === 'mlflow') out.trackingUri = c.trackingUri!.trim();
  if (c.kind === 'azureml') {
    out.subscriptionId = c.subscriptionId!.trim();
    out.resourceGroup = c.resourceGroup!.trim();
    out.workspace = c.workspace!.trim();
  }
  return out;
}

function entryName(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name.trim() : undefined;
}

/**
 * The setting with a registry added. Other entries (even ones the extension ignores) are kept as
 * they are. Throws when the name is taken or the entry is incomplete, with the message to show.
 */
export function withRegistryAdded(raw: unknown, c: RegistryConfig): unknown[] {
  const list = Array.isArray(raw) ? [...(raw as unknown[])] : [];
  const problem = registryNameProblem(
    c.name,
    list.map(entryName).filter((n): n is string => n !== undefined),
  );
  if (problem) throw new Error(problem);
  const entry = registryToSetting(c);
  const { problems } = readRegistries([entry]);
  if (problems.length) throw new Error(problems[0]!.replace('predictWizard.modelRegistries[0]', 'The new registry'));
  list.push(entry);
  return list;
}

/** The setting without the registry of that name (case-insensitive); other entries are kept as they are. */
export function withRegistryRemoved(raw: unknown, name: string): unknown[] {
  const list = Array.isArray(raw) ? (raw as unknown[]) : [];
  return list.filter((e) => entryName(e)?.toLowerCase() !== name.trim().toLowerCase());
}

/** What a registry holds, for the user: one line from the first page of its model listing. */
export function registryTestMessage(name: string, page: { items: readonly { name: string }[]; continuationToken?: string }, shown = 3): string {
  const n = page.items.length;
  if (n === 0) return `Registry '${name}' answered: it has no registered models yet.`;
  const count = page.continuationToken ? `at least ${n} models` : n === 1 ? '1 model' : `${n} models`;
  const names = page.items.slice(0, shown).map((m) => m.name);
  const more = n > shown || page.continuationToken ? ', …' : '';
  return `Registry '${name}' answered: ${count} (${names.join(', ')}${more}).`;
}

/** Where a registry is, for quick picks. */
export function describeRegistry(c: RegistryConfig): string {
  switch (c.kind) {
    case 'local':
      return `Local: ${c.path}`;
    case 'mlflow':
      return `MLflow: ${c.trackingUri}`;
    case 'azureml':
      return `Azure ML: ${c.workspace} (${c.resourceGroup})`;
  }
}
