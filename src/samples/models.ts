/**
 * Sample and test models: real ONNX files fitted to the lab's customer data, and MLflow model
 * folders around them (MLmodel as mlflow.onnx writes it, model.onnx, input_example.json).
 *
 * Output names (what a PREDICT WITH clause names):
 * - the lab's classifier, both versions: `label_out` (int64 [N], the predicted Rating 1–5) and
 *   `probability_out` (float [N], the predicted Rating's probability);
 * - `zipmap-output`: `output_label` (int64 [N]) and `output_probability` (sequence of maps
 *   int64 → float, as skl2onnx writes; PREDICT cannot return it);
 * - `string-input`: `marital_status_code` (int64 [N]).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CUSTOMER_FEATURES, DEFAULT_SEED, FLOAT_FEATURES, generateCustomers, type Customer } from './customers.js';
import {
  RATING_CLASSES,
  customerFeatures,
  fitLinearClassifier,
  fitTreeClassifier,
  predictLinear,
  predictTrees,
  type LinearModel,
  type Prediction,
  type TreeModel,
} from './fit.js';
import {
  attr,
  encodeOnnxModel,
  tensorType,
  type OnnxGraphValueSpec,
  type OnnxModelSpec,
  type OnnxNodeSpec,
  type OnnxTensorSpec,
} from '../models/onnx/write.js';
import type { OnnxValueType } from '../models/onnx/types.js';

export type SampleModelKind =
  /** `aml-synapse-classifier` v1: multinomial logistic regression, one [N,1] input per feature. */
  | 'linear-classifier'
  /** `aml-synapse-classifier` v2: a CART tree (or a forest, see `trees`) as ai.onnx.ml TreeEnsembleClassifier. */
  | 'tree-classifier'
  /** A bagged forest grown until the file reaches `targetBytes` (default ~100 MB), for performance tests. */
  | 'large-tree-ensemble'
  /** One string input [N,1] mapped to a code (ai.onnx.ml CategoryMapper). */
  | 'string-input'
  /** The linear classifier with skl2onnx-style outputs: output_label + ZipMap output_probability. */
  | 'zipmap-output'
  /** The linear classifier with one multi-dimensional input `float_input` [N,8] (what PREDICT cannot feed). */
  | 'multi-dim-input'
  /** The linear classifier's file cut short: not a loadable ONNX model. */
  | 'truncated'
  /** The linear classifier whose MLmodel signature disagrees with its graph (names, count, types). */
  | 'signature-mismatch';

export const SAMPLE_MODEL_KINDS: readonly SampleModelKind[] = [
  'linear-classifier',
  'tree-classifier',
  'large-tree-ensemble',
  'string-input',
  'zipmap-output',
  'multi-dim-input',
  'truncated',
  'signature-mismatch',
];

export interface SampleModelOptions {
  /** Training rows generated with `generateCustomers(rows, seed)`. Default 4000. */
  rows?: number;
  /** Default: DEFAULT_SEED + 1 (so the local pool's CustomerTest rows are not the training rows). */
  seed?: number;
  /** tree-classifier / large-tree-ensemble: number of trees (default 1 / unlimited until targetBytes). */
  trees?: number;
  /** Tree depth (default 6 for tree-classifier, 12 for large-tree-ensemble). */
  maxDepth?: number;
  /** large-tree-ensemble: approximate file size to reach. Default 100 MB. */
  targetBytes?: number;
  /** Add input_example.json (pandas split orient) to the MLflow folder. Default true. */
  inputExample?: boolean;
}

export interface InputExample {
  columns: string[];
  data: (number | string)[][];
}

export interface SampleModel {
  kind: SampleModelKind;
  /** Suggested registered model name and version. */
  name: string;
  version: number;
  description: string;
  onnx: Uint8Array;
  mlmodelYaml: string;
  inputExample?: InputExample;
  /** Fitted models: the same model in TypeScript (for comparisons with the ONNX runtime). */
  predict?: (rows: readonly Customer[]) => Prediction[];
  /** Training accuracy and the majority-class rate, for fitted models. */
  training?: { rows: number; accuracy: number; majorityRate: number };
}

