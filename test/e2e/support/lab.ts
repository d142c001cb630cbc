// The lab's facts the wizard tests check against, computed independently of the extension: the
// sample registry's model files, the scoring plan the lab's choices describe, and direct
// onnxruntime-node scoring of CustomerTest's rows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMER_FEATURES, FLOAT_FEATURES, type CustomerFeature } from '../../../src/samples/customers.js';
import type { SampleRegistry } from '../../../src/samples/registry.js';
import { listColumns, serverInfo, type CatalogRunner } from '../../../src/sql/catalog.js';
import type { SqlCell, SqlConnection } from '../../../src/sql/client/connection.js';
import type { ObjectName } from '../../../src/sql/names.js';
import type { ScoringPlan } from '../../../src/sql/script.js';
import { parseSqlType } from '../../../src/sql/types.js';

export const LAB_MODEL = 'aml-synapse-classifier';
export const LAB_SOURCE: ObjectName = { schema: 'wwi_ml', name: 'CustomerTest' };

/** The bytes of a registry version's ONNX file, as they are on disk. */
export function registryOnnxBytes(registry: SampleRegistry, name: string, version: number): Buffer {
  const v = registry.versions.find((x) => x.name === name && x.version === version);
  if (!v) throw new Error(`The sample registry has no ${name} version ${version}.`);
  const onnx = readdirSync(v.dir).filter((f) => f.endsWith('.onnx'));
  if (onnx.length !== 1) throw new Error(`${v.dir} holds ${onnx.length} .onnx files.`);
  return readFileSync(join(v.dir, onnx[0]!));
}

/**
 * The plan of the lab's choices: the eight features mapped to the same-named columns, as real (Cost,
 * Size, Price) or bigint (the Synapse wizard's float → real, long → bigint), the key passed through,
 * label_out as bigint. The column types come from the database's catalog.
 */
export async function labPlan(
  conn: SqlConnection,
  over: Pick<ScoringPlan, 'scriptType' | 'objectName' | 'modelTable' | 'modelId'> & Partial<ScoringPlan>,
): Promise<ScoringPlan> {
  const db = conn as unknown as CatalogRunner;
  const columns = await listColumns(db, { schema: LAB_SOURCE.schema!, name: LAB_SOURCE.name });
  const typeOf = (name: string) => {
    const c = columns.find((x) => x.name === name);
    if (!c?.type) throw new Error(`CustomerTest has no column ${name} of a known type.`);
    return c.type;
  };
  const target = (await serverInfo(db)).predictTarget ?? 'synapse-dedicated';
  return {
    target,
    source: LAB_SOURCE,
    inputs: CUSTOMER_FEATURES.map((f) => ({
      sourceColumn: f,
      sourceType: typeOf(f),
      modelInput: f,
      inputType: parseSqlType(FLOAT_FEATURES.includes(f as CustomerFeature) ? 'real' : 'bigint'),
    })),
    passThrough: [{ column: 'CustomerKey', type: typeOf('CustomerKey') }],
    outputs: [{ name: 'label_out', type: parseSqlType('bigint') }],
    ...over,
  };
}

/** CustomerKey → label_out for every CustomerTest row, scored by onnxruntime-node in this process. */
export async function scoreDirectly(conn: SqlConnection, onnx: Uint8Array): Promise<Map<number, bigint>> {
  const r = await conn.query(`SELECT [CustomerKey], ${CUSTOMER_FEATURES.map((f) => `[${f}]`).join(', ')} FROM [wwi_ml].[CustomerTest]`);
  const rows = r.resultSets[0]?.rows ?? [];
  const n = rows.length;
  const ort = await import('onnxruntime-node');
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  CUSTOMER_FEATURES.forEach((f, j) => {
    if (FLOAT_FEATURES.includes(f)) {
      const a = new Float32Array(n);
      rows.forEach((row, i) => (a[i] = Number(row[j + 1])));
      feeds[f] = new ort.Tensor('float32', a, [n, 1]);
    } else {
      const a = new BigInt64Array(n);
      rows.forEach((row, i) => (a[i] = BigInt(Number(row[j + 1]))));
      feeds[f] = new ort.Tensor('int64', a, [n, 1]);
    }
  });
  const session = await ort.InferenceSession.create(onnx);
  try {
    const out = await session.run(feeds, ['label_out']);
    const labels = out.label_out!.data as BigInt64Array;
    const byKey = new Map<number, bigint>();
    rows.forEach((row, i) => byKey.set(Number(row[0]), labels[i]!));
    return byKey;
  } finally {
    await session.release();
  }
}

/** CustomerKey → label from rows of (key, label) cells, checking each is a whole number. */
export function labelsByKey(rows: readonly (readonly SqlCell[])[]): Map<number, bigint> {
  const m = new Map<number, bigint>();
  for (const [key, label] of rows) {
    if (typeof key !== 'number' || (typeof label !== 'number' && typeof label !== 'bigint' && typeof label !== 'string')) {
      throw new Error(`Unexpected row: ${String(key)}, ${String(label)}`);
    }
    m.set(key, BigInt(label));
  }
  return m;
}
