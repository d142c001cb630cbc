/**
 * Reads a model version for the wizard: download it (through the cache), read the ONNX graph and
 * the MLmodel, describe its inputs and outputs (describeModel) and suggest a mapping onto the
 * table's columns. No vscode.
 */
import { readFile } from 'node:fs/promises';
import { parseMLmodel, type MLmodel } from '../models/mlmodel.js';
import { readOnnxMetadataFile } from '../models/onnx/read-file.js';
import { describeModel, type ModelDescription, type ModelPort } from '../models/signature.js';
import { displaySqlType, parseSqlType, type PredictTarget } from '../sql/types.js';
import { suggestMapping, type TableColumn } from './mapping.js';
import type { ModelPortInfo, SourceColumnOption } from './protocol.js';
import type { ModelReader } from './services.js';
import type { MappingSuggestion, WizardModel } from './state.js';

function portInfo(p: ModelPort): ModelPortInfo {
  const base = p.kind === 'tensor' && p.elementType ? `${p.elementType}${p.shape ? ` [${p.shape.map((d) => d ?? '?').join(', ')}]` : ''}` : p.onnxType;
  return {
    name: p.name,
    type: p.signatureType ? `${base} (${p.signatureType})` : base,
    suggestedSqlType: p.sqlType ? displaySqlType(p.sqlType) : '',
    ...(p.problem ? { problem: p.problem } : {}),
  };
}

/** The wizard's view of a described model. */
export function wizardModelOf(d: ModelDescription): WizardModel {
  return { inputs: d.inputs.map(portInfo), outputs: d.outputs.map(portInfo) };
}

/** The mapping module's proposal in the wizard's terms; the model's own warnings go beside the row they name. */
export function suggestionOf(d: ModelDescription, columns: readonly SourceColumnOption[], target: PredictTarget): MappingSuggestion {
  const typed: TableColumn[] = [];
  for (const c of columns) {
    try {
      typed.push({ name: c.name, type: parseSqlType(c.type) });
    } catch {
      // A column type the tool does not know cannot feed a model; it is still listed in the dropdown.
    }
  }
  const p = suggestMapping(typed, d, { target });
  const mentions = (w: string, name: string) => w.includes(JSON.stringify(name)) || w.includes(`'${name}'`);
  return {
    inputs: p.inputs.map((m) => ({
      sourceColumn: m.sourceColumn ?? '',
      modelInput: m.modelInput,
      inputType: m.inputType ? displaySqlType(m.inputType) : '',
      warnings: [...d.warnings.filter((w) => mentions(w, m.modelInput)), ...m.warnings],
    })),
    outputs: p.outputs.map((o) => ({
      modelOutput: o.modelOutput,
      outputType: displaySqlType(o.outputType),
      warnings: [...d.warnings.filter((w) => mentions(w, o.modelOutput)), ...o.warnings],
    })),
    passThrough: p.passThrough,
  };
}

/** The default ModelReader: download, read, describe, suggest. */
export const readModelForWizard: ModelReader = async ({ registry, version, columns, target, signal }) => {
  const downloaded = await registry.source.download(version.modelName, version.version, { signal });
  // Read field by field: a 100 MB model's nodes or weights are not loaded into the extension host.
  const onnx = await readOnnxMetadataFile(downloaded.onnxPath, { source: `The ONNX file of model '${version.modelName}' version ${version.version}` });
  let mlmodel: MLmodel | undefined;
  if (downloaded.mlmodelPath) {
    mlmodel = parseMLmodel(await readFile(downloaded.mlmodelPath, 'utf8'));
  }
  const description = describeModel({ mlmodel, onnx });
  if (description.problems.length) {
    throw new Error(`Model '${version.modelName}' version ${version.version} cannot be scored by PREDICT: ${description.problems.join(' ')}`);
  }
  return { model: wizardModelOf(description), suggestion: suggestionOf(description, columns, target), onnxPath: downloaded.onnxPath };
};
