// Time to the wizard's first versions: a local MLflow file-store registry with one model of 1 000
// versions (every tenth sklearn, each with its own model folder), the wizard controller opened on
// it as the extension opens it; the time from open until the first view with versions is posted,
// and until every effect has finished. Run: node --import tsx bench/tools/first-versions.measure.ts
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { openLocalSource } from '../../src/models/sources/local.js';
import { openWizardOver } from '../../test/support/wizard.js';

const VERSIONS = Number(process.env.VERSIONS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const MODEL = 'many-versions';
const ONNX_MLMODEL =
  'artifact_path: model\nflavors:\n  onnx: {data: model.onnx, onnx_version: 1.14.0}\n  python_function: {loader_module: mlflow.onnx, data: model.onnx}\n';
const SKLEARN_MLMODEL =
  'artifact_path: model\nflavors:\n  python_function: {loader_module: mlflow.sklearn, model_path: model.pkl}\n  sklearn: {pickled_model: model.pkl, sklearn_version: 1.3.2}\n';

async function writeRegistry(root: string): Promise<void> {
  const modelDir = join(root, 'models', MODEL);
  await mkdir(join(modelDir, 'aliases'), { recursive: true });
  const t0 = Date.UTC(2024, 0, 1);
  await writeFile(join(modelDir, 'meta.yaml'), stringify({ creation_timestamp: t0, last_updated_timestamp: t0, name: MODEL }));
  for (let v = 1; v <= VERSIONS; v++) {
    const dir = join(root, 'artifacts', String(v));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'MLmodel'), v % 10 === 0 ? SKLEARN_MLMODEL : ONNX_MLMODEL);
    await writeFile(join(dir, v % 10 === 0 ? 'model.pkl' : 'model.onnx'), 'x');
    await mkdir(join(modelDir, `version-${v}`, 'tags'), { recursive: true });
    await writeFile(
      join(modelDir, `version-${v}`, 'meta.yaml'),
      stringify({ creation_timestamp: t0 + v * 60_000, name: MODEL, version: v, status: 'READY', storage_location: pathToFileURL(dir).href, user_id: 'ana' }),
    );
  }
}

async function once(root: string): Promise<{ first: number; all: number; rows: number }> {
  const source = await openLocalSource(root);
  let first: number | undefined;
  let rows = 0;
  const t0 = performance.now();
  const c = await openWizardOver(source, {
    post: (m) => {
      if (m.kind === 'notification' && m.params.view.versions.length > 0) {
        first ??= performance.now() - t0;
        rows = m.params.view.versions.length;
      }
    },
  });
  await c.idle();
  return { first: first ?? NaN, all: performance.now() - t0, rows };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

void (async () => {
  const root = await mkdtemp(join(tmpdir(), 'first-versions-'));
  try {
    await writeRegistry(root);
    await once(root);
    const r: { first: number; all: number; rows: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) r.push(await once(root));
    console.log(
      `${VERSIONS} versions, median of ${ROUNDS}: first versions shown after ${median(r.map((x) => x.first)).toFixed(1)} ms; ` +
        `all effects done after ${median(r.map((x) => x.all)).toFixed(1)} ms; rows in the grid at the end: ${r[0]!.rows}`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
})();
