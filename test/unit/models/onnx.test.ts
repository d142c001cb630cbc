import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { encodeOnnxModel, readOnnxMetadata, tensorType, attr, OnnxFormatError, formatOnnxType, type OnnxModelSpec } from '../../../src/models/onnx/index.js';
import { buildSampleModel } from '../../../src/samples/models.js';

function identityModel(): OnnxModelSpec {
  return {
    producerName: 'test',
    opsetImports: [
      { domain: '', version: 15 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    metadataProps: { author: 'me' },
    graph: {
      name: 'g',
      inputs: [
        { name: 'x', type: tensorType('float', ['batch', 3]) },
        { name: 'unknown_dims', type: tensorType('int64', [null, 1]) },
        { name: 'w', type: tensorType('float', [3]) },
      ],
      outputs: [
        { name: 'y', type: tensorType('float', ['batch', 3]) },
        { name: 'u', type: tensorType('int64') },
      ],
      nodes: [
        { opType: 'Add', inputs: ['x', 'w'], outputs: ['y'] },
        { opType: 'Identity', inputs: ['unknown_dims'], outputs: ['u'] },
      ],
      initializers: [{ name: 'w', elementType: 'float', dims: [3], values: [1, 2, 3] }],
    },
  };
}

test('reads inputs and outputs: names, element types, symbolic and unknown dimensions', () => {
  const meta = readOnnxMetadata(encodeOnnxModel(identityModel()));
  assert.equal(meta.irVersion, 8);
  assert.equal(meta.producerName, 'test');
  assert.deepEqual(meta.opsetImports, [
    { domain: '', version: 15 },
    { domain: 'ai.onnx.ml', version: 3 },
  ]);
  assert.deepEqual(meta.metadataProps, { author: 'me' });
  // `w` is an initializer: a caller does not feed it, so it is not an input.
  assert.deepEqual(meta.inputs, [
    { name: 'x', type: { kind: 'tensor', elementType: 'float', shape: ['batch', 3] } },
    { name: 'unknown_dims', type: { kind: 'tensor', elementType: 'int64', shape: [null, 1] } },
  ]);
  assert.deepEqual(meta.outputs[1], { name: 'u', type: { kind: 'tensor', elementType: 'int64', shape: undefined } });
  assert.deepEqual(meta.operators, ['Add', 'Identity']);
});

test('the writer produces what the ONNX protobuf schema decodes and onnxruntime runs', async () => {
  const bytes = encodeOnnxModel(identityModel());
  const decoded = onnx.ModelProto.decode(bytes);
  assert.equal(decoded.graph?.node?.length, 2);
  assert.deepEqual(decoded.graph?.initializer?.[0]?.floatData, [1, 2, 3]);
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({
    x: new ort.Tensor('float32', Float32Array.from([1, 1, 1]), [1, 3]),
    unknown_dims: new ort.Tensor('int64', BigInt64Array.from([5n]), [1, 1]),
  });
  // `w` comes from its initializer (1, 2, 3).
  assert.deepEqual([...(out.y!.data as Float32Array)], [2, 3, 4]);
});

test('sequence and map outputs (ZipMap) are reported as such', () => {
  const meta = readOnnxMetadata(buildSampleModel('zipmap-output').onnx);
  const prob = meta.outputs.find((o) => o.name === 'output_probability');
  assert.deepEqual(prob?.type, {
    kind: 'sequence',
    elementType: { kind: 'map', keyType: 'int64', valueType: { kind: 'tensor', elementType: 'float', shape: undefined } },
  });
  assert.equal(formatOnnxType(prob!.type), 'seq(map(int64,tensor(float)))');
  assert.ok(meta.operators.includes('ai.onnx.ml:ZipMap'));
});

test('attributes of every kind round-trip through onnx-proto', () => {
  const bytes = encodeOnnxModel({
    opsetImports: [{ domain: '', version: 15 }],
    graph: {
      name: 'g',
      inputs: [{ name: 'x', type: tensorType('float', [1]) }],
      outputs: [{ name: 'y', type: tensorType('float', [1]) }],
      nodes: [
        {
          opType: 'Identity',
          inputs: ['x'],
          outputs: ['y'],
          attributes: {
            f: attr.float(0.5),
            i: attr.int(-3),
            s: attr.string('abc'),
            fs: attr.floats([1.5, 2.5]),
            is: attr.ints([1, -2, 300000]),
            ss: attr.strings(['a', 'b']),
          },
        },
      ],
    },
  });
  const a = onnx.ModelProto.decode(bytes).graph!.node![0]!.attribute!;
  const by = Object.fromEntries(a.map((x) => [x.name, x]));
  assert.equal(by.f!.f, 0.5);
  assert.equal(Number(by.i!.i), -3);
  assert.equal(new TextDecoder().decode(by.s!.s!), 'abc');
  assert.deepEqual(by.fs!.floats, [1.5, 2.5]);
  assert.deepEqual(by.is!.ints!.map(Number), [1, -2, 300000]);
  assert.deepEqual(
    by.ss!.strings!.map((s: Uint8Array) => new TextDecoder().decode(s)),
    ['a', 'b'],
  );
});

function readError(bytes: Uint8Array, source?: string): string {
  try {
    readOnnxMetadata(bytes, source ? { source } : {});
  } catch (e) {
    assert.ok(e instanceof OnnxFormatError, `expected OnnxFormatError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected an error');
}

test('a truncated file is rejected with a message that says so', () => {
  const msg = readError(buildSampleModel('truncated').onnx, 'model.onnx');
  assert.match(msg, /^model\.onnx is not a valid ONNX model: .*\(the file may be truncated\)$/);
});

test('files that are not ONNX are named for what they are', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(readError(new Uint8Array()), 'The model file is not a valid ONNX model: the file is empty');
  assert.equal(
    readError(enc('artifact_path: outputs\nflavors:\n  onnx: {}\n'), 'MLmodel'),
    'MLmodel is not a valid ONNX model: it looks like an MLmodel YAML file, not an ONNX protobuf file',
  );
  assert.match(readError(Uint8Array.from([0x80, 0x04, 0x95, 0x00])), /it looks like a Python pickle/);
  assert.match(readError(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0])), /it looks like a ZIP archive/);
  assert.match(readError(enc('{"a": 1}')), /it looks like a JSON document/);
  assert.match(readError(enc('hello world, this is text')), /^The model file is not a valid ONNX model: /);
});

test('protobuf that is not a model: missing graph, missing IR version, wrong wire type', () => {
  // ir_version = 8 only
  assert.equal(readError(Uint8Array.from([0x08, 0x08])), 'The model file is not a valid ONNX model: it has no graph');
  // producer_name only
  assert.equal(readError(Uint8Array.from([0x12, 0x01, 0x61])), 'The model file is not a valid ONNX model: it has no IR version (field ir_version is missing)');
  // ir_version as a length-delimited field
  assert.match(readError(Uint8Array.from([0x0a, 0x01, 0x61])), /field 1 \(ir_version\) has the wrong wire type 2/);
});

test('random bytes never pass as a model and never throw anything but OnnxFormatError', () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let n = 0; n < 300; n++) {
    const bytes = Uint8Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
    readError(bytes);
  }
});
