/**
 * The MLflow `MLmodel` file: flavors, the signature (inputs/outputs/params as JSON strings of
 * column or tensor specs) and the saved input example. Every malformed case is an MLmodelError
 * that names the field.
 */
import { parse as parseYaml } from 'yaml';

/** MLflow column spec types (mlflow.types.DataType) plus the complex types of MLflow ≥ 2.10. */
export const MLFLOW_COLUMN_TYPES = ['string', 'integer', 'long', 'float', 'double', 'boolean', 'datetime', 'binary'] as const;
export const MLFLOW_COMPLEX_TYPES = ['array', 'object', 'map', 'any'] as const;
export type MlflowColumnType = (typeof MLFLOW_COLUMN_TYPES)[number] | (typeof MLFLOW_COMPLEX_TYPES)[number];

export interface ColumnSpec {
  kind: 'column';
  name?: string;
  type: MlflowColumnType;
  /** MLflow's default is true. */
  required: boolean;
}

export interface TensorSpec {
  kind: 'tensor';
  name?: string;
  /** A numpy dtype name: float32, float64, int64, object, str, bool, … */
  dtype: string;
  /** -1 is a variable dimension. */
  shape: number[];
  required: boolean;
}

export type SignatureField = ColumnSpec | TensorSpec;

export interface ParamSpec {
  name: string;
  type: string;
  default: unknown;
  shape: number[] | null;
}

export interface ModelSignature {
  inputs?: SignatureField[];
  outputs?: SignatureField[];
  params?: ParamSpec[];
}

export interface SavedInputExampleInfo {
  artifactPath: string;
  type?: string;
  pandasOrient?: string;
  format?: string;
}

export interface OnnxFlavor {
  /** The ONNX file inside the model folder (default model.onnx). */
  data: string;
  onnxVersion?: string;
  providers?: string[];
}

export interface MLmodel {
  artifactPath?: string;
  runId?: string;
  modelUuid?: string;
  mlflowVersion?: string;
  utcTimeCreated?: string;
  /** Flavor names in file order. */
  flavorNames: string[];
  flavors: Record<string, Record<string, unknown>>;
  /** Present when the model has an ONNX flavor (or a python_function flavor loaded by mlflow.onnx). */
  onnx?: OnnxFlavor;
  signature?: ModelSignature;
  savedInputExample?: SavedInputExampleInfo;
}

/** The MLmodel file cannot be used. `field` is the YAML path at fault (e.g. `signature.inputs[2].type`). */
export class MLmodelError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'MLmodelError';
  }
}

export interface ParseMLmodelOptions {
  /** How to name the file in errors. Default "MLmodel". */
  source?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `the ${typeof v} ${String(v)}`;
}

