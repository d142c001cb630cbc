/** Reads every page of a source's versions of one model, following continuation tokens. */
import type { ModelVersionInfo, Page, VersionPageOptions } from '../../src/models/source.js';

export interface VersionPager {
  listVersionsPage(model: string, options?: VersionPageOptions, signal?: AbortSignal): Promise<Page<ModelVersionInfo>>;
}

export async function allVersionPages(source: VersionPager, model: string, pageSize: number): Promise<Page<ModelVersionInfo>[]> {
  const pages: Page<ModelVersionInfo>[] = [];
  let token: string | undefined;
  do {
    const p = await source.listVersionsPage(model, { pageSize, pageToken: token });
    pages.push(p);
    token = p.continuationToken;
  } while (token);
  return pages;
}
