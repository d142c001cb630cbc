import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSqlType } from '../../../src/sql/types.js';
import { sqlTypeForMlflow, sqlTypeForOnnx } from '../../../src/models/sql-types.js';

test('ONNX element types map to SQL types', () => {
  const f = (t: string | number) => {
    const s = sqlTypeForOnnx(t);
    return s && formatSqlType(s);
  };
  assert.equal(f('float'), '[real]');
  assert.equal(f(1), '[real]');
  assert.equal(f('tensor(float)'), '[real]');
  assert.equal(f('FLOAT'), '[real]');
  assert.equal(f('double'), '[float]');
  assert.equal(f(11), '[float]');
  assert.equal(f('int64'), '[bigint]');
  assert.equal(f(7), '[bigint]');
  assert.equal(f('int32'), '[int]');
  assert.equal(f('int16'), '[smallint]');
  assert.equal(f('uint8'), '[tinyint]');
  assert.equal(f('int8'), '[smallint]');
  assert.equal(f('bool'), '[bit]');
  assert.equal(f('string'), '[nvarchar](4000)');
  assert.equal(f(8), '[nvarchar](4000)');
  assert.equal(f('complex64'), undefined);
  assert.equal(f(99), undefined);
  assert.equal(formatSqlType(sqlTypeForOnnx('string', { stringType: 'varchar', stringLength: 100 })!), '[varchar](100)');
  assert.equal(formatSqlType(sqlTypeForOnnx('string', { stringLength: 'max' })!), '[nvarchar](max)');
  assert.throws(() => sqlTypeForOnnx('string', { stringLength: 5000 }), {
    message: 'The string length 5000 is not valid for nvarchar; use 1 to 4000, or max.',
  });
});

test('MLflow signature types map as the Synapse wizard does (float → real, long → bigint)', () => {
  const f = (t: string) => {
    const s = sqlTypeForMlflow(t);
    return s && formatSqlType(s);
  };
  assert.equal(f('float'), '[real]');
  assert.equal(f('long'), '[bigint]');
  assert.equal(f('integer'), '[int]');
  assert.equal(f('double'), '[float]');
  assert.equal(f('boolean'), '[bit]');
  assert.equal(f('string'), '[nvarchar](4000)');
  assert.equal(f('datetime'), '[datetime2](7)');
  assert.equal(f('binary'), '[varbinary](max)');
  assert.equal(f('float32'), '[real]');
  assert.equal(f('float64'), '[float]');
  assert.equal(f('int64'), '[bigint]');
  assert.equal(f('tensor'), undefined);
});
