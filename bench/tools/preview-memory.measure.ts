// Memory of the calling process (the extension host's stand-in) for the wizard's Preview predictions
// of a large tree ensemble: RSS before, its peak during, and RSS after the preview returns, and the
// worker's peak. Each run is a fresh node process.
//   node --import tsx bench/tools/preview-memory.measure.ts --build /tmp/large.onnx   (once: buildSampleModel('large-tree-ensemble'))
//   node --import tsx bench/tools/preview-memory.measure.ts /tmp/large.onnx [preview-module.ts]
// With a second argument, that module's previewPredictions is called instead of the wizard's
// preview (e.g. the in-process preview of an earlier commit, extracted with git show).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CUSTOMER_FEATURES, CUSTOMER_TEST_COLUMNS, generateCustomers } from '../../src/samples/customers.js';
import { shutdownOnnxWorker } from '../../src/models/onnx-worker.js';
import { defaultWizardParts } from '../../src/wizard/parts.js';
import type { WizardDatabase } from '../../src/wizard/services.js';
import type { WizardPlan } from '../../src/wizard/state.js';

const MB = 1024 * 1024;
const status = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

void (async () => {
  const args = process.argv.slice(2);
  if (args[0] === '--build') {
    const { buildSampleModel } = await import('../../src/samples/models.js');
    writeFileSync(args[1]!, buildSampleModel('large-tree-ensemble').onnx);
    return;
  }
  const [onnxPath, other] = args;
  const ints = new Set(['PrimaryBrandId', 'GenderId', 'MaritalStatus', 'LowerIncomeBound', 'UpperIncomeBound']);
  const columns = CUSTOMER_TEST_COLUMNS.map((c) => c.name);
  const rows = [...generateCustomers(20, 9)].map((c) => columns.map((k) => c[k as keyof typeof c] as number));
  const inputs = CUSTOMER_FEATURES.map((f) => ({ sourceColumn: f, modelInput: f, inputType: ints.has(f) ? 'bigint' : 'real', sourceType: 'float' }));
  let run: () => Promise<{ rows: string[][] }>;
  if (other) {
    const mod = (await import(resolve(other))) as typeof import('../../src/models/preview.js');
    run = () =>
      mod.previewPredictions({
        onnx: onnxPath!,
        columns,
        rows,
        inputs: inputs.map((i) => ({ ...i, inputType: { name: i.inputType } })),
        outputs: ['label_out'],
      });
  } else {
    const sql = {
      query: async () => ({
        resultSets: [{ columns: columns.map((name) => ({ name, type: 'float', nullable: true })), rows, truncated: false, rowCount: 20 }],
        messages: [],
        rowCounts: [],
      }),
    } as unknown as WizardDatabase['sql'];
    const db = { connectionName: 'c', target: 'synapse-dedicated', sql, release: () => {} } as WizardDatabase;
    const plan = {
      table: { schema: 'wwi_ml', name: 'CustomerTest' },
      inputs,
      outputs: [{ modelOutput: 'label_out', outputType: 'bigint' }],
      passThrough: [],
    } as unknown as WizardPlan;
    const preview = defaultWizardParts().previewFor(db);
    run = () => preview({ plan, onnxPath: onnxPath!, signal: new AbortController().signal });
  }
  const before = status('VmRSS');
  const t0 = performance.now();
  const r = await run();
  const ms = performance.now() - t0;
  if (r.rows.length !== 20) throw new Error(`${r.rows.length} rows`);
  const peak = status('VmHWM');
  const after = status('VmRSS');
  await shutdownOnnxWorker();
  console.log(
    `${other ? `previewPredictions of ${other}` : "the wizard's preview"}: model ${(readFileSync(onnxPath!).length / MB).toFixed(0)} MB; ` +
      `this process RSS ${(before / MB).toFixed(0)} MB before, peak ${(peak / MB).toFixed(0)} MB, ${(after / MB).toFixed(0)} MB after ` +
      `(growth kept: ${((after - before) / MB).toFixed(0)} MB); ${ms.toFixed(0)} ms`,
  );
})();
