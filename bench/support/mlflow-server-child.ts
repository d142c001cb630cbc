// The local MLflow test server in its own process, so that a benchmark's client and server do not
// share one event loop. Registers BENCH_VERSIONS (default 1 000) versions of the model
// 'many-versions', each with its own small model files: every tenth a scikit-learn model (no onnx
// flavor), the others ONNX. Reports { url } when listening; 'requests' answers the number of
// requests received so far; 'stop' exits.
import { MlflowTestServer } from '../../test/servers/mlflow-server.js';

const ONNX_MLMODEL =
  'artifact_path: model\nflavors:\n  onnx: {data: model.onnx, onnx_version: 1.14.0}\n  python_function: {loader_module: mlflow.onnx, data: model.onnx}\nmlflow_version: 2.9.2\n';
const SKLEARN_MLMODEL =
  'artifact_path: model\nflavors:\n  python_function: {loader_module: mlflow.sklearn, model_path: model.pkl}\n  sklearn: {pickled_model: model.pkl, sklearn_version: 1.3.2}\nmlflow_version: 2.9.2\n';

async function main(): Promise<void> {
  const versions = Number(process.env.BENCH_VERSIONS ?? 1000);
  const server = new MlflowTestServer();
  await server.start();
  const onnx = new Uint8Array(2048).fill(7);
  for (let v = 1; v <= versions; v++) {
    const sklearn = v % 10 === 0;
    server.addVersion('many-versions', {
      files: sklearn ? { MLmodel: SKLEARN_MLMODEL, 'model.pkl': 'x' } : { MLmodel: ONNX_MLMODEL, 'model.onnx': onnx },
      run_id: `run${String(v).padStart(29, '0')}`,
    });
  }
  process.on('message', (m) => {
    if (m === 'requests') process.send?.({ requests: server.faults.log.length });
    if (m === 'stop') void server.close().then(() => process.exit(0));
  });
  process.send?.({ url: server.url });
}

void main();
