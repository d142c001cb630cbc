/**
 * The SQL pool explorer: connection → database → schema → tables and views → columns.
 * Children load lazily from the catalog; a failure shows as a child of the node that failed, with
 * the message, an error icon and a Retry.
 */
import * as vscode from 'vscode';
import { listColumnsPage, listObjectsPage, listSchemas, type CatalogColumn, type CatalogObjectKind, type ObjectCursor } from '../sql/catalog.js';
import { EXPLORER_PAGE_SIZE } from './page-size.js';
import { PagedChildren } from './paging.js';
import type { ConnectionProfile } from '../connections/config.js';
import type { ConnectionStore, SessionManager } from '../connections/store.js';
import type { WizardTableRef } from '../wizard/services.js';
import { ModelsNode, isModelsTreeNode, modelsChildren, modelsTreeItem, type DeployedCatalog, type ModelsTreeNode } from './models.js';
import { messageOf } from '../common/errors.js';

export const EXPLORER_VIEW = 'predictWizard.explorer';
export const RETRY_COMMAND = 'predictWizard.explorer.retry';
export const REFRESH_COMMAND = 'predictWizard.explorer.refresh';
export const SHOW_MORE_COMMAND = 'predictWizard.explorer.showMore';
export { EXPLORER_PAGE_SIZE };

export type ExplorerNode = ConnectionNode | DatabaseNode | SchemaNode | ObjectNode | ColumnNode | ErrorNode | InfoNode | ShowMoreNode | ModelsTreeNode;

export class ConnectionNode {
  readonly kind = 'connection';
  constructor(readonly profile: ConnectionProfile) {}
  get connectionName(): string {
    return this.profile.name;
  }
  get id(): string {
    return `c/${this.profile.name}`;
  }
}

export class DatabaseNode {
  readonly kind = 'database';
  constructor(
    readonly connectionName: string,
    readonly database: string,
  ) {}
  get id(): string {
    return `c/${this.connectionName}/d/${this.database}`;
  }
}

export class SchemaNode {
  readonly kind = 'schema';
  constructor(
    readonly connectionName: string,
    readonly database: string,
    readonly schema: string,
  ) {}
  get id(): string {
    return `c/${this.connectionName}/d/${this.database}/s/${this.schema}`;
  }
}

/** A table or a view. Table items have contextValue `table` (the wizard's menu attaches to it). */
export class ObjectNode {
  readonly kind = 'object';
  constructor(
    readonly connectionName: string,
    readonly database: string,
    readonly schema: string,
    readonly name: string,
    readonly objectKind: CatalogObjectKind,
  ) {}
  get table(): { schema: string; name: string } {
    return { schema: this.schema, name: this.name };
  }
  get id(): string {
    return `c/${this.connectionName}/d/${this.database}/s/${this.schema}/o/${this.name}`;
  }
}

export class ColumnNode {
  readonly kind = 'column';
  constructor(
    readonly parent: ObjectNode,
    readonly column: CatalogColumn,
  ) {}
  get id(): string {
    return `${this.parent.id}/col/${this.column.name}`;
  }
}

export class ErrorNode {
  readonly kind = 'error';
  constructor(
    readonly parent: ExplorerNode | undefined,
    readonly message: string,
  ) {}
  get id(): string {
    return `${this.parent?.id ?? ''}/error`;
  }
}

export class InfoNode {
  readonly kind = 'info';
  constructor(
    readonly parent: ExplorerNode,
    readonly message: string,
  ) {}
  get id(): string {
    return `${this.parent.id}/info`;
  }
}

/** The last child of a schema or table whose catalog has more than the pages shown: click to load the next page. */
export class ShowMoreNode {
  readonly kind = 'more';
  constructor(
    readonly parent: SchemaNode | ObjectNode,
    readonly shown: number,
  ) {}
  get id(): string {
    return `${this.parent.id}/more`;
  }
}

