/**
 * Registers the wizard's command and panel serializer at activation. Everything behind them (the
 * panel, the controller, the model readers, script generation and deploy: host.ts and what it
 * imports) is a bundle of its own, loaded the first time the command runs or a panel is restored.
 */
import * as vscode from 'vscode';
import { messageOf } from '../common/errors.js';
import type { WizardParts } from '../wizard/parts.js';
import type { WizardServices } from '../wizard/services.js';

export const PREDICT_COMMAND = 'predictWizard.predictWithModel';
export const WIZARD_VIEW_TYPE = 'predictWizard.wizard';
/** Reveals a deployed object in the SQL Pools view (the deploy notification's action). */
export const REVEAL_OBJECT_COMMAND = 'predictWizard.explorer.revealObject';

/** Registers the command and the panel serializer. Called by extension.ts's activate(). */
export function registerWizard(context: vscode.ExtensionContext, services: WizardServices, parts?: WizardParts): vscode.Disposable {
  /** The host module, or undefined (said to the user) when its bundle cannot load. */
  const host = async () => {
    try {
      return await import('./host.js');
    } catch (e) {
      const message = `Predict with a model could not load its wizard (dist/wizard-host.js): ${messageOf(e)}. Reinstall the extension.`;
      services.log.error(message, e);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  };
  const all = vscode.Disposable.from(
    vscode.commands.registerCommand(PREDICT_COMMAND, async (node?: unknown) => {
      const startedAt = performance.now();
      return (await host())?.predictWithModel(context, services, node, parts, startedAt);
    }),
    vscode.window.registerWebviewPanelSerializer(WIZARD_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown) {
        const h = await host();
        if (h) await h.restoreWizard(context, services, panel, saved, parts);
        else panel.dispose();
      },
    }),
  );
  context.subscriptions.push(all);
  return all;
}
