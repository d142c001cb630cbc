/**
 * The host's check of what the wizard's webview posts: the host never trusts it. Every message is
 * parsed into a `WebviewMessage` of `protocol.ts` or refused with a ProtocolError naming what is wrong.
 */
import { ProtocolError } from '../common/errors.js';
import type { RegistryKind } from '../models/source.js';
import type { ScriptType } from '../sql/script.js';
import {
  commandMessage,
  EditCommand,
  PreviewRequest,
  requestMessage,
  SIMPLE_COMMANDS,
  type RegistryOption,
  type ScriptType as WireScriptType,
  type SimpleCommand,
  type WebviewMessage,
  type WizardEdit,
} from './protocol.js';

/**
 * ScriptType (sql/script.ts) and RegistryKind (models/source.ts) are declared once in the core; the
 * protocol repeats the two unions because it imports nothing (the webview compiles it alone) and the
 * core may not import the wizard. The compiler keeps the copies equal.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
void (true satisfies Same<WireScriptType, ScriptType>);
void (true satisfies Same<RegistryOption['kind'], RegistryKind>);

const SIMPLE_METHODS: ReadonlySet<string> = new Set(SIMPLE_COMMANDS.map((c) => c.method));
/** Longest text a field accepts; longer input is refused rather than truncated. */
export const MAX_FIELD_LENGTH = 4000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw new ProtocolError(`'${key}' must be a string.`);
  if (v.length > MAX_FIELD_LENGTH) throw new ProtocolError(`'${key}' is longer than ${MAX_FIELD_LENGTH} characters.`);
  return v;
}

function rowId(o: Record<string, unknown>): number {
  const v = o['id'];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ProtocolError(`'id' must be a non-negative integer.`);
  return v;
}

function parseEdit(p: unknown): WizardEdit {
  if (!isRecord(p)) throw new ProtocolError('An edit must be an object.');
  const field = p['field'];
  switch (field) {
    case 'registry':
    case 'search':
    case 'selectedVersion':
    case 'scriptName':
    case 'existingTable':
    case 'newTableName':
      return { field, value: str(p, 'value')! };
    case 'input':
      return {
        field,
        id: rowId(p),
        sourceColumn: str(p, 'sourceColumn', true),
        modelInput: str(p, 'modelInput', true),
        inputType: str(p, 'inputType', true),
      };
    case 'output':
      return { field, id: rowId(p), modelOutput: str(p, 'modelOutput', true), outputType: str(p, 'outputType', true) };
    case 'addInput':
    case 'addOutput':
      return { field };
    case 'removeInput':
    case 'removeOutput':
      return { field, id: rowId(p) };
    case 'passThrough': {
      const v = p['value'];
      if (!Array.isArray(v) || v.length > 4096 || !v.every((x) => typeof x === 'string' && x.length <= MAX_FIELD_LENGTH)) {
        throw new ProtocolError(`'value' must be a list of column names.`);
      }
      return { field, value: v as string[] };
    }
    case 'scriptType': {
      const v = p['value'];
      if (v !== 'view' && v !== 'procedure') throw new ProtocolError(`'value' must be 'view' or 'procedure'.`);
      return { field, value: v };
    }
    case 'modelTableMode': {
      const v = p['value'];
      if (v !== 'existing' && v !== 'new') throw new ProtocolError(`'value' must be 'existing' or 'new'.`);
      return { field, value: v };
    }
    case 'replaceExisting': {
      const v = p['value'];
      if (typeof v !== 'boolean') throw new ProtocolError(`'value' must be true or false.`);
      return { field, value: v };
    }
    default:
      throw new ProtocolError(`Unknown field '${String(field).slice(0, 40)}'.`);
  }
}

/** Checks a message posted by the webview. Throws ProtocolError naming what is wrong. */
export function parseWebviewMessage(raw: unknown): WebviewMessage {
  if (!isRecord(raw)) throw new ProtocolError('A message must be an object.');
  const { kind, method } = raw;
  if (kind === 'command') {
    if (typeof method === 'string' && SIMPLE_METHODS.has(method)) {
      return { kind, method: method as SimpleCommand };
    }
    if (method === EditCommand.method) return commandMessage(EditCommand, parseEdit(raw['params']));
    throw new ProtocolError(`Unknown command '${String(method).slice(0, 40)}'.`);
  }
  if (kind === 'request') {
    const id = raw['id'];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new ProtocolError(`A request needs a non-negative integer 'id'.`);
    if (method === PreviewRequest.method) return requestMessage(PreviewRequest, id);
    throw new ProtocolError(`Unknown request '${String(method).slice(0, 40)}'.`);
  }
  throw new ProtocolError(`Unknown message kind '${String(kind).slice(0, 40)}'.`);
}
