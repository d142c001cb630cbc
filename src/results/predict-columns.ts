/**
 * The output columns a script's PREDICT calls declare (`PREDICT (…) WITH ([label_out] [bigint], …)`),
 * so that the results view can show them first: PREDICT returns them after every DATA column, off
 * screen to the right in a wide table. No vscode import.
 */

/** Splits `text` on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The text inside the parentheses that open at `open`, or undefined when they do not close. */
function parenthesised(text: string, open: number): { inner: string; end: number } | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return { inner: text.slice(open + 1, i), end: i };
  }
  return undefined;
}

function unquote(name: string): string {
  if (name.startsWith('[') && name.endsWith(']')) return name.slice(1, -1).replace(/\]\]/g, ']');
  if (name.startsWith('"') && name.endsWith('"')) return name.slice(1, -1).replace(/""/g, '"');
  return name;
}

/** Names of the columns declared in the WITH clause of every PREDICT in `script`, in order. */
export function predictOutputColumns(script: string): string[] {
  const out: string[] = [];
  const predict = /\bPREDICT\s*\(/gi;
  for (let m = predict.exec(script); m; m = predict.exec(script)) {
    const args = parenthesised(script, m.index + m[0].length - 1);
    if (!args) break;
    const rest = script.slice(args.end + 1);
    const w = /^\s*WITH\s*\(/i.exec(rest);
    if (!w) continue;
    const decl = parenthesised(rest, w[0].length - 1);
    if (!decl) continue;
    for (const part of splitTopLevel(decl.inner)) {
      const name = /^\s*(\[(?:[^\]]|\]\])+\]|"(?:[^"]|"")+"|[^\s,()]+)/.exec(part)?.[1];
      if (name && !out.includes(unquote(name))) out.push(unquote(name));
    }
    predict.lastIndex = args.end + 1;
  }
  return out;
}
