import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderResultsHtml, cellText, summarizeRun, type ScriptRun } from '../../../src/results/html.js';
import { runScript, type ScriptRunner } from '../../../src/results/run.js';
import { SqlConnectionError, type BatchOutcome, type RunOptions } from '../../../src/sql/client/connection.js';

const opts = { cspSource: 'vscode-webview://x', stylesUri: 'vscode-webview://x/media/results.css' };

function baseRun(extra: Partial<ScriptRun> = {}): ScriptRun {
  return {
    title: 'score.sql',
    connectionName: 'Local pool',
    database: 'SQLPool01',
    startedAt: new Date('2026-01-02T03:04:05Z'),
    elapsedMs: 1234,
    batches: 2,
    resultSets: [],
    messages: [],
    rowCounts: [],
    maxRows: 2,
    cancelled: false,
    ...extra,
  };
}

test('the grid shows column names with their SQL types, NULLs, and escapes every value', () => {
  const html = renderResultsHtml(
    baseRun({
      resultSets: [
        {
          batch: 1,
          columns: [
            { name: 'label<out>', type: 'bigint', nullable: true },
            { name: 'Name', type: 'nvarchar(30)', nullable: false },
          ],
          rows: [
            ['1', '<script>alert(1)</script>'],
            [null, 'x'],
          ],
          rowCount: 2,
          truncated: false,
        },
      ],
    }),
    opts,
  );
  assert.match(html, /<span class="name">label&lt;out&gt;<\/span><span class="type">bigint<\/span>/);
  assert.match(html, /<span class="type">nvarchar\(30\)<\/span>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /<td class="null">NULL<\/td>/);
  assert.match(html, /batch 1 · 2 rows · 2 columns/);
  assert.match(html, /default-src 'none'; style-src vscode-webview:\/\/x;/, 'a CSP without scripts');
});

test('a capped result says how many rows it shows out of how many', () => {
  const html = renderResultsHtml(
    baseRun({ resultSets: [{ batch: 1, columns: [{ name: 'n', type: 'int', nullable: true }], rows: [[1], [2]], rowCount: 5000, truncated: true }] }),
    opts,
  );
  assert.match(html, /Showing the first 2 of 5000 rows \(the view keeps at most 2 rows per result set; change predictWizard\.results\.maxRows\)\./);
});

test('messages: errors with their script line, rows affected, and a summary line', () => {
  const run = baseRun({
    messages: [
      { kind: 'info', number: 0, state: 1, severity: 0, message: 'hello', line: 1, batch: 1, scriptLine: 1 },
      { kind: 'error', number: 208, state: 1, severity: 16, message: "Invalid object name 'x'.", line: 2, batch: 2, scriptLine: 7 },
    ],
    rowCounts: [{ batch: 1, count: 3 }],
  });
  const html = renderResultsHtml(run, opts);
  assert.match(html, /Msg 208, Level 16, State 1, Line 7<\/span> Invalid object name &#39;x&#39;\./);
  assert.match(html, /\(3 rows affected\)/);
  assert.equal(summarizeRun(run), "Done: 2 batches, 0 result sets, 1 error in 1.23 s on 'Local pool'.");
});

test('cells: binary as hex (shortened), dates without a zone letter, long text shortened', () => {
  assert.equal(cellText(Buffer.from([0xde, 0xad])), '0xDEAD');
  assert.match(cellText(Buffer.alloc(40, 1)), /^0x(01){32}… \(40 bytes\)$/);
  assert.equal(cellText(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02 03:04:05.678');
  assert.match(cellText('x'.repeat(600)), /… \(600 characters\)$/);
});

/** A runner that answers each batch from a list, recording what it was asked. */
function fakeRunner(answers: ((sql: string) => Partial<BatchOutcome> | Error)[]) {
  const asked: string[] = [];
  let cancelled = 0;
  const runner: ScriptRunner = {
    async runBatch(sql: string, _o?: RunOptions) {
      asked.push(sql);
      const a = answers[asked.length - 1]?.(sql) ?? {};
      if (a instanceof Error) throw a;
      return { resultSets: [], messages: [], errors: [], rowCounts: [], affectedCounts: [], elapsedMs: 1, cancelled: false, ...a };
    },
    cancel() {
      cancelled++;
    },
  };
  return { runner, asked, cancels: () => cancelled };
}

const err = (line: number) => ({ kind: 'error' as const, number: 207, state: 1, severity: 16, message: "Invalid column name 'y'.", line });

test('runScript maps error lines to the document, counting the selection start', async () => {
  const { runner, asked } = fakeRunner([() => ({}), () => ({ messages: [err(2)], errors: [err(2)] })]);
  const run = await runScript(runner, 'SELECT 1\nGO\nSELECT 2\nSELECT y', { title: 't', connectionName: 'c', database: 'd', maxRows: 10, firstLine: 11 });
  assert.deepEqual(asked, ['SELECT 1', 'SELECT 2\nSELECT y']);
  assert.equal(run.messages[0]!.scriptLine, 14);
  assert.equal(run.batches, 2);
});

test('a lost connection stops the run and says why; later batches are not sent', async () => {
  const { runner, asked } = fakeRunner([() => new SqlConnectionError('closed', 'The connection to h:1433 was lost: read ECONNRESET')]);
  const run = await runScript(runner, 'SELECT 1\nGO\nSELECT 2', { title: 't', connectionName: 'c', database: 'd', maxRows: 10 });
  assert.equal(asked.length, 1);
  assert.equal(run.failure, 'The connection to h:1433 was lost: read ECONNRESET');
  assert.match(summarizeRun(run), /^Stopped:/);
});

test('cancelling stops before the next batch and cancels the running one', async () => {
  const abort = new AbortController();
  const { runner, asked, cancels } = fakeRunner([
    () => {
      abort.abort();
      return { cancelled: true };
    },
  ]);
  const run = await runScript(runner, 'SLEEP\nGO\nSELECT 2', { title: 't', connectionName: 'c', database: 'd', maxRows: 10, signal: abort.signal });
  assert.equal(asked.length, 1);
  assert.equal(cancels(), 1);
  assert.equal(run.cancelled, true);
});
