/**
 * Writes ONNX `ModelProto` files from a plain description: opset imports (including `ai.onnx.ml`),
 * graph inputs/outputs, nodes with attributes, and initializers. Used to build sample and test
 * models; the encoder streams into one buffer so very large attribute arrays stay cheap.
 */
import { ProtoWriter } from './wire.js';
import { onnxElementTypeCode, type OnnxDim, type OnnxElementType, type OnnxValueType } from './types.js';

export interface OnnxTensorSpec {
  name: string;
  elementType: 'float' | 'double' | 'int64' | 'int32' | 'string';
  dims: number[];
  /** float/double/int32/int64: numbers; string: texts. */
  values: ArrayLike<number> | readonly string[];
}

export type OnnxAttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: ArrayLike<number> }
  | { type: 'ints'; value: ArrayLike<number> }
  | { type: 'strings'; value: readonly string[] }
  | { type: 'tensor'; value: OnnxTensorSpec };

export interface OnnxNodeSpec {
  opType: string;
  domain?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, OnnxAttributeValue>;
}

export interface OnnxGraphValueSpec {
  name: string;
  type: OnnxValueType;
  docString?: string;
}

export interface OnnxModelSpec {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  /** e.g. `[{ domain: '', version: 15 }, { domain: 'ai.onnx.ml', version: 3 }]` */
  opsetImports: { domain: string; version: number }[];
  metadataProps?: Record<string, string>;
  graph: {
    name: string;
    docString?: string;
    inputs: OnnxGraphValueSpec[];
    outputs: OnnxGraphValueSpec[];
    nodes: OnnxNodeSpec[];
    initializers?: OnnxTensorSpec[];
  };
}

// AttributeProto.AttributeType
const ATTR = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

/** Convenience constructors for attributes. */
export const attr = {
  float: (value: number): OnnxAttributeValue => ({ type: 'float', value }),
  int: (value: number): OnnxAttributeValue => ({ type: 'int', value }),
  string: (value: string): OnnxAttributeValue => ({ type: 'string', value }),
  floats: (value: ArrayLike<number>): OnnxAttributeValue => ({ type: 'floats', value }),
  ints: (value: ArrayLike<number>): OnnxAttributeValue => ({ type: 'ints', value }),
  strings: (value: readonly string[]): OnnxAttributeValue => ({ type: 'strings', value }),
  tensor: (value: OnnxTensorSpec): OnnxAttributeValue => ({ type: 'tensor', value }),
};

/** A tensor type with a shape; `'N'` style strings are symbolic dimensions, null unknown. */
export function tensorType(elementType: OnnxElementType, shape?: OnnxDim[]): OnnxValueType {
  return { kind: 'tensor', elementType, shape };
}

export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const w = new ProtoWriter(1 << 16);
  w.int(1, spec.irVersion ?? 8);
  if (spec.producerName !== undefined) w.string(2, spec.producerName);
  if (spec.producerVersion !== undefined) w.string(3, spec.producerVersion);
  if (spec.domain !== undefined) w.string(4, spec.domain);
  if (spec.modelVersion !== undefined) w.int(5, spec.modelVersion);
  if (spec.docString !== undefined) w.string(6, spec.docString);
  w.message(7, (g) => writeGraph(g, spec.graph));
  for (const op of spec.opsetImports) {
    w.message(8, (o) => {
      o.string(1, op.domain);
      o.int(2, op.version);
    });
  }
  for (const [key, value] of Object.entries(spec.metadataProps ?? {})) {
    w.message(14, (e) => {
      e.string(1, key);
      e.string(2, value);
    });
  }
  return w.finish();
}

function writeGraph(w: ProtoWriter, g: OnnxModelSpec['graph']): void {
  for (const node of g.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, g.name);
  for (const t of g.initializers ?? []) w.message(5, (m) => writeTensor(m, t));
  if (g.docString !== undefined) w.string(10, g.docString);
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

function writeNode(w: ProtoWriter, n: OnnxNodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, a));
  if (n.domain) w.string(7, n.domain);
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttributeValue): void {
  w.string(1, name);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (m) => writeTensor(m, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedVarints(8, a.value);
      break;
    case 'strings':
      for (const s of a.value) w.string(9, s);
      break;
  }
  w.int(20, ATTR[a.type]);
}

function writeTensor(w: ProtoWriter, t: OnnxTensorSpec): void {
  w.packedVarints(1, t.dims);
  w.int(2, onnxElementTypeCode(t.elementType));
  switch (t.elementType) {
    case 'float':
      w.packedFloats(4, t.values as ArrayLike<number>);
      break;
    case 'int32':
      w.packedVarints(5, t.values as ArrayLike<number>);
      break;
    case 'string':
      for (const s of t.values as readonly string[]) w.string(6, s);
      break;
    case 'int64':
      w.packedVarints(7, t.values as ArrayLike<number>);
      break;
    case 'double':
      w.packedDoubles(10, t.values as ArrayLike<number>);
      break;
  }
  w.string(8, t.name);
}

function writeValueInfo(w: ProtoWriter, v: OnnxGraphValueSpec): void {
  w.string(1, v.name);
  w.message(2, (m) => writeType(m, v.type));
  if (v.docString !== undefined) w.string(3, v.docString);
}

function elemCode(t: OnnxElementType | 'undefined'): number {
  return t === 'undefined' ? 0 : onnxElementTypeCode(t);
}

function writeType(w: ProtoWriter, t: OnnxValueType): void {
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor':
      w.message(t.kind === 'tensor' ? 1 : 8, (m) => {
        m.int(1, elemCode(t.elementType));
        if (t.shape) {
          const shape = t.shape;
          m.message(2, (s) => {
            for (const d of shape) {
              s.message(1, (dim) => {
                if (typeof d === 'number') dim.int(1, d);
                else if (typeof d === 'string') dim.string(2, d);
              });
            }
          });
        }
      });
      break;
    case 'sequence':
      w.message(4, (m) => m.message(1, (e) => writeType(e, t.elementType)));
      break;
    case 'map':
      w.message(5, (m) => {
        m.int(1, elemCode(t.keyType));
        m.message(2, (v) => writeType(v, t.valueType));
      });
      break;
    case 'optional':
      w.message(9, (m) => m.message(1, (e) => writeType(e, t.elementType)));
      break;
    case 'unknown':
      break;
  }
}
