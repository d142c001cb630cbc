import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMLmodel, onnxFlavorProblem, MLmodelError, formatSignatureField } from '../../../src/models/mlmodel.js';
import { buildSampleModel } from '../../../src/samples/models.js';

const LAB = `artifact_path: outputs
flavors:
  onnx: {data: model.onnx, onnx_version: 1.14.0, providers: [CPUExecutionProvider]}
  python_function: {data: model.onnx, loader_module: mlflow.onnx, python_version: 3.9.16, env: {conda: conda.yaml}}
run_id: 0ab1
signature:
  inputs: '[{"name": "Cost", "type": "double"}, {"name": "GenderId", "type": "long", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: '[{"name": "threshold", "type": "float", "default": 0.5, "shape": null}]'
saved_input_example_info: {artifact_path: input_example.json, type: dataframe, pandas_orient: split}
utc_time_created: '2024-01-01 00:00:00.000000'
`;

test("parses the lab's MLmodel: flavors, column and tensor specs, params, input example", () => {
  const m = parseMLmodel(LAB);
  assert.deepEqual(m.flavorNames, ['onnx', 'python_function']);
  assert.deepEqual(m.onnx, { data: 'model.onnx', onnxVersion: '1.14.0', providers: ['CPUExecutionProvider'] });
  assert.equal(m.runId, '0ab1');
  assert.deepEqual(m.signature?.inputs, [
    { kind: 'column', name: 'Cost', type: 'double', required: true },
    { kind: 'column', name: 'GenderId', type: 'long', required: false },
  ]);
  assert.deepEqual(m.signature?.outputs, [{ kind: 'tensor', dtype: 'int64', shape: [-1], required: true }]);
  assert.deepEqual(m.signature?.params, [{ name: 'threshold', type: 'float', default: 0.5, shape: null }]);
  assert.deepEqual(m.savedInputExample, { artifactPath: 'input_example.json', type: 'dataframe', pandasOrient: 'split' });
  assert.equal(onnxFlavorProblem(m), undefined);
  assert.equal(formatSignatureField(m.signature!.outputs![0]!), 'tensor int64 [-1]');
});

test('parses the MLmodel the sample builder writes', () => {
  const m = parseMLmodel(buildSampleModel('linear-classifier').mlmodelYaml);
  assert.equal(m.signature?.inputs?.length, 8);
  assert.equal(m.onnx?.data, 'model.onnx');
});

test('no signature, or a signature with only inputs, is fine', () => {
  assert.equal(parseMLmodel('flavors:\n  onnx: {data: m.onnx}\n').signature, undefined);
  const m = parseMLmodel(`flavors:\n  onnx: {}\nsignature:\n  inputs: '[{"type": "float"}]'\n  outputs: null\n`);
  assert.deepEqual(m.signature, { inputs: [{ kind: 'column', type: 'float', required: true }], outputs: undefined, params: undefined });
  assert.equal(m.onnx?.data, 'model.onnx');
});

test('a model without an onnx flavor says which flavor it is', () => {
  const m = parseMLmodel('flavors:\n  python_function: {loader_module: mlflow.sklearn}\n  sklearn: {pickled_model: model.pkl}\n');
  assert.equal(m.onnx, undefined);
  assert.equal(onnxFlavorProblem(m), 'this version is a sklearn model; PREDICT runs ONNX models only');
  const custom = parseMLmodel('flavors:\n  python_function: {loader_module: my_loader}\n');
  assert.equal(onnxFlavorProblem(custom), 'this version is a python_function (my_loader) model; PREDICT runs ONNX models only');
  // pyfunc loaded by mlflow.onnx is an ONNX model even without the onnx flavor
  assert.equal(parseMLmodel('flavors:\n  python_function: {loader_module: mlflow.onnx, data: x.onnx}\n').onnx?.data, 'x.onnx');
});

function errorOf(text: string): string {
  try {
    parseMLmodel(text);
  } catch (e) {
    assert.ok(e instanceof MLmodelError, String(e));
    return e.message;
  }
  assert.fail('expected an MLmodelError');
}

const sig = (inputs: string) => `flavors:\n  onnx: {data: model.onnx}\nsignature:\n  inputs: '${inputs}'\n`;

