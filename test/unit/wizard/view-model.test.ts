import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { castWarning } from '../../../src/wizard/mapping.js';
import { parseSqlType } from '../../../src/sql/types.js';
import type { InputRowView, ModelVersionRow, WizardView } from '../../../src/wizard/protocol.js';
import { footerReason, groupOpen, groupVersions, inputWarnings } from '../../../webview-ui/src/view-model.js';
import { parseCastWarning, shownScript, visibleVersionRows } from '../../../webview-ui/src/view-model.js';

function version(name: string, v: string, created: string): ModelVersionRow {
  return { key: `${name}:${v}`, name, version: v, created, createdBy: '', framework: 'onnx' };
}

function input(id: number, column: string, from: string, to: string, other: string[] = []): InputRowView {
  const w = castWarning(column, parseSqlType(from), parseSqlType(to));
  return { id, sourceColumn: column, modelInput: column, inputType: to, warnings: [...other, ...(w ? [w] : [])], errors: {} };
}

describe('page 1: versions grouped by model', () => {
  // As the host sends them: newest first.
  const rows = [
    version('aml-synapse-classifier', '2', '2026-03-02'),
    version('broken-model', '7', '2026-03-01'),
    version('aml-synapse-classifier', '1', '2026-02-01'),
    version('broken-model', '6', '2026-01-01'),
    version('aml-synapse-classifier', '0', '2025-12-01'),
  ];

  test('one group per model, in the order of its newest version, older versions newest first', () => {
    const g = groupVersions(rows);
    assert.deepEqual(
      g.map((x) => [x.name, x.latest.version, x.older.map((o) => o.version)]),
      [
        ['aml-synapse-classifier', '2', ['1', '0']],
        ['broken-model', '7', ['6']],
      ],
    );
  });

  test('older versions are folded until the group is opened, holds the chosen version, or a search runs', () => {
    const g = groupVersions(rows);
    const shown = (opened: string[], selected: string, search: string) =>
      visibleVersionRows(g, (name) =>
        groupOpen(
          g.find((x) => x.name === name)!,
          new Set(opened),
          selected,
          search,
        ),
      ).map((r) => r.key);
    assert.deepEqual(shown([], '', ''), ['aml-synapse-classifier:2', 'broken-model:7']);
    assert.deepEqual(shown(['broken-model'], '', ''), ['aml-synapse-classifier:2', 'broken-model:7', 'broken-model:6']);
    assert.deepEqual(shown([], 'aml-synapse-classifier:1', ''), [
      'aml-synapse-classifier:2',
      'aml-synapse-classifier:1',
      'aml-synapse-classifier:0',
      'broken-model:7',
    ]);
    assert.equal(shown([], '', 'a').length, rows.length);
  });
});

describe('page 2: lossy-cast warnings', () => {
  test("reads the wizard's own cast warning", () => {
    const w = castWarning('Cost', parseSqlType('float'), parseSqlType('real'))!;
    const c = parseCastWarning(w)!;
    assert.deepEqual([c.column, c.from, c.to], ['Cost', 'float', '[real]']);
    assert.ok(c.reasons.startsWith('real keeps about 7 significant digits'), c.reasons);
    const s = parseCastWarning(castWarning('Name', parseSqlType('nvarchar(30)'), parseSqlType('varchar(10)'))!)!;
    assert.deepEqual([s.column, s.from, s.to], ['Name', 'nvarchar(30)', '[varchar](10)']);
  });

  test('rows sharing a cast get one summary above the grid and one short line each', () => {
    const rows = [
      input(1, 'Cost', 'float', 'real'),
      input(2, 'Margin', 'float', 'real', ['Column "Margin" also feeds input "x"; check that this is intended.']),
      input(3, 'Tax', 'float', 'real'),
      input(4, 'Age', 'bigint', 'int'),
      input(5, 'Key', 'int', 'int'),
    ];
    const w = inputWarnings(rows);
    assert.equal(w.summaries.length, 1);
    assert.deepEqual([w.summaries[0]!.from, w.summaries[0]!.to, w.summaries[0]!.columns], ['float', '[real]', ['Cost', 'Margin', 'Tax']]);
    assert.deepEqual(
      w.rows.get(1)!.map((x) => x.short),
      ['float → [real] can lose data (see above)'],
    );
    assert.equal(w.rows.get(1)![0]!.detail, rows[0]!.warnings[0], 'the whole warning stays in the note');
    assert.deepEqual(
      w.rows.get(2)!.map((x) => x.short),
      ['Column "Margin" also feeds input "x"; check that this is intended.', 'float → [real] can lose data (see above)'],
    );
    assert.deepEqual(
      w.rows.get(4)!.map((x) => x.short),
      ['bigint → [int] can lose data'],
      'a cast on one row only: no summary',
    );
    assert.deepEqual(w.rows.get(5), []);
  });
});

describe('footer and page 3', () => {
  const base = { page: 'store', blockedReason: 'An object named wwi_ml.X already exists.', mappingErrors: [], inputs: [], outputs: [] };

  test('the footer does not repeat an error the page shows beside its field', () => {
    const scriptName = { text: 'wwi_ml.X', error: 'An object named wwi_ml.X already exists.' };
    const v = { ...base, scriptName, modelTableMode: 'existing', newTableName: { text: '' } };
    assert.equal(footerReason(v as unknown as WizardView), undefined);
    const other = { ...v, scriptName: { text: 'wwi_ml.X' }, blockedReason: 'Generating the script failed.' };
    assert.equal(footerReason(other as unknown as WizardView), 'Generating the script failed.');
  });

  test('the last valid script stays shown, marked stale, while a field is wrong', () => {
    assert.deepEqual(shownScript('CREATE VIEW b', 'CREATE VIEW a'), { text: 'CREATE VIEW b', stale: false });
    assert.deepEqual(shownScript('', 'CREATE VIEW a'), { text: 'CREATE VIEW a', stale: true });
    assert.equal(shownScript('', undefined), undefined);
  });
});
