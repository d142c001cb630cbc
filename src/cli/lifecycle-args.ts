/**
 * The command line of the lifecycle commands (deployed, upgrade, rollback, compare, delete-model):
 * their options, help texts and typed requests. Pure, like args.ts, which dispatches here; the
 * helpers args.ts owns (connection options, messages) are passed in rather than imported.
 */
import type { ParseArgsConfig } from 'node:util';
import type { ObjectName } from '../sql/names.js';
import { PROGRAM } from './constants.js';
import type { UsageError } from './errors.js';

export type LifecycleCommandName = 'deployed' | 'upgrade' | 'rollback' | 'compare' | 'delete-model';
export const LIFECYCLE_COMMANDS: readonly LifecycleCommandName[] = ['deployed', 'upgrade', 'rollback', 'compare', 'delete-model'];

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What args.ts lends: its parsers of shared options and its way of writing a usage message. */
export interface ArgHelpers<Sql> {
  readonly sqlOptions: (command: LifecycleCommandName, values: Values) => Sql;
  readonly usage: (command: LifecycleCommandName, message: string) => UsageError;
  readonly objectName: (command: LifecycleCommandName, key: string, text: string) => ObjectName;
}

export const LIFECYCLE_OPTIONS: Readonly<Record<LifecycleCommandName, Options>> = {
  deployed: { json: { type: 'boolean' } },
  upgrade: { object: { type: 'string' }, registry: { type: 'string' }, model: { type: 'string' }, 'delete-old': { type: 'boolean' } },
  rollback: { object: { type: 'string' }, to: { type: 'string' }, 'delete-old': { type: 'boolean' } },
  compare: { object: { type: 'string' }, model: { type: 'string' }, rows: { type: 'string' }, json: { type: 'boolean' } },
  'delete-model': { id: { type: 'string' }, table: { type: 'string' } },
};

export type LifecycleCommand<Sql> =
  | { readonly command: 'deployed'; readonly sql: Sql; readonly json: boolean; readonly verbose: boolean }
  | {
      readonly command: 'upgrade';
      readonly sql: Sql;
      readonly object: ObjectName;
      readonly registry: string;
      readonly model: { readonly name: string; readonly version?: string };
      readonly deleteOld: boolean;
      readonly verbose: boolean;
    }
  | {
      readonly command: 'rollback';
      readonly sql: Sql;
      readonly object: ObjectName;
      readonly to?: string;
      readonly deleteOld: boolean;
      readonly verbose: boolean;
    }
  | {
      readonly command: 'compare';
      readonly sql: Sql;
      readonly object: ObjectName;
      readonly model: string;
      readonly rows: number;
      readonly json: boolean;
      readonly verbose: boolean;
    }
  | { readonly command: 'delete-model'; readonly sql: Sql; readonly id: string; readonly table?: ObjectName; readonly verbose: boolean };

export const LIFECYCLE_MAIN_HELP = `  deployed    list the model tables, their models and the views and procedures that use each
  upgrade     move a view or procedure to another model version (stored first), checked like the wizard
  rollback    move a view or procedure back to a version still in the model table
  compare     score a view's or procedure's first rows with its version and another, side by side
  delete-model  delete a model row that no view or procedure uses`;

