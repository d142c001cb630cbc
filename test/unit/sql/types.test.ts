import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseSqlType,
  formatSqlType,
  displaySqlType,
  sqlTypeFromCatalog,
  predictInputTypes,
  isPredictInputType,
  castNeeded,
  castTarget,
  castLoss,
  castLossReasons,
  sameSqlType,
  SqlTypeError,
  type SqlType,
} from '../../../src/sql/types.js';

const p = parseSqlType;

test('parses and prints the types of the lab and the model table', () => {
  const cases: [string, string][] = [
    ['nvarchar(30)', '[nvarchar](30)'],
    ['NVARCHAR(30)', '[nvarchar](30)'],
    ['[nvarchar](30)', '[nvarchar](30)'],
    ['[NVarChar] ( 30 )', '[nvarchar](30)'],
    ['varchar(max)', '[varchar](max)'],
    ['varbinary(MAX)', '[varbinary](max)'],
    ['decimal(18,4)', '[decimal](18,4)'],
    ['decimal(18, 4)', '[decimal](18,4)'],
    ['decimal', '[decimal](18,0)'],
    ['numeric(5)', '[numeric](5,0)'],
    ['datetime2(7)', '[datetime2](7)'],
    ['datetime2', '[datetime2](7)'],
    ['datetime2(0)', '[datetime2](0)'],
    ['real', '[real]'],
    ['float', '[float]'],
    ['float(24)', '[real]'],
    ['float(1)', '[real]'],
    ['float(25)', '[float]'],
    ['float(53)', '[float]'],
    ['double precision', '[float]'],
    ['integer', '[int]'],
    ['sysname', '[nvarchar](128)'],
    ['bigint', '[bigint]'],
    ['bit', '[bit]'],
    ['varchar', '[varchar]'],
    ['  int  ', '[int]'],
  ];
  for (const [text, printed] of cases) assert.equal(formatSqlType(p(text)), printed, text);
  assert.deepEqual(p('nvarchar(30)'), { name: 'nvarchar', length: 30 });
  assert.deepEqual(p('decimal(18,4)'), { name: 'decimal', precision: 18, scale: 4 });
  assert.equal(displaySqlType(p('[decimal](10, 2)')), 'decimal(10,2)');
});

test('every malformed type is refused with a message naming the problem', () => {
  const cases: [string, string][] = [
    ['', 'A SQL type cannot be empty; write one such as int, real or nvarchar(50).'],
    ['   ', 'A SQL type cannot be empty; write one such as int, real or nvarchar(50).'],
    [
      'strng',
      "Unknown SQL type 'strng'. Use one of: int, bigint, smallint, tinyint, bit, real, float, decimal(p,s), char(n), varchar(n|max), nchar(n), nvarchar(n|max), varbinary(n|max), date, datetime2(n).",
    ],
    ['nvarchar(5000)', "The SQL type 'nvarchar(5000)': the length of nvarchar must be 1 to 4000, or max."],
    ['varchar(8001)', "The SQL type 'varchar(8001)': the length of varchar must be 1 to 8000, or max."],
    ['char(0)', "The SQL type 'char(0)': the length of char must be 1 to 8000."],
    ['char(max)', "The SQL type 'char(max)': char cannot be max; use varchar(max)."],
    ['nchar(max)', "The SQL type 'nchar(max)': nchar cannot be max; use nvarchar(max)."],
    ['varchar(abc)', "In the SQL type 'varchar(abc)', 'abc' is not a length; use a whole number or max."],
    ['varchar(-1)', "In the SQL type 'varchar(-1)', '-1' is not a length; use a whole number or max."],
    ['varchar(1.5)', "In the SQL type 'varchar(1.5)', '1.5' is not a length; use a whole number or max."],
    ['varchar()', "The SQL type 'varchar()' has an empty length or precision between the parentheses."],
    ['varchar(1,2)', "The SQL type 'varchar(1,2)' has 2 numbers in parentheses; varchar takes one length."],
    ['nvarchar(30', "The SQL type 'nvarchar(30' is missing a closing ')'."],
    ['[nvarchar', "The SQL type '[nvarchar' has an unclosed '['."],
    ['[nvarchar(30)]', "The SQL type '[nvarchar(30)]' has its length inside the brackets; write it outside, e.g. [nvarchar](30)."],
    ['nvarchar(30) not null', "The SQL type 'nvarchar(30) not null' has unexpected text 'not null' after it."],
    ['int not null', "The SQL type 'int not null' has unexpected text 'not null' after it."],
    ['int(4)', "The SQL type 'int(4)': int takes no length or precision; write just int."],
    ['real(24)', "The SQL type 'real(24)': real takes no length or precision; write just real."],
    ['decimal(10,12)', "The SQL type 'decimal(10,12)': the scale (12) cannot be larger than the precision (10)."],
    ['decimal(39)', "The SQL type 'decimal(39)': the precision of decimal must be 1 to 38."],
    ['decimal(0)', "The SQL type 'decimal(0)': the precision of decimal must be 1 to 38."],
    ['decimal(1,2,3)', "The SQL type 'decimal(1,2,3)' has 3 numbers in parentheses; decimal takes at most 2."],
    ['decimal(max)', "The SQL type 'decimal(max)': decimal cannot be max."],
    ['float(0)', "The SQL type 'float(0)': the precision of float must be 1 to 53."],
    ['float(54)', "The SQL type 'float(54)': the precision of float must be 1 to 53."],
    ['datetime2(8)', "The SQL type 'datetime2(8)': the fractional-second precision of datetime2 must be 0 to 7."],
    ['sysname(10)', "The SQL type 'sysname(10)' takes no length; sysname is always nvarchar(128)."],
    ['42', "'42' is not a SQL type; write one such as int, real or nvarchar(50)."],
    ['[]', "The SQL type '[]' has an empty name."],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => p(text),
      (e: unknown) => e instanceof SqlTypeError && e.message === message,
      `${JSON.stringify(text)} should fail with: ${message}`,
    );
  }
});