test('every malformed case is an error that names the field', () => {
  const cases: [string, string][] = [
    ['flavors: [unclosed', 'MLmodel: is not valid YAML ('],
    ['just text', 'MLmodel: is not an MLflow model description: expected a YAML mapping with flavors, found the text "just text"'],
    ['artifact_path: outputs\n', 'MLmodel: has no flavors: an MLflow model lists at least one flavor (onnx, for PREDICT)'],
    ['flavors: {}\n', 'MLmodel: flavors is empty: an MLflow model lists at least one flavor (onnx, for PREDICT)'],
    ['flavors: [onnx]\n', 'MLmodel: flavors must be a mapping of flavor names to their settings, found a list'],
    ['flavors:\n  onnx: {data: ../../etc/passwd}\n', 'MLmodel: flavors.onnx.data must be a path inside the model folder, found "../../etc/passwd"'],
    [
      'flavors:\n  onnx: {}\nsignature:\n  inputs: [{name: a, type: float}]\n',
      'MLmodel: signature.inputs must be a JSON string (MLflow writes the spec list as text), found a list',
    ],
    [sig('[{"name": "a", "type": "float"'), 'MLmodel: signature.inputs is not valid JSON ('],
    [sig('{"name": "a"}'), 'MLmodel: signature.inputs must be a JSON array of column or tensor specs, found a mapping'],
    [
      sig('[{"name": "a", "type": "decimal"}]'),
      'MLmodel: signature.inputs[0].type has the unknown type "decimal"; MLflow column types are string, integer, long, float, double, boolean, datetime, binary, or "tensor"',
    ],
    [sig('[{"name": "a"}]'), 'MLmodel: signature.inputs[0].type is missing'],
    [
      sig('[{"name": "a", "type": "tensor", "tensor-spec": {"shape": [-1]}}]'),
      'MLmodel: signature.inputs[0].tensor-spec.dtype is missing: a tensor spec needs a dtype such as "float32" or "int64"',
    ],
    [sig('[{"name": "a", "type": "tensor"}]'), 'MLmodel: signature.inputs[0].tensor-spec is missing: a tensor spec needs {"dtype": ..., "shape": [...]}'],
    [
      sig('[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, "x"]}}]'),
      'MLmodel: signature.inputs[0].tensor-spec.shape must be a list of whole numbers (-1 for a variable dimension), found [-1,"x"]',
    ],
    [
      sig('[{"name": "a", "type": "float"}, {"type": "long"}]'),
      'MLmodel: signature.inputs names some specs but not others; MLflow requires all or none to be named',
    ],
    [sig('[{"name": "a", "type": "float"}, {"name": "a", "type": "long"}]'), 'MLmodel: signature.inputs names "a" twice'],
    [
      sig('[{"name": "a", "type": "float"}, {"name": "b", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'),
      'MLmodel: signature.inputs mixes column specs and tensor specs; an MLflow schema holds one kind',
    ],
    [sig('[{"name": "a", "type": "float", "required": "yes"}]'), 'MLmodel: signature.inputs[0].required must be true or false, found the text "yes"'],
    [sig('[{"name": "", "type": "float"}]'), 'MLmodel: signature.inputs[0].name must be non-empty text, found the text ""'],
    [sig('[5]'), 'MLmodel: signature.inputs[0] must be an object with a type, found the number 5'],
    ['flavors:\n  onnx: {}\nsignature: yes\n', 'MLmodel: signature must be a mapping with inputs and outputs, found the text "yes"'],
    ['flavors:\n  onnx: {}\nsignature:\n  params: \'[{"type": "float"}]\'\n', 'MLmodel: signature.params[0].name is missing'],
    [
      'flavors:\n  onnx: {}\nsaved_input_example_info: {type: dataframe}\n',
      'MLmodel: saved_input_example_info.artifact_path must name the example file, found empty',
    ],
  ];
  for (const [text, expected] of cases) {
    const msg = errorOf(text);
    if (expected.endsWith('(')) assert.ok(msg.startsWith(expected), `${msg}\n  should start with\n${expected}`);
    else assert.equal(msg, expected);
  }
});

test('errors carry the field and the source name', () => {
  try {
    parseMLmodel(sig('[{"name": "a", "type": "decimal"}]'), { source: 'models/x/1/MLmodel' });
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof MLmodelError);
    assert.equal(e.field, 'signature.inputs[0].type');
    assert.match(e.message, /^models\/x\/1\/MLmodel: /);
  }
});
