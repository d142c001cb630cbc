import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';

const root = resolve('webview-ui/src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the webview imports nothing from the host side but the wizard protocol', () => {
  const outside: string[] = [];
  for (const f of files(root)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:import|from)\s*['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(f), m[1]!).replace(/\.js$/, '.ts');
      if (!target.startsWith(root + '/') && target !== resolve('src/wizard/protocol.ts')) outside.push(`${f}: ${m[1]}`);
    }
  }
  assert.ok(files(root).length > 5, 'the webview is split into files');
  assert.deepEqual(outside, []);
});
