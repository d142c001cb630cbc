// The layer order of the source tree, as data, and the ESLint rule that enforces it.
//
// Every file of src/ and webview-ui/src/ belongs to one layer: the entry with the longest matching
// path (a folder, or a single file). A file may import files of its own layer and of the layers its
// layer lists in `mayImport`, nothing else; type-only imports count too. The packages in `PACKAGES`
// may be imported only by the layers that list them in `packages`. README.md's Architecture section
// shows the same table.
import { dirname, relative, resolve, sep } from 'node:path';

/** The core layers, lowest first. */
const CORE = ['common', 'sql', 'models', 'samples', 'sql-client', 'protocol', 'predict', 'lifecycle', 'load', 'results', 'localpool'];

/**
 * @typedef {{ name: string, paths: string[], mayImport: string[], packages?: string[], entry?: string }} Layer
 * @type {Layer[]}
 */
export const LAYERS = [
  { name: 'common', paths: ['src/common'], mayImport: [] },
  { name: 'sql', paths: ['src/sql'], mayImport: ['common'] },
  { name: 'models', paths: ['src/models'], mayImport: ['sql', 'common'] },
  { name: 'samples', paths: ['src/samples'], mayImport: ['models', 'sql', 'common'] },
  // Other layers import the client only through its entry, the lazily loaded bundle's: one copy of each error class.
  { name: 'sql-client', paths: ['src/sql/client'], mayImport: ['sql', 'common'], packages: ['tedious'], entry: 'src/sql/client/connection.ts' },
  // The messages between the hosts and the webviews: the only host code the webviews import.
  { name: 'protocol', paths: ['src/wizard/protocol.ts', 'src/lifecycle-host/compare/protocol.ts'], mayImport: [] },
  { name: 'predict', paths: ['src/wizard'], mayImport: ['protocol', 'models', 'sql', 'common'] },
  { name: 'lifecycle', paths: ['src/lifecycle'], mayImport: ['predict', 'protocol', 'models', 'sql', 'common'] },
  { name: 'load', paths: ['src/load'], mayImport: ['sql-client', 'sql', 'common'], packages: ['tedious'] },
  { name: 'results', paths: ['src/results'], mayImport: ['sql-client', 'sql', 'common'] },
  { name: 'localpool', paths: ['src/localpool'], mayImport: ['samples', 'models', 'sql', 'common'] },
  { name: 'cli', paths: ['src/cli', 'src/cli.ts'], mayImport: CORE },
  // The extension: the only layers that may import vscode. Among themselves they form a DAG too.
  { name: 'connections', paths: ['src/connections'], mayImport: CORE, packages: ['vscode'] },
  { name: 'tree', paths: ['src/tree'], mayImport: ['connections', ...CORE], packages: ['vscode'] },
  { name: 'results-host', paths: ['src/results-host'], mayImport: ['connections', ...CORE], packages: ['vscode'] },
  { name: 'wizard-host', paths: ['src/wizard-host'], mayImport: ['results-host', 'tree', 'connections', ...CORE], packages: ['vscode'] },
  {
    name: 'lifecycle-host',
    paths: ['src/lifecycle-host'],
    mayImport: ['wizard-host', 'results-host', 'tree', 'connections', ...CORE],
    packages: ['vscode'],
  },
  { name: 'load-host', paths: ['src/load-host'], mayImport: ['tree', 'connections', ...CORE], packages: ['vscode'] },
  {
    name: 'extension',
    paths: ['src/extension.ts'],
    mayImport: ['load-host', 'lifecycle-host', 'wizard-host', 'results-host', 'tree', 'connections', ...CORE],
    packages: ['vscode'],
  },
  // The webviews' UI, bundled for the browser.
  { name: 'webview', paths: ['webview-ui/src'], mayImport: ['protocol'] },
];

/** Packages only some layers may import (the others may import any package). */
export const PACKAGES = ['vscode', 'tedious'];

/** The layer of a file, by its path relative to the project root ('src/sql/names.ts'), or undefined. */
export function layerOf(path) {
  const p = path.split(sep).join('/').replace(/\.js$/, '.ts');
  let best;
  let bestLength = -1;
  for (const layer of LAYERS) {
    for (const entry of layer.paths) {
      const matches = entry.endsWith('.ts') ? p === entry : p === entry || p.startsWith(`${entry}/`);
      if (matches && entry.length > bestLength) {
        best = layer;
        bestLength = entry.length;
      }
    }
  }
  return best;
}

/** Whether a file of layer `from` may import a file of layer `to`. */
export function mayImport(from, to) {
  return from.name === to.name || from.mayImport.includes(to.name);
}

/** The package a bare specifier names: 'tedious', '@scope/name'. */
function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const hostNames = () => LAYERS.filter((l) => l.packages?.includes('vscode')).map((l) => l.name);

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only the layers below it (eslint/layers.mjs holds the table).' },
    schema: [],
  },
  create(context) {
    const cwd = context.cwd ?? process.cwd();
    const file = relative(cwd, context.filename).split(sep).join('/');
    const own = layerOf(file);
    if (!own) {
      if (!file.startsWith('src/')) return {};
      return {
        Program(node) {
          context.report({ node, message: `\`${file}\` belongs to no layer: place its folder in the layer table of eslint/layers.mjs.` });
        },
      };
    }
    const allowed = () => (own.mayImport.length ? own.mayImport.join(', ') : 'nothing outside its own layer');

    function check(node, spec, typeOnly = false) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = relative(cwd, resolve(dirname(context.filename), spec))
          .split(sep)
          .join('/');
        const layer = layerOf(target);
        const shown = target.replace(/\.js$/, '.ts');
        if (layer?.entry && layer !== own && !typeOnly && shown !== layer.entry && mayImport(own, layer)) {
          context.report({ node, message: `\`${file}\` may import layer ${layer.name} only through \`${layer.entry}\`, not \`${shown}\`.` });
          return;
        }
        if (!layer || mayImport(own, layer)) return;
        context.report({
          node,
          message: `\`${file}\` (layer ${own.name}) may not import \`${shown}\` (layer ${layer.name}); ${own.name} may import: ${allowed()}.`,
        });
        return;
      }
      const pkg = packageOf(spec);
      if (!PACKAGES.includes(pkg) || own.packages?.includes(pkg)) return;
      const users = LAYERS.filter((l) => l.packages?.includes(pkg)).map((l) => l.name);
      const why = pkg === 'vscode' ? `only the extension's layers may (${hostNames().join(', ')})` : `only ${users.join(', ')} may`;
      context.report({ node, message: `\`${file}\` (layer ${own.name}) may not import \`${pkg}\`: ${why}.` });
    }

    const literal = (n) => (n && n.type === 'Literal' ? n.value : n && n.type === 'TSLiteralType' ? n.literal?.value : undefined);
    return {
      ImportDeclaration: (node) => check(node, node.source.value, node.importKind === 'type'),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, literal(node.source)),
      TSImportType: (node) => check(node, literal(node.argument) ?? literal(node.source), true),
      TSExternalModuleReference: (node) => check(node, literal(node.expression)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) check(node, literal(node.arguments[0]));
      },
    };
  },
};

export const layersPlugin = { meta: { name: 'layers' }, rules: { order: layersRule } };
