// What a model source needs from an MLmodel file: its flavors, which file is the ONNX graph, and
// the framework to show. The full reading of MLmodel (signature, input example) lives in
// ../mlmodel.ts; this is the one place the sources look at MLmodel text.

import { parse } from 'yaml';

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

/** Reads the facts, or throws an Error whose message says what is wrong with the file. */
export function mlmodelFacts(yamlText: string): MlmodelFacts {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (e) {
    throw new Error(`MLmodel is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(doc)) throw new Error('MLmodel is not a YAML mapping.');
  const flavorsNode = doc.flavors;
  if (!isRecord(flavorsNode)) throw new Error("MLmodel has no 'flavors' section.");
  const flavors = Object.keys(flavorsNode);
  const onnx = flavorsNode.onnx;
  const main = flavors.find((f) => f !== 'python_function');
  const mainNode = main !== undefined ? flavorsNode[main] : undefined;
  const facts: MlmodelFacts = {
    flavors,
    framework: main ?? (flavors.length ? flavors[0] : undefined),
    frameworkVersion: isRecord(mainNode) ? versionOf(mainNode, main!) : undefined,
    runId: typeof doc.run_id === 'string' ? doc.run_id : undefined,
    createdAt: typeof doc.utc_time_created === 'string' ? parseMlflowTime(doc.utc_time_created) : undefined,
  };
  if (isRecord(onnx)) {
    const data = onnx.data;
    if (typeof data === 'string' && data.length) {
      facts.onnxFile = data.replace(/^\.\//, '');
      facts.framework = 'onnx';
      facts.frameworkVersion = typeof onnx.onnx_version === 'string' ? onnx.onnx_version : facts.frameworkVersion;
    } else {
      facts.notOnnxReason = "its MLmodel's onnx flavor does not name the model file (flavors.onnx.data)";
    }
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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
