/**
 * describeModel: what a model version takes and returns, as PREDICT sees it. The ONNX graph is
 * what runs, so its names and types win; the MLmodel signature adds MLflow types and `required`,
 * and any disagreement between the two becomes a warning that says exactly what differs.
 */
import { formatSqlType, type SqlType } from '../sql/types.js';
import { sqlTypeForOnnx } from './sql-types.js';
import { formatSignatureField, type MLmodel, type SignatureField } from './mlmodel.js';
import type { OnnxMetadata } from './onnx/read.js';
import { formatOnnxShape, formatOnnxType, type OnnxDim, type OnnxElementType, type OnnxValueInfo } from './onnx/types.js';

export interface ModelPort {
  /** The ONNX graph's name: what PREDICT matches columns to, and what a WITH clause names. */
  name: string;
  kind: 'tensor' | 'sparse_tensor' | 'sequence' | 'map' | 'optional' | 'unknown';
  /** Tensors: the element type. */
  elementType?: OnnxElementType | 'undefined';
  /** Tensors: the shape, when the graph gives one. */
  shape?: OnnxDim[];
  /** `tensor(float)[N,1]`, `seq(map(int64,tensor(float)))`. */
  onnxType: string;
  /** The signature's spec for this port, as text (`Cost: float`), when the MLmodel has one. */
  signatureType?: string;
  /** From the signature (MLflow's default: true). */
  required: boolean;
  /** The SQL type the wizard proposes (float → real, int64 → bigint, …), if SQL can hold the type. */
  sqlType?: SqlType;
  /** Why PREDICT cannot use this port, if it cannot. Outputs with a problem can be left out of WITH. */
  problem?: string;
}

export interface ModelDescription {
  inputs: ModelPort[];
  outputs: ModelPort[];
  /** Where the names came from: the signature agreed with the graph, or the graph alone. */
  namesFrom: 'signature' | 'onnx';
  /** Disagreements between the MLmodel signature and the ONNX graph, one per difference. */
  warnings: string[];
  /** Information worth showing (no signature, nameless signature, …). */
  notes: string[];
  /** Why PREDICT cannot score this model at all (an input it cannot feed, no output it can return). */
  problems: string[];
  /** The graph's operator set imports, e.g. `ai.onnx.ml 3`. */
  opsets: string[];
}

const q = (s: string) => JSON.stringify(s);
const list = (names: readonly string[]) => names.map(q).join(', ');

/** Whether a shape is one value per row: [N] or [N,1] (or [N,1,1]); unknown rank counts as yes. */
function isColumnShape(shape: OnnxDim[] | undefined): boolean {
  if (!shape) return true;
  if (shape.length === 0) return false;
  return shape.slice(1).every((d) => d === 1);
}

function portOf(v: OnnxValueInfo, direction: 'input' | 'output'): ModelPort {
  const t = v.type;
  const port: ModelPort = { name: v.name, kind: t.kind, onnxType: formatOnnxType(t), required: true };
  const leaveOut = direction === 'output' ? '; leave it out of the WITH clause' : '';
  if (t.kind === 'tensor') {
    port.elementType = t.elementType;
    if (t.shape) port.shape = t.shape;
    const sql = t.elementType === 'undefined' ? undefined : sqlTypeForOnnx(t.elementType);
    if (sql) port.sqlType = sql;
    if (!sql) {
      port.problem = `its element type ${t.elementType} has no SQL equivalent${leaveOut}`;
    } else if (!isColumnShape(t.shape)) {
      port.problem =
        direction === 'input'
          ? `it is multi-dimensional (shape ${formatOnnxShape(t.shape!)}); PREDICT feeds each model input from one column, so the model needs one [N,1] input per column`
          : `it is multi-dimensional (shape ${formatOnnxShape(t.shape!)}); PREDICT returns one column per output${leaveOut}`;
    }
  } else if (t.kind === 'sequence' && t.elementType.kind === 'map') {
    port.problem = `it is a sequence of maps (a ZipMap output, ${port.onnxType}); PREDICT cannot return it${leaveOut}`;
  } else {
    const what = t.kind === 'sparse_tensor' ? 'a sparse tensor' : t.kind === 'unknown' ? 'of an unknown type' : `a ${t.kind} (${port.onnxType})`;
    port.problem =
      direction === 'input'
        ? `it is ${what}; PREDICT feeds model inputs from columns, one tensor each`
        : `it is ${what}; PREDICT returns tensors only${leaveOut}`;
  }
  return port;
}

