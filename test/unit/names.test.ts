import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  quoteName,
  quoteObjectName,
  quoteString,
  quoteVarcharString,
  parseStringLiteral,
  parseMultipartName,
  parseObjectName,
  identifierProblem,
  sameName,
  MAX_IDENTIFIER_LENGTH,
  SqlNameError,
} from '../../src/sql/names.js';

const nameError = (message: string) => (e: unknown) => e instanceof SqlNameError && e.message === message;

test('quoteName doubles closing brackets', () => {
  assert.equal(quoteName('a]b'), '[a]]b]');
  assert.equal(quoteName(']'), '[]]]');
  assert.equal(quoteName('[x]'), '[[x]]]');
});

test('quoteString doubles single quotes', () => {
  assert.equal(quoteString("O'Brien"), "N'O''Brien'");
  assert.equal(quoteString(''), "N''");
  assert.equal(quoteVarcharString("it's"), "'it''s'");
});

test('parseMultipartName reads bracketed and quoted parts', () => {
  assert.deepEqual(parseMultipartName('[a.b].[c]'), ['a.b', 'c']);
  assert.deepEqual(parseMultipartName('"x"."y"'), ['x', 'y']);
  assert.deepEqual(parseMultipartName('wwi_ml.CustomerTest'), ['wwi_ml', 'CustomerTest']);
  assert.deepEqual(parseMultipartName(' wwi_ml . [Customer Test] '), ['wwi_ml', 'Customer Test']);
  assert.deepEqual(parseMultipartName('db..t'), ['db', '', 't']);
});

test('an empty name is refused with a message', () => {
  assert.throws(() => quoteName(''), nameError('A name cannot be empty.'));
  assert.throws(() => parseMultipartName(''), nameError('A name cannot be empty.'));
  assert.throws(() => parseMultipartName('[]'), nameError('A name cannot be empty.'));
  assert.throws(() => parseMultipartName('   '), nameError('A name cannot be empty.'));
});

test('malformed multipart names are refused with a message saying what to do', () => {
  assert.throws(() => parseMultipartName('dbo.'), nameError("The name 'dbo.' ends with a dot."));
  assert.throws(() => parseMultipartName('[dbo'), nameError("The name '[dbo' has an unclosed '['."));
  assert.throws(() => parseMultipartName('a.b.c.d'), nameError("The name 'a.b.c.d' has more than 3 parts."));
  assert.throws(() => parseMultipartName('.t'), nameError("The name '.t' has an empty part; write a name between the dots."));
  assert.throws(() => parseMultipartName('a..b', 2), nameError("The name 'a..b' has an empty part; write a name between the dots."));
  assert.throws(() => parseMultipartName('my table'), nameError("Unexpected 't' in the name 'my table'."));
  assert.throws(() => parseMultipartName('a-b'), nameError("'a-b' is not a valid unquoted name; put it in [brackets] if it has spaces or symbols."));
  assert.throws(() => parseMultipartName('a]b'), nameError("The name 'a]b' has a ']' inside an unquoted part; put the part in [brackets]."));
});

test('the length limit counts UTF-16 code units, as sysname (nvarchar(128)) does', () => {
  const a128 = 'a'.repeat(128);
  const a129 = 'a'.repeat(129);
  assert.equal(quoteName(a128), `[${a128}]`);
  assert.deepEqual(parseMultipartName(`[${a128}]`), [a128]);
  const tooLong = `The name '${'a'.repeat(37)}...' is 129 characters long; SQL names are at most 128. Choose a shorter name.`;
  assert.throws(() => quoteName(a129), nameError(tooLong));
  assert.throws(() => parseMultipartName(`[${a129}]`), nameError(tooLong));
  assert.throws(() => parseMultipartName(a129), nameError(tooLong));
  // 64 emoji are 128 UTF-16 code units: allowed. 65 are 130: refused, with a note on why.
  const e64 = '😀'.repeat(64);
  assert.equal(quoteName(e64), `[${e64}]`);
  assert.throws(
    () => quoteName('😀'.repeat(65)),
    (e: unknown) =>
      e instanceof SqlNameError &&
      /is 130 characters long; SQL names are at most 128 \(emoji and other characters outside the Basic Multilingual Plane count as two\)\. Choose a shorter name\.$/.test(
        e.message,
      ),
  );
  assert.equal(MAX_IDENTIFIER_LENGTH, 128);
});

test('NUL and unpaired surrogates are refused', () => {
  assert.throws(() => quoteName('a\u0000b'), nameError("The name 'a\u0000b' contains a NUL character; remove it."));
  assert.throws(() => quoteName('a\ud800b'), nameError("The name 'a\ud800b' contains a broken Unicode character (an unpaired surrogate); retype the name."));
});

/** Names a hostile user could give: brackets, quotes, comment starters, separators, newlines, astral characters. */
const hostileChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(']', '[', "'", '"', '-', '/', '*', ';', '.', ' ', '\n', '\r', '\t', 'GO', '😀', 'é', '中', '\u200b', '\u00a0') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 3 }) },
);
const hostileName = fc
  .array(hostileChar, { minLength: 1, maxLength: 40 })
  .map((xs) => xs.join(''))
  .filter((s) => identifierProblem(s) === undefined);

test('quoteName output round-trips through parseMultipartName for hostile names (property)', () => {
  fc.assert(
    fc.property(hostileName, (name) => {
      assert.deepEqual(parseMultipartName(quoteName(name)), [name]);
    }),
    { numRuns: 500 },
  );
  for (const name of [']', "'", '--', ';', '/*', '*/', '\n', 'a]]b', '[', 'x]; DROP TABLE t; --', '😀', ' lead', 'trail ', '.']) {
    assert.deepEqual(parseMultipartName(quoteName(name)), [name], JSON.stringify(name));
  }
});

test('quoteObjectName round-trips through parseObjectName for hostile names (property)', () => {
  fc.assert(
    fc.property(fc.option(hostileName, { nil: undefined }), fc.option(hostileName, { nil: undefined }), hostileName, (database, schema, name) => {
      const obj = { ...(database !== undefined ? { database } : {}), ...(schema !== undefined ? { schema } : {}), name };
      assert.deepEqual(parseObjectName(quoteObjectName(obj)), obj);
    }),
    { numRuns: 300 },
  );
  assert.equal(quoteObjectName({ database: 'db', name: 't' }), '[db]..[t]');
});

test('the quoted name is one token: nothing after the closing bracket (property)', () => {
  fc.assert(
    fc.property(hostileName, (name) => {
      const q = quoteName(name);
      // Every ']' inside is doubled, so the first unpaired ']' is the last character.
      const inner = q.slice(1, -1);
      assert.equal(inner.replace(/]]/g, '').includes(']'), false);
      assert.equal(q.endsWith(']'), true);
    }),
  );
});

test('quoteString round-trips through parseStringLiteral for any text (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      assert.equal(parseStringLiteral(quoteString(text)), text);
      assert.equal(parseStringLiteral(quoteVarcharString(text)), text);
    }),
    { numRuns: 500 },
  );
  for (const text of ["'", "''", "'; DROP TABLE t; --", 'aml-synapse-classifier:1', "x'\n/*"]) {
    assert.equal(parseStringLiteral(quoteString(text)), text);
  }
  assert.throws(() => parseStringLiteral("N'a'b'"), nameError("N'a'b' is not a SQL string literal such as N'text'."));
});

test('sameName compares case-insensitively but accent-sensitively, like the default collation', () => {
  assert.equal(sameName('CustomerKey', 'customerkey'), true);
  assert.equal(sameName('Cost', 'Côst'), false);
});