export class SqlPoolExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Set when the model lifecycle is registered: each database then shows a Models node. */
  deployedModels?: DeployedCatalog;
  private readonly objectPages = new PagedChildren<ObjectNode, ObjectCursor>(EXPLORER_PAGE_SIZE);
  private readonly columnPages = new PagedChildren<ColumnNode, number>(EXPLORER_PAGE_SIZE);

  constructor(
    private readonly store: ConnectionStore,
    private readonly sessions: SessionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = store.onDidChange(() => this.refresh());
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** Reloads `node`'s children, or the whole tree. */
  refresh(node?: ExplorerNode): void {
    this.objectPages.forget(node?.id);
    this.columnPages.forget(node?.id);
    this.changed.fire(node);
  }

  /** Show more: the next page of the node's parent, appended to what it shows. */
  showMore(node: ShowMoreNode): void {
    const pages = node.parent.kind === 'schema' ? this.objectPages : this.columnPages;
    if (pages.showMore(node.parent.id)) this.changed.fire(node.parent);
  }

  /** Retry: reload the node whose children failed (reconnecting when the connection was lost). */
  async retry(node: ErrorNode): Promise<void> {
    if (node.parent && 'connectionName' in node.parent) await this.sessions.close(node.parent.connectionName);
    this.refresh(node.parent);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (isModelsTreeNode(node)) return modelsTreeItem(node);
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'connection': {
        const p = node.profile;
        const item = new vscode.TreeItem(p.name, C.Collapsed);
        item.id = node.id;
        item.description = connectionDescription(p);
        item.iconPath = new vscode.ThemeIcon(p.authenticationType === 'LocalPool' ? 'server-environment' : 'server');
        item.contextValue = p.authenticationType === 'LocalPool' ? 'connection.localPool' : 'connection';
        item.tooltip = new vscode.MarkdownString(
          `**${escapeMd(p.name)}**\n\n${escapeMd(serverText(p))} · database ${escapeMd(p.database)}\n\n` +
            `sign-in: ${p.authenticationType === 'AzureMFA' ? 'Microsoft Entra ID' : p.authenticationType === 'LocalPool' ? 'local pool' : `SQL login ${escapeMd(p.user ?? '')}`}` +
            ` · encrypt ${p.encrypt ?? (p.authenticationType === 'LocalPool' ? 'strict' : 'mandatory')}`,
        );
        return item;
      }
      case 'database': {
        const item = new vscode.TreeItem(node.database, C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = 'database';
        item.tooltip = `Database ${node.database} on '${node.connectionName}'`;
        return item;
      }
      case 'schema': {
        const item = new vscode.TreeItem(node.schema, C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'schema';
        item.tooltip = `Schema ${node.schema}`;
        return item;
      }
      case 'object': {
        const item = new vscode.TreeItem(node.name, C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.objectKind === 'view' ? 'eye' : 'table');
        item.contextValue = node.objectKind;
        item.description = node.objectKind === 'view' ? 'view' : undefined;
        item.tooltip = `${node.objectKind === 'view' ? 'View' : 'Table'} ${node.schema}.${node.name}`;
        return item;
      }
      case 'column': {
        const c = node.column;
        const item = new vscode.TreeItem(c.name, C.None);
        item.id = node.id;
        item.description = `${c.typeText}${c.nullable ? '' : ' not null'}${c.isKey ? ', key' : ''}`;
        item.iconPath = new vscode.ThemeIcon(c.isKey ? 'key' : 'symbol-field');
        item.contextValue = 'column';
        item.tooltip = `${c.name} ${c.typeText} ${c.nullable ? 'NULL' : 'NOT NULL'}${c.isKey ? ' (primary key)' : ''}${c.type ? '' : '\nThis type cannot be a model input.'}`;
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = `${node.message}\n\nClick to retry.`;
        item.contextValue = 'error';
        item.command = { command: RETRY_COMMAND, title: 'Retry', arguments: [node] };
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.message, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('info');
        item.contextValue = 'info';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Show more…', C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = 'more';
        item.tooltip = `${node.shown} shown; click to load the next ${EXPLORER_PAGE_SIZE}`;
        item.command = { command: SHOW_MORE_COMMAND, title: 'Show more', arguments: [node] };
        return item;
      }
    }
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node instanceof ModelsNode) return new DatabaseNode(node.connectionName, node.database);
    if (isModelsTreeNode(node)) return node.parent;
    switch (node.kind) {
      case 'connection':
        return undefined;
      case 'database': {
        const p = this.store.get(node.connectionName);
        return p ? new ConnectionNode(p) : undefined;
      }
      case 'schema':
        return new DatabaseNode(node.connectionName, node.database);
      case 'object':
        return new SchemaNode(node.connectionName, node.database, node.schema);
      case 'column':
        return node.parent;
      case 'error':
      case 'info':
      case 'more':
        return node.parent;
    }
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.store.profiles().map((p) => new ConnectionNode(p));
    try {
      switch (node.kind) {
        case 'connection':
          // Sign in when the connection opens, so a refused login shows here and not one level down.
          await this.sessions.connection(node.profile.name, node.profile.database);
          return [new DatabaseNode(node.profile.name, node.profile.database)];
        case 'database': {
          const conn = await this.sessions.connection(node.connectionName, node.database);
          const schemas = await listSchemas(conn);
          const models = this.deployedModels ? [ModelsNode.of(node.connectionName, node.database)] : [];
          if (!schemas.length) return [...models, new InfoNode(node, 'No schemas you can see')];
          return [...models, ...schemas.map((s) => new SchemaNode(node.connectionName, node.database, s))];
        }
        case 'schema': {
          // Tables first, then views, each in the server's name order; a page at a time.
          const list = await this.objectPages.load(node.id, async (after, limit) => {
            const conn = await this.sessions.connection(node.connectionName, node.database);
            const page = await listObjectsPage(conn, node.schema, { limit, after });
            return { items: page.objects.map((o) => new ObjectNode(node.connectionName, node.database, node.schema, o.name, o.kind)), next: page.next };
          });
          if (!list.items.length) return [new InfoNode(node, 'No tables or views')];
          return list.hasMore ? [...list.items, new ShowMoreNode(node, list.items.length)] : [...list.items];
        }
        case 'object': {
          const list = await this.columnPages.load(node.id, async (afterOrdinal, limit) => {
            const conn = await this.sessions.connection(node.connectionName, node.database);
            const page = await listColumnsPage(conn, node.table, { limit, afterOrdinal });
            return { items: page.columns.map((c) => new ColumnNode(node, c)), next: page.next };
          });
          return list.hasMore ? [...list.items, new ShowMoreNode(node, list.items.length)] : [...list.items];
        }
        case 'models':
        case 'model':
        case 'scoringObject':
          return await this.modelsChildren(node);
        default:
          return [];
      }
    } catch (e) {
      const message = messageOf(e);
      this.log.error(`Explorer: loading ${node.id} failed: ${message}`);
      return [new ErrorNode(node, message)];
    }
  }

  /** The Models node's children (src/tree/models.ts). */
  private async modelsChildren(node: ModelsTreeNode): Promise<ExplorerNode[]> {
    if (!this.deployedModels) return [];
    const children = await modelsChildren(node, () => this.sessions.connection(node.connectionName, node.database), this.deployedModels);
    return Array.isArray(children) ? children : [new InfoNode(node, children.message)];
  }
}

/** The wizard's view of a table node (its `tableFromNode` service). */
export function tableFromNode(node: unknown): WizardTableRef | undefined {
  if (node instanceof ObjectNode && node.objectKind === 'table') return { connectionName: node.connectionName, table: node.table };
  return undefined;
}

/**
 * The server as the explorer shows it: `host:port`, the form connection messages use
 * ("Login failed for user 'sa' on host:port"), so the tree and its errors name it alike.
 */
export function serverText(p: Pick<ConnectionProfile, 'server' | 'port'>): string {
  return `${p.server}:${p.port ?? 1433}`; // as endpointText in src/sql/client/connection.ts
}

/** The connection node's description: `host:port/database (who)`. */
export function connectionDescription(p: ConnectionProfile): string {
  const who = p.authenticationType === 'AzureMFA' ? 'Microsoft Entra' : p.authenticationType === 'LocalPool' ? 'local pool' : (p.user ?? '');
  return `${serverText(p)}/${p.database} (${who})`;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
