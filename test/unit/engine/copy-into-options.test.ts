// COPY INTO's statement shape and WITH options: Synapse's documented defaults, terminators in
// T-SQL escapes or hexadecimal, and each refusal naming the option.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBatch } from '../../../src/localpool/engine/parser.js';
import { copyOptions, terminatorText } from '../../../src/localpool/engine/statements/copy-into-options.js';
import type { CopyIntoSpec } from '../../../src/localpool/engine/statements/copy-into-parse.js';

function spec(sql: string): CopyIntoSpec {
  const [st] = parseBatch(sql);
  assert.equal(st?.k, 'copyInto');
  return (st as { copy: CopyIntoSpec }).copy;
}

describe('COPY INTO', () => {
  it('parses the table, a column list with DEFAULT and field numbers, several locations and options', () => {
    const s = spec(`COPY INTO [dbo].[T] (A DEFAULT 'x' 2, [B c] 1, C DEFAULT -1.5) FROM 'a.csv', 'b/*.csv' WITH (FIELDTERMINATOR = ';', FIRSTROW = 2)`);
    assert.deepEqual(s.table.parts, ['dbo', 'T']);
    assert.deepEqual(s.columns, [
      { name: 'A', default: { kind: 'string', text: 'x' }, field: 2 },
      { name: 'B c', default: undefined, field: 1 },
      { name: 'C', default: { kind: 'number', text: '-1.5' }, field: undefined },
    ]);
    assert.deepEqual(s.locations, ['a.csv', 'b/*.csv']);
    assert.deepEqual(
      s.options.map((o) => [o.name, o.value.text]),
      [
        ['FIELDTERMINATOR', ';'],
        ['FIRSTROW', '2'],
      ],
    );
  });

  it("has Synapse's defaults when WITH is left out", () => {
    assert.deepEqual(copyOptions(spec(`COPY INTO T FROM 'a.csv'`).options), {
      fileType: 'CSV',
      firstRow: 1,
      fieldTerminator: ',',
      rowTerminator: undefined,
      fieldQuote: '"',
      encoding: 'UTF8',
      dateFormat: 'mdy',
      maxErrors: 0,
      errorFile: undefined,
      compression: 'auto',
      identityInsert: false,
      autoCreateTable: false,
    });
  });

  it('reads terminators as T-SQL escapes or hexadecimal; \\n means \\r\\n or \\n, 0x0A only \\n', () => {
    assert.equal(terminatorText('\\t'), '\t');
    assert.equal(terminatorText('0x7C7C'), '||');
    assert.equal(copyOptions(spec(`COPY INTO T FROM 'a' WITH (ROWTERMINATOR = '\\n')`).options).rowTerminator, undefined);
    assert.equal(copyOptions(spec(`COPY INTO T FROM 'a' WITH (ROWTERMINATOR = '0x0A')`).options).rowTerminator, '\n');
    assert.equal(copyOptions(spec(`COPY INTO T FROM 'a' WITH (ROWTERMINATOR = '\\r\\n')`).options).rowTerminator, '\r\n');
  });

  it('refuses what it does not run, naming the option', () => {
    const refused = (sql: string, pattern: RegExp): void => assert.throws(() => copyOptions(spec(sql).options), pattern);
    refused(`COPY INTO T FROM 'a' WITH (ROWTERMINATOR = '~~')`, /ROWTERMINATOR '~~'/);
    refused(`COPY INTO T FROM 'a' WITH (FIELDQUOTE = '""')`, /FIELDQUOTE = '""' is not valid: give a single character/);
    refused(`COPY INTO T FROM 'a' WITH (FILE_FORMAT = myformat)`, /FILE_FORMAT/);
    refused(`COPY INTO T FROM 'a' WITH (ENCODING = 'LATIN1')`, /ENCODING = 'LATIN1' is not valid/);
    refused(`COPY INTO T FROM 'a' WITH (DATEFORMAT = 'xyz')`, /DATEFORMAT/);
    refused(`COPY INTO T FROM 'a' WITH (MAXERRORS = 1, MAXERRORS = 2)`, /MAXERRORS is specified more than once/);
    refused(`COPY INTO T FROM 'a' WITH (FILE_TYPE = 'PARQUET', ERRORFILE = 'e')`, /ERRORFILE applies to CSV files only/);
    assert.throws(() => parseBatch(`COPY INTO T FROM a.csv`), /Incorrect syntax near 'a'/);
  });
});
