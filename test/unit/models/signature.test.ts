import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeModel, formatPortType } from '../../../src/models/signature.js';
import { parseMLmodel } from '../../../src/models/mlmodel.js';
import { readOnnxMetadata } from '../../../src/models/onnx/read.js';
import { buildSampleModel, type SampleModelKind } from '../../../src/samples/models.js';

function describeSample(kind: SampleModelKind, withMLmodel = true) {
  const s = buildSampleModel(kind);
  return describeModel({ mlmodel: withMLmodel ? parseMLmodel(s.mlmodelYaml) : undefined, onnx: readOnnxMetadata(s.onnx) });
}

test("the lab's classifier: eight scorable inputs with the wizard's SQL types, two outputs", () => {
  const d = describeSample('linear-classifier');
  assert.deepEqual(
    d.inputs.map((p) => `${p.name} ${formatPortType(p)}`),
    [
      'Cost float [N,1] → [real]',
      'Size float [N,1] → [real]',
      'Price float [N,1] → [real]',
      'PrimaryBrandId int64 [N,1] → [bigint]',
      'GenderId int64 [N,1] → [bigint]',
      'MaritalStatus int64 [N,1] → [bigint]',
      'LowerIncomeBound int64 [N,1] → [bigint]',
      'UpperIncomeBound int64 [N,1] → [bigint]',
    ],
  );
  assert.deepEqual(
    d.inputs.map((p) => p.signatureType),
    [
      'Cost: float',
      'Size: float',
      'Price: float',
      'PrimaryBrandId: long',
      'GenderId: long',
      'MaritalStatus: long',
      'LowerIncomeBound: long',
      'UpperIncomeBound: long',
    ],
  );
  assert.deepEqual(
    d.outputs.map((p) => `${p.name} ${formatPortType(p)}`),
    ['label_out int64 [N] → [bigint]', 'probability_out float [N] → [real]'],
  );
  assert.deepEqual(d.warnings, []);
  assert.deepEqual(d.problems, []);
  // The lab's one nameless output beside a second graph output is a note, not a warning.
  assert.deepEqual(d.notes, [
    'The MLmodel signature lists 1 nameless output but the ONNX graph has 2 ("label_out", "probability_out"); the graph\'s names are used.',
  ]);
});

test('no MLmodel: names and types from the graph, with a note', () => {
  const d = describeSample('tree-classifier', false);
  assert.equal(d.inputs.length, 8);
  assert.equal(d.inputs[0]!.signatureType, undefined);
  assert.deepEqual(d.notes, ['The model has no MLflow signature; input and output names and types come from the ONNX graph.']);
  assert.ok(d.opsets.includes('ai.onnx.ml 3'));
});

test('ZipMap output: flagged, and the model stays scorable through its label', () => {
  const d = describeSample('zipmap-output');
  const zip = d.outputs.find((o) => o.name === 'output_probability')!;
  assert.equal(
    zip.problem,
    'it is a sequence of maps (a ZipMap output, seq(map(int64,tensor(float)))); PREDICT cannot return it; leave it out of the WITH clause',
  );
  assert.equal(d.outputs.find((o) => o.name === 'output_label')!.problem, undefined);
  assert.deepEqual(d.problems, []);
});

test('a multi-dimensional input makes the model unscorable, with the reason', () => {
  const d = describeSample('multi-dim-input');
  assert.deepEqual(d.problems, [
    'Input "float_input" cannot be fed by PREDICT: it is multi-dimensional (shape [N,8]); PREDICT feeds each model input from one column, so the model needs one [N,1] input per column.',
  ]);
});

test('a signature that disagrees with the graph: each difference is a warning', () => {
  const d = describeSample('signature-mismatch');
  assert.deepEqual(d.warnings, [
    'The MLmodel signature lists 7 inputs, the ONNX graph has 8.',
    'Input "Cost" is called "cost" in the MLmodel signature; PREDICT uses the graph\'s name "Cost".',
    'The ONNX graph has inputs the MLmodel signature does not list: "UpperIncomeBound".',
    'Input "Cost": the MLmodel signature says double, the ONNX graph float; the graph\'s type is used.',
    'Input "MaritalStatus": the MLmodel signature says string, the ONNX graph int64; the graph\'s type is used.',
    'The MLmodel signature lists 1 output, the ONNX graph has 2.',
    'The MLmodel signature lists outputs the ONNX graph does not have: "prediction".',
    'The ONNX graph has outputs the MLmodel signature does not list: "label_out", "probability_out".',
  ]);
  // The graph wins: PREDICT matches by the graph's names.
  assert.equal(d.inputs[0]!.name, 'Cost');
  assert.equal(d.namesFrom, 'onnx');
});

test('a nameless input signature of the wrong length is a warning; the right length a note', () => {
  const s = buildSampleModel('linear-classifier');
  const onnx = readOnnxMetadata(s.onnx);
  const yaml = (inputs: string) => `flavors:\n  onnx: {}\nsignature:\n  inputs: '${inputs}'\n`;
  const short = describeModel({ mlmodel: parseMLmodel(yaml('[{"type": "float"}]')), onnx });
  assert.deepEqual(short.warnings, [
    'The MLmodel signature lists 1 nameless input but the ONNX graph has 8 ("Cost", "Size", "Price", "PrimaryBrandId", "GenderId", "MaritalStatus", "LowerIncomeBound", "UpperIncomeBound"); the graph\'s names are used.',
  ]);
  const eight = JSON.stringify(Array.from({ length: 8 }, (_, i) => ({ type: i < 3 ? 'float' : 'long' })));
  const ok = describeModel({ mlmodel: parseMLmodel(yaml(eight)), onnx });
  assert.deepEqual(ok.warnings, []);
  assert.ok(ok.notes.includes("The MLmodel signature does not name its inputs; the ONNX graph's names are used."));
  const wrongType = JSON.stringify(Array.from({ length: 8 }, () => ({ type: 'double' })));
  assert.equal(describeModel({ mlmodel: parseMLmodel(yaml(wrongType)), onnx }).warnings.length, 8);
});

test('string input gets the default string SQL type', () => {
  const d = describeSample('string-input');
  assert.equal(formatPortType(d.inputs[0]!), 'string [N,1] → [nvarchar](4000)');
  assert.equal(d.namesFrom, 'signature');
});
