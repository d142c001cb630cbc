/** Object names written as text (OBJECT_ID's argument, sp_rename's @objname) and OBJECT_ID's answer. */
import type { NameRef } from '../ast.js';
import type { TranslateContext } from './context.js';

/** OBJECT_ID's answer from the catalog (undefined when there is no such object of that type). */
export function objectIdOf(ctx: TranslateContext, text: string, typeFilter?: string): number | undefined {
  let parts: string[];
  try {
    parts = parseBatchName(text);
  } catch {
    return undefined;
  }
  if (parts.length === 3 && parts[0]!.toLowerCase() !== ctx.facts.database.toLowerCase() && parts[0]!.toLowerCase() !== 'tempdb') return undefined;
  if (parts.length > 3) return undefined;
  const name = parts[parts.length - 1]!;
  const schema = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2]! : 'dbo';
  if (parts.length === 3 && parts[0]!.toLowerCase() === 'tempdb' && !name.startsWith('#')) return undefined;
  // OBJECT_ID('tempdb..#t') and OBJECT_ID('#t'): the session's #temp table.
  const o = ctx.catalog.objects.get(name.startsWith('#') ? name.toLowerCase() : `${schema}.${name}`.toLowerCase());
  if (!o) return undefined;
  if (typeFilter && typeFilter !== o.type) return undefined;
  return o.id;
}

/** The parts of a multi-part name written as text (`dbo.t`, `[a.b].[c]`), as sp_rename takes it. */
export function parseNameText(text: string): string[] {
  return parseBatchName(text);
}

function parseBatchName(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  while (i < text.length) {
    const c = text[i]!;
    if (c === '[') {
      const end = text.indexOf(']', i + 1);
      let j = i + 1;
      cur = '';
      for (;;) {
        const k = text.indexOf(']', j);
        if (k < 0) throw new Error('unclosed');
        if (text[k + 1] === ']') {
          cur += text.slice(j, k) + ']';
          j = k + 2;
          continue;
        }
        cur += text.slice(j, k);
        i = k + 1;
        break;
      }
      void end;
    } else if (c === '"') {
      const k = text.indexOf('"', i + 1);
      if (k < 0) throw new Error('unclosed');
      cur = text.slice(i + 1, k);
      i = k + 1;
    } else if (c === '.') {
      out.push(cur.trim());
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  out.push(cur.trim());
  return out;
}

/** For errors that need an object's display name. */
export function nameText(ref: NameRef): string {
  return ref.text;
}
