/**
 * The wizard's controller, without vscode: takes messages from the webview, checks them, runs them
 * through the state machine, performs the effects (list versions, read a model, check names,
 * preview, deploy) and posts the new view. `host.ts` connects it to a WebviewPanel.
 */
import { messageOf, ProtocolError } from '../common/errors.js';
import { versionPage, type ModelVersionInfo } from '../models/source.js';
import { displayObjectName, type ObjectName } from '../sql/names.js';
import {
  BackCommand,
  CancelCommand,
  DeployCommand,
  EditCommand,
  LoadMoreCommand,
  NextCommand,
  notificationMessage,
  PreviewRequest,
  ReadyCommand,
  RefreshCommand,
  RenderedCommand,
  responseMessage,
  StateNotification,
  type HostMessage,
  type ModelVersionRow,
  type PreviewResult,
  type WebviewMessage,
  type WizardView,
} from './protocol.js';
import { parseWebviewMessage } from './webview-message.js';
import { prefilledState, type WizardPrefill } from './prefill.js';
import {
  initialState,
  planOf,
  reduce,
  viewOf,
  type Transition,
  type WizardAction,
  type WizardEffect,
  type WizardPlan,
  type WizardRules,
  type WizardState,
} from './state.js';
import type { ModelReader, WizardCatalog, WizardDatabase, WizardLog, WizardRegistry } from './services.js';

/** At most this many registered models are listed per registry (page 1 has a search box). */
export const MAX_LISTED_MODELS = 500;
/** Versions read per model per page: the grid shows the newest of each model first. */
export const VERSIONS_PAGE_SIZE = 50;
/** Models whose versions are read at the same time: registries throttle. */
const MODEL_CONCURRENCY = 4;

/** One load of a registry's versions: what remains to be read, page by page. */
interface VersionsJob {
  readonly registry: WizardRegistry;
  readonly abort: AbortController;
  /** The next page token of each model with older versions not read yet. */
  readonly tokens: Map<string, string>;
  /** Read every remaining page (a search is on). */
  all: boolean;
  /** A page is being read. */
  busy: boolean;
  /** No page of this load has been shown yet: the next one replaces the list. */
  first: boolean;
}

export interface PreviewRunner {
  (input: { plan: WizardPlan; onnxPath: string; signal: AbortSignal }): Promise<{ columns: string[]; rows: string[][] }>;
}

export interface DeployRunner {
  /** Deploys with progress and cancellation; resolves when done (or cancelled: `cancelled: true`). */
  (input: {
    plan: WizardPlan;
    registry: WizardRegistry;
    version: ModelVersionInfo;
    onStep(step: string): void;
  }): Promise<{ script: string; cancelled?: boolean }>;
}

export interface WizardControllerOptions {
  readonly table: ObjectName;
  readonly db: WizardDatabase;
  readonly catalog: WizardCatalog;
  readonly registries: readonly WizardRegistry[];
  readonly rules: WizardRules;
  readonly readModel: ModelReader;
  readonly preview: PreviewRunner;
  readonly deploy: DeployRunner;
  readonly post: (message: HostMessage) => void;
  /** Opens the generated script (the host: a new untitled SQL editor named after the object) and says what was stored. */
  readonly openScript: (script: string, plan: WizardPlan) => Promise<void>;
  /** Closes the wizard (Cancel, or after a successful deploy). */
  readonly close: () => void;
  /** Shows an error to the user outside the webview (a notification). */
  readonly showError: (message: string) => void;
  readonly log: WizardLog;
  /** Open on page 2 filled in from a deployed object (its model version already read), instead of page 1. */
  readonly prefill?: { readonly prefill: WizardPrefill; readonly version: ModelVersionInfo; readonly onnxPath: string };
}

export class WizardController {
  private state!: WizardState;
  private readonly versionInfo = new Map<string, ModelVersionInfo>();
  private readonly onnxPaths = new Map<string, string>();
  private modelAbort?: AbortController;
  private previewAbort?: AbortController;
  private versionsJob?: VersionsJob;
  private disposed = false;
  /** Resolves when every effect started so far has finished (for tests and shutdown). */
  private pending = new Set<Promise<void>>();

  private constructor(private readonly o: WizardControllerOptions) {}

