// The SQL Pools explorer's connection node: a refused login shows when the connection is expanded,
// and the tree names the server as its errors do (host:port). VS Code's API is a small stand-in.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';

class EventEmitter<T> {
  private listeners: ((x: T) => void)[] = [];
  readonly event = (l: (x: T) => void) => {
    this.listeners.push(l);
    return { dispose() {} };
  };
  fire(x: T): void {
    for (const l of this.listeners) l(x);
  }
  dispose(): void {}
}
class TreeItem {
  description?: string;
  tooltip?: unknown;
  contextValue?: string;
  command?: { command: string };
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}
const VSCODE_STUB = {
  EventEmitter,
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  MarkdownString: class {
    constructor(readonly value: string) {}
  },
};

type Explorer = typeof import('../../../src/tree/explorer.js');
let ex: Explorer;

before(async () => {
  // The explorer is loaded with require (CommonJS): 'vscode' resolves to the stand-in above.
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const resolve = M._resolveFilename;
  M._resolveFilename = (request, ...rest) => (request === 'vscode' ? 'vscode-stub' : resolve(request, ...rest));
  M._cache['vscode-stub'] = { id: 'vscode-stub', filename: 'vscode-stub', loaded: true, exports: VSCODE_STUB };
  ex = await import('../../../src/tree/explorer.js');
});

const profile = { name: 'Wrong password', server: '127.0.0.1', port: 14330, database: 'SQLPool01', authenticationType: 'SqlLogin' as const, user: 'sa' };
const LOGIN_FAILED = "Login failed for user 'sa' on 127.0.0.1:14330: check the password (error 18456).";

function explorer(connect: (name: string, db?: string) => Promise<unknown>) {
  const store = { profiles: () => [profile], get: () => profile, onDidChange: () => ({ dispose() {} }) };
  const sessions = { connection: connect, close: async () => undefined };
  const logged: string[] = [];
  const log = { error: (l: string) => logged.push(l), info: () => undefined, warn: () => undefined };
  // The stand-ins have the members the explorer calls.
  const e = new ex.SqlPoolExplorer(store as never, sessions as never, log as never);
  return { e, logged };
}

test('a refused login shows under the connection node when it is expanded, with a Retry', async () => {
  const calls: string[] = [];
  const { e, logged } = explorer(async (name, db) => {
    calls.push(`${name}/${db}`);
    throw new Error(LOGIN_FAILED);
  });
  const [conn] = await e.getChildren();
  const children = await e.getChildren(conn);
  assert.deepEqual(calls, ['Wrong password/SQLPool01'], 'expanding the connection signs in');
  assert.equal(children.length, 1);
  const item = e.getTreeItem(children[0]!);
  assert.equal(item.label, LOGIN_FAILED);
  assert.equal(item.contextValue, 'error');
  assert.equal(item.command?.command, ex.RETRY_COMMAND);
  assert.match(logged.join('\n'), /Login failed for user 'sa'/);
});

test('a connection that signs in lists its database', async () => {
  const { e } = explorer(async () => ({}));
  const [conn] = await e.getChildren();
  const children = await e.getChildren(conn);
  assert.deepEqual(
    children.map((c) => e.getTreeItem(c).label),
    ['SQLPool01'],
  );
});

test('the tree names the server as the login message does: host:port', () => {
  const { e } = explorer(async () => ({}));
  const item = e.getTreeItem(new ex.ConnectionNode(profile));
  assert.equal(item.description, '127.0.0.1:14330/SQLPool01 (sa)');
  const server = LOGIN_FAILED.match(/ on (\S+):/)![1];
  assert.ok(String(item.description).startsWith(`${server}/`), `${String(item.description)} vs ${server}`);
  assert.match(String((item.tooltip as { value: string }).value), /127\\\.0\\\.0\\\.1:14330/);
  assert.equal(ex.serverText({ server: 'pool.sql.azuresynapse.net', port: undefined }), 'pool.sql.azuresynapse.net:1433');
});

/** A server whose schema `big` holds `tables` tables and two views, answering the explorer's page queries by their TOP and cursor. */
function bigSchema(tables: number) {
  const rows = [...Array.from({ length: tables }, (_, i) => [`T${String(i).padStart(5, '0')}`, 'BASE TABLE']), ['V1', 'VIEW'], ['V2', 'VIEW']];
  const queries: string[] = [];
  const conn = {
    query: async (sql: string, params: { name: string; value: unknown }[] = []) => {
      queries.push(sql);
      const p = Object.fromEntries(params.map((x) => [x.name, x.value]));
      const top = Number(/TOP \((\d+)\)/.exec(sql)![1]);
      const after = (r: string[]) => p.afterType === undefined || r[1]! > String(p.afterType) || (r[1] === p.afterType && r[0]! > String(p.afterName));
      const page = rows.filter(after).slice(0, top);
      return {
        resultSets: [{ columns: [{ name: 'TABLE_NAME' }, { name: 'TABLE_TYPE' }], rows: page, truncated: false, rowCount: page.length }],
        messages: [],
        rowCounts: [],
      };
    },
  };
  return { conn, queries };
}

test('a schema with 10 000 tables shows its first page and "Show more…", which appends the next page', async () => {
  const { conn, queries } = bigSchema(10_000);
  const { e } = explorer(async () => conn);
  const schema = new ex.SchemaNode('Wrong password', 'SQLPool01', 'big');
  let children = await e.getChildren(schema);
  assert.equal(children.length, ex.EXPLORER_PAGE_SIZE + 1);
  assert.equal(e.getTreeItem(children[0]!).label, 'T00000');
  const more = children[children.length - 1]!;
  const item = e.getTreeItem(more);
  assert.equal(item.label, 'Show more…');
  assert.equal(item.command?.command, ex.SHOW_MORE_COMMAND);
  assert.equal(queries.length, 1);
  e.showMore(more as InstanceType<Explorer['ShowMoreNode']>);
  children = await e.getChildren(schema);
  assert.equal(children.length, 2 * ex.EXPLORER_PAGE_SIZE + 1);
  assert.equal(e.getTreeItem(children[ex.EXPLORER_PAGE_SIZE]!).label, `T${String(ex.EXPLORER_PAGE_SIZE).padStart(5, '0')}`);
  assert.equal(queries.length, 2, 'the first page was not read again');
  // Every page, to the views at the end: tables first, then views, nothing twice, nothing missing.
  for (let last = children[children.length - 1]!; last.kind === 'more'; last = children[children.length - 1]!) {
    e.showMore(last);
    children = await e.getChildren(schema);
  }
  const labels = children.map((c) => String(e.getTreeItem(c).label));
  assert.equal(labels.length, 10_002);
  assert.equal(new Set(labels).size, 10_002);
  assert.deepEqual(labels.slice(-3), ['T09999', 'V1', 'V2']);
  // Refresh starts again from the first page.
  e.refresh(schema);
  assert.equal((await e.getChildren(schema)).length, ex.EXPLORER_PAGE_SIZE + 1);
});
