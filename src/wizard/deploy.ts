/**
 * Deploy model + open script: download the model version, check that ONNX Runtime loads it and that
 * its inputs and outputs match the mapping, create the model table when asked, store the model row
 * (bytes as a varbinary(max) parameter, replacing a row with the same ID) in one transaction, and
 * return the generated script. No vscode: the host wraps it in a progress notification.
 *
 * The steps run one after another (`DEPLOY_STEPS`), except ONNX Runtime's load of the model, which
 * runs in its own process while the table is prepared and the row is sent: the mapping is checked
 * first against the inputs and outputs the file declares (read without loading the model), and the
 * row's transaction commits only once ONNX Runtime has loaded the model too. A model ONNX Runtime
 * refuses rolls the row back. A file whose metadata cannot be read is loaded by ONNX Runtime before
 * anything is written, so that its error is ONNX Runtime's.
 *
 * A failure or a cancel at any step leaves the database as it was: the row is written in one
 * transaction, and a model table created by this deploy is dropped again when a later step fails.
 */
import { readFile, stat } from 'node:fs/promises';
import { messageOf } from '../common/errors.js';
import { readOnnxMetadataFile } from '../models/onnx/read-file.js';
import { OnnxWorkerError, sharedOnnxWorker, type OnnxWorker } from '../models/onnx-worker.js';
import type { ModelSource, ModelVersionInfo } from '../models/source.js';
import { listColumns, objectExists, type CatalogRunner } from '../sql/catalog.js';
import type { SqlPort } from '../sql/port.js';
import { checkModelTable, createModelTableSql, MODEL_TABLE_COLUMNS, modelRowStatements } from '../sql/model-table.js';
import { displayObjectName, quoteObjectName } from '../sql/names.js';
import { generateScoringScript, type ScoringPlan, type ScoringScript } from '../sql/script.js';
import { displaySqlType } from '../sql/types.js';

/** What deploy needs from a connection: the SQL port (SqlConnection implements it). */
export type DeploySql = SqlPort;

export type DeployStep = 'download' | 'check' | 'create-table' | 'store' | 'script';

/** The words a user reads for each step: "Deploy failed while <words>: ...". */
export const DEPLOY_STEP_WORDS: Readonly<Record<DeployStep, string>> = {
  download: 'downloading the model',
  check: 'checking the model with ONNX Runtime',
  'create-table': 'creating the model table',
  store: 'storing the model in the model table',
  script: 'generating the script',
};

/** The progress text for each step. */
export const DEPLOY_STEP_TITLES: Readonly<Record<DeployStep, string>> = {
  download: 'Downloading the model',
  check: 'Checking the model with ONNX Runtime',
  'create-table': 'Creating the model table',
  store: 'Storing the model row',
  script: 'Generating the script',
};

export class DeployError extends Error {
  override readonly name = 'DeployError';
  constructor(
    readonly step: DeployStep,
    readonly reason: string,
    readonly cancelled = false,
    options?: ErrorOptions,
  ) {
    super(
      cancelled
        ? `Deploy cancelled while ${DEPLOY_STEP_WORDS[step]}. Nothing was changed in the database.`
        : `Deploy failed while ${DEPLOY_STEP_WORDS[step]}: ${reason}`,
      options,
    );
  }
}

/** The model's input and output names as ONNX Runtime sees them. */
export interface LoadedModelInfo {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Peak memory (RSS, bytes) of the process that loaded the model, when it was a process of its own. */
  readonly loaderPeakRss?: number;
}

/**
 * Loads the model in ONNX Runtime (lazily imported) in this process and reports its input and
 * output names; the session is released before this returns. Give the file's path rather than its
 * bytes: ONNX Runtime then reads the file itself, and no copy of the model is held in JavaScript.
 */
