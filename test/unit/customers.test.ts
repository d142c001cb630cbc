import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCustomers, CUSTOMER_FEATURES } from '../../src/samples/customers.js';

test('the same seed gives the same customers, another seed others', () => {
  const a = [...generateCustomers(50, 7)];
  const b = [...generateCustomers(50, 7)];
  const c = [...generateCustomers(50, 8)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('features stay in the lab ranges and every rating occurs', () => {
  const rows = [...generateCustomers(5000)];
  const ratings = new Set<number>();
  for (const r of rows) {
    assert.ok(r.Cost >= 0.5 && r.Cost <= 50, `Cost ${r.Cost}`);
    assert.ok(r.Price > r.Cost, 'Price above Cost');
    assert.ok(r.UpperIncomeBound > r.LowerIncomeBound);
    assert.ok(Number.isInteger(r.PrimaryBrandId) && r.PrimaryBrandId >= 1 && r.PrimaryBrandId <= 20);
    for (const f of CUSTOMER_FEATURES) assert.ok(Number.isFinite(r[f]), f);
    ratings.add(r.Rating);
  }
  assert.ok(ratings.size >= 4, `ratings seen: ${[...ratings].join(',')}`);
  assert.deepEqual(rows.map((r) => r.CustomerKey).slice(0, 3), [1, 2, 3]);
});