test('parse ∘ format is the identity on valid types (property)', () => {
  const lengthType = fc.oneof(
    fc.record({ name: fc.constantFrom('varchar', 'varbinary'), length: fc.oneof(fc.integer({ min: 1, max: 8000 }), fc.constant('max' as const)) }),
    fc.record({ name: fc.constant('nvarchar'), length: fc.oneof(fc.integer({ min: 1, max: 4000 }), fc.constant('max' as const)) }),
    fc.record({ name: fc.constant('char'), length: fc.integer({ min: 1, max: 8000 }) }),
    fc.record({ name: fc.constant('nchar'), length: fc.integer({ min: 1, max: 4000 }) }),
  );
  const decimal = fc
    .integer({ min: 1, max: 38 })
    .chain((precision) =>
      fc.record({ name: fc.constantFrom('decimal', 'numeric'), precision: fc.constant(precision), scale: fc.integer({ min: 0, max: precision }) }),
    );
  const plain = fc.record({ name: fc.constantFrom('int', 'bigint', 'smallint', 'tinyint', 'bit', 'real', 'float', 'date', 'uniqueidentifier') });
  const time = fc.record({ name: fc.constantFrom('time', 'datetime2', 'datetimeoffset'), scale: fc.integer({ min: 0, max: 7 }) });
  fc.assert(
    fc.property(fc.oneof(lengthType, decimal, plain, time), (generated: SqlType) => {
      const t = { ...generated }; // fast-check records have a null prototype
      assert.deepEqual(p(formatSqlType(t)), t);
      assert.deepEqual(p(displaySqlType(t)), t);
      assert.deepEqual(p(formatSqlType(t).toUpperCase()), t);
    }),
  );
});

test('parseSqlType never throws anything but SqlTypeError (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (s) => {
      try {
        const t = p(s);
        // Whatever parsed must print and parse back to itself.
        assert.deepEqual(p(formatSqlType(t)), t);
      } catch (e) {
        assert.ok(e instanceof SqlTypeError, `unexpected ${String(e)} for ${JSON.stringify(s)}`);
        assert.ok((e as Error).message.length > 0);
      }
    }),
  );
});

