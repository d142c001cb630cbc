import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';

const root = resolve('webview-ui/src');
/** The typed contracts each webview app shares with its host: the only host files a webview may import. */
const protocols = [resolve('src/wizard/protocol.ts'), resolve('src/lifecycle-host/compare/protocol.ts')];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the webviews import nothing from the host side but their protocols', () => {
  const outside: string[] = [];
  for (const f of files(root)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:import|from)\s*['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(f), m[1]!).replace(/\.js$/, '.ts');
      if (!target.startsWith(root + '/') && !protocols.includes(target)) outside.push(`${f}: ${m[1]}`);
    }
  }
  assert.ok(files(root).length > 5, 'the webview is split into files');
  assert.deepEqual(outside, []);
});

test('the protocols the webviews import import nothing themselves', () => {
  for (const p of protocols)
    assert.deepEqual(
      [...readFileSync(p, 'utf8').matchAll(/^import .*$/gm)].map((m) => m[0]),
      [],
      p,
    );
});
