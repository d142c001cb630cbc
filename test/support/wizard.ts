/**
 * A wizard controller for tests and measurements of the versions page: on table dbo.T (one real
 * column, x) of a database that runs nothing, with one local-kind registry over `source`, the
 * product's rules and model reader, and no deploy, script or logging behind it.
 */
import type { ModelSource } from '../../src/models/source.js';
import { WizardController } from '../../src/wizard/controller.js';
import { readModelForWizard } from '../../src/wizard/model-reader.js';
import { defaultWizardParts } from '../../src/wizard/parts.js';
import type { HostMessage } from '../../src/wizard/protocol.js';
import type { WizardDatabase } from '../../src/wizard/services.js';

export function openWizardOver(
  source: ModelSource,
  hooks: { post: (m: HostMessage) => void; showError?: (message: string) => void },
): Promise<WizardController> {
  const db = { connectionName: 'c', target: 'synapse-dedicated', sql: {} as WizardDatabase['sql'], release: () => {} } as WizardDatabase;
  const parts = defaultWizardParts();
  return WizardController.open({
    table: { schema: 'dbo', name: 'T' },
    db,
    catalog: { listTables: async () => [], columns: async () => [{ name: 'x', type: 'real' }], objectExists: async () => false, modelTables: async () => [] },
    registries: [{ name: 'r', kind: 'local', source }],
    rules: parts.rulesFor('synapse-dedicated'),
    readModel: readModelForWizard,
    preview: parts.previewFor(db),
    deploy: async () => ({ script: '' }),
    post: hooks.post,
    openScript: async () => {},
    close: () => {},
    showError: hooks.showError ?? (() => {}),
    log: { info: () => {}, warn: () => {}, error: () => {} },
  });
}
