// Numbers in the results view and the wizard's preview are printed by their SQL type, in one place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatReal, formatSqlNumber, formatNumber } from '../../../src/sql/format.js';
import { cellText, renderResultsHtml, type ScriptRun } from '../../../src/results/html.js';
import { formatCell } from '../../../src/models/preview.js';

const sigDigits = (s: string): number => s.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length || 1;

test('real: the float32 the driver hands over as a double prints as its shortest decimal', () => {
  assert.equal(formatReal(23.040000915527344), '23.04');
  assert.equal(formatReal(Math.fround(0.1)), '0.1');
  assert.equal(formatReal(Math.fround(16777217)), '16777216');
  assert.equal(formatReal(Math.fround(3.4e38)), '3.4e+38');
  assert.equal(formatReal(Math.fround(1 / 3)), '0.33333334');
  assert.equal(formatReal(0), '0');
  assert.equal(formatReal(NaN), 'NaN');
});

test('real: every float32 reads back from its text, and no shorter text would', () => {
  fc.assert(
    fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
      const s = formatReal(f);
      assert.equal(Math.fround(Number(s)), Math.fround(f), `${f} printed as ${s}`);
      const digits = sigDigits(s);
      if (digits > 1 && f !== 0) assert.notEqual(Math.fround(Number(f.toPrecision(digits - 1))), Math.fround(f), `${s} is not the shortest`);
    }),
    { numRuns: 2000 },
  );
});

test('float, decimal and bigint columns print as doubles, as sent, and exactly', () => {
  assert.equal(formatSqlNumber(23.040000915527344, 'float'), '23.040000915527344');
  assert.equal(formatSqlNumber(0.1, 'float'), '0.1');
  assert.equal(formatSqlNumber('12.3456', 'decimal(18,4)'), '12.3456');
  assert.equal(formatSqlNumber(12.3, 'decimal(18,4)'), '12.3000');
  assert.equal(formatSqlNumber(12, 'numeric(10,0)'), '12');
  assert.equal(formatSqlNumber(5.25, 'money'), '5.2500');
  assert.equal(formatSqlNumber('9007199254740993', 'bigint'), '9007199254740993');
  assert.equal(formatSqlNumber(9007199254740993n, 'bigint'), '9007199254740993');
  assert.equal(formatSqlNumber('x', 'nvarchar(30)'), undefined);
});

test('the results grid prints a real column as the wizard preview does', () => {
  const run: ScriptRun = {
    title: 'score.sql',
    connectionName: 'Local pool',
    database: 'SQLPool01',
    startedAt: new Date('2026-01-02T03:04:05Z'),
    elapsedMs: 5,
    batches: 1,
    resultSets: [
      {
        batch: 1,
        columns: [
          { name: 'Cost', type: 'real', nullable: true },
          { name: 'Weight', type: 'float', nullable: true },
          { name: 'Price', type: 'decimal(18,4)', nullable: true },
          { name: 'Key', type: 'bigint', nullable: false },
        ],
        rows: [[23.040000915527344, 23.040000915527344, 12.3, '9007199254740993']],
        rowCount: 1,
        truncated: false,
      },
    ],
    messages: [],
    rowCounts: [],
    maxRows: 10,
    cancelled: false,
  };
  const html = renderResultsHtml(run, { cspSource: 'x', stylesUri: 'x' });
  assert.match(html, /<td class="rownum">1<\/td><td>23\.04<\/td><td>23\.040000915527344<\/td><td>12\.3000<\/td><td>9007199254740993<\/td><\/tr>/);
  assert.equal(cellText(23.040000915527344, 'real'), formatCell(Math.fround(23.04)));
  assert.equal(cellText(23.040000915527344), '23.040000915527344', 'without a type, the value as the driver sent it');
});

test('the preview formats a float32 output as the results view formats a real column', () => {
  fc.assert(
    // Whole numbers are left out: a preview cell has no SQL type and may be an int64 output, so it keeps them exact.
    fc.property(
      fc.float({ noNaN: true, noDefaultInfinity: true }).filter((f) => !Number.isInteger(f)),
      (f) => {
        assert.equal(formatCell(f), cellText(f, 'real'));
        assert.equal(formatNumber(f), formatCell(f));
      },
    ),
    { numRuns: 1000 },
  );
  assert.equal(formatCell(0.1), '0.1', 'a double that is not a float32 keeps its digits');
  assert.equal(formatCell(123303104), '123303104');
});
