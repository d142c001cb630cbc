// The layer order (eslint/layers.mjs) holds: ESLint reports an import that breaks it, the real tree
// has no import cycle between folders, and the table itself is acyclic and places every folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';

// The table is an ES module (eslint.config.mjs loads it); this file is CommonJS, so it loads it with import().
const table = import('../../../eslint/layers.mjs');
type Layer = Awaited<typeof table>['LAYERS'][number];

const root = resolve('.');
const eslint = new ESLint({ cwd: root });

async function layerErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'layers/order').map((m) => m.message);
}

test('a core file importing a higher layer is an ESLint error that names both files and what is allowed', async () => {
  const errors = await layerErrors("import { ModelSourceError } from '../models/source.js';\nexport { ModelSourceError };\n", 'src/sql/fixture.ts');
  assert.deepEqual(errors, ['`src/sql/fixture.ts` (layer sql) may not import `src/models/source.ts` (layer models); sql may import: common.']);
});

test('type-only and dynamic imports count too', async () => {
  const code = "import type { WizardSql } from '../wizard/services.js';\nexport type S = WizardSql;\nexport const load = () => import('../cli/io.js');\n";
  const errors = await layerErrors(code, 'src/models/fixture.ts');
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /may not import `src\/wizard\/services\.ts` \(layer predict\)/);
  assert.match(errors[1]!, /may not import `src\/cli\/io\.ts` \(layer cli\)/);
});

test('an import the table allows is no error', async () => {
  assert.deepEqual(await layerErrors("import { quoteName } from '../sql/names.js';\nexport { quoteName };\n", 'src/models/fixture.ts'), []);
  const hostCode = "import { quoteName } from '../sql/names.js';\nimport * as vscode from 'vscode';\nexport { quoteName, vscode };\n";
  assert.deepEqual(await layerErrors(hostCode, 'src/tree/fixture.ts'), []);
});

test('vscode from a core file is an error; so is tedious outside the SQL client and bulk load', async () => {
  const errors = await layerErrors("import * as vscode from 'vscode';\nimport { TYPES } from 'tedious';\nexport { vscode, TYPES };\n", 'src/wizard/fixture.ts');
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^`src\/wizard\/fixture\.ts` \(layer predict\) may not import `vscode`: only the extension's layers may/);
  assert.match(errors[1]!, /may not import `tedious`: only sql-client, load may/);
  assert.deepEqual(await layerErrors("import { TYPES } from 'tedious';\nexport { TYPES };\n", 'src/sql/client/fixture.ts'), []);
});

test('a webview file may import its protocol, not other host code', async () => {
  const code =
    "import type { WizardView } from '../../src/wizard/protocol.js';\nimport { passThroughLabel } from '../../src/wizard/state.js';\n" +
    'export type V = WizardView;\nexport { passThroughLabel };\n';
  const errors = await layerErrors(code, 'webview-ui/src/fixture.ts');
  assert.deepEqual(errors, ['`webview-ui/src/fixture.ts` (layer webview) may not import `src/wizard/state.ts` (layer predict); webview may import: protocol.']);
});

test('other layers import the SQL client through its bundle entry only, so each error class exists once', async () => {
  const direct = "import { SqlConnectionError } from '../sql/client/errors.js';\nexport { SqlConnectionError };\n";
  const errors = await layerErrors(direct, 'src/results/fixture.ts');
  const expected = '`src/results/fixture.ts` may import layer sql-client only through `src/sql/client/connection.ts`, not `src/sql/client/errors.ts`.';
  assert.deepEqual(errors, [expected]);
  const fine = "import { SqlConnectionError } from '../sql/client/connection.js';\nimport type { SqlConnectionErrorKind } from '../sql/client/errors.js';\n";
  assert.deepEqual(await layerErrors(`${fine}export { SqlConnectionError };\nexport type K = SqlConnectionErrorKind;\n`, 'src/results/fixture.ts'), []);
});

test('a file in a folder no layer holds is an error', async () => {
  const errors = await layerErrors('export const x = 1;\n', 'src/unplaced/fixture.ts');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /`src\/unplaced\/fixture\.ts` belongs to no layer/);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of every file (static, type-only, re-export, dynamic), as [from, to] paths relative to the root. */
function importEdges(dirs: string[]): [string, string][] {
  const edges: [string, string][] = [];
  for (const file of dirs.flatMap((d) => sourceFiles(resolve(root, d)))) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), ref.fileName).replace(/\.js$/, '.ts');
      edges.push([relative(root, file), relative(root, existsSync(target) ? target : `${target}.ts`)]);
    }
  }
  return edges;
}

/** The strongly connected components with more than one node (each is a cycle). */
function cycles(adjacency: Map<string, Set<string>>): string[][] {
  let index = 0;
  const ix = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    ix.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of adjacency.get(v) ?? []) {
      if (!ix.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, ix.get(w)!));
    }
    if (low.get(v) === ix.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of adjacency.keys()) if (!ix.has(v)) visit(v);
  return found;
}

