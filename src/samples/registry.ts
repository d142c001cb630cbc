// A sample MLflow file-store model registry (the layout of mlflow/store/model_registry/file_store.py)
// with the lab's `aml-synapse-classifier` (v1 logistic regression, v2 tree ensemble) and a few
// others that exercise what the wizard must handle: string input, ZipMap output, a
// multi-dimensional input, a non-ONNX (sklearn) model and a broken ONNX file. The model files sit in
// an mlruns-style tree (<root>/<experiment>/<run>/artifacts/model), referenced the ways MLflow
// does: storage_location as a file:// URI, source as runs:/<run>/model, and a relative path.

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { SampleModel, SampleModelKind, buildSampleModel, writeMlflowModelDir } from './models.js';

export interface SampleRegistryVersion {
  name: string;
  version: number;
  /** What the wizard should make of it. */
  expect: 'onnx' | 'not-onnx' | 'broken';
  dir: string;
}

export interface SampleRegistry {
  root: string;
  versions: SampleRegistryVersion[];
}

const EXPERIMENT = '1';
const BASE_TIME = Date.UTC(2024, 2, 4, 9, 30, 0);

interface Entry {
  name: string;
  version: number;
  description: string;
  user: string;
  kind?: SampleModelKind;
  /** How meta.yaml points at the files. */
  reference: 'storage-location-uri' | 'runs-uri' | 'relative';
  tags?: Record<string, string>;
  stage?: string;
  sklearn?: true;
  expect: SampleRegistryVersion['expect'];
}

const ENTRIES: Entry[] = [
  {
    name: 'aml-synapse-classifier',
    version: 1,
    kind: 'linear-classifier',
    description: 'Customer rating classifier: multinomial logistic regression on the eight customer features.',
    user: 'ana@contoso.com',
    reference: 'storage-location-uri',
    tags: { algorithm: 'logistic-regression' },
    stage: 'Archived',
    expect: 'onnx',
  },
  {
    name: 'aml-synapse-classifier',
    version: 2,
    kind: 'tree-classifier',
    description: 'Customer rating classifier: decision tree ensemble (ai.onnx.ml TreeEnsembleClassifier).',
    user: 'ana@contoso.com',
    reference: 'runs-uri',
    tags: { algorithm: 'tree-ensemble' },
    stage: 'Production',
    expect: 'onnx',
  },
  {
    name: 'marital-status-encoder',
    version: 1,
    kind: 'string-input',
    description: 'Maps the marital status text to a code: one string input.',
    user: 'ben@contoso.com',
    reference: 'relative',
    expect: 'onnx',
  },
  {
    name: 'rating-classifier-zipmap',
    version: 1,
    kind: 'zipmap-output',
    description: 'The rating classifier as skl2onnx exports it: output_label and a ZipMap output_probability.',
    user: 'ben@contoso.com',
    reference: 'storage-location-uri',
    expect: 'onnx',
  },
  {
    name: 'rating-classifier-tensor-input',
    version: 1,
    kind: 'multi-dim-input',
    description: 'The rating classifier with a single [N,8] float_input tensor.',
    user: 'ben@contoso.com',
    reference: 'relative',
    expect: 'onnx',
  },
  {
    name: 'rating-classifier-sklearn',
    version: 1,
    sklearn: true,
    description: 'The rating classifier as a pickled scikit-learn model (not ONNX).',
    user: 'carla@contoso.com',
    reference: 'storage-location-uri',
    expect: 'not-onnx',
  },
  {
    name: 'broken-truncated-classifier',
    version: 1,
    kind: 'truncated',
    description: 'An ONNX file cut short: cannot be loaded.',
    user: 'carla@contoso.com',
    reference: 'relative',
    expect: 'broken',
  },
];