/** ONNX element types a signature type agrees with. */
function compatibleElementTypes(s: SignatureField): string[] {
  if (s.kind === 'column') {
    switch (s.type) {
      case 'float':
        return ['float'];
      case 'double':
        return ['double'];
      case 'long':
        return ['int64'];
      case 'integer':
        return ['int32'];
      case 'boolean':
        return ['bool'];
      case 'string':
        return ['string'];
      case 'binary':
        return ['string', 'uint8'];
      case 'datetime':
        return ['int64', 'string'];
      default:
        return [];
    }
  }
  const numpy: Record<string, string> = {
    float32: 'float',
    float64: 'double',
    float16: 'float16',
    int64: 'int64',
    int32: 'int32',
    int16: 'int16',
    int8: 'int8',
    uint8: 'uint8',
    uint16: 'uint16',
    uint32: 'uint32',
    uint64: 'uint64',
    bool: 'bool',
    object: 'string',
    str: 'string',
    bytes: 'string',
  };
  const e = numpy[s.dtype.toLowerCase()];
  return e ? [e] : [];
}

function signatureTypeText(s: SignatureField): string {
  return s.kind === 'column' ? s.type : `tensor ${s.dtype} [${s.shape.join(', ')}]`;
}

function compareTypes(direction: string, port: ModelPort, s: SignatureField, warnings: string[]): void {
  if (port.kind !== 'tensor' || !port.elementType || port.elementType === 'undefined') {
    if (s.kind === 'column' || s.kind === 'tensor') {
      if (port.kind !== 'tensor')
        warnings.push(`${direction} ${q(port.name)}: the MLmodel signature says ${signatureTypeText(s)}, the ONNX graph ${port.onnxType}.`);
    }
    return;
  }
  if (!compatibleElementTypes(s).includes(port.elementType)) {
    warnings.push(
      `${direction} ${q(port.name)}: the MLmodel signature says ${signatureTypeText(s)}, the ONNX graph ${port.elementType}; the graph's type is used.`,
    );
  }
}

