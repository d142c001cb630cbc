/**
 * Reads a model version for the wizard: download it (through the cache), read the ONNX graph and
 * the MLmodel, describe its inputs and outputs (describeModel) and suggest a mapping onto the
 * table's columns. No vscode.
 */
import { readFile } from 'node:fs/promises';
import { parseMLmodel, type MLmodel } from '../models/mlmodel.js';
import { readOnnxMetadata } from '../models/onnx/read.js';
import { describeModel, type ModelDescription, type ModelPort } from '../models/signature.js';
import { sameName } from '../sql/names.js';
import { displaySqlType, formatSqlType, isPredictInputType, parseSqlType, predictInputTypes, type PredictTarget } from '../sql/types.js';
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

/**
 * A mapping by name: each model input takes the column of the same name (case-insensitive), with
 * the model's SQL type when PREDICT accepts it on `target`; each output PREDICT can return is listed.
 * The model's own warnings (signature vs graph) are shown beside the row they name.
 */
export function suggestByName(d: ModelDescription, columns: readonly SourceColumnOption[], target: PredictTarget): MappingSuggestion {
  const mentions = (w: string, name: string) => w.includes(JSON.stringify(name)) || w.includes(`'${name}'`);
  const inputs = d.inputs.map((p) => {
    const warnings = d.warnings.filter((w) => mentions(w, p.name));
    const column = columns.find((c) => sameName(c.name, p.name));
    if (!column) warnings.push(`No column of the table is named like the model input '${p.name}'; choose its source column.`);
    else if (column.name !== p.name) warnings.push(`Matched by name, ignoring case: column ${column.name} → input ${p.name}.`);
    let inputType = p.sqlType && isPredictInputType(p.sqlType, target) ? displaySqlType(p.sqlType) : '';
    if (!inputType && p.sqlType) {
      warnings.push(
        `The model's type for '${p.name}' is ${formatSqlType(p.sqlType)}, which PREDICT does not accept here; choose one of ${predictInputTypes(target).join(', ')}.`,
      );
    }
    if (inputType && column) {
      try {
        const t = parseSqlType(column.type);
        // Keep the column's length for string inputs instead of a fixed one.
        if (p.sqlType && ['char', 'varchar', 'nvarchar'].includes(p.sqlType.name) && t.name === p.sqlType.name) inputType = displaySqlType(t);
      } catch {
        // A column type the tool does not know: the row's type check reports it.
      }
    }
    return { sourceColumn: column?.name ?? '', modelInput: p.name, inputType, warnings };
  });
  const outputs = d.outputs
    .filter((p) => !p.problem)
    .map((p) => ({ modelOutput: p.name, outputType: p.sqlType ? displaySqlType(p.sqlType) : '', warnings: d.warnings.filter((w) => mentions(w, p.name)) }));
  return { inputs, outputs };
}

/** The default ModelReader: download, read, describe, suggest. */
export const readModelForWizard: ModelReader = async ({ registry, version, columns, target, signal }) => {
  const downloaded = await registry.source.download(version.modelName, version.version, { signal });
  const bytes = new Uint8Array(await readFile(downloaded.onnxPath));
  const onnx = readOnnxMetadata(bytes, { source: `The ONNX file of model '${version.modelName}' version ${version.version}` });
  let mlmodel: MLmodel | undefined;
  if (downloaded.mlmodelPath) {
    mlmodel = parseMLmodel(await readFile(downloaded.mlmodelPath, 'utf8'));
  }
  const description = describeModel({ mlmodel, onnx });
  if (description.problems.length) {
    throw new Error(`Model '${version.modelName}' version ${version.version} cannot be scored by PREDICT: ${description.problems.join(' ')}`);
  }
  return { model: wizardModelOf(description), suggestion: suggestByName(description, columns, target), onnxPath: downloaded.onnxPath };
};
