import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ComparisonReport } from '../../../src/lifecycle/types.js';
import { compareView, formatCount, formatNumber, formatPercent } from '../../../src/lifecycle-host/compare/view.js';
import { ProtocolError } from '../../../src/common/errors.js';
import { parseCompareMessage } from '../../../src/lifecycle-host/compare/webview-message.js';

const classifier: ComparisonReport = {
  rows: 1000,
  modelA: 'aml-synapse-classifier:1',
  modelB: 'aml-synapse-classifier:2',
  output: 'PredictedLabel',
  kind: 'classifier',
  agreement: 0.973,
  confusion: {
    labels: ['0', '1'],
    counts: [
      [600, 20],
      [7, 373],
    ],
  },
  differing: [
    { key: { CustomerKey: '17' }, a: '0', b: '1' },
    { key: { CustomerKey: '42' }, a: '1', b: '0' },
  ],
};

describe('model comparison view', () => {
  test('a classifier shows its agreement, both versions and a confusion table with totals', () => {
    const v = compareView(classifier, { object: 'wwi_ml.CustomerPrediction', source: 'wwi_ml.CustomerTest' });
    assert.equal(v.title, 'Compare aml-synapse-classifier:1 with aml-synapse-classifier:2');
    assert.equal(v.subtitle, 'wwi_ml.CustomerPrediction · output PredictedLabel · first 1\u2009000 rows of wwi_ml.CustomerTest');
    assert.equal(v.agreement, '97.3 %');
    assert.equal(v.agreementDetail, '973 of 1\u2009000 rows get the same label from both versions');
    assert.deepEqual(v.confusion?.labels, ['0', '1']);
    assert.deepEqual(
      v.confusion?.rows.map((r) => [r.label, r.cells.map((c) => c.count), r.total]),
      [
        ['0', [600, 20], 620],
        ['1', [7, 373], 380],
      ],
    );
    assert.deepEqual(
      v.confusion?.rows.map((r) => r.cells.map((c) => c.agree)),
      [
        [true, false],
        [false, true],
      ],
    );
    assert.equal(v.confusion?.rows[0]?.cells[1]?.share, '2.0 %');
    assert.deepEqual(v.confusion?.columnTotals, [607, 393]);
    assert.equal(v.errors, undefined);
  });

  test('differing rows list the key columns, then A and B; a note says when only the first are listed', () => {
    const v = compareView(classifier, { object: 'wwi_ml.CustomerPrediction' });
    assert.deepEqual(v.differing.columns, ['CustomerKey', 'A: aml-synapse-classifier:1', 'B: aml-synapse-classifier:2']);
    assert.deepEqual(v.differing.rows, [
      ['17', '0', '1'],
      ['42', '1', '0'],
    ]);
    assert.equal(v.differing.note, 'The 2 rows that differ most, of 27 that differ.');
  });

  test('a regressor shows mean and largest absolute difference and |A − B| per row, with no confusion table', () => {
    const v = compareView(
      {
        rows: 3,
        modelA: 'price:1',
        modelB: 'price:2',
        output: 'variable_out1',
        kind: 'regressor',
        agreement: 1 / 3,
        errors: { meanAbs: 0.25, maxAbs: 0.5 },
        differing: [
          { key: { Id: '2', Region: 'N' }, a: '10.5', b: '10', absDiff: 0.5 },
          { key: { Id: '3' }, a: '1', b: '1.25', absDiff: 0.25 },
        ],
      },
      { object: 'dbo.Price' },
    );
    assert.equal(v.confusion, undefined);
    assert.deepEqual(v.errors, { meanAbs: '0.25', maxAbs: '0.5' });
    assert.equal(v.agreement, '33.3 %');
    assert.match(v.agreementDetail, /^1 of 3 rows get the same value/);
    assert.deepEqual(v.differing.columns, ['Id', 'Region', 'A: price:1', 'B: price:2', '|A − B|']);
    assert.deepEqual(v.differing.rows[1], ['3', '', '1', '1.25', '0.25']);
    assert.equal(v.differing.note, undefined);
  });

  test('full agreement says so instead of showing an empty table', () => {
    const v = compareView({ ...classifier, agreement: 1, differing: [], confusion: { labels: ['0'], counts: [[1000]] } }, { object: 'x' });
    assert.equal(v.agreement, '100 %');
    assert.deepEqual(v.differing.rows, []);
    assert.equal(v.differing.note, 'Every one of the 1\u2009000 rows gives the same prediction with both versions.');
  });

  test('numbers: near-total agreement never shows as 100 %, tiny shares stay visible, small errors keep digits', () => {
    assert.equal(formatPercent(0.9999), '99.9 %');
    assert.equal(formatPercent(0.0004), '< 0.1 %');
    assert.equal(formatPercent(0), '0 %');
    assert.equal(formatCount(1234567), '1\u2009234\u2009567');
    assert.equal(formatNumber(0.000012345), '1.234e-5');
    assert.equal(formatNumber(2.0000001234), '2');
    assert.equal(formatNumber(0.1234567), '0.123457');
  });

  test('the webview may post only ready and rendered', () => {
    assert.deepEqual(parseCompareMessage({ kind: 'command', method: 'ready' }), { kind: 'command', method: 'ready' });
    assert.deepEqual(parseCompareMessage({ kind: 'command', method: 'rendered', extra: 1 }), { kind: 'command', method: 'rendered' });
    for (const bad of [null, [], 'ready', { kind: 'request', method: 'ready' }, { kind: 'command', method: 'deploy' }]) {
      assert.throws(() => parseCompareMessage(bad), ProtocolError);
    }
  });
});
