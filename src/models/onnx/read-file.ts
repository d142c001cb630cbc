/**
 * Reads an ONNX file's metadata without holding the whole file in memory. A large model is nearly
 * all node attributes (a tree ensemble's nodes) or initializers (a network's weights), which the
 * metadata does not need: the file's fields are walked with positioned reads, and only what
 * `readOnnxMetadata` looks at is copied into a small model of the same shape (top-level fields, the
 * graph's name, inputs and outputs, each node's operator and domain, each initializer's name),
 * which it then reads. Small files, and any file whose walk fails, are read whole, so a broken
 * file gets exactly the message `readOnnxMetadata` gives for it.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readOnnxMetadata, type OnnxMetadata, type ReadOnnxOptions } from './read.js';
import { ProtoWriter, WireFormatError, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire.js';

/** Files up to this size are read whole: walking them would save little. */
export const WHOLE_FILE_BYTES = 4 * 1024 * 1024;
const WINDOW_BYTES = 64 * 1024;

// ModelProto.graph; GraphProto.node, name, initializer, input, output; NodeProto.op_type, domain;
// TensorProto.name (onnx.proto).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_NAME = 2;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const NODE_OP_TYPE = 4;
const NODE_DOMAIN = 7;
const TENSOR_NAME = 8;

export interface ReadOnnxFileOptions extends ReadOnnxOptions {
  /** Files up to this size are read whole (default WHOLE_FILE_BYTES). */
  readonly wholeFileBytes?: number;
}

/** Reads an ONNX model's metadata from a file. Throws OnnxFormatError for anything that is not one. */
export async function readOnnxMetadataFile(path: string, options: ReadOnnxFileOptions = {}): Promise<OnnxMetadata> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > (options.wholeFileBytes ?? WHOLE_FILE_BYTES)) {
      const small = await modelSkeleton(new FileWindow(handle, size)).catch(() => undefined);
      if (small) {
        try {
          return readOnnxMetadata(small, options);
        } catch {
          // Read the whole file below: its error names the problem as the bytes have it.
        }
      }
    }
    return readOnnxMetadata(new Uint8Array(await handle.readFile()), options);
  } finally {
    await handle.close();
  }
}

/** Positioned reads through a small window, so that walking many short fields costs few reads. */
class FileWindow {
  private readonly buf = new Uint8Array(WINDOW_BYTES);
  private bufStart = 0;
  private bufEnd = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async byte(pos: number): Promise<number> {
    if (pos < this.bufStart || pos >= this.bufEnd) {
      const { bytesRead } = await this.handle.read(this.buf, 0, WINDOW_BYTES, pos);
      if (bytesRead === 0) throw new WireFormatError(`the file ends at byte ${pos}`);
      this.bufStart = pos;
      this.bufEnd = pos + bytesRead;
    }
    return this.buf[pos - this.bufStart]!;
  }

  async bytes(start: number, end: number): Promise<Uint8Array> {
    if (start >= this.bufStart && end <= this.bufEnd) return this.buf.slice(start - this.bufStart, end - this.bufStart);
    const out = new Uint8Array(end - start);
    for (let off = 0; off < out.length;) {
      const { bytesRead } = await this.handle.read(out, off, out.length - off, start + off);
      if (bytesRead === 0) throw new WireFormatError(`the file ends at byte ${start + off}`);
      off += bytesRead;
    }
    return out;
  }
}

interface FileField {
  readonly field: number;
  readonly wire: number;
  /** Where the field's key starts: [keyStart, end) is the whole encoded field. */
  readonly keyStart: number;
  /** A length-delimited field's contents are [start, end). */
  readonly start: number;
  readonly end: number;
}

/** The fields of one message in the file's bytes [start, end), as `readFields` walks them in memory. */
async function* fileFields(file: FileWindow, start: number, end: number): AsyncGenerator<FileField> {
  let pos = start;
  const varint = async (): Promise<number> => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new WireFormatError(`the data ends inside a field at byte ${pos}`);
      const b = await file.byte(pos++);
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return result;
    }
    throw new WireFormatError(`a variable-length integer at byte ${pos} is longer than 10 bytes`);
  };
  while (pos < end) {
    const keyStart = pos;
    const key = await varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new WireFormatError(`field number 0 at byte ${keyStart}`);
    let contents = pos;
    switch (wire) {
      case WIRE_VARINT:
        await varint();
        break;
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_FIXED32:
        pos += 4;
        break;
      case WIRE_LEN: {
        const len = await varint();
        contents = pos;
        pos += len;
        break;
      }
      default:
        throw new WireFormatError(`unsupported wire type ${wire} for field ${field} at byte ${keyStart}`);
    }
    if (pos > end) throw new WireFormatError(`field ${field} at byte ${keyStart} runs past its message`);
    yield { field, wire, keyStart, start: contents, end: pos };
  }
}

/**
 * The small model the metadata is read from (see the module comment): what a large file costs in
 * memory. Throws WireFormatError where the file's fields do not hold together.
 */
export async function onnxSkeletonOfFile(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    return await modelSkeleton(new FileWindow(handle, (await handle.stat()).size));
  } finally {
    await handle.close();
  }
}

async function modelSkeleton(file: FileWindow): Promise<Uint8Array> {
  const w = new ProtoWriter();
  for await (const f of fileFields(file, 0, file.size)) {
    if (f.field === MODEL_GRAPH && f.wire === WIRE_LEN) w.bytes(MODEL_GRAPH, await graphSkeleton(file, f));
    // The metadata fields (ir_version ... metadata_props) and fields the reader refuses (above 100)
    // are kept; training_info and functions are not read.
    else if (f.field <= 14 || f.field > 100) w.raw(await file.bytes(f.keyStart, f.end));
  }
  return w.finish();
}

async function graphSkeleton(file: FileWindow, graph: FileField): Promise<Uint8Array> {
  const w = new ProtoWriter();
  for await (const g of fileFields(file, graph.start, graph.end)) {
    // A field of an unexpected wire type is kept, so that the reader refuses it as it would.
    if (g.wire !== WIRE_LEN) w.raw(await file.bytes(g.keyStart, g.end));
    else if (g.field === GRAPH_NODE) w.bytes(GRAPH_NODE, await keptFields(file, g, (n) => n === NODE_OP_TYPE || n === NODE_DOMAIN));
    else if (g.field === GRAPH_INITIALIZER) w.bytes(GRAPH_INITIALIZER, await keptFields(file, g, (n) => n === TENSOR_NAME));
    else if (g.field === GRAPH_NAME || g.field === GRAPH_INPUT || g.field === GRAPH_OUTPUT) w.raw(await file.bytes(g.keyStart, g.end));
  }
  return w.finish();
}

async function keptFields(file: FileWindow, message: FileField, keep: (field: number) => boolean): Promise<Uint8Array> {
  const w = new ProtoWriter();
  for await (const f of fileFields(file, message.start, message.end)) {
    if (keep(f.field)) w.raw(await file.bytes(f.keyStart, f.end));
  }
  return w.finish();
}
