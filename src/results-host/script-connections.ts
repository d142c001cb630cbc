/**
 * Which connection each open SQL document belongs to: the connection of a script the wizard opened,
 * or the one Run Script last used on the document. Run Script runs there without asking and asks
 * only for a document it does not know. Keyed by the document's URI; forgotten when it closes.
 */
export class ScriptConnections {
  private readonly byUri = new Map<string, string>();

  remember(uri: string, connectionName: string): void {
    this.byUri.set(uri, connectionName);
  }

  get(uri: string): string | undefined {
    return this.byUri.get(uri);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}

/** The extension's one map, shared by the wizard (which opens scripts) and Run Script. */
export const scriptConnections = new ScriptConnections();
