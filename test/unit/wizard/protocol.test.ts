import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../../src/common/errors.js';
import { commandMessage, EditCommand, NextCommand } from '../../../src/wizard/protocol.js';
import { MAX_FIELD_LENGTH, parseWebviewMessage } from '../../../src/wizard/webview-message.js';

describe('wizard protocol: messages from the webview', () => {
  test('accepts every declared command, edit and request', () => {
    for (const method of ['ready', 'rendered', 'next', 'back', 'cancel', 'deploy', 'refresh', 'loadMore']) {
      assert.deepEqual(parseWebviewMessage({ kind: 'command', method }), { kind: 'command', method });
    }
    assert.deepEqual(parseWebviewMessage({ kind: 'request', id: 3, method: 'preview' }), { kind: 'request', id: 3, method: 'preview' });
    assert.deepEqual(parseWebviewMessage({ kind: 'command', method: 'edit', params: { field: 'input', id: 2, inputType: 'real', extra: 'dropped' } }), {
      kind: 'command',
      method: 'edit',
      params: { field: 'input', id: 2, sourceColumn: undefined, modelInput: undefined, inputType: 'real' },
    });
    assert.deepEqual(parseWebviewMessage({ kind: 'command', method: 'edit', params: { field: 'passThrough', value: ['CustomerKey'] } }), {
      kind: 'command',
      method: 'edit',
      params: { field: 'passThrough', value: ['CustomerKey'] },
    });
  });

  test('typed builders produce messages the parser accepts', () => {
    assert.deepEqual(parseWebviewMessage(commandMessage(NextCommand)), { kind: 'command', method: 'next' });
    const m = commandMessage(EditCommand, { field: 'replaceExisting', value: true });
    assert.deepEqual(parseWebviewMessage(m), m);
  });

  test('refuses anything else with a message naming what is wrong', () => {
    const cases: [unknown, string][] = [
      [undefined, 'A message must be an object.'],
      [[1], 'A message must be an object.'],
      [{ kind: 'notification', method: 'state' }, "Unknown message kind 'notification'."],
      [{ kind: 'command', method: 'eval' }, "Unknown command 'eval'."],
      [{ kind: 'request', id: 1.5, method: 'preview' }, "A request needs a non-negative integer 'id'."],
      [{ kind: 'request', id: 1, method: 'deploy' }, "Unknown request 'deploy'."],
      [{ kind: 'command', method: 'edit' }, 'An edit must be an object.'],
      [{ kind: 'command', method: 'edit', params: { field: '__proto__' } }, "Unknown field '__proto__'."],
      [{ kind: 'command', method: 'edit', params: { field: 'scriptName', value: 3 } }, "'value' must be a string."],
      [
        { kind: 'command', method: 'edit', params: { field: 'scriptName', value: 'x'.repeat(MAX_FIELD_LENGTH + 1) } },
        `'value' is longer than ${MAX_FIELD_LENGTH} characters.`,
      ],
      [{ kind: 'command', method: 'edit', params: { field: 'removeInput', id: '1' } }, "'id' must be a non-negative integer."],
      [{ kind: 'command', method: 'edit', params: { field: 'output', id: 1, outputType: 7 } }, "'outputType' must be a string."],
      [{ kind: 'command', method: 'edit', params: { field: 'passThrough', value: [1] } }, "'value' must be a list of column names."],
      [{ kind: 'command', method: 'edit', params: { field: 'modelTableMode', value: 'both' } }, "'value' must be 'existing' or 'new'."],
      [{ kind: 'command', method: 'edit', params: { field: 'replaceExisting', value: 'yes' } }, "'value' must be true or false."],
    ];
    for (const [raw, message] of cases) {
      assert.throws(
        () => parseWebviewMessage(raw),
        (e: unknown) => e instanceof ProtocolError && e.message === message,
        JSON.stringify(raw),
      );
    }
  });
});
