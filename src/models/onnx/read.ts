/**
 * Reads what the wizard needs from an ONNX file without scoring it: IR version, producer, opset
 * imports, metadata, and the graph's inputs and outputs (name, element type, shape, kind).
 *
 * The outer messages are walked field by field, so a 100 MB tree ensemble's nodes are skipped,
 * not decoded; each input/output `ValueInfoProto` is decoded with onnx-proto.
 */
import { onnx } from 'onnx-proto';
import { readFields, fieldString, signedVarint, WireFormatError, WIRE_LEN, WIRE_VARINT, type ProtoField } from './wire.js';
import { onnxElementTypeFromCode, type OnnxDim, type OnnxElementType, type OnnxValueInfo, type OnnxValueType } from './types.js';

export interface OnnxOpsetImport {
  /** '' (or 'ai.onnx') is the default operator set; 'ai.onnx.ml' the traditional-ML one. */
  domain: string;
  version: number;
}

export interface OnnxMetadata {
  irVersion: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  opsetImports: OnnxOpsetImport[];
  metadataProps: Record<string, string>;
  graphName?: string;
  /** Graph inputs the caller must feed (inputs that are also initializers are left out). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Operator types used by the graph's nodes, as `domain:op` or `op` for the default domain. */
  operators: string[];
  nodeCount: number;
}