/** Parses an MLmodel file's text. Throws MLmodelError naming the field for anything malformed. */
export function parseMLmodel(yamlText: string, options: ParseMLmodelOptions = {}): MLmodel {
  const source = options.source ?? 'MLmodel';
  const fail = (field: string | undefined, message: string): never => {
    throw new MLmodelError(`${source}: ${field ? `${field} ` : ''}${message}`, field);
  };
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (e) {
    const first = (e as Error).message.split('\n')[0];
    return fail(undefined, `is not valid YAML (${first})`);
  }
  if (!isObject(doc)) return fail(undefined, `is not an MLflow model description: expected a YAML mapping with flavors, found ${describeValue(doc)}`);

  const str = (field: string): string | undefined => {
    const v = doc[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v instanceof Date) return v.toISOString();
    return fail(field, `must be text, found ${describeValue(v)}`);
  };

  const flavorsRaw = doc.flavors;
  if (flavorsRaw === undefined || flavorsRaw === null) return fail(undefined, 'has no flavors: an MLflow model lists at least one flavor (onnx, for PREDICT)');
  if (!isObject(flavorsRaw)) return fail('flavors', `must be a mapping of flavor names to their settings, found ${describeValue(flavorsRaw)}`);
  const flavorNames = Object.keys(flavorsRaw);
  if (flavorNames.length === 0) return fail('flavors', 'is empty: an MLflow model lists at least one flavor (onnx, for PREDICT)');
  const flavors: Record<string, Record<string, unknown>> = {};
  for (const name of flavorNames) {
    const f = flavorsRaw[name];
    if (f !== null && f !== undefined && !isObject(f)) fail(`flavors.${name}`, `must be a mapping, found ${describeValue(f)}`);
    flavors[name] = (f as Record<string, unknown> | null) ?? {};
  }

  const model: MLmodel = {
    artifactPath: str('artifact_path'),
    runId: str('run_id'),
    modelUuid: str('model_uuid'),
    mlflowVersion: str('mlflow_version'),
    utcTimeCreated: str('utc_time_created'),
    flavorNames,
    flavors,
  };

  const onnxFlavor = flavors.onnx;
  const pyfunc = flavors.python_function;
  if (onnxFlavor || pyfunc?.loader_module === 'mlflow.onnx') {
    const f = onnxFlavor ?? pyfunc!;
    const fieldBase = onnxFlavor ? 'flavors.onnx' : 'flavors.python_function';
    const data = f.data ?? 'model.onnx';
    if (typeof data !== 'string' || data.trim() === '')
      fail(`${fieldBase}.data`, `must be the ONNX file's path in the model folder, found ${describeValue(data)}`);
    if (/(^|[\\/])\.\.([\\/]|$)/.test(data as string) || /^([\\/]|[a-zA-Z]:)/.test(data as string)) {
      fail(`${fieldBase}.data`, `must be a path inside the model folder, found ${JSON.stringify(data)}`);
    }
    model.onnx = { data: data as string };
    if (onnxFlavor?.onnx_version !== undefined && onnxFlavor.onnx_version !== null) model.onnx.onnxVersion = String(onnxFlavor.onnx_version);
    if (Array.isArray(onnxFlavor?.providers)) model.onnx.providers = onnxFlavor.providers.map(String);
  }

  const sig = doc.signature;
  if (sig !== undefined && sig !== null) {
    if (!isObject(sig)) return fail('signature', `must be a mapping with inputs and outputs, found ${describeValue(sig)}`);
    model.signature = {
      inputs: parseSchema(sig.inputs, 'signature.inputs', fail),
      outputs: parseSchema(sig.outputs, 'signature.outputs', fail),
      params: parseParams(sig.params, fail),
    };
  }

  const ex = doc.saved_input_example_info;
  if (ex !== undefined && ex !== null) {
    if (!isObject(ex)) return fail('saved_input_example_info', `must be a mapping, found ${describeValue(ex)}`);
    if (typeof ex.artifact_path !== 'string' || ex.artifact_path === '') {
      return fail('saved_input_example_info.artifact_path', `must name the example file, found ${describeValue(ex.artifact_path)}`);
    }
    model.savedInputExample = { artifactPath: ex.artifact_path };
    if (typeof ex.type === 'string') model.savedInputExample.type = ex.type;
    if (typeof ex.pandas_orient === 'string') model.savedInputExample.pandasOrient = ex.pandas_orient;
    if (typeof ex.format === 'string') model.savedInputExample.format = ex.format;
  }
  return model;
}

function parseJsonField(value: unknown, field: string, fail: (f: string, m: string) => never): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    return fail(field, `must be a JSON string (MLflow writes the spec list as text), found ${describeValue(value)}`);
  }
  try {
    return JSON.parse(value) as Json;
  } catch (e) {
    return fail(field, `is not valid JSON (${(e as Error).message})`);
  }
}