test('reads catalog metadata (sys.columns lengths are bytes; -1 is max)', () => {
  assert.deepEqual(sqlTypeFromCatalog({ typeName: 'nvarchar', maxLength: 60, precision: 0, scale: 0 }), { name: 'nvarchar', length: 30 });
  assert.deepEqual(sqlTypeFromCatalog({ typeName: 'varchar', maxLength: 60, precision: 0, scale: 0 }), { name: 'varchar', length: 60 });
  assert.deepEqual(sqlTypeFromCatalog({ typeName: 'varbinary', maxLength: -1, precision: 0, scale: 0 }), { name: 'varbinary', length: 'max' });
  assert.deepEqual(sqlTypeFromCatalog({ typeName: 'decimal', maxLength: 9, precision: 18, scale: 4 }), { name: 'decimal', precision: 18, scale: 4 });
  assert.deepEqual(sqlTypeFromCatalog({ typeName: 'datetime2', maxLength: 8, precision: 27, scale: 7 }), { name: 'datetime2', scale: 7 });
  assert.deepEqual(sqlTypeFromCatalog({ typeName: 'float', maxLength: 8, precision: 53, scale: 0 }), { name: 'float' });
  assert.deepEqual(sqlTypeFromCatalog({ typeName: 'sysname', maxLength: 256, precision: 0, scale: 0 }), { name: 'nvarchar', length: 128 });
  assert.throws(() => sqlTypeFromCatalog({ typeName: 'geography', maxLength: -1, precision: 0, scale: 0 }), {
    name: 'SqlTypeError',
    message: "The column type 'geography' is not a type this tool knows.",
  });
});

test('one writer of type text: brackets, catalog rows and declarations as written', () => {
  assert.equal(displaySqlType({ name: 'nvarchar', length: 30 }, { brackets: true }), '[nvarchar](30)');
  assert.equal(displaySqlType({ name: 'time' }), 'time(7)');
  assert.throws(() => displaySqlType({ name: 'geography' }), { name: 'SqlTypeError', message: "Unknown SQL type 'geography'." });
  // A server's row: an unknown type by its name; no length on types that take none (text reports 2147483647).
  assert.equal(displaySqlType({ name: 'geography', length: 'max' }, { mode: 'catalog' }), 'geography');
  assert.equal(displaySqlType({ name: 'text', length: 2147483647 }, { mode: 'catalog' }), 'text');
  assert.equal(displaySqlType({ name: 'xml', length: 'max' }, { mode: 'catalog' }), 'xml');
  assert.equal(displaySqlType({ name: 'datetimeoffset' }, { mode: 'catalog' }), 'datetimeoffset(7)');
  // A declaration as written: what it was given, decimal's defaults, any name.
  assert.equal(displaySqlType({ name: 'time' }, { mode: 'declared' }), 'time');
  assert.equal(displaySqlType({ name: 'time', scale: 3 }, { mode: 'declared' }), 'time(3)');
  assert.equal(displaySqlType({ name: 'numeric' }, { mode: 'declared' }), 'numeric(18,0)');
  assert.equal(displaySqlType({ name: 'sysname' }, { mode: 'declared' }), 'sysname');
  assert.equal(displaySqlType({ name: 'int', length: 5 }, { mode: 'declared' }), 'int(5)');
  assert.equal(displaySqlType({ name: 'varbinary', length: 'max' }, { mode: 'declared', brackets: true }), '[varbinary](max)');
});

test('PREDICT input types per target', () => {
  assert.deepEqual([...predictInputTypes('synapse-dedicated')], ['int', 'bigint', 'real', 'float', 'char', 'varchar', 'nvarchar']);
  assert.deepEqual([...predictInputTypes('sql-edge')], ['int', 'bigint', 'real', 'float']);
  assert.equal(isPredictInputType(p('nvarchar(30)'), 'synapse-dedicated'), true);
  assert.equal(isPredictInputType(p('nvarchar(30)'), 'sql-mi'), true);
  assert.equal(isPredictInputType(p('nvarchar(30)'), 'sql-edge'), false);
  assert.equal(isPredictInputType(p('smallint'), 'synapse-dedicated'), false);
  assert.equal(isPredictInputType(p('decimal(18,2)'), 'sql-mi'), false);
  assert.equal(isPredictInputType(p('real'), 'sql-edge'), true);
});

