/**
 * From a deployed object to the wizard: its read-back mapping as the wizard's page-2 rows, and the
 * facts an upgrade needs (the model name and version in an ID, the input names a row records).
 * Pure: no vscode.
 */
import type { ReadBackMapping } from '../lifecycle/types.js';
import { displayObjectName, sameName, type ObjectName } from '../sql/names.js';
import { displaySqlType } from '../sql/types.js';
import type { ModelVersionRow, SourceColumnOption } from '../wizard/protocol.js';
import type { WizardPrefill } from '../wizard/prefill.js';
import type { WizardModel } from '../wizard/state.js';

/** `aml-synapse-classifier:2` → name and version (the last colon splits them). */
export function splitModelId(id: string): { name: string; version?: string } {
  const i = id.lastIndexOf(':');
  return i > 0 ? { name: id.slice(0, i), version: id.slice(i + 1) } : { name: id };
}

/** The input names a model row records in its inputs_schema (MLflow's JSON), when it does. */
export function inputNamesOf(schema: string | undefined): string[] | undefined {
  if (!schema) return undefined;
  try {
    const parsed: unknown = JSON.parse(schema);
    if (!Array.isArray(parsed)) return undefined;
    const names = parsed.map((x: unknown) => (typeof x === 'object' && x !== null ? (x as { name?: unknown }).name : undefined));
    return names.every((n): n is string => typeof n === 'string') && names.length ? names : undefined;
  } catch {
    return undefined;
  }
}

/** `schema.name` as the wizard's fields hold it; a name written without schema is in `dbo`. */
export function objectText(o: ObjectName): string {
  return displayObjectName({ ...o, schema: o.schema ?? 'dbo' });
}

/** The object's mapping as the wizard's rows, against `model` (the version it moves to or keeps). */
export function prefillFromMapping(
  m: ReadBackMapping,
  ctx: { registry: string; version: ModelVersionRow; model: WizardModel; sourceColumns: readonly SourceColumnOption[]; banner?: string },
): WizardPrefill {
  return {
    registry: ctx.registry,
    version: ctx.version,
    model: ctx.model,
    inputs: m.inputs.map((i) => ({
      sourceColumn: ctx.sourceColumns.find((c) => sameName(c.name, i.sourceColumn))?.name ?? i.sourceColumn,
      modelInput: i.modelInput,
      inputType: i.castType ? displaySqlType(i.castType) : (ctx.sourceColumns.find((c) => sameName(c.name, i.sourceColumn))?.type ?? ''),
    })),
    outputs: m.outputs.map((o) => ({ modelOutput: o.name, outputType: displaySqlType(o.type) })),
    passThrough: m.passThrough.map((p) => ctx.sourceColumns.find((c) => sameName(c.name, p))?.name ?? p),
    scriptType: m.scriptType,
    scriptName: objectText(m.objectName),
    modelTable: objectText(m.modelTable),
    banner: ctx.banner,
  };
}