const OPSETS = [
  { domain: '', version: 15 },
  { domain: 'ai.onnx.ml', version: 3 },
];
const PRODUCER = { producerName: 'synapse-predict-wizard samples', producerVersion: '0.1.0', irVersion: 8 };

// ---------------------------------------------------------------------------------------------
// Training data and fits (memoized: several kinds share a fit)

interface TrainingSet {
  customers: Customer[];
  X: number[][];
  y: number[];
}

const trainingCache = new Map<string, TrainingSet>();
function trainingSet(options: SampleModelOptions): TrainingSet {
  const rows = options.rows ?? 4000;
  const seed = options.seed ?? DEFAULT_SEED + 1;
  const key = `${rows}:${seed}`;
  let t = trainingCache.get(key);
  if (!t) {
    const customers = [...generateCustomers(rows, seed)];
    t = { customers, X: customers.map(customerFeatures), y: customers.map((c) => c.Rating) };
    trainingCache.set(key, t);
  }
  return t;
}

const linearCache = new Map<string, LinearModel>();
function linearFit(options: SampleModelOptions): LinearModel {
  const key = `${options.rows ?? 4000}:${options.seed ?? DEFAULT_SEED + 1}`;
  let m = linearCache.get(key);
  if (!m) {
    const t = trainingSet(options);
    m = fitLinearClassifier(t.X, t.y, RATING_CLASSES);
    linearCache.set(key, m);
  }
  return m;
}

function evaluate(t: TrainingSet, predict: (x: number[]) => Prediction): SampleModel['training'] {
  let ok = 0;
  const counts = new Map<number, number>();
  t.X.forEach((x, i) => {
    if (predict(x).label === t.y[i]) ok++;
    counts.set(t.y[i]!, (counts.get(t.y[i]!) ?? 0) + 1);
  });
  return { rows: t.X.length, accuracy: ok / t.X.length, majorityRate: Math.max(...counts.values()) / t.X.length };
}

// ---------------------------------------------------------------------------------------------
// Graph pieces

const N = 'N';

function featureInputs(): OnnxGraphValueSpec[] {
  return CUSTOMER_FEATURES.map((name) => ({
    name,
    type: tensorType(FLOAT_FEATURES.includes(name) ? 'float' : 'int64', [N, 1]),
  }));
}

/** Cast the int64 inputs to float and concatenate the eight [N,1] inputs into `features` [N,8]. */
function featureAssemblyNodes(): OnnxNodeSpec[] {
  const nodes: OnnxNodeSpec[] = [];
  const parts = CUSTOMER_FEATURES.map((name) => {
    if (FLOAT_FEATURES.includes(name)) return name;
    nodes.push({ opType: 'Cast', name: `cast_${name}`, inputs: [name], outputs: [`${name}_float`], attributes: { to: attr.int(1) } });
    return `${name}_float`;
  });
  nodes.push({ opType: 'Concat', name: 'concat_features', inputs: parts, outputs: ['features'], attributes: { axis: attr.int(1) } });
  return nodes;
}

function floatTensor(name: string, dims: number[], values: number[]): OnnxTensorSpec {
  return { name, elementType: 'float', dims, values: Float32Array.from(values) };
}

/** Scaling + linear scores + label and probability, from `features` [N,8]. */
function linearNodes(m: LinearModel, labelName: string, probabilitiesName: string): { nodes: OnnxNodeSpec[]; initializers: OnnxTensorSpec[] } {
  const d = m.mean.length;
  const K = m.classes.length;
  const wT: number[] = [];
  for (let j = 0; j < d; j++) for (let k = 0; k < K; k++) wT.push(m.weights[k]![j]!);
  return {
    initializers: [
      floatTensor('scaler_mean', [d], m.mean),
      floatTensor('scaler_scale', [d], m.scale),
      floatTensor('coefficients', [d, K], wT),
      floatTensor('intercepts', [K], m.intercepts),
      { name: 'class_labels', elementType: 'int64', dims: [K], values: m.classes },
    ],
    nodes: [
      { opType: 'Sub', name: 'center', inputs: ['features', 'scaler_mean'], outputs: ['centered'] },
      { opType: 'Mul', name: 'scale', inputs: ['centered', 'scaler_scale'], outputs: ['scaled'] },
      { opType: 'MatMul', name: 'linear', inputs: ['scaled', 'coefficients'], outputs: ['linear_scores'] },
      { opType: 'Add', name: 'bias', inputs: ['linear_scores', 'intercepts'], outputs: ['logits'] },
      { opType: 'ArgMax', name: 'argmax', inputs: ['logits'], outputs: ['class_index'], attributes: { axis: attr.int(1), keepdims: attr.int(0) } },
      { opType: 'Gather', name: 'label', inputs: ['class_labels', 'class_index'], outputs: [labelName], attributes: { axis: attr.int(0) } },
      { opType: 'Softmax', name: 'softmax', inputs: ['logits'], outputs: [probabilitiesName], attributes: { axis: attr.int(1) } },
    ],
  };
}