  /** Reads the table's columns and starts on page 1. Throws when the table cannot be read. */
  static async open(o: WizardControllerOptions): Promise<WizardController> {
    const c = new WizardController(o);
    const columns = await o.catalog.columns(o.table);
    const target = { connectionName: o.db.connectionName, table: o.table, columns };
    const registries = o.registries.map((r) => ({ name: r.name, kind: r.kind }));
    if (o.prefill) {
      const key = `${o.prefill.prefill.registry}\u0000${o.prefill.prefill.version.key}`;
      c.versionInfo.set(key, o.prefill.version);
      c.onnxPaths.set(key, o.prefill.onnxPath);
    }
    c.apply(o.prefill ? prefilledState(target, registries, o.prefill.prefill) : initialState(target, registries));
    return c;
  }

  get view(): WizardView {
    return viewOf(this.state, this.o.rules);
  }

  get current(): WizardState {
    return this.state;
  }

  /** Waits for every effect in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  dispose(): void {
    this.disposed = true;
    this.versionsJob?.abort.abort();
    this.modelAbort?.abort();
    this.previewAbort?.abort();
  }

  /** Handles one message posted by the webview. Invalid messages are logged and dropped. */
  async handle(raw: unknown): Promise<void> {
    let msg: WebviewMessage;
    try {
      msg = parseWebviewMessage(raw);
    } catch (e) {
      if (e instanceof ProtocolError) {
        this.o.log.warn(`Ignored a malformed message from the wizard's webview: ${e.message}`);
        return;
      }
      throw e;
    }
    if (PreviewRequest.is(msg)) {
      const result = await this.runPreview();
      this.o.post(responseMessage(PreviewRequest, msg.id, result));
      return;
    }
    if (EditCommand.is(msg)) {
      this.dispatch({ type: 'edit', edit: msg.params });
      return;
    }
    switch (msg.method) {
      case ReadyCommand.method:
        this.postView();
        return;
      case RenderedCommand.method:
        return;
      case NextCommand.method:
        this.dispatch({ type: 'next' });
        return;
      case BackCommand.method:
        this.dispatch({ type: 'back' });
        return;
      case RefreshCommand.method:
        if (this.state.registry)
          this.dispatch({ type: 'versionsLoading', registry: this.state.registry }, [{ kind: 'loadVersions', registry: this.state.registry }]);
        return;
      case LoadMoreCommand.method:
        this.dispatch({ type: 'loadMore' });
        return;
      case CancelCommand.method:
        if (this.state.deploy.status !== 'running') this.o.close();
        return;
      case DeployCommand.method:
        await this.runDeploy();
        return;
    }
  }

  dispatch(action: WizardAction, extraEffects: readonly WizardEffect[] = []): void {
    if (this.disposed) return;
    const t = reduce(this.state, action, this.o.rules);
    this.apply({ state: t.state, effects: [...t.effects, ...extraEffects] });
  }

  private apply(t: Transition): void {
    this.state = t.state;
    this.postView();
    for (const e of t.effects) this.track(this.run(e));
  }

  private track(p: Promise<void>): void {
    const q = p.catch((e: unknown) => this.o.log.error('A wizard task failed unexpectedly.', e)).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }

  private postView(): void {
    if (this.disposed || !this.state) return;
    this.o.post(notificationMessage(StateNotification, { view: this.view }));
  }

  private async run(e: WizardEffect): Promise<void> {
    switch (e.kind) {
      case 'loadVersions':
        return this.loadVersions(e.registry);
      case 'loadMoreVersions':
        return this.loadMoreVersions(e.registry, e.all);
      case 'loadModel':
        return this.loadModel(e.registry, e.version);
      case 'loadModelTables':
        try {
          this.dispatch({ type: 'modelTablesLoaded', tables: await this.o.catalog.modelTables() });
        } catch (err) {
          this.o.log.error('Listing model tables failed.', err);
          this.dispatch({ type: 'modelTablesFailed', error: `Could not list the tables of the database: ${messageOf(err)}` });
        }
        return;
      case 'checkName':
        try {
          this.dispatch({ type: 'nameChecked', kind: e.which, key: e.key, exists: await this.o.catalog.objectExists(e.name) });
        } catch (err) {
          this.o.log.warn(`Could not check whether ${displayObjectName(e.name)} exists: ${messageOf(err)}`);
        }
        return;
    }
  }