function reconcile(direction: 'Input' | 'Output', ports: ModelPort[], specs: SignatureField[] | undefined, warnings: string[], notes: string[]): boolean {
  const plural = direction === 'Input' ? 'inputs' : 'outputs';
  if (!specs) {
    return false;
  }
  const named = specs.length > 0 && specs.every((s) => s.name !== undefined);
  if (!named) {
    // Nameless specs describe the graph's ports in order.
    if (specs.length !== ports.length) {
      const sentence = `The MLmodel signature lists ${specs.length} nameless ${specs.length === 1 ? plural.slice(0, -1) : plural} but the ONNX graph has ${ports.length} (${list(ports.map((p) => p.name))}); the graph's names are used.`;
      // One nameless output beside extra graph outputs is how infer_signature records a prediction column.
      if (direction === 'Output' && specs.length < ports.length) notes.push(sentence);
      else warnings.push(sentence);
    } else {
      notes.push(`The MLmodel signature does not name its ${plural}; the ONNX graph's names are used.`);
    }
    specs.forEach((s, i) => {
      const port = ports[i];
      if (!port) return;
      port.signatureType = formatSignatureField(s);
      port.required = s.required;
      compareTypes(direction, port, s, warnings);
    });
    return false;
  }
  const byName = new Map(specs.map((s) => [s.name!, s]));
  const portNames = new Set(ports.map((p) => p.name));
  const onlyInSignature = specs.filter((s) => !portNames.has(s.name!));
  const onlyInGraph = ports.filter((p) => !byName.has(p.name));
  // Pair names that differ only in case before reporting the rest as missing.
  const caseOnly: [string, string][] = [];
  for (const s of [...onlyInSignature]) {
    const p = onlyInGraph.find((g) => g.name.toLowerCase() === s.name!.toLowerCase());
    if (!p) continue;
    caseOnly.push([s.name!, p.name]);
    onlyInSignature.splice(onlyInSignature.indexOf(s), 1);
    onlyInGraph.splice(onlyInGraph.indexOf(p), 1);
    byName.set(p.name, s);
  }
  if (specs.length !== ports.length) {
    const noun = (n: number) => (n === 1 ? plural.slice(0, -1) : plural);
    warnings.push(`The MLmodel signature lists ${specs.length} ${noun(specs.length)}, the ONNX graph has ${ports.length}.`);
  }
  for (const [s, g] of caseOnly) warnings.push(`${direction} ${q(g)} is called ${q(s)} in the MLmodel signature; PREDICT uses the graph's name ${q(g)}.`);
  if (onlyInSignature.length)
    warnings.push(`The MLmodel signature lists ${plural} the ONNX graph does not have: ${list(onlyInSignature.map((s) => s.name!))}.`);
  if (onlyInGraph.length) warnings.push(`The ONNX graph has ${plural} the MLmodel signature does not list: ${list(onlyInGraph.map((p) => p.name))}.`);
  for (const p of ports) {
    const s = byName.get(p.name);
    if (!s) continue;
    p.signatureType = formatSignatureField(s);
    p.required = s.required;
    compareTypes(direction, p, s, warnings);
  }
  return onlyInSignature.length === 0 && onlyInGraph.length === 0 && caseOnly.length === 0;
}

/** Combines the MLmodel (optional) and the ONNX graph's metadata into what the wizard shows. */
export function describeModel(args: { mlmodel?: MLmodel; onnx: OnnxMetadata }): ModelDescription {
  const inputs = args.onnx.inputs.map((v) => portOf(v, 'input'));
  const outputs = args.onnx.outputs.map((v) => portOf(v, 'output'));
  const warnings: string[] = [];
  const notes: string[] = [];
  const sig = args.mlmodel?.signature;
  let namesAgree = false;
  if (!sig || (!sig.inputs && !sig.outputs)) {
    notes.push('The model has no MLflow signature; input and output names and types come from the ONNX graph.');
  } else {
    const inAgree = reconcile('Input', inputs, sig.inputs, warnings, notes);
    const outAgree = reconcile('Output', outputs, sig.outputs, warnings, notes);
    namesAgree = inAgree && (outAgree || !sig.outputs);
    if (!sig.inputs) notes.push("The MLmodel signature has no inputs; the ONNX graph's inputs are used.");
  }
  const problems: string[] = [];
  for (const p of inputs) if (p.problem) problems.push(`Input ${q(p.name)} cannot be fed by PREDICT: ${p.problem}.`);
  if (!outputs.some((p) => !p.problem))
    problems.push("None of the model's outputs can be returned by PREDICT: " + outputs.map((p) => `${q(p.name)} (${p.problem})`).join('; ') + '.');
  if (inputs.length === 0) problems.push('The ONNX graph has no inputs to map columns to.');
  return {
    inputs,
    outputs,
    namesFrom: namesAgree ? 'signature' : 'onnx',
    warnings,
    notes,
    problems,
    opsets: args.onnx.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`),
  };
}

/** A port's type for display: `float [N,1] → real`. */
export function formatPortType(p: ModelPort): string {
  const base = p.kind === 'tensor' && p.elementType ? `${p.elementType}${p.shape ? ' ' + formatOnnxShape(p.shape) : ''}` : p.onnxType;
  return p.sqlType ? `${base} → ${formatSqlType(p.sqlType)}` : base;
}
