// What a model source needs from an MLmodel file: its flavors, which file is the ONNX graph, and
// the framework to show. The full reading of MLmodel (signature, input example) lives in
// ../mlmodel.ts; this is the one place the sources look at MLmodel text, and it reads it with parseMLmodel.

import { parseMLmodel } from '../mlmodel.js';

export interface MlmodelFacts {
  flavors: string[];
  /** The ONNX file named by the `onnx` flavor (relative to the model folder). */
  onnxFile?: string;
  /** The flavor that made the model: the first flavor other than python_function. */
  framework?: string;
  frameworkVersion?: string;
  runId?: string;
  createdAt?: Date;
  /** Why it cannot be scored by PREDICT, when it cannot. */
  notOnnxReason?: string;
}

/** Reads the facts (through parseMLmodel), or throws an Error whose message says what is wrong with the file. */
export function mlmodelFacts(yamlText: string): MlmodelFacts {
  const model = parseMLmodel(yamlText);
  const flavors = model.flavorNames;
  const main = flavors.find((f) => f !== 'python_function') ?? flavors[0];
  const mainNode = main !== undefined ? model.flavors[main] : undefined;
  const facts: MlmodelFacts = {
    flavors,
    framework: main,
    frameworkVersion: mainNode && main ? versionOf(mainNode, main) : undefined,
    runId: model.runId,
    createdAt: model.utcTimeCreated ? parseMlflowTime(model.utcTimeCreated) : undefined,
  };
  if (model.onnx?.data) {
    facts.onnxFile = model.onnx.data.replace(/^\.\//, '');
    facts.framework = 'onnx';
    facts.frameworkVersion = model.onnx.onnxVersion ?? facts.frameworkVersion;
  } else {
    facts.notOnnxReason = flavors.length ? `its MLmodel has no onnx flavor (flavors: ${flavors.join(', ')})` : 'its MLmodel lists no flavors';
  }
  return facts;
}

function versionOf(node: Record<string, unknown>, flavor: string): string | undefined {
  for (const k of [`${flavor}_version`, 'onnx_version', 'version']) {
    const v = node[k];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

function parseMlflowTime(s: string): Date | undefined {
  // MLflow writes "2023-05-02 10:11:12.345678" (UTC, no zone).
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
