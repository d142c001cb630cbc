// Reading the large tree ensemble's metadata (buildSampleModel('large-tree-ensemble'), ~100 MB, or
// MEASURE_MODEL_MB) the wizard's way: the whole file into memory and readOnnxMetadata, against
// readOnnxMetadataFile's field-by-field walk. Prints each one's time (best of 5) and the memory it
// holds (external + array buffers, measured right after the read).
// Run: node --expose-gc --import tsx bench/tools/onnx-metadata.measure.ts
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxSkeletonOfFile, readOnnxMetadata, readOnnxMetadataFile } from '../../src/models/onnx/index.js';
import { buildSampleModel } from '../../src/samples/models.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const held = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.external + m.arrayBuffers;
};

async function main(): Promise<void> {
  const mb = Number(process.env.MEASURE_MODEL_MB ?? 100);
  const dir = await mkdtemp(join(tmpdir(), 'onnx-metadata-'));
  try {
    const path = join(dir, 'large.onnx');
    await writeFile(path, buildSampleModel('large-tree-ensemble', { targetBytes: mb * 1024 * 1024 }).onnx);
    const run = async (label: string, read: () => Promise<unknown>, holds: () => Promise<number>): Promise<void> => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await read();
        best = Math.min(best, performance.now() - t0);
      }
      const bytes = await holds();
      const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
      console.log(`${label.padEnd(42)} ${best.toFixed(1).padStart(7)} ms, holds ${size}`);
    };
    await run(
      'whole file, then readOnnxMetadata',
      () => readFile(path).then((b) => readOnnxMetadata(b)),
      async () => {
        const base = held();
        const b = await readFile(path);
        const size = held() - base;
        readOnnxMetadata(b);
        return size;
      },
    );
    await run(
      'readOnnxMetadataFile (field by field)',
      () => readOnnxMetadataFile(path),
      async () => (await onnxSkeletonOfFile(path)).length,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
void main();
