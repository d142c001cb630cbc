// Children loaded a page at a time: the first page, the next after "Show more", nothing read twice,
// a failed page asked for again, and forgetting a node and what is under it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PagedChildren, type PageFetcher } from '../../../src/tree/paging.js';

/** A catalog of `n` names, paged by the index after which a page starts; records each fetch. */
function catalog(n: number) {
  const names = Array.from({ length: n }, (_, i) => `T${String(i).padStart(5, '0')}`);
  const fetches: { after: number | undefined; limit: number }[] = [];
  let failNext = false;
  const fetch: PageFetcher<string, number> = async (after, limit) => {
    fetches.push({ after, limit });
    if (failNext) {
      failNext = false;
      throw new Error('The connection was lost.');
    }
    const start = after === undefined ? 0 : after + 1;
    const items = names.slice(start, start + limit);
    return { items, ...(start + limit < n ? { next: start + limit - 1 } : {}) };
  };
  return { names, fetches, fetch, failOnce: () => (failNext = true) };
}

test('the first page shows at once; each "Show more" appends the next page until all are shown', async () => {
  const c = catalog(10_000);
  const pages = new PagedChildren<string, number>(200);
  let list = await pages.load('schema', c.fetch);
  assert.deepEqual(list.items, c.names.slice(0, 200));
  assert.equal(list.hasMore, true);
  // Loading again without "Show more" reads nothing.
  await pages.load('schema', c.fetch);
  assert.equal(c.fetches.length, 1);
  let shown = 200;
  while (pages.showMore('schema')) {
    list = await pages.load('schema', c.fetch);
    shown += 200;
    assert.equal(list.items.length, Math.min(shown, 10_000));
  }
  assert.deepEqual(list.items, c.names);
  assert.equal(list.hasMore, false);
  assert.equal(c.fetches.length, 50, 'each page was read once');
  assert.deepEqual(c.fetches.slice(0, 3), [
    { after: undefined, limit: 200 },
    { after: 199, limit: 200 },
    { after: 399, limit: 200 },
  ]);
  assert.equal(pages.showMore('schema'), false);
});

test('a list that fits in one page has no "Show more"', async () => {
  const c = catalog(200);
  const pages = new PagedChildren<string, number>(200);
  const list = await pages.load('t', c.fetch);
  assert.equal(list.items.length, 200);
  assert.equal(list.hasMore, false);
  assert.equal(pages.showMore('t'), false);
});

test('a page that fails to load keeps what was shown, and is asked for again', async () => {
  const c = catalog(1_000);
  const pages = new PagedChildren<string, number>(300);
  await pages.load('s', c.fetch);
  pages.showMore('s');
  c.failOnce();
  await assert.rejects(pages.load('s', c.fetch), /The connection was lost\./);
  const list = await pages.load('s', c.fetch);
  assert.deepEqual(list.items, c.names.slice(0, 600));
  assert.deepEqual(
    c.fetches.map((f) => f.after),
    [undefined, 299, 299],
  );
});

test('two loads at once read the page once', async () => {
  const c = catalog(1_000);
  const pages = new PagedChildren<string, number>(100);
  const [a, b] = await Promise.all([pages.load('s', c.fetch), pages.load('s', c.fetch)]);
  assert.deepEqual(a.items, b.items);
  assert.equal(c.fetches.length, 1);
});

test('forgetting a node drops its pages and those of the nodes under it, not its siblings', async () => {
  const c = catalog(1_000);
  const pages = new PagedChildren<string, number>(100);
  for (const k of ['c/x/s/a', 'c/x/s/a/o/t', 'c/x/s/ab']) await pages.load(k, c.fetch);
  pages.showMore('c/x/s/a');
  await pages.load('c/x/s/a', c.fetch);
  pages.forget('c/x/s/a');
  assert.equal((await pages.load('c/x/s/a', c.fetch)).items.length, 100, 'back to the first page');
  assert.equal((await pages.load('c/x/s/ab', c.fetch)).items.length, 100);
  const before = c.fetches.length;
  await pages.load('c/x/s/ab', c.fetch);
  assert.equal(c.fetches.length, before, 'the sibling kept its page');
  assert.throws(() => new PagedChildren(0), /positive integer/);
});
