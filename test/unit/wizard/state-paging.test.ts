/** The wizard's state over versions that arrive page by page: merge, newest first, Load more, search. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce, viewOf, type Transition, type WizardAction } from '../../../src/wizard/state.js';
import { createWizardRules } from '../../../src/wizard/rules.js';
import type { ModelVersionRow } from '../../../src/wizard/protocol.js';

const rules = createWizardRules('synapse-dedicated', () => '-- script');
const target = { connectionName: 'local', table: { schema: 'dbo', name: 'T' }, columns: [{ name: 'x', type: 'real' }] };
const registries = [
  { name: 'Local models', kind: 'local' },
  { name: 'Team MLflow', kind: 'mlflow' },
] as const;
const R = 'Local models';
const row = (name: string, version: number, day: number, framework = 'onnx'): ModelVersionRow => ({
  key: `${name}:${version}`,
  name,
  version: String(version),
  created: new Date(Date.UTC(2024, 0, day)).toISOString(),
  createdBy: 'ana',
  framework,
  disabledReason: framework === 'onnx' ? undefined : 'PREDICT runs ONNX models only.',
});
function run(t: Transition, ...actions: WizardAction[]): Transition {
  let cur = t;
  for (const a of actions) cur = reduce(cur.state, a, rules);
  return cur;
}
const keys = (t: Transition) => viewOf(t.state, rules).versions.map((r) => r.key);

describe('wizard state: versions page by page', () => {
  test('the first page is shown at once; later pages merge in, newest first across models', () => {
    let t = run(initialState(target, registries), {
      type: 'versionsPage',
      registry: R,
      versions: [row('a', 9, 20), row('a', 8, 10)],
      first: true,
      more: 'loading',
    });
    let v = viewOf(t.state, rules);
    assert.equal(v.versionsStatus, 'loaded');
    assert.equal(v.versionsMore, 'loading');
    assert.deepEqual(keys(t), ['a:9', 'a:8']);
    t = run(t, { type: 'versionsPage', registry: R, versions: [row('b', 2, 15), row('b', 1, 5, 'sklearn')], first: false, more: 'more' });
    v = viewOf(t.state, rules);
    assert.deepEqual(keys(t), ['a:9', 'b:2', 'a:8', 'b:1']);
    assert.equal(v.versions[3]!.disabledReason, 'PREDICT runs ONNX models only.');
    assert.equal(v.versionsMore, 'more');
  });

  test('a page repeating a version replaces it; a new load (refresh) replaces the list with its first page', () => {
    let t = run(initialState(target, registries), { type: 'versionsPage', registry: R, versions: [row('a', 2, 2), row('a', 1, 1)], first: true, more: 'more' });
    t = run(t, { type: 'versionsPage', registry: R, versions: [{ ...row('a', 1, 1), createdBy: 'ben' }], first: false, more: 'none' });
    assert.deepEqual(keys(t), ['a:2', 'a:1']);
    assert.equal(viewOf(t.state, rules).versions[1]!.createdBy, 'ben');
    t = run(t, { type: 'versionsLoading', registry: R });
    assert.equal(viewOf(t.state, rules).versionsMore, 'none');
    assert.deepEqual(keys(t), ['a:2', 'a:1'], 'the old list stays until the new one arrives');
    t = run(t, { type: 'versionsPage', registry: R, versions: [row('c', 1, 3)], first: true, more: 'none' });
    assert.deepEqual(keys(t), ['c:1']);
  });

  test('Load more asks for the next page only when more remain, and shows that it is reading', () => {
    const t0 = run(initialState(target, registries), { type: 'versionsPage', registry: R, versions: [row('a', 2, 2)], first: true, more: 'none' });
    assert.deepEqual(reduce(t0.state, { type: 'loadMore' }, rules).effects, []);
    const t1 = run(t0, { type: 'versionsPage', registry: R, versions: [], first: false, more: 'more' });
    const t2 = reduce(t1.state, { type: 'loadMore' }, rules);
    assert.deepEqual(t2.effects, [{ kind: 'loadMoreVersions', registry: R, all: false }]);
    assert.equal(viewOf(t2.state, rules).versionsMore, 'loading');
    assert.deepEqual(reduce(t2.state, { type: 'loadMore' }, rules).effects, [], 'no second request while one runs');
  });

  test('a search reads every older version when some are not read yet; not when all are', () => {
    const some = run(initialState(target, registries), {
      type: 'versionsPage',
      registry: R,
      versions: [row('a', 12, 12), row('a', 11, 11)],
      first: true,
      more: 'more',
    });
    const searched = reduce(some.state, { type: 'edit', edit: { field: 'search', value: '1' } }, rules);
    assert.deepEqual(searched.effects, [{ kind: 'loadMoreVersions', registry: R, all: true }]);
    assert.equal(viewOf(searched.state, rules).versionsMore, 'loading');
    const withOld = run(searched, { type: 'versionsPage', registry: R, versions: [row('a', 1, 1), row('a', 2, 2)], first: false, more: 'none' });
    assert.deepEqual(keys(withOld), ['a:12', 'a:11', 'a:1']);
    assert.deepEqual(reduce(withOld.state, { type: 'edit', edit: { field: 'search', value: '2' } }, rules).effects, []);
    assert.deepEqual(reduce(some.state, { type: 'edit', edit: { field: 'search', value: '  ' } }, rules).effects, []);
  });

  test('a failed later page keeps the versions read so far and offers Load more again', () => {
    const t = run(
      initialState(target, registries),
      { type: 'versionsPage', registry: R, versions: [row('a', 2, 2)], first: true, more: 'loading' },
      { type: 'versionsMoreFailed', registry: R, error: 'Could not reach the registry.' },
    );
    const v = viewOf(t.state, rules);
    assert.deepEqual(
      v.versions.map((r) => r.key),
      ['a:2'],
    );
    assert.equal(v.versionsError, 'Could not reach the registry.');
    assert.equal(v.versionsMore, 'more');
  });

  test('pages of a registry the user left are ignored; switching registries clears the paging', () => {
    let t = run(initialState(target, registries), { type: 'versionsPage', registry: R, versions: [row('a', 2, 2)], first: true, more: 'more' });
    t = run(t, { type: 'edit', edit: { field: 'registry', value: 'Team MLflow' } });
    assert.equal(viewOf(t.state, rules).versionsMore, 'none');
    t = run(t, { type: 'versionsPage', registry: R, versions: [row('a', 1, 1)], first: false, more: 'more' });
    assert.deepEqual(keys(t), []);
    assert.equal(viewOf(t.state, rules).versionsStatus, 'loading');
  });
});