export function lifecycleHelp(sqlHelp: string, registryHelp: string, commonHelp: string): Readonly<Record<LifecycleCommandName, string>> {
  const conn = `--server <host[:port]> --database <db> --user <login>`;
  return {
    deployed: `Usage: ${PROGRAM} deployed ${conn} [--json]

Lists every model table (a table with ID and model columns), its models (ID, size, created) and the
views and stored procedures that score with each, found from their definitions.

${sqlHelp}
Output:
  --json                       print JSON instead of a table
${commonHelp}
`,
    upgrade: `Usage: ${PROGRAM} upgrade ${conn} --object <schema.name>
                      --registry <where> --model <name[:version]> [--delete-old]

Moves a view or stored procedure that uses PREDICT to another model version: reads its mapping back
from its definition, checks the version's ONNX graph against it with the wizard's rules, stores the
version's row in the object's model table (one transaction), then changes the object with one ALTER.
A failure at any step leaves the object working and says which version it uses.

${sqlHelp}
Upgrade:
  --object <schema.name>       the view or stored procedure to move
${registryHelp}
  --model <name[:version]>     the version to move to; without a version, the newest ONNX version
  --delete-old                 delete the row the object used before, when nothing else uses it
${commonHelp}
`,
    rollback: `Usage: ${PROGRAM} rollback ${conn} --object <schema.name> [--to <name:version>] [--delete-old]

Points a view or stored procedure back to a version still in its model table: by default the
highest version of the same model below the one it uses now.

${sqlHelp}
Rollback:
  --object <schema.name>       the view or stored procedure to move back
  --to <name:version>          the model ID to use (default: the previous version)
  --delete-old                 delete the row the object used before, when nothing else uses it
${commonHelp}
`,
    compare: `Usage: ${PROGRAM} compare ${conn} --object <schema.name> --model <name:version> [--rows N] [--json]

Scores the first rows of the object's source table, with its own mapping and casts, with the version
it uses and with another version in its model table, in ONNX Runtime; prints the agreement, a
confusion table (classifiers) or the mean and largest absolute difference (regressors), and the rows
that differ most. Nothing is deployed.

${sqlHelp}
Compare:
  --object <schema.name>       the view or stored procedure whose rows and mapping are used
  --model <name:version>       the other version (its row must be in the object's model table)
  --rows <n>                   how many rows to score (default 1000)
  --json                       print JSON instead of tables
${commonHelp}
`,
    'delete-model': `Usage: ${PROGRAM} delete-model ${conn} --id <name:version> [--table <schema.table>]

Deletes one model row, in one statement. Refused while any view or stored procedure scores with it
(they are listed). Running the command is the confirmation.

${sqlHelp}
Delete:
  --id <name:version>          the model row's ID
  --table <schema.table>       the model table (needed when several tables hold that ID)
${commonHelp}
`,
  };
}

function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

/** The request of a lifecycle command, from parseArgs's values. */
export function parseLifecycle<Sql>(command: LifecycleCommandName, values: Values, verbose: boolean, h: ArgHelpers<Sql>): LifecycleCommand<Sql> {
  const sql = h.sqlOptions(command, values);
  const required = (key: string, what: string): string => {
    const v = str(values, key)?.trim();
    if (!v) throw h.usage(command, `--${key} is required: ${what}`);
    return v;
  };
  const id = (key: string, text: string): string => {
    const at = text.lastIndexOf(':');
    if (at <= 0 || at === text.length - 1) throw h.usage(command, `--${key} '${text}' must be a model ID name:version, e.g. aml-synapse-classifier:1`);
    return text;
  };
  const object = () => h.objectName(command, 'object', required('object', 'the view or stored procedure, e.g. --object wwi_ml.CustomerPrediction'));
  const json = values.json === true;
  const deleteOld = values['delete-old'] === true;
  switch (command) {
    case 'deployed':
      return { command, sql, json, verbose };
    case 'upgrade': {
      const obj = object();
      const registry = required('registry', 'where the new version is (a folder, an .onnx file or an MLflow server URL)');
      const text = required('model', 'the version to move to, e.g. --model aml-synapse-classifier:2');
      const at = text.lastIndexOf(':');
      const model = at < 0 ? { name: text } : { name: text.slice(0, at).trim(), version: text.slice(at + 1).trim() };
      if (!model.name || model.version === '') {
        throw h.usage(command, `--model '${text}' must be a model name, optionally with :version (e.g. aml-synapse-classifier:2)`);
      }
      return { command, sql, object: obj, registry, model, deleteOld, verbose };
    }
    case 'rollback': {
      const obj = object();
      const to = str(values, 'to')?.trim();
      return { command, sql, object: obj, ...(to ? { to: id('to', to) } : {}), deleteOld, verbose };
    }
    case 'compare': {
      const obj = object();
      const model = id('model', required('model', 'the version to compare with, e.g. --model aml-synapse-classifier:2'));
      const rowsText = str(values, 'rows');
      let rows = 1000;
      if (rowsText !== undefined) {
        rows = Number(rowsText);
        if (!/^\d+$/.test(rowsText.trim()) || rows < 1 || rows > 1_000_000) {
          throw h.usage(command, `--rows must be a whole number from 1 to 1000000, not '${rowsText}'`);
        }
      }
      return { command, sql, object: obj, model, rows, json, verbose };
    }
    case 'delete-model': {
      const modelId = id('id', required('id', 'the model row to delete, e.g. --id aml-synapse-classifier:1'));
      const tableText = str(values, 'table');
      return { command, sql, id: modelId, ...(tableText?.trim() ? { table: h.objectName(command, 'table', tableText.trim()) } : {}), verbose };
    }
  }
}