/** The bytes are not a usable ONNX model. The message says which file and why. */
export class OnnxFormatError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source} is not a valid ONNX model: ${reason}`);
    this.name = 'OnnxFormatError';
  }
}

export interface ReadOnnxOptions {
  /** How to name the model in errors, e.g. the file name. Default: "The model file". */
  source?: string;
}

/** Reads an ONNX model's metadata from its bytes. Throws OnnxFormatError for anything that is not one. */
export function readOnnxMetadata(bytes: Uint8Array, options: ReadOnnxOptions = {}): OnnxMetadata {
  const source = options.source ?? 'The model file';
  const fail = (reason: string): never => {
    throw new OnnxFormatError(source, reason);
  };
  if (bytes.length === 0) fail('the file is empty');
  const sniffed = sniffOtherFormat(bytes);
  if (sniffed) fail(`it looks like ${sniffed}, not an ONNX protobuf file`);

  try {
    return readModel(bytes, fail);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw e;
    if (e instanceof WireFormatError || e instanceof RangeError || e instanceof Error) {
      const truncatedHint = /ends inside|only \d+ remain/.test(e.message) ? ' (the file may be truncated)' : '';
      return fail(`${e.message}${truncatedHint}`);
    }
    throw e;
  }
}

function sniffOtherFormat(b: Uint8Array): string | undefined {
  const ascii = (s: string) => [...s].every((ch, i) => b[i] === ch.charCodeAt(0));
  if (ascii('PK\x03\x04')) return 'a ZIP archive (an MLflow model folder or a .mlmodel package?)';
  if (b[0] === 0x80 && b.length > 1 && b[1]! >= 2 && b[1]! <= 5) return 'a Python pickle (a scikit-learn .pkl?)';
  if (ascii('\x89HDF')) return 'an HDF5 file (a Keras .h5 model?)';
  if (ascii('\x1f\x8b')) return 'a gzip-compressed file';
  const head = new TextDecoder('latin1').decode(b.subarray(0, Math.min(b.length, 64))).trimStart();
  if (/^(artifact_path|flavors|signature|model_uuid|run_id)\s*:/m.test(head)) return 'an MLmodel YAML file';
  if (/^[{[]/.test(head)) return 'a JSON document';
  if (/^<\??[a-zA-Z]/.test(head)) return 'an XML or HTML document';
  return undefined;
}

function expectWire(f: ProtoField, wire: number, what: string): void {
  if (f.wire !== wire) throw new WireFormatError(`field ${f.field} (${what}) has the wrong wire type ${f.wire}`);
}

function readModel(bytes: Uint8Array, fail: (reason: string) => never): OnnxMetadata {
  let irVersion: number | undefined;
  let graph: ProtoField | undefined;
  const meta: Partial<OnnxMetadata> = {};
  const opsetImports: OnnxOpsetImport[] = [];
  const metadataProps: Record<string, string> = {};
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        expectWire(f, WIRE_VARINT, 'ir_version');
        irVersion = f.value;
        break;
      case 2:
        expectWire(f, WIRE_LEN, 'producer_name');
        meta.producerName = fieldString(bytes, f);
        break;
      case 3:
        expectWire(f, WIRE_LEN, 'producer_version');
        meta.producerVersion = fieldString(bytes, f);
        break;
      case 4:
        expectWire(f, WIRE_LEN, 'domain');
        meta.domain = fieldString(bytes, f);
        break;
      case 5:
        expectWire(f, WIRE_VARINT, 'model_version');
        meta.modelVersion = signedVarint(f.value);
        break;
      case 6:
        expectWire(f, WIRE_LEN, 'doc_string');
        meta.docString = fieldString(bytes, f);
        break;
      case 7:
        expectWire(f, WIRE_LEN, 'graph');
        graph = f;
        break;
      case 8: {
        expectWire(f, WIRE_LEN, 'opset_import');
        const op: OnnxOpsetImport = { domain: '', version: 0 };
        for (const g of readFields(bytes, f.start, f.end)) {
          if (g.field === 1 && g.wire === WIRE_LEN) op.domain = fieldString(bytes, g);
          else if (g.field === 2 && g.wire === WIRE_VARINT) op.version = signedVarint(g.value);
        }
        opsetImports.push(op);
        break;
      }
      case 14: {
        expectWire(f, WIRE_LEN, 'metadata_props');
        let key = '';
        let value = '';
        for (const g of readFields(bytes, f.start, f.end)) {
          if (g.field === 1 && g.wire === WIRE_LEN) key = fieldString(bytes, g);
          else if (g.field === 2 && g.wire === WIRE_LEN) value = fieldString(bytes, g);
        }
        metadataProps[key] = value;
        break;
      }
      default:
        // training_info, functions and future fields: not needed here. Unknown fields are legal.
        if (f.field > 100) fail(`it has an unexpected field number ${f.field} at the top level`);
        break;
    }
  }
  if (irVersion === undefined) fail('it has no IR version (field ir_version is missing)');
  if (irVersion! < 1 || irVersion! > 100) fail(`its IR version ${irVersion} is not one ONNX defines`);
  if (!graph) fail('it has no graph');
  if (opsetImports.length === 0 && irVersion! >= 3) fail('it imports no operator set (opset_import is empty)');
  const g = readGraph(bytes, graph!);
  return {
    irVersion: irVersion!,
    ...meta,
    opsetImports,
    metadataProps,
    ...g,
  };
}

function readGraph(bytes: Uint8Array, graph: ProtoField): Pick<OnnxMetadata, 'graphName' | 'inputs' | 'outputs' | 'operators' | 'nodeCount'> {
  let graphName: string | undefined;
  const rawInputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializerNames = new Set<string>();
  const operators = new Set<string>();
  let nodeCount = 0;
  for (const f of readFields(bytes, graph.start, graph.end)) {
    switch (f.field) {
      case 1: {
        expectWire(f, WIRE_LEN, 'graph.node');
        nodeCount++;
        let opType = '';
        let domain = '';
        for (const n of readFields(bytes, f.start, f.end)) {
          if (n.field === 4 && n.wire === WIRE_LEN) opType = fieldString(bytes, n);
          else if (n.field === 7 && n.wire === WIRE_LEN) domain = fieldString(bytes, n);
        }
        operators.add(domain && domain !== 'ai.onnx' ? `${domain}:${opType}` : opType);
        break;
      }
      case 2:
        expectWire(f, WIRE_LEN, 'graph.name');
        graphName = fieldString(bytes, f);
        break;
      case 5:
        expectWire(f, WIRE_LEN, 'graph.initializer');
        for (const t of readFields(bytes, f.start, f.end)) {
          if (t.field === 8 && t.wire === WIRE_LEN) initializerNames.add(fieldString(bytes, t));
        }
        break;
      case 11:
        expectWire(f, WIRE_LEN, 'graph.input');
        rawInputs.push(decodeValueInfo(bytes, f, 'graph input'));
        break;
      case 12:
        expectWire(f, WIRE_LEN, 'graph.output');
        outputs.push(decodeValueInfo(bytes, f, 'graph output'));
        break;
      default:
        break;
    }
  }
  if (outputs.length === 0) throw new WireFormatError('its graph has no outputs');
  return {
    graphName,
    inputs: rawInputs.filter((i) => !initializerNames.has(i.name)),
    outputs,
    operators: [...operators].sort(),
    nodeCount,
  };
}

function decodeValueInfo(bytes: Uint8Array, f: ProtoField, what: string): OnnxValueInfo {
  let v: onnx.ValueInfoProto;
  try {
    v = onnx.ValueInfoProto.decode(bytes.subarray(f.start, f.end));
  } catch (e) {
    throw new WireFormatError(`a ${what} cannot be decoded (${(e as Error).message})`);
  }
  if (!v.name) throw new WireFormatError(`a ${what} has no name`);
  const info: OnnxValueInfo = { name: v.name, type: convertType(v.type ?? undefined) };
  if (v.docString) info.docString = v.docString;
  return info;
}

function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function elem(code: number | null | undefined): OnnxElementType | 'undefined' {
  return onnxElementTypeFromCode(code ?? 0) ?? 'undefined';
}

function convertShape(shape: onnx.ITensorShapeProto | null | undefined): OnnxDim[] | undefined {
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d): OnnxDim => {
    // Decoded messages carry defaults on their prototype: only own properties were in the file.
    if (Object.prototype.hasOwnProperty.call(d, 'dimParam') && d.dimParam) return d.dimParam;
    if (Object.prototype.hasOwnProperty.call(d, 'dimValue')) return toNumber(d.dimValue);
    return null;
  });
}

function convertType(t: onnx.ITypeProto | undefined): OnnxValueType {
  if (!t) return { kind: 'unknown' };
  if (t.tensorType) return { kind: 'tensor', elementType: elem(t.tensorType.elemType), shape: convertShape(t.tensorType.shape) };
  if (t.sparseTensorType) {
    return { kind: 'sparse_tensor', elementType: elem(t.sparseTensorType.elemType), shape: convertShape(t.sparseTensorType.shape) };
  }
  if (t.sequenceType) return { kind: 'sequence', elementType: convertType(t.sequenceType.elemType ?? undefined) };
  if (t.mapType) return { kind: 'map', keyType: elem(t.mapType.keyType), valueType: convertType(t.mapType.valueType ?? undefined) };
  if (t.optionalType) return { kind: 'optional', elementType: convertType(t.optionalType.elemType ?? undefined) };
  return { kind: 'unknown' };
}
