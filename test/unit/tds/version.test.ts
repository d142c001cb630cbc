import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiateVersion, TdsVersionNumber } from '../../../src/localpool/tds/version.js';

describe('TDS version negotiation', () => {
  it('answers the lower of the client version and 7.4, as a number SQL Server answers with', () => {
    const cases: [number, number][] = [
      [0x74000004, TdsVersionNumber.V7_4],
      [0x75000000, TdsVersionNumber.V7_4],
      [0x730b0003, TdsVersionNumber.V7_3B],
      [0x730a0003, TdsVersionNumber.V7_3A],
      [0x72090002, TdsVersionNumber.V7_2],
      [0x71000000, TdsVersionNumber.V7_1],
      [0x71000001, TdsVersionNumber.V7_1],
      [0x70000000, TdsVersionNumber.V7_0],
    ];
    for (const [client, answer] of cases) assert.equal(negotiateVersion(client)?.number, answer, client.toString(16));
    assert.equal(negotiateVersion(0x06000000), undefined);
  });

  it('turns each version into the formats it has', () => {
    const flags = (n: number) => {
      const v = negotiateVersion(n)!;
      return [v.label, v.allHeaders, v.plp, v.dateTypes, v.nbcRow, v.collations, v.wide];
    };
    assert.deepEqual(flags(TdsVersionNumber.V7_0), ['7.0', false, false, false, false, false, false]);
    assert.deepEqual(flags(TdsVersionNumber.V7_1), ['7.1', false, false, false, false, true, false]);
    assert.deepEqual(flags(TdsVersionNumber.V7_2), ['7.2', true, true, false, false, true, true]);
    assert.deepEqual(flags(TdsVersionNumber.V7_3A), ['7.3', true, true, true, false, true, true]);
    assert.deepEqual(flags(TdsVersionNumber.V7_3B), ['7.3', true, true, true, true, true, true]);
    assert.deepEqual(flags(TdsVersionNumber.V7_4), ['7.4', true, true, true, true, true, true]);
  });
});
