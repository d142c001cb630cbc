/**
 * A small T-SQL tokenizer for reading view and procedure definitions back: identifiers (bare,
 * [bracketed] with `]]`, "quoted" with `""`), string literals ('x', N'x' with `''`), numbers,
 * @variables and punctuation. Comments (`--` to the end of the line, nested `/* *\/`) and white
 * space are skipped. The core does not depend on the local pool, so this does not reuse its lexer.
 */
import type { ObjectName } from '../sql/names.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'variable' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** The identifier or string without its quotes (escapes undone); the punctuation or word as written. */
  readonly value: string;
  /** Offset of the token's first character in the text. */
  readonly pos: number;
  /** Offset just after the token. */
  readonly end: number;
}

export class TokenizeError extends Error {
  override readonly name = 'TokenizeError';
}

const TWO_CHAR = new Set(['<=', '>=', '<>', '!=', '::']);

/** The tokens of `text`; throws TokenizeError on an unclosed quote, bracket or comment. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  const closeQuoted = (start: number, close: string, what: string): { value: string; end: number } => {
    let j = start + 1;
    let buf = '';
    for (;;) {
      if (j >= n) throw new TokenizeError(`${what} starting at offset ${start} is not closed.`);
      const c = text[j]!;
      if (c === close) {
        if (text[j + 1] === close) {
          buf += close;
          j += 2;
          continue;
        }
        return { value: buf, end: j + 1 };
      }
      buf += c;
      j++;
    }
  };
  while (i < n) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const start = i;
      let depth = 0;
      do {
        if (i >= n) throw new TokenizeError(`A comment starting at offset ${start} is not closed.`);
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0);
    } else if (c === '[') {
      const q = closeQuoted(i, ']', 'A [bracketed] name');
      out.push({ kind: 'quoted', value: q.value, pos: i, end: q.end });
      i = q.end;
    } else if (c === '"') {
      const q = closeQuoted(i, '"', 'A "quoted" name');
      out.push({ kind: 'quoted', value: q.value, pos: i, end: q.end });
      i = q.end;
    } else if (c === "'" || ((c === 'N' || c === 'n') && text[i + 1] === "'")) {
      const start = c === "'" ? i : i + 1;
      const q = closeQuoted(start, "'", 'A string');
      out.push({ kind: 'string', value: q.value, pos: i, end: q.end });
      i = q.end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))!;
      out.push({ kind: 'number', value: m[0], pos: i, end: i + m[0].length });
      i += m[0].length;
    } else if (c === '@' || /[\p{L}_#]/u.test(c)) {
      const m = /^[@#]*[\p{L}\p{N}_@#$]*/u.exec(text.slice(i))!;
      const value = m[0] || c;
      out.push({ kind: c === '@' ? 'variable' : 'word', value, pos: i, end: i + value.length });
      i += value.length;
    } else {
      const two = text.slice(i, i + 2);
      const value = TWO_CHAR.has(two) ? two : c;
      out.push({ kind: 'punct', value, pos: i, end: i + value.length });
      i += value.length;
    }
  }
  return out;
}

/** A cursor over tokens with the few look-ahead helpers a reader needs. */
export class TokenCursor {
  i = 0;
  constructor(readonly tokens: readonly Token[]) {}

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.i + ahead];
  }
  /** True when the token `ahead` is the bare word `word` (keywords are never [quoted]). */
  isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t?.kind === 'word' && t.value.toUpperCase() === word;
  }
  isPunct(p: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t?.kind === 'punct' && t.value === p;
  }
  /** Consumes the word when it is next. */
  word(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }
  punct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }
  next(): Token | undefined {
    return this.tokens[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }
}

/** True for a token that can be a name: a bare word or a [quoted] identifier. */
export function isName(t: Token | undefined): t is Token {
  return t !== undefined && (t.kind === 'word' || t.kind === 'quoted');
}

/**
 * Reads a one- to three-part name at the cursor (`a`, `[a].b`, `"db"..t`); undefined (cursor not
 * moved) when there is none.
 */
export function readObjectName(c: TokenCursor): ObjectName | undefined {
  const start = c.i;
  const parts: string[] = [];
  if (!isName(c.peek())) return undefined;
  parts.push(c.next()!.value);
  while (c.isPunct('.') && parts.length < 3) {
    c.i++;
    if (c.isPunct('.') && parts.length === 1) {
      parts.push('');
      continue;
    }
    if (!isName(c.peek())) {
      c.i = start;
      return undefined;
    }
    parts.push(c.next()!.value);
  }
  if (parts.length === 3) return parts[1] === '' ? { database: parts[0], name: parts[2]! } : { database: parts[0], schema: parts[1], name: parts[2]! };
  if (parts.length === 2) return { schema: parts[0], name: parts[1]! };
  return { name: parts[0]! };
}
