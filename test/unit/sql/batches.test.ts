import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitBatches, scriptLine, BatchSplitError } from '../../../src/sql/batches.js';

const texts = (script: string) => splitBatches(script).map((b) => b.text);

test("splits on GO lines and keeps each batch's starting line", () => {
  const script = ['CREATE VIEW v AS', 'SELECT 1 AS x', 'GO', '', 'SELECT * FROM v', 'go', 'PRINT 1'].join('\n');
  assert.deepEqual(splitBatches(script), [
    { text: 'CREATE VIEW v AS\nSELECT 1 AS x', startLine: 1, repeat: 1 },
    { text: '\nSELECT * FROM v', startLine: 4, repeat: 1 },
    { text: 'PRINT 1', startLine: 7, repeat: 1 },
  ]);
});

test('GO is case-insensitive, may be indented, may carry a count and a trailing comment', () => {
  const batches = splitBatches('SELECT 1\n  Go 3  -- three times\nSELECT 2\n\tGO\t\n');
  assert.deepEqual(
    batches.map((b) => [b.text, b.repeat, b.startLine]),
    [
      ['SELECT 1', 3, 1],
      ['SELECT 2', 1, 3],
    ],
  );
});

test('handles CRLF line endings and a byte-order mark', () => {
  assert.deepEqual(texts('\uFEFFSELECT 1\r\nGO\r\nSELECT 2\r\n'), ['SELECT 1', 'SELECT 2']);
});

test('GO inside a string, a block comment or a bracketed name does not split', () => {
  const script = [
    "SELECT 'first line",
    'GO',
    "still the string' AS s",
    '/* a comment',
    'GO',
    '/* nested */ still a comment',
    'GO',
    '*/',
    'SELECT [odd',
    'GO',
    'name] FROM t',
    'GO',
    'SELECT 2',
  ].join('\n');
  const batches = splitBatches(script);
  assert.equal(batches.length, 2);
  assert.match(batches[0]!.text, /^SELECT 'first line\nGO\nstill the string' AS s/);
  assert.match(batches[0]!.text, /name\] FROM t$/);
  assert.deepEqual(batches[1], { text: 'SELECT 2', startLine: 13, repeat: 1 });
});

test('doubled quotes and brackets are escapes, not the end of the literal', () => {
  const script = "SELECT 'it''s', [a]]b]\nGO\nSELECT 2";
  assert.deepEqual(texts(script), ["SELECT 'it''s', [a]]b]", 'SELECT 2']);
  const open = "SELECT 'it''s\nGO\nstill'";
  assert.equal(splitBatches(open).length, 1);
});

test('a GO inside a line comment is a comment; a quote inside a line comment opens nothing', () => {
  assert.deepEqual(texts("SELECT 1 -- don't GO\nGO\nSELECT 2"), ["SELECT 1 -- don't GO", 'SELECT 2']);
});

test('words that start with GO, or GO with other text, are not separators', () => {
  assert.equal(splitBatches('SELECT 1\nGOTO label\nGO;\nGOVERNOR\nGO x').length, 1);
});

test('empty batches between GOs are dropped', () => {
  assert.deepEqual(texts('GO\n\nGO\nSELECT 1\nGO\n   \nGO'), ['SELECT 1']);
  assert.deepEqual(splitBatches(''), []);
});

test('GO 0 and absurd counts are rejected with the line', () => {
  assert.throws(
    () => splitBatches('SELECT 1\nGO 0'),
    (e: unknown) => e instanceof BatchSplitError && e.line === 2 && e.message === "Line 2: 'GO 0' must repeat the batch from 1 to 10000 times.",
  );
  assert.throws(() => splitBatches('SELECT 1\nGO 100000'), /must repeat the batch from 1 to 10000 times/);
});

test('scriptLine maps a server error line back to the script', () => {
  const [, second] = splitBatches('SELECT 1\nGO\nSELECT 2\nSELECT * FROM missing');
  assert.equal(scriptLine(second!, 2), 4);
  assert.equal(scriptLine(second!, 0), 3);
});
