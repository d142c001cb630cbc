import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../../../src/lifecycle/compare.js';
import { previousVersionId } from '../../../src/lifecycle/repoint.js';
import type { DeployedModel, ModelTableRef } from '../../../src/lifecycle/types.js';

const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ k: String(i + 1) }));

test('classifier: agreement, confusion table (rows A, columns B) and the differing rows', () => {
  const r = summarize({
    modelA: 'm:1',
    modelB: 'm:2',
    output: 'label',
    kind: 'classifier',
    a: ['1', '2', '2', '10', '1'],
    b: ['1', '2', '1', '10', '2'],
    keys: keys(5),
  });
  assert.equal(r.agreement, 3 / 5);
  assert.deepEqual(r.confusion, {
    labels: ['1', '2', '10'],
    counts: [
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ],
  });
  assert.deepEqual(r.differing, [
    { key: { k: '3' }, a: '2', b: '1' },
    { key: { k: '5' }, a: '1', b: '2' },
  ]);
  assert.equal(r.errors, undefined);
});

test('regressor: mean and largest absolute difference, agreement within 1e-6 relative, most different first', () => {
  const r = summarize({
    modelA: 'm:1',
    modelB: 'm:2',
    output: 'y',
    kind: 'regressor',
    a: ['1', '1000000', '2', '5'],
    b: ['1', '1000000.5', '2.5', '1'],
    keys: keys(4),
  });
  assert.equal(r.agreement, 2 / 4, '0.5 on 1e6 is within 1e-6 relative');
  assert.deepEqual(r.errors, { meanAbs: (0 + 0.5 + 0.5 + 4) / 4, maxAbs: 4 });
  assert.deepEqual(
    r.differing.map((d) => [d.key.k, d.absDiff]),
    [
      ['4', 4],
      ['3', 0.5],
    ],
  );
  assert.equal(r.confusion, undefined);
});

test('previous version: the highest lower version of the same model still in the table', () => {
  const table = {} as ModelTableRef;
  const m = (id: string, hasBytes = true): DeployedModel => ({ modelTable: table, id, ...(hasBytes ? { sizeBytes: 10 } : {}) });
  const models = [m('a:1'), m('a:2'), m('a:10'), m('a:9', false), m('b:3'), m('a:11')];
  assert.equal(previousVersionId(models, 'a:10'), 'a:2', 'a row without bytes is skipped; 10 > 9 > 2 as numbers');
  assert.equal(previousVersionId(models, 'a:1'), undefined);
  assert.equal(previousVersionId(models, 'b:3'), undefined);
  assert.equal(previousVersionId([m('x:v1'), m('x:v2')], 'x:v2'), 'x:v1');
});