function maxProbabilityNode(from: string, to: string): OnnxNodeSpec {
  return { opType: 'ReduceMax', name: 'max_probability', inputs: [from], outputs: [to], attributes: { axes: attr.ints([1]), keepdims: attr.int(0) } };
}

const LABEL_AND_PROBABILITY: OnnxGraphValueSpec[] = [
  { name: 'label_out', type: tensorType('int64', [N]), docString: 'Predicted Rating (1-5)' },
  { name: 'probability_out', type: tensorType('float', [N]), docString: 'Probability of the predicted Rating' },
];

function treeEnsembleNode(m: TreeModel, input: string, outputs: [string, string]): OnnxNodeSpec {
  const nodesTreeIds: number[] = [];
  const nodesNodeIds: number[] = [];
  const nodesFeatureIds: number[] = [];
  const nodesModes: string[] = [];
  const nodesValues: number[] = [];
  const nodesTrue: number[] = [];
  const nodesFalse: number[] = [];
  const classTreeIds: number[] = [];
  const classNodeIds: number[] = [];
  const classIds: number[] = [];
  const classWeights: number[] = [];
  const nTrees = m.trees.length;
  m.trees.forEach((tree, t) => {
    for (let n = 0; n < tree.feature.length; n++) {
      nodesTreeIds.push(t);
      nodesNodeIds.push(n);
      const leaf = tree.feature[n]! < 0;
      nodesFeatureIds.push(leaf ? 0 : tree.feature[n]!);
      nodesModes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      nodesValues.push(leaf ? 0 : tree.threshold[n]!);
      nodesTrue.push(leaf ? 0 : tree.left[n]!);
      nodesFalse.push(leaf ? 0 : tree.right[n]!);
      if (leaf) {
        tree.leafProbabilities[n]!.forEach((p, k) => {
          classTreeIds.push(t);
          classNodeIds.push(n);
          classIds.push(k);
          classWeights.push(p / nTrees);
        });
      }
    }
  });
  return {
    opType: 'TreeEnsembleClassifier',
    domain: 'ai.onnx.ml',
    name: 'tree_ensemble',
    inputs: [input],
    outputs,
    attributes: {
      class_ids: attr.ints(classIds),
      class_nodeids: attr.ints(classNodeIds),
      class_treeids: attr.ints(classTreeIds),
      class_weights: attr.floats(classWeights),
      classlabels_int64s: attr.ints(m.classes),
      nodes_falsenodeids: attr.ints(nodesFalse),
      nodes_featureids: attr.ints(nodesFeatureIds),
      nodes_modes: attr.strings(nodesModes),
      nodes_nodeids: attr.ints(nodesNodeIds),
      nodes_treeids: attr.ints(nodesTreeIds),
      nodes_truenodeids: attr.ints(nodesTrue),
      nodes_values: attr.floats(nodesValues),
      post_transform: attr.string('NONE'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// MLmodel

/** MLflow column spec types for ONNX element types (infer_signature on a pandas frame of them). */
function mlflowColumnType(t: OnnxValueType): string {
  if (t.kind !== 'tensor') throw new Error('only tensors have column specs');
  switch (t.elementType) {
    case 'float':
      return 'float';
    case 'double':
      return 'double';
    case 'int32':
      return 'integer';
    case 'int64':
      return 'long';
    case 'string':
      return 'string';
    case 'bool':
      return 'boolean';
    default:
      throw new Error(`no MLflow column type for ${t.elementType}`);
  }
}

type SignatureSpec = Record<string, unknown>[];

function columnSpecs(inputs: OnnxGraphValueSpec[]): SignatureSpec {
  return inputs.map((i) => ({ type: mlflowColumnType(i.type), name: i.name, required: true }));
}

/** The lab's output signature: infer_signature(test_df, predictions) on a 1-d int64 array. */
const NAMELESS_LABEL_OUTPUT: SignatureSpec = [{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }];

function mlmodelYaml(args: { inputs: SignatureSpec; outputs: SignatureSpec; runId: string; created: string; inputExample: boolean }): string {
  const doc: Record<string, unknown> = {
    artifact_path: 'outputs',
    flavors: {
      onnx: { code: null, data: 'model.onnx', onnx_version: '1.14.0', providers: ['CUDAExecutionProvider', 'CPUExecutionProvider'] },
      python_function: {
        data: 'model.onnx',
        env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
        loader_module: 'mlflow.onnx',
        python_version: '3.9.16',
      },
    },
    mlflow_version: '2.9.2',
    model_uuid: args.runId.replace(/-/g, '').slice(0, 32),
    run_id: args.runId,
  };
  if (args.inputExample) doc.saved_input_example_info = { artifact_path: 'input_example.json', pandas_orient: 'split', type: 'dataframe' };
  doc.signature = { inputs: JSON.stringify(args.inputs), outputs: JSON.stringify(args.outputs), params: null };
  doc.utc_time_created = args.created;
  return stringify(doc);
}

function inputExampleOf(t: TrainingSet, columns: readonly string[], rows = 5): InputExample {
  return {
    columns: [...columns],
    data: t.customers.slice(0, rows).map((c) => columns.map((name) => c[name as keyof Customer] as number)),
  };
}

// ---------------------------------------------------------------------------------------------
// Builders

/** Builds one sample model: fits it (where it is a fitted model) and encodes its files. */
export function buildSampleModel(kind: SampleModelKind, options: SampleModelOptions = {}): SampleModel {
  const withExample = options.inputExample ?? true;
  switch (kind) {
    case 'linear-classifier':
      return linearClassifier(options, withExample);
    case 'tree-classifier':
      return treeClassifier(options, withExample, 'tree-classifier');
    case 'large-tree-ensemble':
      return treeClassifier(options, withExample, 'large-tree-ensemble');
    case 'zipmap-output':
      return zipmapClassifier(options, withExample);
    case 'multi-dim-input':
      return multiDimClassifier(options);
    case 'string-input':
      return stringInputModel();
    case 'truncated': {
      const base = linearClassifier(options, withExample);
      return {
        ...base,
        kind,
        name: 'broken-truncated-classifier',
        version: 1,
        description: 'The lab classifier with its model.onnx cut to 60% of its bytes',
        onnx: base.onnx.slice(0, Math.floor(base.onnx.length * 0.6)),
        predict: undefined,
        training: undefined,
      };
    }
    case 'signature-mismatch': {
      const base = linearClassifier(options, false);
      const inputs = columnSpecs(featureInputs()).slice(0, 7);
      inputs[0] = { type: 'double', name: 'cost', required: true }; // name case and type differ
      inputs[5] = { type: 'string', name: 'MaritalStatus', required: true }; // type differs
      return {
        ...base,
        kind,
        name: 'broken-signature-classifier',
        version: 1,
        description: 'The lab classifier whose MLmodel signature disagrees with its ONNX graph',
        inputExample: undefined,
        mlmodelYaml: mlmodelYaml({
          inputs,
          outputs: [{ type: 'tensor', name: 'prediction', 'tensor-spec': { dtype: 'float64', shape: [-1] } }],
          runId: 'b7c1d2e3-0000-4000-8000-00000000000f',
          created: '2024-03-05 10:00:00.000000',
          inputExample: false,
        }),
      };
    }
  }
}

function linearClassifier(options: SampleModelOptions, withExample: boolean): SampleModel {
  const t = trainingSet(options);
  const m = linearFit(options);
  const inputs = featureInputs();
  const lin = linearNodes(m, 'label_out', 'probabilities');
  const onnx = encodeOnnxModel({
    ...PRODUCER,
    docString: 'Predicts a customer Rating (1-5): standardized multinomial logistic regression',
    opsetImports: OPSETS,
    metadataProps: { model_type: 'logistic_regression', classes: m.classes.join(',') },
    graph: {
      name: 'aml_synapse_classifier_v1',
      inputs,
      outputs: LABEL_AND_PROBABILITY,
      nodes: [...featureAssemblyNodes(), ...lin.nodes, maxProbabilityNode('probabilities', 'probability_out')],
      initializers: lin.initializers,
    },
  });
  const predict = (x: number[]) => predictLinear(m, x);
  return {
    kind: 'linear-classifier',
    name: 'aml-synapse-classifier',
    version: 1,
    description: 'Customer rating classifier: multinomial logistic regression on the eight lab features',
    onnx,
    mlmodelYaml: mlmodelYaml({
      inputs: columnSpecs(inputs),
      outputs: NAMELESS_LABEL_OUTPUT,
      runId: '3f2a9c10-5d4e-4b7a-9c61-2e8f0a1b0001',
      created: '2024-03-01 09:30:00.000000',
      inputExample: withExample,
    }),
    inputExample: withExample ? inputExampleOf(t, CUSTOMER_FEATURES) : undefined,
    predict: (rows) => rows.map((c) => predict(customerFeatures(c))),
    training: evaluate(t, predict),
  };
}

function treeClassifier(options: SampleModelOptions, withExample: boolean, kind: 'tree-classifier' | 'large-tree-ensemble'): SampleModel {
  const large = kind === 'large-tree-ensemble';
  const t = trainingSet(large ? { rows: options.rows ?? 20_000, seed: options.seed } : options);
  const targetBytes = options.targetBytes ?? 100 * 1024 * 1024;
  const model = fitTreeClassifier(t.X, t.y, RATING_CLASSES, {
    trees: options.trees ?? (large ? 100_000 : 1),
    maxDepth: options.maxDepth ?? (large ? 12 : 6),
    minSamplesLeaf: large ? 1 : 10,
    featuresPerSplit: large ? 3 : undefined,
    maxTotalBytes: large && options.trees === undefined ? targetBytes : undefined,
  });
  const inputs = featureInputs();
  const onnx = encodeOnnxModel({
    ...PRODUCER,
    docString: `Predicts a customer Rating (1-5): ${model.trees.length === 1 ? 'a CART decision tree' : `a forest of ${model.trees.length} CART trees`}`,
    opsetImports: OPSETS,
    metadataProps: { model_type: 'tree_ensemble', trees: String(model.trees.length) },
    graph: {
      name: large ? 'large_tree_ensemble' : 'aml_synapse_classifier_v2',
      inputs,
      outputs: LABEL_AND_PROBABILITY,
      nodes: [
        ...featureAssemblyNodes(),
        treeEnsembleNode(model, 'features', ['label_out', 'probabilities']),
        maxProbabilityNode('probabilities', 'probability_out'),
      ],
    },
  });
  const predict = (x: number[]) => predictTrees(model, x);
  return {
    kind,
    name: large ? 'large-tree-ensemble' : 'aml-synapse-classifier',
    version: large ? 1 : 2,
    description: large
      ? `Customer rating classifier: ${model.trees.length} trees, ${(onnx.length / 1048576).toFixed(0)} MB, for performance tests`
      : 'Customer rating classifier: a CART decision tree (ai.onnx.ml TreeEnsembleClassifier) on the eight lab features',
    onnx,
    mlmodelYaml: mlmodelYaml({
      inputs: columnSpecs(inputs),
      outputs: NAMELESS_LABEL_OUTPUT,
      runId: large ? '3f2a9c10-5d4e-4b7a-9c61-2e8f0a1b00ff' : '3f2a9c10-5d4e-4b7a-9c61-2e8f0a1b0002',
      created: '2024-03-08 14:10:00.000000',
      inputExample: withExample,
    }),
    inputExample: withExample ? inputExampleOf(t, CUSTOMER_FEATURES) : undefined,
    predict: (rows) => rows.map((c) => predict(customerFeatures(c))),
    training: large ? undefined : evaluate(t, predict),
  };
}

function zipmapClassifier(options: SampleModelOptions, withExample: boolean): SampleModel {
  const t = trainingSet(options);
  const m = linearFit(options);
  const inputs = featureInputs();
  const lin = linearNodes(m, 'output_label', 'probabilities');
  const zipmapType: OnnxValueType = { kind: 'sequence', elementType: { kind: 'map', keyType: 'int64', valueType: tensorType('float') } };
  const onnx = encodeOnnxModel({
    ...PRODUCER,
    opsetImports: OPSETS,
    graph: {
      name: 'zipmap_classifier',
      inputs,
      outputs: [
        { name: 'output_label', type: tensorType('int64', [N]) },
        { name: 'output_probability', type: zipmapType },
      ],
      nodes: [
        ...featureAssemblyNodes(),
        ...lin.nodes,
        {
          opType: 'ZipMap',
          domain: 'ai.onnx.ml',
          name: 'zipmap',
          inputs: ['probabilities'],
          outputs: ['output_probability'],
          attributes: { classlabels_int64s: attr.ints(m.classes) },
        },
      ],
      initializers: lin.initializers,
    },
  });
  const predict = (x: number[]) => predictLinear(m, x);
  return {
    kind: 'zipmap-output',
    name: 'aml-synapse-classifier-zipmap',
    version: 1,
    description: 'The lab classifier with skl2onnx-style outputs: output_label and a ZipMap output_probability',
    onnx,
    mlmodelYaml: mlmodelYaml({
      inputs: columnSpecs(inputs),
      outputs: NAMELESS_LABEL_OUTPUT,
      runId: '3f2a9c10-5d4e-4b7a-9c61-2e8f0a1b0003',
      created: '2024-03-09 08:00:00.000000',
      inputExample: withExample,
    }),
    inputExample: withExample ? inputExampleOf(t, CUSTOMER_FEATURES) : undefined,
    predict: (rows) => rows.map((c) => predict(customerFeatures(c))),
    training: evaluate(t, predict),
  };
}

function multiDimClassifier(options: SampleModelOptions): SampleModel {
  const t = trainingSet(options);
  const m = linearFit(options);
  const lin = linearNodes(m, 'label_out', 'probabilities');
  const input: OnnxGraphValueSpec = { name: 'float_input', type: tensorType('float', [N, CUSTOMER_FEATURES.length]) };
  const onnx = encodeOnnxModel({
    ...PRODUCER,
    opsetImports: OPSETS,
    graph: {
      name: 'multi_dim_input_classifier',
      inputs: [input],
      outputs: LABEL_AND_PROBABILITY,
      nodes: [
        { opType: 'Identity', name: 'features', inputs: ['float_input'], outputs: ['features'] },
        ...lin.nodes,
        maxProbabilityNode('probabilities', 'probability_out'),
      ],
      initializers: lin.initializers,
    },
  });
  const predict = (x: number[]) => predictLinear(m, x);
  return {
    kind: 'multi-dim-input',
    name: 'aml-synapse-classifier-tensor',
    version: 1,
    description: 'The lab classifier taking one [N,8] float tensor, as skl2onnx converts it by default',
    onnx,
    mlmodelYaml: mlmodelYaml({
      inputs: [{ type: 'tensor', name: 'float_input', 'tensor-spec': { dtype: 'float32', shape: [-1, CUSTOMER_FEATURES.length] } }],
      outputs: NAMELESS_LABEL_OUTPUT,
      runId: '3f2a9c10-5d4e-4b7a-9c61-2e8f0a1b0004',
      created: '2024-03-10 08:00:00.000000',
      inputExample: false,
    }),
    predict: (rows) => rows.map((c) => predict(customerFeatures(c))),
    training: evaluate(t, predict),
  };
}

/** Marital status texts and the codes the string-input model maps them to. */
export const MARITAL_STATUS_CODES: Readonly<Record<string, number>> = { Single: 1, Married: 2, Divorced: 3 };

function stringInputModel(): SampleModel {
  const input: OnnxGraphValueSpec = { name: 'MaritalStatusText', type: tensorType('string', [N, 1]) };
  const spec: OnnxModelSpec = {
    ...PRODUCER,
    opsetImports: OPSETS,
    graph: {
      name: 'marital_status_encoder',
      inputs: [input],
      outputs: [{ name: 'marital_status_code', type: tensorType('int64', [N]) }],
      nodes: [
        {
          opType: 'CategoryMapper',
          domain: 'ai.onnx.ml',
          name: 'map_status',
          inputs: ['MaritalStatusText'],
          outputs: ['codes'],
          attributes: {
            cats_strings: attr.strings(Object.keys(MARITAL_STATUS_CODES)),
            cats_int64s: attr.ints(Object.values(MARITAL_STATUS_CODES)),
            default_int64: attr.int(-1),
          },
        },
        { opType: 'Squeeze', name: 'squeeze', inputs: ['codes', 'squeeze_axes'], outputs: ['marital_status_code'] },
      ],
      initializers: [{ name: 'squeeze_axes', elementType: 'int64', dims: [1], values: [1] }],
    },
  };
  return {
    kind: 'string-input',
    name: 'marital-status-encoder',
    version: 1,
    description: 'Maps a marital status text (Single, Married, Divorced) to its code; -1 for anything else',
    onnx: encodeOnnxModel(spec),
    mlmodelYaml: mlmodelYaml({
      inputs: columnSpecs([input]),
      outputs: [{ type: 'tensor', name: 'marital_status_code', 'tensor-spec': { dtype: 'int64', shape: [-1] } }],
      runId: '3f2a9c10-5d4e-4b7a-9c61-2e8f0a1b0005',
      created: '2024-03-11 08:00:00.000000',
      inputExample: true,
    }),
    inputExample: { columns: ['MaritalStatusText'], data: [['Single'], ['Married'], ['Divorced'], ['Widowed']] },
  };
}

// ---------------------------------------------------------------------------------------------
// MLflow model folder

/**
 * Writes an MLflow model folder as mlflow.onnx.log_model would: MLmodel, model.onnx,
 * input_example.json (when the sample has one), conda.yaml, python_env.yaml, requirements.txt.
 * Returns the paths written.
 */
export async function writeMlflowModelDir(dir: string, sample: SampleModel): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string | Uint8Array][] = [
    ['MLmodel', sample.mlmodelYaml],
    ['model.onnx', sample.onnx],
    ['requirements.txt', 'mlflow==2.9.2\nonnx==1.14.0\nonnxruntime==1.16.3\n'],
    ['python_env.yaml', 'python: 3.9.16\nbuild_dependencies:\n- pip==23.3.1\ndependencies:\n- -r requirements.txt\n'],
    [
      'conda.yaml',
      'channels:\n- conda-forge\ndependencies:\n- python=3.9.16\n- pip<=23.3.1\n- pip:\n  - mlflow==2.9.2\n  - onnx==1.14.0\n  - onnxruntime==1.16.3\nname: mlflow-env\n',
    ],
  ];
  if (sample.inputExample) files.push(['input_example.json', JSON.stringify(sample.inputExample)]);
  const written: string[] = [];
  for (const [name, content] of files) {
    const p = join(dir, name);
    await writeFile(p, content);
    written.push(p);
  }
  return written;
}

// ---------------------------------------------------------------------------------------------
// A model with any input and output names

export interface NamedIoInput {
  /** The graph input's name, exactly (any characters ONNX allows: brackets, quotes, newlines, …). */
  readonly name: string;
  readonly type: 'float' | 'int64' | 'string';
  /** string inputs: the texts that map to 0, 1, 2, …; any other text maps to -1. */
  readonly categories?: readonly string[];
}

export interface NamedIoOutput {
  readonly name: string;
  readonly type: 'float' | 'int64';
}

export interface NamedIoModel {
  readonly onnx: Uint8Array;
  /**
   * The model in TypeScript, in float32 arithmetic as onnxruntime computes it: one row of input
   * values (in `inputs` order) → one value per output (in `outputs` order; int64 outputs as bigint).
   */
  readonly predict: (row: readonly (number | bigint | string)[]) => (number | bigint)[];
}

/**
 * A small deterministic model whose graph inputs and outputs carry exactly the given names, for
 * testing that names survive every layer (quoting, catalogs, PREDICT's matching). Each input is
 * [N,1]; string inputs are mapped to their category index (ai.onnx.ml CategoryMapper). With x_i
 * the inputs as float32, z = Σ (i+1)·x_i (summed in input order); output j is z·(j+1) as float
 * [N], or floor(z·(j+1)) as int64 [N].
 */
export function buildNamedIoModel(spec: { inputs: readonly NamedIoInput[]; outputs: readonly NamedIoOutput[] }): NamedIoModel {
  if (!spec.inputs.length || !spec.outputs.length) throw new Error('buildNamedIoModel needs at least one input and one output.');
  const names = [...spec.inputs, ...spec.outputs].map((x) => x.name);
  if (new Set(names).size !== names.length) throw new Error('buildNamedIoModel: input and output names must all differ.');
  const nodes: OnnxNodeSpec[] = [];
  const initializers: OnnxTensorSpec[] = [{ name: '__nio_axes', elementType: 'int64', dims: [1], values: [1] }];
  let sum = '';
  spec.inputs.forEach((inp, i) => {
    let value = inp.name;
    if (inp.type === 'string') {
      nodes.push({
        opType: 'CategoryMapper',
        domain: 'ai.onnx.ml',
        name: `__nio_map${i}`,
        inputs: [value],
        outputs: [`__nio_code${i}`],
        attributes: {
          cats_strings: attr.strings([...(inp.categories ?? [])]),
          cats_int64s: attr.ints((inp.categories ?? []).map((_, k) => k)),
          default_int64: attr.int(-1),
        },
      });
      value = `__nio_code${i}`;
    }
    if (inp.type !== 'float') {
      nodes.push({ opType: 'Cast', name: `__nio_cast${i}`, inputs: [value], outputs: [`__nio_float${i}`], attributes: { to: attr.int(1) } });
      value = `__nio_float${i}`;
    }
    initializers.push(floatTensor(`__nio_w${i}`, [], [i + 1]));
    nodes.push({ opType: 'Mul', name: `__nio_mul${i}`, inputs: [value, `__nio_w${i}`], outputs: [`__nio_term${i}`] });
    if (i === 0) sum = `__nio_term${i}`;
    else {
      nodes.push({ opType: 'Add', name: `__nio_add${i}`, inputs: [sum, `__nio_term${i}`], outputs: [`__nio_sum${i}`] });
      sum = `__nio_sum${i}`;
    }
  });
  nodes.push({ opType: 'Squeeze', name: '__nio_squeeze', inputs: [sum, '__nio_axes'], outputs: ['__nio_z'] });
  spec.outputs.forEach((out, j) => {
    initializers.push(floatTensor(`__nio_k${j}`, [], [j + 1]));
    const scaled = out.type === 'float' ? out.name : `__nio_scaled${j}`;
    nodes.push({ opType: 'Mul', name: `__nio_scale${j}`, inputs: ['__nio_z', `__nio_k${j}`], outputs: [scaled] });
    if (out.type === 'int64') {
      nodes.push({ opType: 'Floor', name: `__nio_floor${j}`, inputs: [scaled], outputs: [`__nio_floored${j}`] });
      nodes.push({ opType: 'Cast', name: `__nio_int${j}`, inputs: [`__nio_floored${j}`], outputs: [out.name], attributes: { to: attr.int(7) } });
    }
  });
  const onnx = encodeOnnxModel({
    ...PRODUCER,
    docString: 'A weighted sum of the inputs under arbitrary input and output names',
    opsetImports: OPSETS,
    graph: {
      name: 'named_io',
      inputs: spec.inputs.map((i) => ({ name: i.name, type: tensorType(i.type, [N, 1]) })),
      outputs: spec.outputs.map((o) => ({ name: o.name, type: tensorType(o.type, [N]) })),
      nodes,
      initializers,
    },
  });
  const f = Math.fround;
  const predict = (row: readonly (number | bigint | string)[]): (number | bigint)[] => {
    let z = 0;
    spec.inputs.forEach((inp, i) => {
      const v = row[i]!;
      const x = inp.type === 'string' ? (inp.categories ?? []).indexOf(String(v)) : f(Number(v));
      const term = f(f(x) * (i + 1));
      z = i === 0 ? term : f(z + term);
    });
    return spec.outputs.map((out, j) => {
      const scaled = f(z * (j + 1));
      return out.type === 'float' ? scaled : BigInt(Math.floor(scaled));
    });
  };
  return { onnx, predict };
}
