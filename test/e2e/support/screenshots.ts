// Screenshots of what the tests see: always into test-results/ (test artifacts); the ones chosen for
// the README also into docs/screenshots/ when the run has DOCS_SCREENSHOTS=1:
//   DOCS_SCREENSHOTS=1 node scripts/run-tests.mjs e2e
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type Workbench } from '../harness.js';

export const docsScreenshotsDir = join(repoRoot, 'docs', 'screenshots');

/** Saves test-results/e2e-<name>.png (and docs/screenshots/<name>.png for `docs` ones when DOCS_SCREENSHOTS=1); returns the artifact's path. */
export async function saveScreenshot(wb: Workbench, name: string, opts: { docs?: boolean } = {}): Promise<string> {
  // Let the last render settle (progress rings, focus outlines) before the picture.
  await wb.page.waitForTimeout(300);
  const path = await wb.screenshot(`e2e-${name}`);
  if (opts.docs && process.env.DOCS_SCREENSHOTS === '1') {
    mkdirSync(docsScreenshotsDir, { recursive: true });
    copyFileSync(path, join(docsScreenshotsDir, `${name}.png`));
  }
  return path;
}
