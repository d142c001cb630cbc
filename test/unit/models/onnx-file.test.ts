// Reading an ONNX file's metadata from the file: the same metadata as reading the whole file's
// bytes, for every sample model and for a large ensemble, and the same message for a broken file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxSkeletonOfFile, readOnnxMetadata, readOnnxMetadataFile, WHOLE_FILE_BYTES } from '../../../src/models/onnx/index.js';
import { buildSampleModel, SAMPLE_MODEL_KINDS } from '../../../src/samples/models.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-file-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileOf(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** The error message a read gives, or undefined when it succeeds. */
async function messageOf(read: () => unknown): Promise<string | undefined> {
  try {
    await read();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

test('every sample model: walked field by field, the same metadata (or message) as its whole bytes', async () => {
  for (const kind of SAMPLE_MODEL_KINDS) {
    const bytes = buildSampleModel(kind, kind === 'large-tree-ensemble' ? { targetBytes: 512 * 1024 } : {}).onnx;
    const path = await fileOf(`${kind}.onnx`, bytes);
    const opts = { source: kind };
    const whole = await messageOf(() => readOnnxMetadata(bytes, opts));
    const walked = await messageOf(() => readOnnxMetadataFile(path, { ...opts, wholeFileBytes: 0 }));
    assert.equal(walked, whole, kind);
    if (whole === undefined) {
      assert.deepEqual(await readOnnxMetadataFile(path, { ...opts, wholeFileBytes: 0 }), readOnnxMetadata(bytes, opts), kind);
      assert.deepEqual(readOnnxMetadata(await onnxSkeletonOfFile(path), opts), readOnnxMetadata(bytes, opts), `${kind}, from what the walk keeps`);
    }
  }
});

test('a large tree ensemble past the whole-file size: the same metadata; cut short or not ONNX: the same message', async () => {
  const bytes = buildSampleModel('large-tree-ensemble', { targetBytes: WHOLE_FILE_BYTES + 2 * 1024 * 1024 }).onnx;
  assert.ok(bytes.length > WHOLE_FILE_BYTES);
  const path = await fileOf('large.onnx', bytes);
  const meta = await readOnnxMetadataFile(path);
  assert.deepEqual(meta, readOnnxMetadata(bytes));
  // What is held to read it: the inputs, outputs and operators, not the trees.
  const skeleton = await onnxSkeletonOfFile(path);
  assert.deepEqual(readOnnxMetadata(skeleton), meta);
  assert.ok(skeleton.length < 64 * 1024, `${skeleton.length} bytes held for a ${bytes.length}-byte model`);
  assert.ok(meta.inputs.length > 0 && meta.operators.includes('ai.onnx.ml:TreeEnsembleClassifier'), JSON.stringify(meta.operators));

  const cut = bytes.subarray(0, bytes.length - 1024 * 1024);
  const cutPath = await fileOf('cut.onnx', cut);
  const cutMessage = await messageOf(() => readOnnxMetadataFile(cutPath, { source: 'cut.onnx' }));
  assert.ok(cutMessage);
  assert.equal(cutMessage, await messageOf(() => readOnnxMetadata(cut, { source: 'cut.onnx' })));

  const zip = new Uint8Array(WHOLE_FILE_BYTES + 1024);
  zip.set([0x50, 0x4b, 0x03, 0x04]);
  const zipPath = await fileOf('model.zip', zip);
  assert.equal(await messageOf(() => readOnnxMetadataFile(zipPath)), await messageOf(() => readOnnxMetadata(zip)));
});