function addEdge(adjacency: Map<string, Set<string>>, a: string, b: string): void {
  if (!adjacency.has(a)) adjacency.set(a, new Set());
  adjacency.get(a)!.add(b);
}

/** The folder a file counts in for cycles: src's top-level folders, src/sql/client (a layer of its own, apart from src/sql), the webview as one. */
function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'webview-ui') return 'webview-ui/src';
  if (parts.length === 2) return file.replace(/\.ts$/, '');
  if (parts[1] === 'sql' && parts[2] === 'client' && parts.length > 3) return 'src/sql/client';
  return parts.slice(0, 2).join('/');
}

test('no import cycle between the folders of src', () => {
  const edges = importEdges(['src', 'webview-ui/src']);
  assert.ok(edges.length > 500, `the imports were read (${edges.length})`);
  assert.ok(
    edges.some(([a, b]) => a === 'src/wizard/deploy.ts' && b === 'src/sql/port.ts'),
    'type-only imports are edges',
  );
  assert.ok(
    edges.some(([a, b]) => a === 'src/connections/store.ts' && b === 'src/sql/client/connection.ts'),
    'import() is an edge',
  );
  const folders = new Map<string, Set<string>>();
  for (const [a, b] of edges) if (folderOf(a) !== folderOf(b)) addEdge(folders, folderOf(a), folderOf(b));
  assert.ok(folders.get('src/sql/client')?.has('src/sql'), 'the SQL client is a folder of its own');
  assert.deepEqual(cycles(folders), []);
});

/**
 * Sibling folders at any depth (each with everything under it) import each other in no cycle. A
 * folder's own files may import its sub-folders and be imported back: they are the way in
 * (engine/session.ts into engine/session/), not a sibling.
 */
test('no import cycle between sibling folders at any depth', () => {
  const edges = importEdges(['src', 'webview-ui/src']);
  const cyclic: string[] = [];
  const parents = new Set(edges.flatMap(([a, b]) => [dirname(a), dirname(b)]).flatMap((d) => d.split('/').map((_, i, parts) => parts.slice(0, i).join('/'))));
  for (const parent of parents) {
    if (!parent) continue;
    // The child folder of `parent` that holds `file`, if it is in one.
    const childOf = (file: string): string | undefined => {
      if (!file.startsWith(`${parent}/`)) return undefined;
      const rest = file.slice(parent.length + 1).split('/');
      return rest.length > 1 ? `${parent}/${rest[0]}` : undefined;
    };
    const siblings = new Map<string, Set<string>>();
    for (const [a, b] of edges) {
      const x = childOf(a);
      const y = childOf(b);
      if (x && y && x !== y) addEdge(siblings, x, y);
    }
    for (const c of cycles(siblings)) cyclic.push(c.join(' <-> '));
  }
  assert.ok(parents.has('src/localpool/engine'), 'nested folders are checked');
  assert.deepEqual(cyclic, []);
});

test('every import of the real tree follows the layer table', async () => {
  const { layerOf } = await table;
  const broken = importEdges(['src', 'webview-ui/src']).flatMap(([a, b]) => {
    const from = layerOf(a);
    const to = layerOf(b);
    return from && to && from.name !== to.name && !from.mayImport.includes(to.name) ? [`${a} (${from.name}) -> ${b} (${to.name})`] : [];
  });
  assert.deepEqual(broken, []);
});

test('the layer table is acyclic and names only layers it defines', async () => {
  const { LAYERS } = await table;
  const names = new Set(LAYERS.map((l) => l.name));
  assert.equal(names.size, LAYERS.length, 'layer names are unique');
  const adjacency = new Map<string, Set<string>>();
  for (const layer of LAYERS) {
    for (const other of layer.mayImport) {
      assert.ok(names.has(other), `${layer.name} may import '${other}', which is no layer`);
      assert.notEqual(other, layer.name, `${layer.name} lists itself`);
      addEdge(adjacency, layer.name, other);
    }
  }
  assert.deepEqual(cycles(adjacency), []);
});

test('every folder and file of src belongs to exactly one layer, and every file the table names exists', async () => {
  const { LAYERS, layerOf } = await table;
  const owners = new Map<string, Layer[]>();
  for (const layer of LAYERS) {
    for (const p of layer.paths) {
      // A folder may be placed before it has files (src/common); a single file must exist.
      if (p.endsWith('.ts')) assert.ok(existsSync(resolve(root, p)), `${layer.name}'s file ${p} exists`);
      owners.set(p, [...(owners.get(p) ?? []), layer]);
    }
  }
  for (const [p, list] of owners) assert.equal(list.length, 1, `${p} is in one layer, not ${list.map((l) => l.name).join(' and ')}`);
  const unplaced = [...sourceFiles(resolve(root, 'src')), ...sourceFiles(resolve(root, 'webview-ui/src'))]
    .map((f) => relative(root, f))
    .filter((f) => !layerOf(f));
  assert.deepEqual(unplaced, []);
  assert.equal(layerOf('src/sql/client/connection.ts')?.name, 'sql-client', 'the longest path wins');
  assert.equal(layerOf('src/wizard/protocol.ts')?.name, 'protocol', 'a file entry wins over its folder');
});
