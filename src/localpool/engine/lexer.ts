/**
 * The T-SQL tokenizer: bare and delimited (`[bracketed]`, `"quoted"`) identifiers, `'...'` and
 * `N'...'` literals, numbers, `0x` binary literals, `@variables` and `@@globals`, operators;
 * `--` and `/* *\/` comments (nested, as in SQL Server) are skipped. Every token keeps its
 * 1-based line and its offsets, so errors name the line and statements keep their source text.
 */
import { SqlError } from './api.js';
import { BatchSplitError, splitBatches } from '../../sql/batches.js';

export type TokenKind = 'ident' | 'qident' | 'string' | 'number' | 'binary' | 'var' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifiers: the name without delimiters; strings: the unescaped text; others: the source text. */
  readonly value: string;
  /** `N'...'` literals. */
  readonly national?: boolean;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

const OPERATORS = ['<>', '!=', '<=', '>=', '!<', '!>', '+=', '-=', '*=', '/=', '::', '||'];
const SINGLE = new Set([...'(),.;=<>+-*/%&|^~!:']);

// eslint-disable-next-line max-lines-per-function -- one loop over the characters; each branch reads one token kind, all share the position and line
export function tokenize(sql: string, firstLine = 1): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = firstLine;
  const n = sql.length;
  const err = (msg: string): never => {
    throw new SqlError(102, msg, line, 15);
  };
  while (i < n) {
    const c = sql[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      let depth = 1;
      const startLine = line;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '\n') line++;
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) {
        line = startLine;
        err("Missing end comment mark '*/'.");
      }
      continue;
    }
    const start = i;
    const tokLine = line;
    if ((c === 'N' || c === 'n') && sql[i + 1] === "'") {
      i++;
      const value = readQuoted("'");
      tokens.push({ kind: 'string', value, national: true, line: tokLine, start, end: i });
      continue;
    }
    if (c === "'") {
      const value = readQuoted("'");
      tokens.push({ kind: 'string', value, line: tokLine, start, end: i });
      continue;
    }
    if (c === '[') {
      i++;
      let value = '';
      for (;;) {
        if (i >= n) {
          line = tokLine;
          err(`Unclosed quotation mark after the character string '${sql.slice(start + 1, start + 40)}'.`);
        }
        const d = sql[i]!;
        if (d === ']') {
          if (sql[i + 1] === ']') {
            value += ']';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === '\n') line++;
        value += d;
        i++;
      }
      tokens.push({ kind: 'qident', value, line: tokLine, start, end: i });
      continue;
    }
    if (c === '"') {
      const value = readQuoted('"');
      tokens.push({ kind: 'qident', value, line: tokLine, start, end: i });
      continue;
    }
    if (c === '0' && (sql[i + 1] === 'x' || sql[i + 1] === 'X')) {
      i += 2;
      while (i < n && /[0-9a-fA-F]/.test(sql[i]!)) i++;
      tokens.push({ kind: 'binary', value: sql.slice(start + 2, i), line: tokLine, start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[0-9]/.test(sql[i]!)) i++;
      if (sql[i] === '.') {
        i++;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      }
      if ((sql[i] === 'e' || sql[i] === 'E') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i++;
        if (sql[i] === '+' || sql[i] === '-') i++;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      }
      tokens.push({ kind: 'number', value: sql.slice(start, i), line: tokLine, start, end: i });
      continue;
    }
    if (c === '@') {
      i++;
      if (sql[i] === '@') i++;
      while (i < n && /[\p{L}\p{N}_@#$]/u.test(sql[i]!)) i++;
      tokens.push({ kind: 'var', value: sql.slice(start, i), line: tokLine, start, end: i });
      continue;
    }
    if (/[\p{L}_#]/u.test(c)) {
      while (i < n && /[\p{L}\p{N}_@#$]/u.test(sql[i]!)) i++;
      tokens.push({ kind: 'ident', value: sql.slice(start, i), line: tokLine, start, end: i });
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (OPERATORS.includes(two)) {
      i += 2;
      tokens.push({ kind: 'op', value: two, line: tokLine, start, end: i });
      continue;
    }
    if (SINGLE.has(c)) {
      i++;
      tokens.push({ kind: 'op', value: c, line: tokLine, start, end: i });
      continue;
    }
    err(`Incorrect syntax near '${c}'.`);
  }
  tokens.push({ kind: 'eof', value: '', line, start: n, end: n });
  return tokens;

  function readQuoted(q: string): string {
    const startLine = line;
    const from = i;
    i++;
    let value = '';
    for (;;) {
      if (i >= n) {
        line = startLine;
        err(`Unclosed quotation mark after the character string '${sql.slice(from + 1, from + 40)}'.`);
      }
      const d = sql[i]!;
      if (d === q) {
        if (sql[i + 1] === q) {
          value += q;
          i += 2;
          continue;
        }
        i++;
        return value;
      }
      if (d === '\n') line++;
      value += d;
      i++;
    }
  }
}

/**
 * Splits a script at `GO` lines (the batch separator of sqlcmd and SSMS), keeping each batch's
 * first line number: a line holding only `GO` (any case; a repeat count is ignored, the batch runs
 * once), never inside a string, a quoted or bracketed name, or a comment — the same rules as the
 * product's own splitter (src/sql/batches.ts), so a name or text holding `/*`, `--` or a `GO` line
 * splits nowhere else. A count such as `GO 0` is refused with error 102.
 */
export function splitGoBatches(sql: string): { text: string; firstLine: number }[] {
  try {
    return splitBatches(sql).map((b) => ({ text: b.text, firstLine: b.startLine }));
  } catch (e) {
    if (e instanceof BatchSplitError) throw new SqlError(102, `Incorrect syntax near 'GO'. ${e.message}`, e.line, 15);
    throw e;
  }
}