  /**
   * Lists the registry's models, then the first page of each model's versions (a few models at a
   * time), showing each page as it arrives: the newest versions are on screen before the rest of a
   * large registry is read. Older pages are read on demand (Load more), or all of them while a
   * search is on.
   */
  private async loadVersions(registryName: string): Promise<void> {
    const registry = this.o.registries.find((r) => r.name === registryName);
    if (!registry) return;
    this.versionsJob?.abort.abort();
    const job: VersionsJob = { registry, abort: new AbortController(), tokens: new Map(), all: false, busy: true, first: true };
    this.versionsJob = job;
    const signal = job.abort.signal;
    try {
      let token: string | undefined;
      let listed = 0;
      do {
        const page = await registry.source.listModels({ continuationToken: token, pageSize: 100, signal });
        const names = page.items.map((m) => m.name).slice(0, MAX_LISTED_MODELS - listed);
        listed += names.length;
        token = page.continuationToken;
        await eachLimited(names, MODEL_CONCURRENCY, async (name) => {
          const p = await versionPage(registry.source, name, { pageSize: VERSIONS_PAGE_SIZE }, signal);
          if (p.continuationToken) job.tokens.set(name, p.continuationToken);
          this.showPage(job, p.items, 'loading');
        });
      } while (token && listed < MAX_LISTED_MODELS && !signal.aborted);
      await this.drainVersions(job);
    } catch (err) {
      if (signal.aborted || this.versionsJob !== job) return;
      this.o.log.error(`Listing the models of ${registryName} failed.`, err);
      this.dispatch(
        job.first
          ? { type: 'versionsFailed', registry: registryName, error: messageOf(err) }
          : { type: 'versionsMoreFailed', registry: registryName, error: messageOf(err) },
      );
    } finally {
      job.busy = false;
    }
  }

  /** Load more: the next page of every model with older versions; with `all`, every page left. */
  private async loadMoreVersions(registryName: string, all: boolean): Promise<void> {
    const job = this.versionsJob;
    if (!job || job.registry.name !== registryName || job.abort.signal.aborted) return;
    if (all) job.all = true;
    // A read in progress goes on to the end when `all` is set.
    if (job.busy) return;
    job.busy = true;
    try {
      await this.readNextPages(job);
      await this.drainVersions(job);
    } catch (err) {
      if (job.abort.signal.aborted || this.versionsJob !== job) return;
      this.o.log.error(`Listing more versions of ${registryName} failed.`, err);
      this.dispatch({ type: 'versionsMoreFailed', registry: registryName, error: messageOf(err) });
    } finally {
      job.busy = false;
    }
  }

  /** While a search wants them all, reads the remaining pages; then says whether more remain. */
  private async drainVersions(job: VersionsJob): Promise<void> {
    while (job.all && job.tokens.size && !job.abort.signal.aborted) await this.readNextPages(job);
    this.showPage(job, [], job.tokens.size ? 'more' : 'none');
  }

  private async readNextPages(job: VersionsJob): Promise<void> {
    await eachLimited([...job.tokens.keys()], MODEL_CONCURRENCY, async (name) => {
      const p = await versionPage(job.registry.source, name, { pageSize: VERSIONS_PAGE_SIZE, pageToken: job.tokens.get(name) }, job.abort.signal);
      if (p.continuationToken) job.tokens.set(name, p.continuationToken);
      else job.tokens.delete(name);
      this.showPage(job, p.items, 'loading');
    });
  }

  /** Shows a page of versions (the first of a load replaces the list). */
  private showPage(job: VersionsJob, versions: readonly ModelVersionInfo[], more: 'none' | 'more' | 'loading'): void {
    if (this.versionsJob !== job || job.abort.signal.aborted) return;
    const rows = versions.map((v) => {
      const row = versionRow(v);
      this.versionInfo.set(`${job.registry.name}\u0000${row.key}`, v);
      return row;
    });
    const first = job.first;
    job.first = false;
    this.dispatch({ type: 'versionsPage', registry: job.registry.name, versions: rows, first, more });
  }

  private async loadModel(registryName: string, row: ModelVersionRow): Promise<void> {
    const registry = this.o.registries.find((r) => r.name === registryName);
    const info = this.versionInfo.get(`${registryName}\u0000${row.key}`);
    if (!registry || !info) return;
    this.modelAbort?.abort();
    const abort = new AbortController();
    this.modelAbort = abort;
    try {
      const { model, suggestion, onnxPath } = await this.o.readModel({
        registry,
        version: info,
        columns: this.state.target.columns,
        target: this.o.db.target,
        signal: abort.signal,
      });
      this.onnxPaths.set(`${registryName}\u0000${row.key}`, onnxPath);
      this.dispatch({ type: 'modelLoaded', key: row.key, model, suggestion });
    } catch (err) {
      if (abort.signal.aborted) return;
      this.o.log.error(`Reading model ${row.key} failed.`, err);
      this.dispatch({ type: 'modelFailed', key: row.key, error: messageOf(err) });
    }
  }