test('castNeeded: same base type and length means no cast; lengths are kept', () => {
  assert.equal(castNeeded(p('float'), p('float(53)')), false);
  assert.equal(castNeeded(p('int'), p('int')), false);
  assert.equal(castNeeded(p('varchar(30)'), p('varchar')), false, 'a bare string input type keeps the source length');
  assert.equal(castNeeded(p('datetime2'), p('datetime2(7)')), false);
  assert.equal(castNeeded(p('float'), p('real')), true);
  assert.equal(castNeeded(p('int'), p('bigint')), true);
  assert.equal(castNeeded(p('nvarchar(30)'), p('varchar')), true);
  assert.equal(castNeeded(p('varchar(20)'), p('varchar(30)')), true);
  // The wizard's bare [varchar] would truncate; the cast keeps the length.
  assert.equal(formatSqlType(castTarget(p('nvarchar(30)'), p('varchar'))), '[varchar](30)');
  assert.equal(formatSqlType(castTarget(p('nvarchar(max)'), p('varchar'))), '[varchar](max)');
  assert.equal(formatSqlType(castTarget(p('varchar(6000)'), p('nvarchar'))), '[nvarchar](max)');
  assert.equal(formatSqlType(castTarget(p('int'), p('nvarchar'))), '[nvarchar](11)');
  assert.equal(formatSqlType(castTarget(p('bigint'), p('varchar'))), '[varchar](20)');
  assert.equal(formatSqlType(castTarget(p('ntext'), p('nchar'))), '[nchar](4000)');
  assert.ok(sameSqlType(castTarget(p('int'), p('real')), p('real')));
});

test('castLoss explains lossy casts in words and is silent for safe ones', () => {
  const loss = (a: string, b: string) => castLoss(p(a), p(b));
  assert.equal(
    loss('float', 'real'),
    'Converting float to real: real keeps about 7 significant digits, so float values are rounded (0.123456789 becomes 0.1234568); values beyond ±3.4E+38 make the query fail with an arithmetic overflow error.',
  );
  assert.equal(
    loss('bigint', 'int'),
    'Converting bigint to int: values outside -2,147,483,648 to 2,147,483,647 do not fit in int; the query fails with an arithmetic overflow error.',
  );
  assert.equal(
    loss('nvarchar(30)', 'varchar'),
    "Converting nvarchar(30) to varchar(30): characters outside the database's code page (for example Chinese text, emoji or many accented letters) become '?' in varchar.",
  );
  assert.equal(
    loss('varchar(100)', 'varchar(30)'),
    'Converting varchar(100) to varchar(30): text longer than 30 characters is cut to 30 (the column holds up to 100).',
  );
  assert.equal(
    loss('decimal(18,4)', 'int'),
    'Converting decimal(18,4) to int: the fractional part is cut off (2.7 becomes 2); values outside -2,147,483,648 to 2,147,483,647 make the query fail with an arithmetic overflow error.',
  );
  assert.match(loss('nvarchar(50)', 'int')!, /text that is not a valid int value makes the query fail/);
  assert.match(loss('int', 'real')!, /larger than 16,777,216 are rounded/);
  assert.match(loss('int', 'smallint')!, /-32,768 to 32,767/);
  assert.match(loss('int', 'bit')!, /every non-zero value becomes 1/);
  assert.match(loss('decimal(18,4)', 'decimal(10,2)')!, /rounded to 2 decimal places; values with more than 8 digits/);
  for (const [a, b] of [
    ['int', 'bigint'],
    ['int', 'float'],
    ['smallint', 'int'],
    ['real', 'float'],
    ['float', 'float'],
    ['varchar(30)', 'nvarchar(30)'],
    ['varchar(30)', 'varchar(100)'],
    ['varchar(30)', 'varchar'],
    ['decimal(10,2)', 'decimal(18,4)'],
    ['int', 'nvarchar'],
    ['tinyint', 'int'],
  ] as const) {
    assert.equal(loss(a, b), undefined, `${a} → ${b} loses nothing`);
  }
});

test('castLoss is undefined exactly when casting to a wider integer (property over integer types)', () => {
  const order = ['tinyint', 'smallint', 'int', 'bigint'];
  fc.assert(
    fc.property(fc.constantFrom(...order), fc.constantFrom(...order), (a, b) => {
      const widening = order.indexOf(a) <= order.indexOf(b);
      assert.equal(castLoss(p(a), p(b)) === undefined, widening);
    }),
  );
});

test('castLossReasons are castLoss without its opening and full stop; empty for a lossless cast', () => {
  for (const [a, b] of [
    ['float', 'real'],
    ['bigint', 'int'],
    ['decimal(18,4)', 'int'],
    ['varchar(100)', 'varchar(30)'],
  ] as const) {
    const reasons = castLossReasons(p(a), p(b));
    assert.ok(reasons.length > 0);
    assert.ok(
      reasons.every((r) => !r.endsWith('.')),
      reasons.join(' | '),
    );
    assert.equal(castLoss(p(a), p(b)), `Converting ${a} to ${b === 'varchar(30)' ? 'varchar(30)' : b}: ${reasons.join('; ')}.`);
  }
  assert.deepEqual(castLossReasons(p('int'), p('bigint')), []);
});
