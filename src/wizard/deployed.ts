/**
 * What the user sees once a deploy has stored the model: the script in an editor tab named after the
 * object (`CustomerPrediction.sql`), remembered as belonging to the wizard's connection, and a
 * notification saying what was stored with Run Script and Reveal in SQL Pools. The pure parts
 * (names and wording) are exported for tests.
 */
import { displayObjectName, type ObjectName } from '../sql/names.js';
import type { WizardPlan } from './state.js';

/**
 * The untitled document's name for a script that creates `object`: `<name>.sql`, or `<name>-2.sql`,
 * `<name>-3.sql`, … when an open untitled document already has that name (compared case-insensitively).
 */
export function scriptDocumentName(object: ObjectName, openNames: Iterable<string>): string {
  const taken = new Set([...openNames].map((n) => n.toLowerCase()));
  const base = object.name.replace(/[\\/:*?"<>|\s]+/g, '_') || 'script';
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}.sql` : `${base}-${i}.sql`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** The notification after a deploy: what is stored where, and what running the script creates. */
export function deployedMessage(plan: Pick<WizardPlan, 'modelId' | 'modelTable' | 'createModelTable' | 'scriptType' | 'scriptName'>): string {
  const table = `${plan.createModelTable ? 'the new table' : ''} ${displayObjectName(plan.modelTable)}`.trim();
  const object = `${plan.scriptType === 'view' ? 'view' : 'stored procedure'} ${displayObjectName(plan.scriptName)}`;
  return `Model ${plan.modelId} is stored in ${table}. Run the script to create the ${object}.`;
}