/** Writes the sample registry under `root` (created if needed) and returns what it holds. */
export async function writeSampleRegistry(root: string): Promise<SampleRegistry> {
  const abs = resolve(root);
  await mkdir(abs, { recursive: true });
  const versions: SampleRegistryVersion[] = [];
  const modelsWritten = new Set<string>();
  for (const e of ENTRIES) {
    const runId = createHash('sha256').update(`${e.name}/${e.version}`).digest('hex').slice(0, 32);
    const dir = join(abs, EXPERIMENT, runId, 'artifacts', 'model');
    if (e.sklearn) await writeSklearnModelDir(dir, runId);
    else await writeMlflowModelDir(dir, sampleFor(e.kind!));
    const created = BASE_TIME + (versions.length + 1) * 86_400_000;
    const modelDir = join(abs, 'models', e.name);
    const vdir = join(modelDir, `version-${e.version}`);
    await mkdir(join(vdir, 'tags'), { recursive: true });
    if (!modelsWritten.has(e.name)) {
      modelsWritten.add(e.name);
      await mkdir(join(modelDir, 'tags'), { recursive: true });
      await mkdir(join(modelDir, 'aliases'), { recursive: true });
      await writeFile(
        join(modelDir, 'meta.yaml'),
        stringify({ creation_timestamp: created, description: e.description.split(':')[0], last_updated_timestamp: created, name: e.name }),
      );
      await writeFile(join(modelDir, 'tags', 'team'), 'customer-analytics');
    }
    const meta: Record<string, unknown> = {
      creation_timestamp: created,
      current_stage: e.stage ?? 'None',
      description: e.description,
      last_updated_timestamp: created,
      name: e.name,
      run_id: runId,
      run_link: '',
      source: e.reference === 'relative' ? `${EXPERIMENT}/${runId}/artifacts/model` : `runs:/${runId}/model`,
      status: 'READY',
      status_message: null,
      user_id: e.user,
      version: e.version,
    };
    if (e.reference === 'storage-location-uri') meta.storage_location = pathToFileURL(dir).href;
    await writeFile(join(vdir, 'meta.yaml'), stringify(meta));
    for (const [k, v] of Object.entries(e.tags ?? {})) await writeFile(join(vdir, 'tags', k), v);
    await writeRunMeta(abs, runId, created, e.user);
    versions.push({ name: e.name, version: e.version, expect: e.expect, dir });
  }
  // The newest lab model is the champion.
  await writeFile(join(abs, 'models', 'aml-synapse-classifier', 'aliases', 'champion'), '2');
  return { root: abs, versions };
}

const sampleCache = new Map<SampleModelKind, SampleModel>();
function sampleFor(kind: SampleModelKind): SampleModel {
  let s = sampleCache.get(kind);
  if (!s) {
    s = buildSampleModel(kind);
    sampleCache.set(kind, s);
  }
  return s;
}

/** An mlflow.sklearn model folder: MLmodel with sklearn + python_function flavors and a pickle. */
async function writeSklearnModelDir(dir: string, runId: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const mlmodel = {
    artifact_path: 'model',
    flavors: {
      python_function: {
        env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
        loader_module: 'mlflow.sklearn',
        model_path: 'model.pkl',
        predict_fn: 'predict',
        python_version: '3.9.16',
      },
      sklearn: { code: null, pickled_model: 'model.pkl', serialization_format: 'cloudpickle', sklearn_version: '1.3.2' },
    },
    mlflow_version: '2.9.2',
    model_uuid: runId,
    run_id: runId,
    utc_time_created: '2024-03-04 09:30:00.000000',
  };
  await writeFile(join(dir, 'MLmodel'), stringify(mlmodel));
  // Not a real pickle: the wizard never loads it, it only has to refuse it.
  await writeFile(join(dir, 'model.pkl'), Buffer.from('80049500000000000000', 'hex'));
  await writeFile(join(dir, 'requirements.txt'), 'mlflow==2.9.2\nscikit-learn==1.3.2\n');
}

/** The run's meta.yaml, so the folder is also a readable mlruns tree. */
async function writeRunMeta(root: string, runId: string, time: number, user: string): Promise<void> {
  const expDir = join(root, EXPERIMENT);
  await writeFile(
    join(expDir, 'meta.yaml'),
    stringify({
      artifact_location: pathToFileURL(expDir).href,
      creation_time: BASE_TIME,
      experiment_id: EXPERIMENT,
      last_update_time: BASE_TIME,
      lifecycle_stage: 'active',
      name: 'aml-synapse-lab',
    }),
  );
  await writeFile(
    join(expDir, runId, 'meta.yaml'),
    stringify({
      artifact_uri: pathToFileURL(join(expDir, runId, 'artifacts')).href,
      end_time: time + 60_000,
      entry_point_name: '',
      experiment_id: EXPERIMENT,
      lifecycle_stage: 'active',
      run_id: runId,
      run_name: `train-${runId.slice(0, 6)}`,
      source_type: 4,
      start_time: time,
      status: 3,
      user_id: user,
    }),
  );
}
