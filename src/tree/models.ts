/**
 * The explorer's Models node: under each database, the rows of every model table, and under each
 * model the views and procedures that score with it. Loaded when the Models node opens (one read
 * of the model tables, their rows and the scoring objects); a failure shows on the Models node.
 */
import * as vscode from 'vscode';
import type { CatalogRunner } from '../sql/catalog.js';
import { displayObjectName } from '../sql/names.js';
import type { DeployedModel, ModelTableRef, ScoringObject } from '../lifecycle/types.js';
import { usersOf } from '../lifecycle/deployed.js';
import { modelDescription, modelLabel, modelTooltip, scoringObjectDescription } from './model-items.js';

/** The core's reads of what is deployed (src/lifecycle/deployed.ts), loaded when first needed. */
export interface DeployedCatalog {
  listModelTables(db: CatalogRunner): Promise<ModelTableRef[]>;
  listDeployedModels(db: CatalogRunner, table: ModelTableRef): Promise<DeployedModel[]>;
  listScoringObjects(db: CatalogRunner): Promise<ScoringObject[]>;
}

export class ModelsNode {
  readonly kind = 'models';
  private static readonly shown = new Map<string, ModelsNode>();
  /**
   * The one node of a database: VS Code knows tree elements by identity, so a refresh after a change
   * must fire the very object the tree holds.
   */
  static of(connectionName: string, database: string): ModelsNode {
    const key = JSON.stringify([connectionName, database]);
    let node = ModelsNode.shown.get(key);
    if (!node) ModelsNode.shown.set(key, (node = new ModelsNode(connectionName, database)));
    return node;
  }
  private constructor(
    readonly connectionName: string,
    readonly database: string,
  ) {}
  get id(): string {
    return `c/${this.connectionName}/d/${this.database}/models`;
  }
}

/** One row of a model table, with the objects that use it (read with it). */
export class ModelNode {
  readonly kind = 'model';
  constructor(
    readonly parent: ModelsNode,
    readonly model: DeployedModel,
    readonly users: readonly ScoringObject[],
    /** Every row of the same model table (Roll back offers these). */
    readonly siblings: readonly DeployedModel[],
    readonly showTable: boolean,
  ) {}
  get connectionName(): string {
    return this.parent.connectionName;
  }
  get database(): string {
    return this.parent.database;
  }
  get id(): string {
    return `${this.parent.id}/t/${displayObjectName(this.model.modelTable.table)}/m/${this.model.id}`;
  }
}

/** A view or procedure that scores with its parent's model. */
export class ScoringObjectNode {
  readonly kind = 'scoringObject';
  constructor(
    readonly parent: ModelNode,
    readonly object: ScoringObject,
  ) {}
  get connectionName(): string {
    return this.parent.connectionName;
  }
  get database(): string {
    return this.parent.database;
  }
  get id(): string {
    return `${this.parent.id}/u/${this.object.kind}/${displayObjectName(this.object.name)}`;
  }
}

export type ModelsTreeNode = ModelsNode | ModelNode | ScoringObjectNode;

export function isModelsTreeNode(node: unknown): node is ModelsTreeNode {
  return node instanceof ModelsNode || node instanceof ModelNode || node instanceof ScoringObjectNode;
}

/** A short message child (nothing deployed, nothing uses it); the explorer makes it an InfoNode. */
export interface EmptyChild {
  readonly message: string;
}

/** The children of a Models or model node; a message when there are none. */
export async function modelsChildren(node: ModelsTreeNode, db: () => Promise<CatalogRunner>, catalog: DeployedCatalog): Promise<ModelsTreeNode[] | EmptyChild> {
  switch (node.kind) {
    case 'models': {
      const conn = await db();
      const tables = await catalog.listModelTables(conn);
      if (!tables.length) return { message: 'No model tables (a table with ID and model columns)' };
      const objects = await catalog.listScoringObjects(conn);
      const nodes: ModelNode[] = [];
      for (const t of tables) {
        const rows = await catalog.listDeployedModels(conn, t);
        for (const m of rows) nodes.push(new ModelNode(node, m, usersOf(objects, t.table, m.id), rows, tables.length > 1));
      }
      if (!nodes.length) return { message: `No models stored in ${tables.map((t) => displayObjectName(t.table)).join(', ')}` };
      return nodes;
    }
    case 'model':
      if (!node.users.length) return { message: 'No view or procedure scores with it' };
      return node.users.map((o) => new ScoringObjectNode(node, o));
    case 'scoringObject':
      return [];
  }
}

export function modelsTreeItem(node: ModelsTreeNode): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'models': {
      const item = new vscode.TreeItem('Models', C.Collapsed);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'models';
      item.tooltip = 'The rows of every model table in this database, and the views and procedures that score with them';
      return item;
    }
    case 'model': {
      const m = node.model;
      const item = new vscode.TreeItem(modelLabel(m), C.Collapsed);
      item.id = node.id;
      item.description = modelDescription(m, { showTable: node.showTable, users: node.users.length });
      item.iconPath = new vscode.ThemeIcon(node.users.length ? 'package' : 'archive');
      item.contextValue = node.users.length ? 'deployedModel.inUse' : 'deployedModel';
      item.tooltip = new vscode.MarkdownString(modelTooltip(m, node.users));
      return item;
    }
    case 'scoringObject': {
      const o = node.object;
      const item = new vscode.TreeItem(displayObjectName(o.name), C.None);
      item.id = node.id;
      item.description = scoringObjectDescription(o);
      item.iconPath = new vscode.ThemeIcon(o.kind === 'view' ? 'eye' : 'symbol-method');
      item.contextValue = `scoringObject.${o.kind}`;
      item.tooltip = `${o.kind === 'view' ? 'View' : 'Stored procedure'} ${displayObjectName(o.name)} scores with ${o.modelId} from ${displayObjectName(o.modelTable)}`;
      return item;
    }
  }
}