export async function loadWithOnnxRuntime(model: string | Uint8Array): Promise<LoadedModelInfo> {
  const ort = await import('onnxruntime-node');
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  try {
    return { inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
  } finally {
    await session.release();
  }
}

/**
 * Loads the model with ONNX Runtime in the extension's ONNX worker process (see
 * src/models/onnx-worker.ts) and reports its input and output names. ONNX Runtime needs many times
 * a model's size while it builds a session (about 17 times for a 100 MB tree ensemble), and a
 * process keeps most of that memory after the session is released: in a process of its own, that
 * memory goes back to the system when it exits, a model too large for the machine cannot take the
 * caller down with it, and a cancel stops the load at once (the process is killed). When the worker
 * still holds a session for the same bytes (a preview just loaded them), that session answers and
 * the model is not loaded again. The check does not keep its session: the worker ends as soon as
 * it has answered. Loads in this process only when no process can be started, and then says so
 * through `log`.
 */
export async function checkInChildProcess(onnxPath: string, signal?: AbortSignal, log?: (line: string) => void, worker?: OnnxWorker): Promise<LoadedModelInfo> {
  try {
    const info = await (worker ?? sharedOnnxWorker()).load(onnxPath, { signal, log, keep: false });
    return { inputNames: info.inputNames, outputNames: info.outputNames, loaderPeakRss: info.inProcess ? undefined : info.peakRss };
  } catch (e) {
    if (e instanceof OnnxWorkerError && e.kind === 'cancelled') throw new Error('cancelled', { cause: e });
    throw e;
  }
}

export interface DeployRequest {
  readonly sql: DeploySql;
  readonly source: Pick<ModelSource, 'download'>;
  readonly version: ModelVersionInfo;
  /** The scoring plan; `modelTable` and `modelId` say where the row goes. */
  readonly plan: ScoringPlan;
  /** Create `plan.modelTable` (it must not exist yet). */
  readonly createModelTable: boolean;
  readonly signal?: AbortSignal;
  /** Called when a step starts (for a progress notification). */
  readonly onStep?: (step: DeployStep, title: string) => void;
  /**
   * Loads the model to check it; default checkInChildProcess. Receives the downloaded ONNX file's
   * path, the deploy's signal and its log. It runs while the table is prepared and the row is sent.
   */
  readonly loadModel?: (onnxPath: string, signal?: AbortSignal, log?: (line: string) => void) => Promise<LoadedModelInfo>;
  /** Receives a line per step; never model bytes or secrets. */
  readonly log?: (line: string) => void;
}

export interface DeployResult {
  readonly script: ScoringScript;
  readonly modelBytes: number;
  readonly createdTable: boolean;
}

/** A deploy in progress: what the steps have found so far. */
interface Deploy {
  readonly req: DeployRequest;
  readonly log: (line: string) => void;
  /** The step that runs (for the error and the cancel message). */
  step: DeployStep;
  script?: ScoringScript;
  onnxPath?: string;
  onnxSize?: number;
  createdTable: boolean;
  existingColumns?: string[];
  /** ONNX Runtime's load of the model, running while the row is prepared and sent. */
  loading?: Promise<void>;
  /** Why ONNX Runtime refused the model, once it has. */
  checkFailure?: DeployError;
  /** Stops ONNX Runtime's load when the deploy fails otherwise. */
  readonly stopCheck: AbortController;
  /** The row's transaction has begun (a refused model then rolls it back). */
  rowStarted: boolean;
  storedBytes?: number;
}

interface DeployStepDef {
  readonly step: DeployStep;
  /** Announced to `onStep` and the log (the script is made before anything is shown). Default true. */
  readonly announce?: boolean;
  readonly when?: (d: Deploy) => boolean;
  readonly run: (d: Deploy) => Promise<void> | void;
}

/** The deploy, step by step. */
const DEPLOY_STEPS: readonly DeployStepDef[] = [
  // The script first: a plan it refuses should not download anything.
  { step: 'script', announce: false, run: (d) => void (d.script = generateScoringScript(d.req.plan)) },
  { step: 'download', run: downloadModel },
  { step: 'check', run: checkModel },
  { step: 'create-table', when: (d) => d.req.createModelTable, run: createTable },
  { step: 'store', when: (d) => !d.req.createModelTable, run: checkExistingTable },
  { step: 'store', run: storeRow },
];

const aborted = (d: Deploy): boolean => d.req.signal?.aborted === true;

function cancelledIfAborted(d: Deploy): void {
  if (aborted(d)) throw new Error('cancelled');
}

/** Runs the deploy. Throws DeployError naming the failed step; `cancelled` is set when the signal fired. */
export async function deployModel(req: DeployRequest): Promise<DeployResult> {
  const d: Deploy = { req, log: req.log ?? (() => {}), step: 'script', createdTable: false, stopCheck: new AbortController(), rowStarted: false };
  const { sql, signal, plan } = req;
  // A cancel while a statement runs cancels the statement.
  const onAbort = () => sql.cancel();
  signal?.addEventListener('abort', onAbort);
  try {
    for (const s of DEPLOY_STEPS) {
      if (s.when && !s.when(d)) continue;
      d.step = s.step;
      try {
        if (s.announce !== false) {
          if (aborted(d)) throw new DeployError(s.step, 'cancelled', true);
          d.log(`deploy ${plan.modelId}: ${DEPLOY_STEP_TITLES[s.step]}`);
          req.onStep?.(s.step, DEPLOY_STEP_TITLES[s.step]);
        }
        throwIfCheckFailed(d);
        await s.run(d);
      } catch (e) {
        throw deployErrorOf(d, e);
      }
    }
    d.log(`deploy ${plan.modelId}: stored ${d.storedBytes} bytes in ${displayObjectName(plan.modelTable)}`);
    return { script: d.script!, modelBytes: d.storedBytes!, createdTable: d.createdTable };
  } catch (e) {
    signal?.removeEventListener('abort', onAbort);
    // A check still running is stopped with the deploy: its answer no longer matters.
    d.stopCheck.abort();
    await d.loading;
    if (d.createdTable) await dropCreatedTable(d, e as DeployError);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The one error wrapper: a cancel names the step that ran; a model ONNX Runtime refused while the
 * row was being prepared or sent is reported as the check's failure; anything else as a failure of
 * the step.
 */
function deployErrorOf(d: Deploy, e: unknown): DeployError {
  if (aborted(d)) return e instanceof DeployError && e.cancelled ? e : new DeployError(d.step, 'cancelled', true, { cause: e });
  if (d.checkFailure) return d.rowStarted ? withRollback(d.checkFailure) : d.checkFailure;
  if (e instanceof DeployError) return e;
  return new DeployError(d.step, messageOf(e), false, { cause: e });
}

function throwIfCheckFailed(d: Deploy): void {
  if (d.checkFailure && !aborted(d)) throw d.checkFailure;
}

async function dropCreatedTable(d: Deploy, err: DeployError): Promise<void> {
  const { plan, sql } = d.req;
  try {
    await sql.execute(`DROP TABLE ${quoteObjectName(plan.modelTable)}`);
    d.log(`deploy ${plan.modelId}: dropped ${displayObjectName(plan.modelTable)} created by this deploy`);
  } catch (dropError) {
    throw new DeployError(
      err.step,
      `${err.cancelled ? 'cancelled' : err.reason} The model table ${displayObjectName(plan.modelTable)} created by this deploy could not be dropped (${messageOf(dropError)}); drop it yourself.`,
      false,
      { cause: dropError },
    );
  }
}

// Memory: ONNX Runtime loads the model from its file in a process of its own, and this process
// reads the model's bytes once, into one buffer that is handed to the client as it is.
async function downloadModel(d: Deploy): Promise<void> {
  const { req } = d;
  const downloaded = await req.source.download(req.version.modelName, req.version.version, { signal: req.signal });
  const st = await stat(downloaded.onnxPath);
  if (!st.isFile()) throw new Error(`${downloaded.onnxPath} is not a file.`);
  d.onnxPath = downloaded.onnxPath;
  d.onnxSize = st.size;
}

/** The inputs and outputs the file declares, or undefined when its metadata cannot be read. */
async function declaredPorts(onnxPath: string): Promise<LoadedModelInfo | undefined> {
  try {
    const m = await readOnnxMetadataFile(onnxPath);
    return { inputNames: m.inputs.map((i) => i.name), outputNames: m.outputs.map((o) => o.name) };
  } catch {
    return undefined;
  }
}

/**
 * Checks the mapping against the inputs and outputs the file declares, then starts ONNX Runtime's
 * load, which the store step waits for before it commits. When the metadata cannot be read, waits
 * for ONNX Runtime here instead, so that nothing is written for a file it refuses.
 */
async function checkModel(d: Deploy): Promise<void> {
  const { req } = d;
  const onnxPath = d.onnxPath!;
  const declared = await declaredPorts(onnxPath);
  if (declared) checkAgainstPlan(declared, req.plan);
  cancelledIfAborted(d);
  const signal = req.signal ? AbortSignal.any([req.signal, d.stopCheck.signal]) : d.stopCheck.signal;
  const load = (req.loadModel ?? checkInChildProcess)(onnxPath, signal, d.log).then(
    (info) => {
      if (info.loaderPeakRss !== undefined)
        d.log(`deploy ${req.plan.modelId}: ONNX Runtime loaded the model using ${Math.round(info.loaderPeakRss / 1048576)} MB`);
      checkAgainstPlan(info, req.plan);
    },
    (e: unknown) => {
      throw checkError(d, e);
    },
  );
  if (!declared) return load;
  d.loading = load.catch((e: unknown) => {
    if (aborted(d) || d.stopCheck.signal.aborted) return;
    d.checkFailure = e as DeployError;
    // Stop sending the row: it will not be committed.
    req.sql.cancel();
  });
}

/** ONNX Runtime's refusal as the user reads it. */
function checkError(d: Deploy, e: unknown): DeployError {
  const { req } = d;
  if (e instanceof DeployError) return e;
  if (aborted(d)) return new DeployError('check', 'cancelled', true, { cause: e });
  // The process stopped (out of memory, killed): the model may be fine; say what happened.
  if (e instanceof OnnxWorkerError && (e.kind === 'crashed' || e.kind === 'out-of-memory')) return new DeployError('check', e.message, false, { cause: e });
  return new DeployError(
    'check',
    `ONNX Runtime cannot load model '${req.version.modelName}' version ${req.version.version}: ${messageOf(e)} PREDICT would fail with "Model is corrupt or invalid"; choose another version.`,
    false,
    { cause: e },
  );
}

async function createTable(d: Deploy): Promise<void> {
  const { sql, plan } = d.req;
  if (await objectExists(sql as CatalogRunner, plan.modelTable)) {
    throw new Error(`an object named ${displayObjectName(plan.modelTable)} already exists. Choose another name, or choose it as an existing table.`);
  }
  cancelledIfAborted(d);
  await sql.execute(createModelTableSql(plan.modelTable, plan.target));
  d.createdTable = true;
  d.existingColumns = MODEL_TABLE_COLUMNS.map((c) => c.key);
}

async function checkExistingTable(d: Deploy): Promise<void> {
  const { sql, plan } = d.req;
  const table = plan.modelTable;
  const cols = await listColumns(sql as CatalogRunner, { schema: table.schema ?? 'dbo', name: table.name });
  const check = checkModelTable(
    cols.filter((c) => c.type !== undefined).map((c) => ({ name: c.name, type: c.type!, nullable: c.nullable })),
    { table, modelId: plan.modelId },
  );
  if (!check.ok) throw new Error(check.problems.join(' '));
  d.existingColumns = cols.map((c) => c.name);
}

/**
 * Sends the row's DELETE + INSERT in one transaction and commits once ONNX Runtime's check has
 * passed; a refused model rolls the row back.
 */
async function storeRow(d: Deploy): Promise<void> {
  const { req } = d;
  const { plan, version, sql } = req;
  const onnxPath = d.onnxPath!;
  let bytes: Buffer;
  try {
    bytes = await readFile(onnxPath);
    if (bytes.byteLength !== d.onnxSize) throw new Error(`it changed while the deploy ran (${d.onnxSize} bytes when checked, ${bytes.byteLength} now)`);
  } catch (e) {
    throw new DeployError('store', `the downloaded model file ${onnxPath} cannot be read (${messageOf(e)}); deploy again to download it again.`, aborted(d), {
      cause: e,
    });
  }
  const statements = modelRowStatements({
    table: plan.modelTable,
    modelId: plan.modelId,
    name: version.modelName,
    version: version.version,
    model: bytes,
    description: version.description,
    createdBy: version.createdBy,
    createdTime: version.createdAt,
    framework: version.framework ?? 'onnx',
    inputsSchema: JSON.stringify(plan.inputs.map((i) => ({ name: i.modelInput, type: displaySqlType(i.inputType) }))),
    outputsSchema: JSON.stringify(plan.outputs.map((o) => ({ name: o.name, type: displaySqlType(o.type) }))),
    existingColumns: d.existingColumns!,
  });
  await sql.transaction(async (tx) => {
    d.rowStarted = true;
    for (const s of statements) {
      cancelledIfAborted(d);
      throwIfCheckFailed(d);
      await tx.execute(s.sql, s.params);
    }
    if (d.loading) {
      d.log(`deploy ${plan.modelId}: the row is sent; waiting for ONNX Runtime's check before committing`);
      d.step = 'check';
      await d.loading;
      // The last moment to cancel: after this the transaction commits.
      cancelledIfAborted(d);
      throwIfCheckFailed(d);
      d.step = 'store';
    }
    cancelledIfAborted(d);
  });
  d.storedBytes = bytes.byteLength;
}

/** The check's failure, saying the row it would have stored was rolled back. */
function withRollback(e: DeployError): DeployError {
  return new DeployError(e.step, `${e.reason} The model row was rolled back: nothing was stored.`, false, { cause: e.cause });
}

/** Every model input is mapped, every mapped input and listed output exists in the model. */
export function checkAgainstPlan(info: LoadedModelInfo, plan: ScoringPlan): void {
  const problems: string[] = [];
  const mapped = new Set(plan.inputs.map((i) => i.modelInput));
  for (const i of plan.inputs) {
    if (!info.inputNames.includes(i.modelInput)) problems.push(`the model has no input '${i.modelInput}' (its inputs: ${info.inputNames.join(', ')})`);
  }
  for (const name of info.inputNames) {
    if (!mapped.has(name)) problems.push(`the model input '${name}' is not mapped to a column`);
  }
  for (const o of plan.outputs) {
    if (!info.outputNames.includes(o.name)) problems.push(`the model has no output '${o.name}' (its outputs: ${info.outputNames.join(', ')})`);
  }
  if (problems.length) {
    throw new DeployError('check', `The model does not match the mapping: ${problems.join('; ')}. Go back to Map columns and fix the mapping.`);
  }
}
