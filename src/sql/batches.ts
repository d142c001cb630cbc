/**
 * Splits a T-SQL script into batches on `GO` lines, the way sqlcmd and SSMS do:
 * - `GO` alone on its line (surrounding spaces allowed), any letter case, optionally followed by
 *   a repeat count (`GO 2`) and a `--` comment;
 * - never inside a string literal, a quoted or bracketed identifier, or a comment (`--` or nested
 *   block comments).
 * Each batch keeps the 1-based line on which it starts, so that a server error's line (relative to
 * its batch) maps back to the script: scriptLine = batch.startLine + error.line - 1.
 */

export interface SqlBatch {
  /** The batch text, without the GO line. */
  readonly text: string;
  /** 1-based line of the script where `text` starts. */
  readonly startLine: number;
  /** How many times to run it (`GO 3` → 3). */
  readonly repeat: number;
}

export class BatchSplitError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'BatchSplitError';
  }
}

/** The most repetitions `GO n` may ask for. */
export const MAX_GO_REPEAT = 10_000;

const GO_LINE = /^[ \t]*go(?:[ \t]+(\d+))?[ \t]*(?:--.*)?$/i;

/**
 * Splits `script` into batches. Batches that hold only whitespace are dropped.
 * Throws BatchSplitError for `GO 0` or a count over MAX_GO_REPEAT.
 */
export function splitBatches(script: string): SqlBatch[] {
  const text = script.replace(/^\uFEFF/, '');
  const batches: SqlBatch[] = [];
  // Lexer state carried across lines.
  let inBlockComment = 0; // nesting depth
  let inString: "'" | '"' | ']' | undefined;
  let batchStartOffset = 0;
  let batchStartLine = 1;
  let lineNo = 1;
  let offset = 0;

  const push = (end: number, repeat: number) => {
    const body = text.slice(batchStartOffset, end);
    if (body.trim().length > 0) batches.push({ text: body.replace(/\r?\n$/, ''), startLine: batchStartLine, repeat });
  };

  while (offset <= text.length) {
    const nl = text.indexOf('\n', offset);
    const lineEnd = nl < 0 ? text.length : nl;
    const rawLine = text.slice(offset, lineEnd).replace(/\r$/, '');
    const next = nl < 0 ? text.length + 1 : nl + 1;

    if (!inBlockComment && !inString) {
      const m = GO_LINE.exec(rawLine);
      if (m) {
        let repeat = 1;
        if (m[1] !== undefined) {
          repeat = Number(m[1]);
          if (repeat < 1 || repeat > MAX_GO_REPEAT) {
            throw new BatchSplitError(`Line ${lineNo}: 'GO ${m[1]}' must repeat the batch from 1 to ${MAX_GO_REPEAT} times.`, lineNo);
          }
        }
        push(offset, repeat);
        batchStartOffset = Math.min(next, text.length);
        batchStartLine = lineNo + 1;
        offset = next;
        lineNo++;
        continue;
      }
    }

    // Scan the line to carry the lexer state to the next one.
    for (let i = 0; i < rawLine.length; i++) {
      const c = rawLine[i]!;
      const d = rawLine[i + 1];
      if (inBlockComment) {
        if (c === '*' && d === '/') {
          inBlockComment--;
          i++;
        } else if (c === '/' && d === '*') {
          inBlockComment++;
          i++;
        }
        continue;
      }
      if (inString) {
        if (c === inString) {
          if (d === inString)
            i++; // doubled: an escaped quote or bracket
          else inString = undefined;
        }
        continue;
      }
      if (c === '-' && d === '-') break; // line comment: rest of the line
      if (c === '/' && d === '*') {
        inBlockComment = 1;
        i++;
      } else if (c === "'") inString = "'";
      else if (c === '"') inString = '"';
      else if (c === '[') inString = ']';
    }

    offset = next;
    lineNo++;
  }
  push(text.length, 1);
  return batches;
}

/** Maps a line reported by the server for a batch (1-based within the batch) to the script's line. */
export function scriptLine(batch: Pick<SqlBatch, 'startLine'>, lineInBatch: number): number {
  return batch.startLine + Math.max(lineInBatch, 1) - 1;
}
