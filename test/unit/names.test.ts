import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quoteName, quoteString, parseMultipartName, SqlNameError } from '../../src/sql/names.js';

test('quoteName doubles closing brackets', () => {
  assert.equal(quoteName('a]b'), '[a]]b]');
});

test('quoteString doubles single quotes', () => {
  assert.equal(quoteString("O'Brien"), "N'O''Brien'");
});

test('parseMultipartName reads bracketed and quoted parts', () => {
  assert.deepEqual(parseMultipartName('[a.b].[c]'), ['a.b', 'c']);
  assert.deepEqual(parseMultipartName('"x"."y"'), ['x', 'y']);
  assert.deepEqual(parseMultipartName('wwi_ml.CustomerTest'), ['wwi_ml', 'CustomerTest']);
});

test('an empty name is refused with a message', () => {
  assert.throws(() => quoteName(''), (e: unknown) => e instanceof SqlNameError && /cannot be empty/.test(e.message));
});
