/**
 * Children that load a page at a time: the explorer shows the first page of a schema's tables or a
 * table's columns as soon as it arrives, with a "Show more…" node when the catalog has more, and
 * each "Show more…" fetches the next page after the last child shown (keyset paging: no page is
 * read twice, and nothing before the cursor is read again). No vscode: the tree supplies the fetch.
 */

/** One page from the catalog: its items, and where the next page starts (undefined when there is none). */
export interface Page<T, C> {
  readonly items: readonly T[];
  readonly next?: C;
}

/** Fetches up to `limit` items after `after` (the first page when undefined). */
export type PageFetcher<T, C> = (after: C | undefined, limit: number) => Promise<Page<T, C>>;

export interface PagedList<T> {
  /** Every item loaded so far, in order. */
  readonly items: readonly T[];
  /** The catalog has more after the last item. */
  readonly hasMore: boolean;
}

interface Entry<T, C> {
  items: T[];
  next?: C;
  /** The next page was asked for and is not loaded yet. */
  wantMore: boolean;
  loading?: Promise<void>;
}

/** Loaded pages by parent key (a tree node's id). */
export class PagedChildren<T, C> {
  private readonly entries = new Map<string, Entry<T, C>>();

  constructor(readonly pageSize: number) {
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`The page size must be a positive integer (got ${pageSize}).`);
  }

  /**
   * The children of `key`: the first page when nothing is loaded yet, the pages loaded so far plus
   * the next one after `showMore(key)`, or what is loaded. A failed fetch loses nothing already
   * loaded: the next call asks for the same page again.
   */
  async load(key: string, fetch: PageFetcher<T, C>): Promise<PagedList<T>> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { items: [], wantMore: true };
      this.entries.set(key, entry);
    }
    const e = entry;
    while (e.wantMore) {
      e.loading ??= (async () => {
        try {
          const page = await fetch(e.items.length ? e.next : undefined, this.pageSize);
          e.items.push(...page.items);
          e.next = page.next;
          e.wantMore = false;
        } finally {
          e.loading = undefined;
        }
      })();
      try {
        await e.loading;
      } catch (err) {
        if (!e.items.length) this.entries.delete(key);
        throw err;
      }
    }
    return { items: [...e.items], hasMore: e.next !== undefined };
  }

  /** Asks for the next page of `key`; false when there is none (or nothing is loaded yet). */
  showMore(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || e.next === undefined) return false;
    e.wantMore = true;
    return true;
  }

  /** Forgets what is loaded for `key` and every key under it (`key/...`), or for every key. */
  forget(key?: string): void {
    if (key === undefined) {
      this.entries.clear();
      return;
    }
    for (const k of [...this.entries.keys()]) if (k === key || k.startsWith(`${key}/`)) this.entries.delete(k);
  }
}
