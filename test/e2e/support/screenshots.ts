// Screenshots of what the tests see: always into test-results/ (test artifacts); with
// DOCS_SCREENSHOTS=1 also into docs/screenshots/ for the README.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type Workbench } from '../harness.js';

export const docsScreenshotsDir = join(repoRoot, 'docs', 'screenshots');

/** Saves test-results/e2e-<name>.png (and docs/screenshots/<name>.png when DOCS_SCREENSHOTS=1); returns the artifact's path. */
export async function saveScreenshot(wb: Workbench, name: string): Promise<string> {
  // Let the last render settle (progress rings, focus outlines) before the picture.
  await wb.page.waitForTimeout(300);
  const path = await wb.screenshot(`e2e-${name}`);
  if (process.env.DOCS_SCREENSHOTS === '1') {
    mkdirSync(docsScreenshotsDir, { recursive: true });
    copyFileSync(path, join(docsScreenshotsDir, `${name}.png`));
  }
  return path;
}
