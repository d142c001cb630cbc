/**
 * Golden files for generated SQL: compared exactly; rewritten when the environment has
 * UPDATE_GOLDEN=1 (then read the diff before committing).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const GOLDEN_DIR = join(dirname(__filename), '..', '..', 'golden');

export function assertGolden(file: string, actual: string): void {
  const path = join(GOLDEN_DIR, file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual, 'utf8');
    return;
  }
  assert.ok(existsSync(path), `The golden file test/golden/${file} is missing; run the test with UPDATE_GOLDEN=1 to create it, then read it.`);
  const expected = readFileSync(path, 'utf8');
  assert.equal(
    actual,
    expected,
    `The generated SQL differs from test/golden/${file}; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff.`,
  );
}
