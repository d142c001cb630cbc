/**
 * Deploy model + open script: download the model version, check that ONNX Runtime loads it and that
 * its inputs and outputs match the mapping, create the model table when asked, store the model row
 * (bytes as a varbinary(max) parameter, replacing a row with the same ID) in one transaction, and
 * return the generated script. No vscode: the host wraps it in a progress notification.
 *
 * A failure or a cancel at any step leaves the database as it was: the row is written in one
 * transaction, and a model table created by this deploy is dropped again when a later step fails.
 */
import { readFile, stat } from 'node:fs/promises';
import { OnnxWorkerError, sharedOnnxWorker, type OnnxWorker } from '../models/onnx-worker.js';
import type { ModelSource, ModelVersionInfo } from '../models/source.js';
import { listColumns, objectExists, type CatalogRunner } from './catalog.js';
import type { SqlConnection } from './connection.js';
import { checkModelTable, createModelTableSql, MODEL_TABLE_COLUMNS, modelRowStatements } from './model-table.js';
import { displayObjectName, quoteObjectName } from './names.js';
import { generateScoringScript, type ScoringPlan, type ScoringScript } from './script.js';
import { displaySqlType } from './types.js';

/** What deploy needs from a connection (SqlConnection fits). */
export type DeploySql = Pick<SqlConnection, 'query' | 'execute' | 'transaction' | 'cancel'>;

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
 * caller down with it, and a cancel stops the load at once (the process is killed). The check does
 * not keep its session: the worker ends as soon as it has answered. Loads in this process only
 * when no process can be started, and then says so through `log`.
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
   * path, the deploy's signal and its log.
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

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs the deploy. Throws DeployError naming the failed step; `cancelled` is set when the signal fired. */
export async function deployModel(req: DeployRequest): Promise<DeployResult> {
  const { sql, plan, signal } = req;
  const log = req.log ?? (() => {});
  let step: DeployStep = 'download';
  let createdTable = false;
  const start = (s: DeployStep) => {
    step = s;
    if (aborted(signal)) throw new DeployError(s, 'cancelled', true);
    log(`deploy ${plan.modelId}: ${DEPLOY_STEP_TITLES[s]}`);
    req.onStep?.(s, DEPLOY_STEP_TITLES[s]);
  };
  // A cancel while a statement runs cancels the statement.
  const onAbort = () => sql.cancel();
  signal?.addEventListener('abort', onAbort);
  try {
    // The script first: a plan it refuses should not download anything.
    let script: ScoringScript;
    try {
      script = generateScoringScript(plan);
    } catch (e) {
      throw new DeployError('script', reasonOf(e), false, { cause: e });
    }

    // Memory: ONNX Runtime loads the model from its file, and the model's bytes are read only once
    // its session has been released, into one buffer that is handed to the client as it is. A large
    // model is then never held twice, nor alongside ONNX Runtime's own copy.
    start('download');
    let onnxPath: string;
    let onnxSize: number;
    try {
      const downloaded = await req.source.download(req.version.modelName, req.version.version, { signal });
      onnxPath = downloaded.onnxPath;
      const st = await stat(onnxPath);
      if (!st.isFile()) throw new Error(`${onnxPath} is not a file.`);
      onnxSize = st.size;
    } catch (e) {
      throw new DeployError('download', reasonOf(e), aborted(signal), { cause: e });
    }

    start('check');
    try {
      const info = await (req.loadModel ?? checkInChildProcess)(onnxPath, signal, log);
      if (info.loaderPeakRss !== undefined) log(`deploy ${plan.modelId}: ONNX Runtime loaded the model using ${Math.round(info.loaderPeakRss / 1048576)} MB`);
      checkAgainstPlan(info, plan);
    } catch (e) {
      if (e instanceof DeployError) throw e;
      if (aborted(signal)) throw new DeployError('check', 'cancelled', true, { cause: e });
      // The process stopped (out of memory, killed): the model may be fine; say what happened.
      if (e instanceof OnnxWorkerError && (e.kind === 'crashed' || e.kind === 'out-of-memory')) throw new DeployError('check', e.message, false, { cause: e });
      throw new DeployError(
        'check',
        `ONNX Runtime cannot load model '${req.version.modelName}' version ${req.version.version}: ${reasonOf(e)} PREDICT would fail with "Model is corrupt or invalid"; choose another version.`,
        false,
        { cause: e },
      );
    }

    let existingColumns: string[];
    const table = plan.modelTable;
    if (req.createModelTable) {
      start('create-table');
      try {
        if (await objectExists(sql as CatalogRunner, table)) {
          throw new Error(`an object named ${displayObjectName(table)} already exists. Choose another name, or choose it as an existing table.`);
        }
        if (aborted(signal)) throw new Error('cancelled');
        await sql.execute(createModelTableSql(table, plan.target));
        createdTable = true;
      } catch (e) {
        throw new DeployError('create-table', reasonOf(e), aborted(signal), { cause: e });
      }
      existingColumns = MODEL_TABLE_COLUMNS.map((c) => c.key);
    } else {
      start('store');
      try {
        const cols = await listColumns(sql as CatalogRunner, { schema: table.schema ?? 'dbo', name: table.name });
        const check = checkModelTable(
          cols.filter((c) => c.type !== undefined).map((c) => ({ name: c.name, type: c.type!, nullable: c.nullable })),
          { table, modelId: plan.modelId },
        );
        if (!check.ok) throw new Error(check.problems.join(' '));
        existingColumns = cols.map((c) => c.name);
      } catch (e) {
        throw new DeployError('store', reasonOf(e), aborted(signal), { cause: e });
      }
    }

    start('store');
    let bytes: Buffer;
    try {
      bytes = await readFile(onnxPath);
      if (bytes.byteLength !== onnxSize) throw new Error(`it changed while the deploy ran (${onnxSize} bytes when checked, ${bytes.byteLength} now)`);
    } catch (e) {
      throw new DeployError('store', `the downloaded model file ${onnxPath} cannot be read (${reasonOf(e)}); deploy again to download it again.`, aborted(signal), {
        cause: e,
      });
    }
    const statements = modelRowStatements({
      table,
      modelId: plan.modelId,
      name: req.version.modelName,
      version: req.version.version,
      model: bytes,
      description: req.version.description,
      createdBy: req.version.createdBy,
      createdTime: req.version.createdAt,
      framework: req.version.framework ?? 'onnx',
      inputsSchema: JSON.stringify(plan.inputs.map((i) => ({ name: i.modelInput, type: displaySqlType(i.inputType) }))),
      outputsSchema: JSON.stringify(plan.outputs.map((o) => ({ name: o.name, type: displaySqlType(o.type) }))),
      existingColumns,
    });
    try {
      await sql.transaction(async (tx) => {
        for (const s of statements) {
          if (aborted(signal)) throw new Error('cancelled');
          await tx.execute(s.sql, s.params);
        }
        // The last moment to cancel: after this the transaction commits.
        if (aborted(signal)) throw new Error('cancelled');
      });
    } catch (e) {
      throw new DeployError('store', reasonOf(e), aborted(signal), { cause: e });
    }
    log(`deploy ${plan.modelId}: stored ${bytes.byteLength} bytes in ${displayObjectName(table)}`);
    return { script, modelBytes: bytes.byteLength, createdTable };
  } catch (e) {
    const err = e instanceof DeployError ? e : new DeployError(step, reasonOf(e), aborted(signal), { cause: e });
    if (createdTable) {
      try {
        signal?.removeEventListener('abort', onAbort);
        await sql.execute(`DROP TABLE ${quoteObjectName(plan.modelTable)}`);
        log(`deploy ${plan.modelId}: dropped ${displayObjectName(plan.modelTable)} created by this deploy`);
      } catch (dropError) {
        throw new DeployError(
          err.step,
          `${err.cancelled ? 'cancelled' : err.reason} The model table ${displayObjectName(plan.modelTable)} created by this deploy could not be dropped (${reasonOf(dropError)}); drop it yourself.`,
          false,
          { cause: dropError },
        );
      }
    }
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
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
