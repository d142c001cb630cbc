/**
 * ONNX value types as the rest of the product sees them: element types by their lower-case ONNX
 * names (`float`, `int64`, `string`, … — the names onnxruntime uses for tensor types), shapes whose
 * dimensions are a number, a symbolic name or unknown, and the kind of value (tensor, sequence, map).
 */

/** ONNX `TensorProto.DataType` codes, by lower-case name. */
export const ONNX_ELEMENT_TYPE_CODES = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  double: 11,
  uint32: 12,
  uint64: 13,
  complex64: 14,
  complex128: 15,
  bfloat16: 16,
  float8e4m3fn: 17,
  float8e4m3fnuz: 18,
  float8e5m2: 19,
  float8e5m2fnuz: 20,
  uint4: 21,
  int4: 22,
  float4e2m1: 23,
} as const;

export type OnnxElementType = keyof typeof ONNX_ELEMENT_TYPE_CODES;

const BY_CODE = new Map<number, OnnxElementType>(Object.entries(ONNX_ELEMENT_TYPE_CODES).map(([name, code]) => [code, name as OnnxElementType]));

/** The element type for an ONNX data type code, or undefined for 0 (UNDEFINED) and unknown codes. */
export function onnxElementTypeFromCode(code: number): OnnxElementType | undefined {
  return BY_CODE.get(code);
}

export function onnxElementTypeCode(type: OnnxElementType): number {
  return ONNX_ELEMENT_TYPE_CODES[type];
}

export function isOnnxElementType(name: string): name is OnnxElementType {
  return Object.prototype.hasOwnProperty.call(ONNX_ELEMENT_TYPE_CODES, name);
}

/** One dimension: a fixed size, a symbolic name (`N`, `batch_size`) or unknown (`null`). */
export type OnnxDim = number | string | null;

/** The type of a graph input or output. */
export type OnnxValueType =
  | { kind: 'tensor'; elementType: OnnxElementType | 'undefined'; /** undefined = rank unknown */ shape?: OnnxDim[] }
  | { kind: 'sparse_tensor'; elementType: OnnxElementType | 'undefined'; shape?: OnnxDim[] }
  | { kind: 'sequence'; elementType: OnnxValueType }
  | { kind: 'map'; keyType: OnnxElementType | 'undefined'; valueType: OnnxValueType }
  | { kind: 'optional'; elementType: OnnxValueType }
  | { kind: 'unknown' };

/** A graph input or output. */
export interface OnnxValueInfo {
  name: string;
  type: OnnxValueType;
  docString?: string;
}

/** A short human-readable form: `tensor(float)[N,1]`, `seq(map(int64,tensor(float)))`. */
export function formatOnnxType(t: OnnxValueType): string {
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const base = `${t.kind}(${t.elementType})`;
      return t.shape ? `${base}${formatOnnxShape(t.shape)}` : base;
    }
    case 'sequence':
      return `seq(${formatOnnxType(t.elementType)})`;
    case 'map':
      return `map(${t.keyType},${formatOnnxType(t.valueType)})`;
    case 'optional':
      return `optional(${formatOnnxType(t.elementType)})`;
    default:
      return 'unknown';
  }
}

export function formatOnnxShape(shape: readonly OnnxDim[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}