  private async runPreview(): Promise<PreviewResult> {
    const { plan, problem } = planOfMapping(this.state, this.o.rules);
    if (!plan) {
      const error = problem ?? 'The mapping is not complete.';
      this.dispatch({ type: 'previewFailed', error });
      return { ok: false, error };
    }
    const onnxPath = this.onnxPaths.get(`${plan.registry}\u0000${plan.model.key}`);
    if (!onnxPath) {
      const error = 'The model has not been read yet; wait for it, then preview again.';
      this.dispatch({ type: 'previewFailed', error });
      return { ok: false, error };
    }
    this.previewAbort?.abort();
    const abort = new AbortController();
    this.previewAbort = abort;
    this.dispatch({ type: 'previewStarted' });
    try {
      const r = await this.o.preview({ plan, onnxPath, signal: abort.signal });
      if (abort.signal.aborted) return { ok: false, error: 'Cancelled.' };
      this.dispatch({ type: 'previewDone', columns: r.columns, rows: r.rows });
      return { ok: true };
    } catch (err) {
      this.o.log.error('Preview failed.', err);
      const error = messageOf(err);
      if (!abort.signal.aborted) this.dispatch({ type: 'previewFailed', error });
      return { ok: false, error };
    }
  }

  private async runDeploy(): Promise<void> {
    if (this.state.deploy.status === 'running') return;
    const { plan, problem } = planOf(this.state, this.o.rules);
    if (!plan) {
      this.dispatch({ type: 'deploy', deploy: { status: 'error', message: problem } });
      return;
    }
    const registry = this.o.registries.find((r) => r.name === plan.registry);
    const version = this.versionInfo.get(`${plan.registry}\u0000${plan.model.key}`);
    if (!registry || !version) {
      this.dispatch({ type: 'deploy', deploy: { status: 'error', message: 'The chosen model version is no longer listed; go back and choose it again.' } });
      return;
    }
    this.dispatch({ type: 'deploy', deploy: { status: 'running', step: 'Starting' } });
    try {
      const r = await this.o.deploy({
        plan,
        registry,
        version,
        onStep: (step) => this.dispatch({ type: 'deploy', deploy: { status: 'running', step } }),
      });
      if (r.cancelled) {
        this.dispatch({ type: 'deploy', deploy: { status: 'cancelled', message: 'Deploy cancelled. The database was left as it was.' } });
        return;
      }
      this.dispatch({ type: 'deploy', deploy: { status: 'done', message: 'The model is stored; the script is open in a new editor.' } });
      await this.o.openScript(r.script, plan);
      this.o.close();
    } catch (err) {
      const message = messageOf(err);
      this.o.log.error(`Deploy failed: ${message}`, err);
      this.dispatch({ type: 'deploy', deploy: { status: 'error', message } });
      this.o.showError(message);
    }
  }
}

/** A plan for the preview: the mapping must be valid; page 3's fields need not be. */
function planOfMapping(state: WizardState, rules: WizardRules): { plan?: WizardPlan; problem?: string } {
  const filled: WizardState = {
    ...state,
    page: 'store',
    scriptName: 'PreviewOnly',
    modelTableMode: 'new',
    newTableName: 'PreviewOnlyModels',
    existing: {},
  };
  const r = planOf(filled, rules);
  return r.plan ? { plan: r.plan } : { problem: r.problem };
}

export function versionRow(v: ModelVersionInfo): ModelVersionRow {
  const framework = v.framework ?? (v.isOnnx ? 'onnx' : '');
  return {
    key: `${v.modelName}:${v.version}`,
    name: v.modelName,
    version: v.version,
    created: v.createdAt ? v.createdAt.toISOString() : '',
    createdBy: v.createdBy ?? '',
    framework,
    disabledReason: v.isOnnx
      ? undefined
      : `PREDICT runs ONNX models only: ${v.notOnnxReason ? v.notOnnxReason.replace(/\.$/, '') : `this is ${framework ? `a ${framework} model` : 'not an ONNX model'}`}. Register an ONNX version of it.`,
  };
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure stops the rest. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (!failed && next < items.length) {
        const item = items[next++]!;
        try {
          await fn(item);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
}