function parseSchema(value: unknown, field: string, fail: (f: string, m: string) => never): SignatureField[] | undefined {
  const json = parseJsonField(value, field, fail);
  if (json === undefined || json === null) return undefined;
  if (!Array.isArray(json)) return fail(field, `must be a JSON array of column or tensor specs, found ${describeValue(json)}`);
  const specs = json.map((item, i): SignatureField => {
    const f = `${field}[${i}]`;
    if (!isObject(item)) return fail(f, `must be an object with a type, found ${describeValue(item)}`);
    const name = item.name;
    if (name !== undefined && name !== null && (typeof name !== 'string' || name === '')) {
      fail(`${f}.name`, `must be non-empty text, found ${describeValue(name)}`);
    }
    const required = item.required;
    if (required !== undefined && required !== null && typeof required !== 'boolean') {
      fail(`${f}.required`, `must be true or false, found ${describeValue(required)}`);
    }
    const named = typeof name === 'string' ? { name } : {};
    const type = item.type;
    if (type === undefined || type === null) return fail(`${f}.type`, 'is missing');
    if (typeof type !== 'string') return fail(`${f}.type`, `must be text, found ${describeValue(type)}`);
    if (type === 'tensor') {
      const ts = item['tensor-spec'];
      if (!isObject(ts)) return fail(`${f}.tensor-spec`, `is missing: a tensor spec needs {"dtype": ..., "shape": [...]}`);
      if (typeof ts.dtype !== 'string' || ts.dtype === '')
        return fail(`${f}.tensor-spec.dtype`, 'is missing: a tensor spec needs a dtype such as "float32" or "int64"');
      const shape = ts.shape ?? [];
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= -1)) {
        return fail(`${f}.tensor-spec.shape`, `must be a list of whole numbers (-1 for a variable dimension), found ${JSON.stringify(shape)}`);
      }
      return { kind: 'tensor', ...named, dtype: ts.dtype, shape: shape as number[], required: required !== false };
    }
    if (!(MLFLOW_COLUMN_TYPES as readonly string[]).includes(type) && !(MLFLOW_COMPLEX_TYPES as readonly string[]).includes(type)) {
      return fail(`${f}.type`, `has the unknown type ${JSON.stringify(type)}; MLflow column types are ${MLFLOW_COLUMN_TYPES.join(', ')}, or "tensor"`);
    }
    return { kind: 'column', ...named, type: type as MlflowColumnType, required: required !== false };
  });
  const kinds = new Set(specs.map((s) => s.kind));
  if (kinds.size > 1) fail(field, 'mixes column specs and tensor specs; an MLflow schema holds one kind');
  const names = specs.filter((s) => s.name !== undefined).length;
  if (names !== 0 && names !== specs.length) fail(field, 'names some specs but not others; MLflow requires all or none to be named');
  const seen = new Set<string>();
  for (const s of specs) {
    if (s.name === undefined) continue;
    if (seen.has(s.name)) fail(field, `names ${JSON.stringify(s.name)} twice`);
    seen.add(s.name);
  }
  return specs;
}

function parseParams(value: unknown, fail: (f: string, m: string) => never): ParamSpec[] | undefined {
  const field = 'signature.params';
  const json = parseJsonField(value, field, fail);
  if (json === undefined || json === null) return undefined;
  if (!Array.isArray(json)) return fail(field, `must be a JSON array of parameter specs, found ${describeValue(json)}`);
  return json.map((item, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(item)) return fail(f, `must be an object with name, type and default, found ${describeValue(item)}`);
    if (typeof item.name !== 'string' || item.name === '') return fail(`${f}.name`, 'is missing');
    if (typeof item.type !== 'string' || item.type === '') return fail(`${f}.type`, 'is missing');
    const shape = item.shape;
    if (shape !== undefined && shape !== null && (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d)))) {
      return fail(`${f}.shape`, `must be a list of whole numbers or null, found ${JSON.stringify(shape)}`);
    }
    return { name: item.name, type: item.type, default: item.default ?? null, shape: (shape as number[] | undefined) ?? null };
  });
}

/**
 * Why PREDICT cannot use this model version, or undefined when it has an ONNX model.
 * e.g. "this version is a sklearn model; PREDICT runs ONNX models only".
 */
export function onnxFlavorProblem(model: MLmodel): string | undefined {
  if (model.onnx) return undefined;
  const own = model.flavorNames.filter((f) => f !== 'python_function');
  const what = own.length ? own.join(' + ') : `python_function (${String(model.flavors.python_function?.loader_module ?? 'custom')})`;
  return `this version is a ${what} model; PREDICT runs ONNX models only`;
}

/** A signature field as text: `Cost: float`, `tensor int64 [-1]`. */
export function formatSignatureField(s: SignatureField): string {
  const name = s.name ? `${s.name}: ` : '';
  return s.kind === 'column' ? `${name}${s.type}` : `${name}tensor ${s.dtype} [${s.shape.join(', ')}]`;
}
